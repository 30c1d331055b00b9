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

  it('packs a long generation exactly, and a short one after it (the buffers packing reuses keep nothing of the last)', () => {
    const long: TokenLogprob[] = Array.from({ length: 3000 }, (_, i) => ({ text: ` w${i}`, logprob: -i / 7, top: Array.from({ length: 5 }, (_, k) => ({ text: `${k}`.repeat(k), logprob: -k / 3 })) }));
    assert.deepEqual(unpackTokens(packTokens(long)), long);
    assert.deepEqual(unpackTokens(packTokens(SAMPLE)), SAMPLE);
    assert.deepEqual(packTokens([{ text: 'ab', logprob: -0.5, top: [{ text: 'c', logprob: -1 }] }]), ['abc', 'AQIB', 'AAAAvwAAgL8=', 4]);
  });

  it('writes the same packing whatever was packed before: a last base64 group of one byte reads nothing after it', () => {
    // The value after -0.5 leaves a non-zero byte in the buffer just past the next packing's 4 value bytes.
    packTokens([{ text: 'a', logprob: -0.5, top: [{ text: 'b', logprob: Math.fround(-0.1) }] }]);
    assert.deepEqual(packTokens([{ text: 'a', logprob: -0.5, top: [] }]), ['a', 'AAE=', 'AAAAvw==', 4]);
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

describe('token probabilities in a tree file: the fast load reads what the file says, and sets aside every tuple it can', () => {
  // Token texts with backslashes and quotes at their ends, where the scan must tell an escaped quote from a closing one.
  const TRICKY: TokenLogprob[] = [
    { text: 'a\\', logprob: -1, top: [{ text: '\\\\', logprob: -2 }] },
    { text: '"', logprob: -0.5, top: [{ text: '\\"', logprob: -3 }] },
  ];
  // Every text ends in a backslash, so the packed texts end in an escaped one just before their closing quote.
  const ENDS_IN_BACKSLASH: TokenLogprob[] = [{ text: '\\', logprob: -1, top: [{ text: 'x\\', logprob: -2 }] }];
  const KEY = '"tokens":["';
  /** Each node line with its generation's `tokens` moved first (an editor that sorts keys would do it). */
  const tokensFirst = (t: string) =>
    t
      .split('\n')
      .map((line) => {
        const m = /^(\s*)(\{"id".*\})(,?)$/.exec(line);
        if (!m) return line;
        const node = JSON.parse(m[2]);
        if (node.generation?.tokens) node.generation = { tokens: node.generation.tokens, ...node.generation };
        return m[1] + JSON.stringify(node) + m[3];
      })
      .join('\n');

  function file(): string {
    const tree = LoomTree.create('Once');
    let id = tree.rootId;
    for (const tokens of [TRICKY, SAMPLE, ENDS_IN_BACKSLASH]) {
      const generation = { model: 'base', params: {}, stopReason: 'length', usage: { input_tokens: 1, output_tokens: 2 }, durationMs: 1, requests: 1, status: 'completed' as const, tokens: packTokens(tokens) };
      id = tree.addChild(id, tokens.map((t) => t.text).join(''), { author: 'model', generation }).id;
    }
    return serializeTree(tree, { currentId: id, document: 'a.md' });
  }

  /** Each node's tokens as a plain JSON.parse of the file reads them (a malformed packing is none). */
  function inFile(text: string): Record<string, unknown> {
    const nodes = (JSON.parse(text.replace(/^\ufeff/, '')) as { nodes: { id: string; generation?: { tokens?: unknown } }[] }).nodes;
    return Object.fromEntries(nodes.map((n) => [n.id, isPackedShape(n.generation?.tokens) ? n.generation?.tokens : undefined]));
  }

  /** Loads `text` (as text or as its bytes): each node's tokens, and how many tuples the parse of the whole file still saw. */
  function load(text: string, asBytes: boolean): { tokens: Record<string, unknown>; tuplesParsed: number } {
    const original = JSON.parse;
    const parsed: string[] = [];
    JSON.parse = (t: string, reviver?: Parameters<typeof JSON.parse>[1]) => (parsed.push(t), original(t, reviver));
    let result: ReturnType<typeof parseTreeFile>;
    try {
      result = parseTreeFile(asBytes ? new Uint8Array(Buffer.from(text, 'utf8')) : text, 'a.md.loom.json');
    } finally {
      JSON.parse = original;
    }
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    const whole = parsed.reduce((a, b) => (b.length > a.length ? b : a), '');
    const tokens = Object.fromEntries([...result.value.tree.preorder()].map((n) => [n.id, (n.generation as { tokens?: unknown } | undefined)?.tokens]));
    return { tokens, tuplesParsed: whole.split(KEY).length - 1 };
  }

  const at = (text: string, n: number) => text.split(KEY).slice(0, n + 1).join(KEY).length;
  const variants: [string, (text: string) => string, number][] = [
    ['as written', (t) => t, 0],
    ['with a byte order mark', (t) => `\ufeff${t}`, 0],
    ['on one line (minified by hand)', (t) => JSON.stringify(JSON.parse(t)), 0],
    ["a space before one tokens key", (t) => `${t.slice(0, at(t, 0))} ${t.slice(at(t, 0))}`, 1],
    ['one packing of width 9 (not a packing)', (t) => t.replace(/",4\]/, '",9]'), 1],
    ['one packing not closed where it should be', (t) => t.replace(/",4\]/, '",4 ]'), 1],
    ['tokens first in each generation', tokensFirst, 0],
  ];
  for (const [name, edit, inline] of variants) {
    for (const asBytes of [false, true]) {
      it(`${name}, from ${asBytes ? 'bytes' : 'text'}`, () => {
        const text = edit(file());
        const loaded = load(text, asBytes);
        assert.deepEqual(loaded.tokens, inFile(text));
        assert.equal(loaded.tuplesParsed, inline, 'tuples the whole-file parse saw');
      });
    }
  }

  it('parses a node\'s tokens once, however often they are asked for; a tuple that is no packing reads as no tokens at all', () => {
    const whole = file();
    const text = whole.replace('"tokens":["', '"tokens":["\\q');
    const result = parseTreeFile(text, 'a.md.loom.json');
    assert.ok(result.ok);
    const generations = [...result.value.tree.preorder()].filter((n) => n.generation);
    const [broken, second] = generations.map((n) => n.generation as { tokens?: unknown });
    const expected = inFile(whole)[generations[1].id];
    const original = JSON.parse;
    let parses = 0;
    JSON.parse = (t: string, reviver?: Parameters<typeof JSON.parse>[1]) => (parses++, original(t, reviver));
    try {
      assert.equal(broken.tokens, undefined);
      assert.deepEqual(second.tokens, expected);
      assert.deepEqual(second.tokens, expected);
    } finally {
      JSON.parse = original;
    }
    assert.equal(parses, 2, 'one parse per tuple asked for');
    assert.ok(!('tokens' in broken));
  });

  it('a tokens number written by hand on a node before the tuple\'s own: the file is read whole, so no node takes another\'s tokens (from text or bytes, byte order mark included)', () => {
    // The first generation's tuple becomes `1`, the number the third generation's tuple is set aside as.
    const text = `\ufeff${file().replace(/"tokens":\["[^\n]*?",\d\]/, '"tokens":1')}`;
    for (const asBytes of [false, true]) {
      const loaded = load(text, asBytes);
      assert.deepEqual(loaded.tokens, inFile(text));
      assert.equal(loaded.tuplesParsed, 2);
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
      ['a text past the end, then one that uses the texts up', ['a', b64([0, 2, 0, 1]), floats(-0.5, -1.5), 4]],
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
