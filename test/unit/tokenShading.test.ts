import * as assert from 'node:assert/strict';
import { LoomTree } from '../../src/core/loom/loomTree';
import { reconcile } from '../../src/core/loom/treeReconcile';
import { parseTreeFile, serializeTree } from '../../src/core/loom/treeFormat';
import { nodeTokens, packTokens, type TokenLogprob } from '../../src/core/providers/tokenLogprobs';
import {
  branchAtToken,
  cycledChoice,
  followChanges,
  markAt,
  mergeMarks,
  newestLeaf,
  nodeTokenSpans,
  pathTokenMarks,
  shadingLevel,
  tokenChoices,
  tokenHoverMarkdown,
} from '../../src/core/probabilities/tokenShading';
import { visibleToken } from '../../src/core/probabilities/tokenText';
import { ZERO_USAGE } from '../../src/core/shared/tokenUsage';

const tok = (text: string, logprob: number, top: Array<[string, number]> = []): TokenLogprob => ({ text, logprob, top: top.map(([t, l]) => ({ text: t, logprob: l })) });
const TOKENS = [tok(' the', -0.1, [[' the', -0.1], [' a', -2.5]]), tok(' cat', -1.6, [[' dog', -0.9], [' cat', -1.6]]), tok(' sat', -3, [[' ran', -0.5]])];

function treeWithGeneration(tokens: TokenLogprob[] = TOKENS): { tree: LoomTree; nodeId: string } {
  let n = 0;
  const tree = LoomTree.create('Once', { newId: () => `n${n++}`, now: () => 1000 });
  const node = tree.addChild(tree.rootId, tokens.map((t) => t.text).join(''), {
    author: 'model',
    kind: 'generation',
    generation: { model: 'sim', params: { model: 'sim', temperature: 0.7 }, stopReason: 'stop', usage: ZERO_USAGE, durationMs: 1, requests: 1, status: 'completed', endpoint: 'local', endpointKind: 'completions', tokens: packTokens(tokens) },
  });
  return { tree, nodeId: node.id };
}

describe('token shading: which text is which recorded token', () => {
  it('places every token of a generation over its own text, in body offsets on the path', () => {
    const { tree, nodeId } = treeWithGeneration();
    assert.deepEqual(nodeTokenSpans(tree, nodeId).map((s) => [s.start, s.end, s.token.text]), [[0, 4, ' the'], [4, 8, ' cat'], [8, 12, ' sat']]);
    const marks = pathTokenMarks(tree, nodeId);
    assert.deepEqual(marks.map((m) => tree.textOf(nodeId).slice(m.start, m.end)), [' the', ' cat', ' sat']);
    assert.equal(marks[0].start, 'Once'.length);
    assert.equal(marks[0].generation.endpoint, 'local');
  });

  it('leaves user text and model text without probabilities unmarked', () => {
    const tree = LoomTree.create('Once');
    const plain = tree.addChild(tree.rootId, ' upon', { author: 'model', generation: { model: 'm', params: {}, stopReason: null, usage: ZERO_USAGE, durationMs: 0, requests: 1, status: 'completed' } });
    const typed = tree.addChild(plain.id, ' a time', { author: 'user', kind: 'edit' });
    assert.deepEqual(pathTokenMarks(tree, typed.id), []);
  });

  it('keeps the marks of both halves of a split node, and drops only the token a hand edit went into', () => {
    const { tree, nodeId } = treeWithGeneration();
    const text = tree.textOf(nodeId);
    // Typing inside " cat" (after " c") splits the node there; the rest becomes the user's edit node.
    const edited = text.slice(0, 'Once the c'.length) + 'X' + text.slice('Once the c'.length);
    const { currentId } = reconcile(tree, nodeId, edited);
    const marks = pathTokenMarks(tree, currentId);
    assert.deepEqual(marks.map((m) => m.token.text), [' the']);
    // The tail still holds the rest and its tokens.
    assert.deepEqual(nodeTokenSpans(tree, nodeId).map((s) => s.token.text), [' sat']);
  });

  it('survives saving and loading the tree file', () => {
    const { tree, nodeId } = treeWithGeneration();
    tree.splitNode(nodeId, 4);
    const parsed = parseTreeFile(serializeTree(tree, { currentId: nodeId, document: 'doc.txt' }), 'doc.loom.json');
    assert.ok(parsed.ok);
    if (!parsed.ok) return;
    assert.deepEqual(pathTokenMarks(parsed.value.tree, nodeId).map((m) => [m.start, m.token]), pathTokenMarks(tree, nodeId).map((m) => [m.start, m.token]));
  });

  it('shows nothing when a node text is not the recorded generation (a damaged or foreign file)', () => {
    const { tree, nodeId } = treeWithGeneration([tok('abc', -1)]);
    tree.appendText(nodeId, 'zz');
    assert.deepEqual(nodeTokenSpans(tree, nodeId), []);
  });
});

