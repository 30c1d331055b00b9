import * as assert from 'node:assert/strict';
import { LoomTree } from '../../src/core/loom/loomTree';
import { parseTreeFile, serializeTree } from '../../src/core/loom/treeFormat';
import { isPackedShape, nodeTokens, packTokens, unpackTokens, type TokenLogprob } from '../../src/core/providers/tokenLogprobs';
import { seededRandom } from '../server/random';

const SAMPLE: TokenLogprob[] = [
  { text: ' am', logprob: -0.31326183676719666, top: [{ text: ' am', logprob: -0.31326183676719666 }, { text: "'m", logprob: -1.2345678901234567 }] },
  { text: '', logprob: -9999, top: [] },
  { text: '🙂', logprob: Math.fround(-0.5), top: [{ text: '\ud83d', logprob: -3 }, { text: 'x'.repeat(300), logprob: -1e-12 }] },
  { text: ' "quoted"\n\u007f\u0000', logprob: 0, top: [{ text: '', logprob: -Number.MIN_VALUE }] },
];

describe('token probabilities, packed', () => {
  it('unpack(pack(tokens)) is exactly the tokens: texts, full-precision logprobs, alternatives in order', () => {
    assert.deepEqual(unpackTokens(packTokens(SAMPLE)), SAMPLE);
    assert.deepEqual(unpackTokens(packTokens([])), []);
  });

  it('packs 4 bytes wide only when every value is exactly a float32', () => {
    const narrow = SAMPLE.map((t) => ({ ...t, logprob: Math.fround(t.logprob), top: t.top.map((a) => ({ ...a, logprob: Math.fround(a.logprob) })) }));
    assert.equal(packTokens(narrow)[3], 4);
    assert.equal(packTokens(SAMPLE)[3], 8);
    assert.deepEqual(unpackTokens(packTokens(narrow)), narrow);
  });

  it('round-trips random tokens exactly', () => {
    const random = seededRandom(3);
    for (let run = 0; run < 50; run++) {
      const tokens: TokenLogprob[] = Array.from({ length: Math.floor(random() * 40) }, () => ({
        text: String.fromCharCode(...Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * 0xffff))),
        logprob: Math.log(random()),
        top: Array.from({ length: Math.floor(random() * 6) }, () => ({ text: String.fromCharCode(32 + Math.floor(random() * 90)), logprob: Math.log(random()) })),
      }));
      assert.deepEqual(unpackTokens(JSON.parse(JSON.stringify(packTokens(tokens)))), tokens);
    }
  });

  it('refuses a packing that does not add up', () => {
    const [texts, layout, logprobs, width] = packTokens(SAMPLE);
    assert.equal(unpackTokens([texts + 'x', layout, logprobs, width]), undefined);
    assert.equal(unpackTokens([texts, layout, logprobs.slice(0, 8), width]), undefined);
    assert.equal(unpackTokens([texts, layout, logprobs]), undefined);
    assert.equal(unpackTokens({}), undefined);
    assert.equal(unpackTokens([texts, '%%%', logprobs, width]), undefined);
  });

  it('survives a tree file save and reload exactly, with the endpoint that produced it', () => {
    const tree = LoomTree.create('Once');
    const node = tree.addChild(tree.rootId, SAMPLE.map((t) => t.text).join(''), {
      author: 'model',
      kind: 'generation',
      generation: { model: 'base', params: {}, stopReason: 'length', usage: { input_tokens: 1, output_tokens: 4 }, durationMs: 1, requests: 1, status: 'completed', endpoint: 'local-vllm', endpointKind: 'completions', tokens: packTokens(SAMPLE) },
    });
    const parsed = parseTreeFile(serializeTree(tree, { currentId: node.id, document: 'a.md' }), 'a.md.loom');
    assert.ok(parsed.ok);
    const loaded = parsed.value.tree.get(node.id)!;
    assert.deepEqual(nodeTokens(loaded.generation), SAMPLE);
    assert.equal(loaded.generation?.endpoint, 'local-vllm');
    assert.equal(loaded.generation?.endpointKind, 'completions');
    assert.deepEqual(parsed.value.warnings, []);
  });
});

