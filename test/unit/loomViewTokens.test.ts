import * as assert from 'node:assert/strict';
import { LoomTree } from '../../src/core/loom/loomTree';
import { packTokens, type TokenLogprob } from '../../src/core/providers/tokenLogprobs';
import { shadingLevel } from '../../src/core/probabilities/tokenShading';
import { summarize } from '../../src/loom/loomViewDeltas';
import { PREVIEW_CHARS, SHADE_BANDS } from '../../src/webviews/webviewProtocol';

const token = (text: string, p: number): TokenLogprob => ({ text, logprob: Math.log(p), top: [] });

function treeWith(tokens: TokenLogprob[]) {
  const tree = LoomTree.create('Once');
  const node = tree.addChild(tree.rootId, tokens.map((t) => t.text).join(''), {
    author: 'model',
    generation: { model: 'm', params: {}, stopReason: 'length', usage: { input_tokens: 1, output_tokens: tokens.length }, durationMs: 1, requests: 1, status: 'completed', tokens: packTokens(tokens) },
  });
  return { tree, node };
}

describe('the loom view’s summary of a node’s token probabilities', () => {
  it('names the lowest-probability token and the mean log-probability, and bands the preview’s tokens', () => {
    const tokens = [token(' upon', 0.95), token(' a', 0.6), token(' midnight', 0.03), token(' dreary', 0.3)];
    const { tree, node } = treeWith(tokens);
    const summary = summarize(tree, tree.get(node.id)!);
    assert.deepEqual(summary.tokens, {
      count: 4,
      lowest: ' midnight',
      lowestProbability: Math.exp(Math.log(0.03)),
      meanLogprob: tokens.reduce((sum, t) => sum + t.logprob, 0) / 4,
      preview: [5, shadingLevel(0.95), 2, shadingLevel(0.6), 9, shadingLevel(0.03), 7, shadingLevel(0.3)],
    });
    assert.deepEqual([shadingLevel(1), shadingLevel(0.7), shadingLevel(0.6), shadingLevel(0.3), shadingLevel(0.03), shadingLevel(0)], [1, 1, 2, 3, SHADE_BANDS, SHADE_BANDS]);
  });

  it('bands only the tokens of the preview, cutting the last one where the preview ends', () => {
    const tokens = Array.from({ length: 60 }, () => token(' abc', 0.5));
    const { tree, node } = treeWith(tokens);
    const summary = summarize(tree, tree.get(node.id)!);
    const lengths = summary.tokens!.preview.filter((_, i) => i % 2 === 0);
    assert.equal(lengths.reduce((a, b) => a + b, 0), PREVIEW_CHARS);
    assert.equal(summary.tokens!.count, 60);
  });

  it('has nothing to say of a node without tokens, or whose text no longer matches them', () => {
    const tree = LoomTree.create('Once');
    const user = tree.addChild(tree.rootId, ' upon', { author: 'user' });
    assert.equal(summarize(tree, user).tokens, undefined);
    const { tree: t2, node } = treeWith([token(' upon', 0.5)]);
    t2.appendText(node.id, ' more');
    assert.equal(summarize(t2, t2.get(node.id)!).tokens, undefined);
  });
});