describe('token shading: levels, choices, hover', () => {
  it('maps probability to four levels, strongest for the least likely', () => {
    assert.deepEqual([0.05, 0.1, 0.2, 0.5, 0.69, 0.7, 1].map(shadingLevel), [4, 3, 3, 2, 2, 1, 1]);
  });

  it('lists the written token and its alternatives once each, most likely first', () => {
    assert.deepEqual(tokenChoices(TOKENS[1]).map((c) => [c.text, c.chosen]), [[' dog', false], [' cat', true]]);
    assert.deepEqual(tokenChoices(TOKENS[2]).map((c) => c.text), [' ran', ' sat']);
    assert.equal(tokenChoices(TOKENS[0])[0].probability, Math.exp(-0.1));
  });

  it('cycles from the written token to the next choice and back', () => {
    const three = tok('b', -1, [['a', -0.5], ['b', -1], ['c', -2]]);
    assert.equal(cycledChoice(three, 1)?.text, 'c');
    assert.equal(cycledChoice(three, -1)?.text, 'a');
    assert.equal(cycledChoice(tok('x', 0), 1), undefined);
  });

  it('writes the hover as a table whose token texts are escaped and whitespace shown', () => {
    const token = tok(' *x*\n', -0.25, [['|a|', -1.5]]);
    const md = tokenHoverMarkdown(token, (c) => `command:branch?${encodeURIComponent(c.text)}`);
    assert.match(md, /\*\*·\\\*x\\\*⏎\*\* — probability 77\.9 %, log-probability -0\.250/);
    assert.match(md, /\| \[\\\|a\\\|\]\(command:branch\?%7Ca%7C\) \| 22\.3 % \| -1\.500 \|/);
    assert.match(md, /\| \*\*·\\\*x\\\*⏎\*\* \(written\) \|/);
    assert.match(md, /_Shading: /);
    assert.equal(visibleToken('\t a\r\n'), '→·a⏎');
  });
});

describe('token shading: following edits', () => {
  const span = (start: number, end: number) => ({ start, end, token: TOKENS[0] });
  it('finds the token under an offset, or the one just before it', () => {
    const marks = [span(0, 4), span(4, 8), span(10, 12)];
    assert.deepEqual([0, 3, 4, 8, 9, 10, 12, 13].map((o) => markAt(marks, o)?.start), [0, 0, 4, 4, undefined, 10, 10, undefined]);
  });

  it('drops a mark an edit goes inside, moves the ones after, keeps the ones before', () => {
    const marks = [span(0, 4), span(4, 8), span(8, 12)];
    assert.deepEqual(followChanges(marks, [{ offset: 6, removed: 0, inserted: 3 }]).map((m) => [m.start, m.end]), [[0, 4], [11, 15]]);
    assert.deepEqual(followChanges(marks, [{ offset: 4, removed: 0, inserted: 1 }]).map((m) => [m.start, m.end]), [[0, 4], [5, 9], [9, 13]]);
    assert.deepEqual(followChanges(marks, [{ offset: 3, removed: 2, inserted: 0 }]).map((m) => [m.start, m.end]), [[6, 10]]);
  });

  it('merges the tree marks with followed marks that overlap none of them', () => {
    const merged = mergeMarks([span(0, 4), span(8, 10)], [span(2, 6), span(6, 8), span(9, 11), span(12, 14)]);
    assert.deepEqual(merged.map((m) => [m.start, m.end]), [[0, 4], [6, 8], [8, 10], [12, 14]]);
  });
});

describe('token shading: branching from an alternative', () => {
  it('splits before the token and hangs a node with exactly the alternative, recorded with its numbers', () => {
    const { tree, nodeId } = treeWithGeneration();
    const cat = pathTokenMarks(tree, nodeId)[1];
    const branch = branchAtToken(tree, nodeId, cat, { text: ' dog', logprob: -0.9 });
    assert.equal(branch.created, true);
    const node = tree.get(branch.nodeId)!;
    assert.equal(node.text, ' dog');
    assert.equal(tree.textOf(branch.nodeId), 'Once the dog');
    assert.equal(node.author, 'model');
    assert.equal(node.generation?.endpoint, 'local');
    assert.deepEqual(node.generation?.params, { model: 'sim', temperature: 0.7 });
    const [recorded] = nodeTokens(node.generation)!;
    assert.deepEqual([recorded.text, recorded.logprob, recorded.top.map((t) => t.text)], [' dog', -0.9, [' dog', ' cat']]);
    // The written text keeps its marks on both sides of the split.
    assert.deepEqual(pathTokenMarks(tree, nodeId).map((m) => m.token.text), [' the', ' cat', ' sat']);
    assert.deepEqual(pathTokenMarks(tree, branch.nodeId).map((m) => m.token.text), [' the', ' dog']);
  });

  it('reuses a branch made before, and the written token’s own tail', () => {
    const { tree, nodeId } = treeWithGeneration();
    const cat = pathTokenMarks(tree, nodeId)[1];
    const first = branchAtToken(tree, nodeId, cat, { text: ' dog', logprob: -0.9 });
    const again = branchAtToken(tree, nodeId, cat, { text: ' dog', logprob: -0.9 });
    assert.deepEqual(again, { nodeId: first.nodeId, created: false });
    const dogMark = pathTokenMarks(tree, first.nodeId)[1];
    assert.deepEqual(branchAtToken(tree, first.nodeId, dogMark, { text: ' cat', logprob: -1.6 }), { nodeId, created: false });
    const child = tree.addChild(first.nodeId, ' barked', { author: 'user' });
    assert.equal(newestLeaf(tree, first.nodeId), child.id);
  });
});
