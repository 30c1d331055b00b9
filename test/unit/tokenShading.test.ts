import * as assert from 'node:assert/strict';
import { LoomTree } from '../../src/core/loom/loomTree';
import { reconcile } from '../../src/core/loom/treeReconcile';
import { parseTreeFile, serializeTree } from '../../src/core/loom/treeFormat';
import { nodeTokens, packTokens, type TokenLogprob } from '../../src/core/providers/tokenLogprobs';
import {
  branchAtToken,
  cycledChoice,
  followChanges,
  formatProbability,
  markAt,
  marksBetween,
  mergeMarks,
  newestLeaf,
  nodeTokenSpans,
  pathTokenMarks,
  SHADING_LEGEND,
  shadingLevel,
  tokenChoices,
  tokenHoverMarkdown,
} from '../../src/core/probabilities/tokenShading';
import { nodeSpans } from '../../src/core/probabilities/tokenPlacement';
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
    assert.deepEqual(nodeTokenSpans(tree, typed.id), []);
    assert.deepEqual(nodeTokenSpans(tree, plain.id), []);
  });

  it('keeps the marks of both halves of a split node, and drops only the token a hand edit went into', () => {
    const { tree, nodeId } = treeWithGeneration();
    const text = tree.textOf(nodeId);
    // Typing inside " cat" (after " c") splits the node there; the rest becomes the user's edit node.
    const edited = text.slice(0, 'Once the c'.length) + 'X' + text.slice('Once the c'.length);
    const { currentId } = reconcile(tree, nodeId, edited);
    const marks = pathTokenMarks(tree, currentId);
    assert.deepEqual(marks.map((m) => [edited.slice(m.start, m.end), m.token.text]), [[' the', ' the'], [' sat', ' sat']]);
    // The tail still holds the rest and its tokens.
    assert.deepEqual(nodeTokenSpans(tree, nodeId).map((s) => s.token.text), [' sat']);
  });

  /** The marks of the path after a hand edit, read back from the saved tree file (as after a reload). */
  function marksAfterReload(tree: LoomTree, currentId: string): Array<[string, string]> {
    const parsed = parseTreeFile(serializeTree(tree, { currentId, document: 'doc.txt' }), 'doc.loom.json');
    assert.ok(parsed.ok);
    if (!parsed.ok) return [];
    const text = parsed.value.tree.textOf(currentId);
    return pathTokenMarks(parsed.value.tree, currentId).map((m) => [text.slice(m.start, m.end), m.token.text]);
  }

  it('keeps the marks of the model tokens a hand edit left intact after a reload, and never marks the typed text', () => {
    const { tree, nodeId } = treeWithGeneration();
    // " big" typed between " the" and " cat": the loom records it and the text after it as the user's edit.
    const edited = 'Once the big cat sat';
    const { currentId } = reconcile(tree, nodeId, edited);
    assert.deepEqual(tree.pathTo(currentId).map((n) => [n.text, n.author]), [['Once', 'user'], [' the', 'model'], [' big', 'user'], [' cat sat', 'model']]);
    assert.deepEqual(marksAfterReload(tree, currentId), [[' the', ' the'], [' cat', ' cat'], [' sat', ' sat']]);
  });

  it('keeps the marks after a deletion inside the model text, and after an edit with more model text below it', () => {
    const { tree, nodeId } = treeWithGeneration();
    assert.deepEqual(marksAfterReload(tree, reconcile(tree, nodeId, 'Once the sat').currentId), [[' the', ' the'], [' sat', ' sat']]);

    // The user wrote on after the first generation, then a second one followed; the edit goes into the first.
    const second = { tree, nodeId: '' };
    const typed = tree.addChild(nodeId, ' and', { author: 'user', kind: 'edit' });
    const more = [tok(' ran', -0.7), tok(' off', -2)];
    second.nodeId = tree.addChild(typed.id, ' ran off', { author: 'model', kind: 'generation', generation: { ...tree.get(nodeId)!.generation!, tokens: packTokens(more) } }).id;
    const edited = 'Once the cXat sat and ran off';
    const { currentId } = reconcile(tree, second.nodeId, edited);
    assert.deepEqual(marksAfterReload(tree, currentId), [[' the', ' the'], [' sat', ' sat'], [' ran', ' ran'], [' off', ' off']]);
  });

  it('marks nothing the user typed, even text equal to a model token', () => {
    const { tree, nodeId } = treeWithGeneration();
    // " sat" typed again after the model's " sat", then a word typed into the model's text.
    let { currentId } = reconcile(tree, nodeId, 'Once the cat sat sat');
    ({ currentId } = reconcile(tree, currentId, 'Once the fat cat sat sat'));
    const text = tree.textOf(currentId);
    const marks = marksAfterReload(tree, currentId);
    assert.deepEqual(marks, [[' the', ' the'], [' cat', ' cat'], [' sat', ' sat']]);
    const typed = tree.pathTo(currentId).filter((n) => n.author === 'user').map((n) => n.text);
    assert.deepEqual(typed, ['Once', ' fat', ' sat']);
    assert.equal(text, 'Once the fat cat sat sat');
  });

  it('places the tokens over a node the editor wrote with CRLF line breaks, as the per-node statistics do', () => {
    const tokens = [tok(' one', -0.1), tok('\n', -1), tok('two', -2.5), tok('\n\n', -0.3), tok(' three', -0.05)];
    const { tree, nodeId } = treeWithGeneration(tokens);
    // What the tree holds in a CRLF document: the editor rewrote every line break the model sent.
    const crlf = tree.addChild(tree.rootId, ' one\r\ntwo\r\n\r\n three', { author: 'model', kind: 'generation', generation: tree.get(nodeId)!.generation! });
    const marks = pathTokenMarks(tree, crlf.id);
    assert.deepEqual(marks.map((m) => [tree.textOf(crlf.id).slice(m.start, m.end), m.token.text]), [[' one', ' one'], ['\r\n', '\n'], ['two', 'two'], ['\r\n\r\n', '\n\n'], [' three', ' three']]);
    assert.deepEqual(nodeTokenSpans(tree, crlf.id), nodeSpans(crlf.generation, crlf.text));
  });

  it('marks the character split over byte tokens (a Chinese character, an emoji) with the token that completes it, as the statistics place it', () => {
    // 我 is e6 88 91 in UTF-8, 😀 is f0 9f 98 80 (a surrogate pair in the editor): each came as two tokens.
    const tokens = [tok(' I', -0.1), tok('bytes:\\xe6\\x88', -0.7), tok('bytes:\\x91', -0.01), tok(' smile', -0.2), tok('bytes:\\xf0\\x9f', -1.2), tok('bytes:\\x98\\x80', -0.02), tok('!', -3)];
    let n = 0;
    const tree = LoomTree.create('Once', { newId: () => `n${n++}`, now: () => 1000 });
    const node = tree.addChild(tree.rootId, ' I我 smile😀!', {
      author: 'model',
      kind: 'generation',
      generation: { model: 'sim', params: {}, stopReason: 'stop', usage: ZERO_USAGE, durationMs: 1, requests: 1, status: 'completed', tokens: packTokens(tokens) },
    });
    const marks = pathTokenMarks(tree, node.id);
    const text = tree.textOf(node.id);
    assert.deepEqual(
      marks.map((m) => [text.slice(m.start, m.end), m.token.text]),
      [[' I', ' I'], ['我', 'bytes:\\x91'], [' smile', ' smile'], ['😀', 'bytes:\\x98\\x80'], ['!', '!']],
    );
    // The statistics count the tokens holding a character's first bytes too (empty spans before it): the same placement.
    assert.deepEqual(nodeTokenSpans(tree, node.id), nodeSpans(node.generation, node.text)?.filter((s) => s.end > s.start));
  });

  it('keeps the marks of a CRLF node with split characters on both sides of a split after the character', () => {
    const tokens = [tok('A\n', -0.1), tok('bytes:\\xe6\\x88', -0.7), tok('bytes:\\x91', -0.01), tok('\nB', -0.2)];
    let n = 0;
    const tree = LoomTree.create('', { newId: () => `n${n++}`, now: () => 1000 });
    const node = tree.addChild(tree.rootId, 'A\r\n我\r\nB', {
      author: 'model',
      kind: 'generation',
      generation: { model: 'sim', params: {}, stopReason: 'stop', usage: ZERO_USAGE, durationMs: 1, requests: 1, status: 'completed', tokens: packTokens(tokens) },
    });
    // A branch point after 我: the head keeps its marks through the split tail.
    const { headId } = tree.splitNode(node.id, 'A\r\n我'.length);
    assert.deepEqual(pathTokenMarks(tree, headId).map((m) => m.token.text), ['A\n', 'bytes:\\x91']);
    assert.deepEqual(pathTokenMarks(tree, node.id).map((m) => m.token.text), ['A\n', 'bytes:\\x91', '\nB']);
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
    assert.deepEqual(tokenChoices(tok(' a', -0.5, [['', -1], [' b', -2]])).map((c) => c.text), [' a', ' b'], 'an empty alternative is no text to branch on');
  });

  it('offers no alternative that is part of a character: alone it is no text to branch on', () => {
    const completing = tok('bytes:\\x91', -0.01, [['bytes:\\x91', -0.01], ['bytes:\\x92', -5], ['!', -6]]);
    assert.deepEqual(tokenChoices(completing).map((c) => [c.text, c.chosen]), [['bytes:\\x91', true], ['!', false]]);
  });

  it('cycles from the written token to the next choice and back', () => {
    const three = tok('b', -1, [['a', -0.5], ['b', -1], ['c', -2]]);
    assert.equal(cycledChoice(three, 1)?.text, 'c');
    assert.equal(cycledChoice(three, -1)?.text, 'a');
    assert.equal(cycledChoice(tok('x', 0), 1), undefined);
    const two = tok('a', -1, [['b', -2]]);
    assert.equal(cycledChoice(two, 1)?.text, 'b');
    assert.equal(cycledChoice(two, -1)?.text, 'b');
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

  it('writes the whole hover: the token line, a blank line, the table with its header, a blank line, the legend', () => {
    const md = tokenHoverMarkdown(tok(' x', -0.25, [[' y', -1.5]]), (c) => `L${c.text.length}`);
    assert.equal(
      md,
      [
        '**·x** — probability 77.9 %, log-probability -0.250',
        '',
        '| Token | Probability | Log-probability |',
        '|---|---:|---:|',
        '| **·x** (written) | 77.9 % | -0.250 |',
        '| [·y](L2) | 22.3 % | -1.500 |',
        '',
        `_${SHADING_LEGEND}_`,
      ].join('\n'),
    );
  });

  it('writes a probability from 0.1 % with one decimal, and a smaller one in scientific notation', () => {
    assert.deepEqual([0.5, 0.001, 0.000234].map(formatProbability), ['50.0 %', '0.1 %', '2.3e-2 %']);
  });
});