describe('token probabilities in a tree file, loaded lazily', () => {
  const generation = (tokens: TokenLogprob[], params: Record<string, unknown> = {}) => ({
    model: 'base', params, stopReason: 'length', usage: { input_tokens: 1, output_tokens: 4 }, durationMs: 1, requests: 1, status: 'completed' as const, endpoint: 'local-vllm', endpointKind: 'completions' as const, tokens: packTokens(tokens),
  });
  const treeText = (params: Record<string, unknown> = {}) => {
    const tree = LoomTree.create('Once ,"tokens":["a","b","c",4] "tokens":["');
    let id = tree.rootId;
    for (let i = 0; i < 3; i++) id = tree.addChild(id, SAMPLE.map((t) => t.text).join(''), { author: 'model', kind: 'generation', generation: generation(SAMPLE, params) }).id;
    return { text: serializeTree(tree, { currentId: id, document: 'a.md' }), id };
  };
  const parsedLengths = (fn: () => void): number[] => {
    const original = JSON.parse;
    const lengths: number[] = [];
    JSON.parse = (text: string, reviver?: Parameters<typeof JSON.parse>[1]) => (lengths.push(text.length), original(text, reviver));
    try {
      fn();
    } finally {
      JSON.parse = original;
    }
    return lengths;
  };

  it('parses no packed tokens at load (most of a file with probabilities), reads a node\'s tokens exactly when first asked, and saves the file back unchanged', () => {
    const { text, id } = treeText();
    const tuples = text.match(/\["[^\n]*?",\d\]/g)!.join('').length;
    let parsed: ReturnType<typeof parseTreeFile> | undefined;
    const lengths = parsedLengths(() => (parsed = parseTreeFile(text, 'a.md.loom')));
    assert.ok(parsed?.ok);
    assert.ok(Math.max(...lengths) <= text.length - tuples + 3, `JSON.parse saw ${Math.max(...lengths)} of ${text.length} characters, ${tuples} of them packed tokens`);
    const loaded = parsed.value.tree;
    assert.equal(serializeTree(loaded, { currentId: id, document: 'a.md' }), text);
    assert.deepEqual(nodeTokens(loaded.get(id)!.generation), SAMPLE);
    assert.equal(serializeTree(loaded, { currentId: id, document: 'a.md' }), text);
    assert.equal(loaded.textOf(loaded.rootId), 'Once ,"tokens":["a","b","c",4] "tokens":["');
    assert.deepEqual(parsed.value.warnings, []);
  });

  it('keeps a hand-edited file exact: tokens-like parameters stay parameters, a tokens number is dropped as before, a broken escape costs only that node its tokens', () => {
    const [texts, layout, logprobs, width] = packTokens(SAMPLE);
    const params = { tokens: [texts, layout, logprobs, width] };
    const { text, id } = treeText(params);
    const loaded = parseTreeFile(text, 'a.md.loom');
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.value.tree.get(id)!.generation!.params, params);
    assert.deepEqual(nodeTokens(loaded.value.tree.get(id)!.generation), SAMPLE);

    const lines = treeText().text.split('\n');
    const last = lines.map((l) => l.includes('"tokens":[')).lastIndexOf(true);
    lines[last] = lines[last].replace(/"tokens":\[.*?",\d\]/, '"tokens":0');
    const numbered = parseTreeFile(lines.join('\n'), 'a.md.loom');
    assert.ok(numbered.ok);
    assert.match(numbered.value.warnings.join('\n'), /token probabilities unreadable/);
    const nodes = [...numbered.value.tree.preorder()].filter((n) => n.generation);
    assert.deepEqual(nodes.map((n) => nodeTokens(n.generation) !== undefined), [true, true, false]);

    const whole = treeText().text;
    const firstTuple = whole.indexOf('"tokens":[');
    const broken = whole.slice(0, firstTuple) + whole.slice(firstTuple).replace('\\"quoted\\"', '\\q');
    const brokenTree = parseTreeFile(broken, 'a.md.loom');
    assert.ok(brokenTree.ok);
    const brokenNodes = [...brokenTree.value.tree.preorder()].filter((n) => n.generation);
    assert.equal(nodeTokens(brokenNodes[0].generation), undefined);
    assert.deepEqual(nodeTokens(brokenNodes[1].generation), SAMPLE);
  });

  it('loads the same tree from the file\'s UTF-8 bytes as from its text, non-ASCII and a byte order mark included, tokens exact', () => {
    const { text, id } = treeText();
    const withEmoji = text.replace('"text":"Once', '"text":"Ünce 🙂');
    for (const file of [withEmoji, `\ufeff${withEmoji}`]) {
      const fromText = parseTreeFile(file, 'a.md.loom');
      const fromBytes = parseTreeFile(new Uint8Array(Buffer.from(file, 'utf8')), 'a.md.loom');
      assert.ok(fromText.ok && fromBytes.ok);
      assert.equal(fromBytes.value.tree.textOf(id), fromText.value.tree.textOf(id));
      assert.deepEqual(nodeTokens(fromBytes.value.tree.get(id)!.generation), SAMPLE);
      assert.equal(serializeTree(fromBytes.value.tree, { currentId: id, document: 'a.md' }), withEmoji);
    }
  });
});

describe('token probabilities, a damaged packing (a hand-edited or truncated tree file)', () => {
  const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
  const floats = (...values: number[]) => Buffer.from(new Float32Array(values).buffer).toString('base64');

  it('tells the shape of a packing from anything else', () => {
    assert.equal(isPackedShape(['ab', 'AA==', 'AAAAAA==', 4]), true);
    assert.equal(isPackedShape(['ab', 'AA==', 'AAAAAA==', 8]), true);
    for (const value of [{}, ['ab', 'AA==', 'AAAAAA=='], ['ab', 'AA==', 'AAAAAA==', 4, 0], [1, 'AA==', 'AAAAAA==', 4], ['ab', 1, 'AAAAAA==', 4], ['ab', 'AA==', 1, 4], ['ab', 'AA==', 'AAAAAA==', 2]]) {
      assert.equal(isPackedShape(value), false, JSON.stringify(value));
      assert.equal(unpackTokens(value), undefined, JSON.stringify(value));
    }
  });

  it('reads a well-formed one by hand: per token its alternatives, then the text lengths', () => {
    assert.deepEqual(unpackTokens(['abc', b64([1, 1, 2]), floats(-0.5, -1.5), 4]), [{ text: 'a', logprob: -0.5, top: [{ text: 'bc', logprob: -1.5 }] }]);
    assert.deepEqual(unpackTokens(['', '', '', 8]), []);
  });

  it('refuses one whose parts do not add up, instead of reading shifted values', () => {
    const cases: Array<[string, unknown]> = [
      ['logprobs not base64', ['abc', b64([1, 1, 2]), '%%%', 4]],
      ['logprobs not a whole number of values', ['abc', b64([1, 1, 2]), b64([0, 0, 0]), 4]],
      ['a text longer than the texts', ['abc', b64([1, 1, 3]), floats(-0.5, -1.5), 4]],
      ['a token without its text length', ['a', b64([0]), floats(-0.5), 4]],
      ['an alternative without its text length', ['a', b64([1, 1]), floats(-0.5, -1.5), 4]],
      ['more alternatives than values', ['abc', b64([1, 1, 2]), floats(-0.5), 4]],
      ['a value left over', ['abc', b64([1, 1, 2]), floats(-0.5, -1.5, -2.5), 4]],
      ['a varint cut short', ['a', b64([0, 1, 0x82]), floats(-0.5), 4]],
      ['a varint too long to be a length', ['a', b64([0, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0]), floats(-0.5), 4]],
    ];
    for (const [what, value] of cases) assert.equal(unpackTokens(value), undefined, what);
  });

  it('packs a text of 128 UTF-16 units or more in a two-byte length, and reads it back', () => {
    const tokens: TokenLogprob[] = [{ text: 'x'.repeat(128), logprob: -1, top: [{ text: 'y'.repeat(300), logprob: -2 }] }];
    const packed = packTokens(tokens);
    assert.equal(Buffer.from(packed[1], 'base64').length, 5);
    assert.deepEqual(unpackTokens(packed), tokens);
  });
});
