import * as assert from 'node:assert/strict';
import { LoomTree } from '../../src/core/loom/loomTree';
import { parseTreeFile, serializeTree } from '../../src/core/loom/treeFormat';
import { nodeTokens, packTokens, unpackTokens, type TokenLogprob } from '../../src/core/providers/tokenLogprobs';
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