describe('token shading: following edits', () => {
  const span = (start: number, end: number) => ({ start, end, token: TOKENS[0] });
  it('finds the token under an offset, or the one just before it', () => {
    const marks = [span(0, 4), span(4, 8), span(10, 12)];
    assert.deepEqual([0, 3, 4, 8, 9, 10, 12, 13].map((o) => markAt(marks, o)?.start), [0, 0, 4, 4, undefined, 10, 10, undefined]);
  });

  it('finds the marks overlapping a stretch of offsets, tokens crossing either end included', () => {
    const marks = [span(0, 4), span(4, 8), span(10, 12), span(12, 20)];
    const between = (start: number, end: number) => marksBetween(marks, start, end).map((m) => m.start);
    assert.deepEqual([between(0, 20), between(3, 11), between(4, 10), between(8, 10), between(13, 14), between(20, 30)], [[0, 4, 10, 12], [0, 4, 10], [4], [], [12], []]);
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
    assert.equal(node.kind, 'generation');
    assert.equal(node.generation?.endpoint, 'local');
    assert.equal(node.generation?.endpointKind, 'completions');
    assert.equal(node.generation?.status, 'completed');
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

  it('makes a new branch beside a typed child (no tokens) and beside a model child whose text starts inside a token', () => {
    const { tree, nodeId } = treeWithGeneration();
    const typed = tree.addChild(tree.rootId, ' upon', { author: 'user' });
    // The tail of " the cat sat" from inside " cat": its first whole token is " sat", at offset 2.
    const tail = tree.addChild(tree.rootId, 'at sat', { author: 'model', kind: 'generation', generation: tree.get(nodeId)!.generation! });
    assert.deepEqual(nodeTokenSpans(tree, tail.id).map((s) => [s.start, s.token.text]), [[2, ' sat']]);
    const the = pathTokenMarks(tree, nodeId)[0];
    const branch = branchAtToken(tree, nodeId, the, { text: ' sat', logprob: -3 });
    assert.equal(branch.created, true);
    assert.deepEqual(tree.children(tree.rootId).map((n) => n.id), [nodeId, typed.id, tail.id, branch.nodeId]);
  });

  it('records a branch from a generation without an endpoint with no endpoint fields at all', () => {
    const { tree, nodeId } = treeWithGeneration();
    const { endpoint: _endpoint, endpointKind: _kind, ...withoutEndpoint } = tree.get(nodeId)!.generation!;
    const plain = tree.addChild(tree.rootId, ' the cat sat', { author: 'model', kind: 'generation', generation: withoutEndpoint });
    const branch = branchAtToken(tree, plain.id, pathTokenMarks(tree, plain.id)[1], { text: ' dog', logprob: -0.9 });
    const generation = tree.get(branch.nodeId)!.generation!;
    assert.deepEqual(Object.keys(generation).sort(), ['durationMs', 'model', 'params', 'requests', 'status', 'stopReason', 'tokens', 'usage']);
  });
});
