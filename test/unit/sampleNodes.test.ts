import * as assert from 'node:assert/strict';
import { LoomTree } from '../../src/core/loom/loomTree';
import { parseTreeFile, serializeTree } from '../../src/core/loom/treeFormat';
import { encodeEntries, parseJournal, replayJournal } from '../../src/core/loom/treeJournal';
import type { TreeOp } from '../../src/core/loom/loomNode';
import { addSampleNodes } from '../../src/core/distribution/sampleNodes';
import type { Sample } from '../../src/core/distribution/sampleRun';
import { unpackTokens } from '../../src/core/providers/tokenLogprobs';
import { summarize } from '../../src/loom/loomViewDeltas';
import { decodeNode, encodeTree, parseFromDistribution, type WireTree } from '../../src/webviews/webviewProtocol';
import { typedMaxTokens, typedTemperature } from '../../src/core/distribution/samplingParams';
import { rowLabel, rowTooltip } from '../../media/loomView/rowText';

function tree(root = 'Test OK,'): LoomTree {
  let i = 0;
  return LoomTree.create(root, { newId: () => `n${i++}`, now: () => 1000 });
}

function sample(index: number, text: string, extra: Partial<Sample> = {}): Sample {
  return { index, status: 'completed', text, replaced: '', stopReason: 'stop', usage: { input_tokens: 5, output_tokens: 3 }, durationMs: 40, requests: 1, ...extra };
}

const RECORD = { run: 'r1', of: 20, model: 'simulator-mixed', params: { model: 'simulator-mixed', temperature: 1, max_tokens: 30 }, endpoint: 'local-chat', endpointKind: 'chat' as const };

describe('samples saved into the loom', () => {
  it('hangs the chosen samples as sibling model nodes at the point, marked as samples, leaving the path as it was', () => {
    const t = tree('Test OK, and more');
    const ids = addSampleNodes(t, { anchorId: t.rootId, offset: 8 }, [sample(2, ' 我收到了'), sample(7, ' I am here')], RECORD);
    assert.equal(ids.length, 2);
    const [a, b] = ids.map((id) => t.get(id)!);
    assert.equal(a.parentId, b.parentId);
    assert.equal(t.textOf(a.parentId!), 'Test OK,');
    assert.equal(t.textOf(a.id), 'Test OK, 我收到了');
    assert.deepEqual(a.sample, { run: 'r1', index: 2, of: 20 });
    assert.deepEqual(b.sample, { run: 'r1', index: 7, of: 20 });
    assert.equal(a.author, 'model');
    assert.equal(a.generation?.status, 'completed');
    assert.equal(a.generation?.endpoint, 'local-chat');
    assert.deepEqual(a.generation?.usage, { input_tokens: 5, output_tokens: 3 });
    assert.equal(t.textOf(t.rootId).length, 8, 'the path that held the rest was split at the point, not changed');
    assert.ok(t.children(a.parentId!).some((c) => c.text === ' and more'));
  });

  it('keeps a cancelled or failed sample’s status and the whitespace it replaced', () => {
    const t = tree('Test OK, ');
    const [id] = addSampleNodes(t, { anchorId: t.rootId, offset: 8 }, [sample(0, ' half', { status: 'cancelled', replaced: ' ', stopReason: null })], RECORD);
    assert.equal(t.get(id)?.generation?.status, 'cancelled');
    assert.equal(t.get(id)?.generation?.replacedWhitespace, ' ');
  });

  it('records on each node the run’s model, parameters and endpoint, and the sample’s own stop, time, requests, error and tokens', () => {
    const t = tree();
    const tokens = [{ text: ' O', logprob: -0.5, top: [{ text: ' O', logprob: -0.5 }] }, { text: 'K', logprob: -0.1, top: [] }];
    const failed = sample(5, ' O', { status: 'failed', stopReason: null, durationMs: 70, requests: 2, error: { cause: 'Overloaded.', nextStep: 'Try later.' } });
    const [plain, withTokens, broken] = addSampleNodes(t, { anchorId: t.rootId, offset: 8 }, [sample(1, ' OK'), sample(4, ' OK', { tokens }), failed], RECORD).map((id) => t.get(id)!.generation!);
    assert.deepEqual(plain, { model: 'simulator-mixed', params: RECORD.params, stopReason: 'stop', usage: { input_tokens: 5, output_tokens: 3 }, durationMs: 40, requests: 1, status: 'completed', endpoint: 'local-chat', endpointKind: 'chat' });
    assert.notEqual(plain.params, RECORD.params, 'each node has its own copy of the parameters');
    assert.deepEqual(unpackTokens(withTokens.tokens), tokens);
    assert.deepEqual({ ...broken, params: undefined }, { model: 'simulator-mixed', params: undefined, stopReason: null, usage: { input_tokens: 5, output_tokens: 3 }, durationMs: 70, requests: 2, status: 'failed', endpoint: 'local-chat', endpointKind: 'chat', error: 'Overloaded.' });
  });

  it('keeps the sample mark through the tree file and the journal', () => {
    const t = tree();
    const [id] = addSampleNodes(t, { anchorId: t.rootId, offset: 8 }, [sample(3, ' OK')], RECORD);
    const parsed = parseTreeFile(serializeTree(t, { currentId: t.rootId, document: 'd.md' }), 'd.md.loom.json');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.warnings, []);
    assert.deepEqual(parsed.value.tree.get(id)?.sample, { run: 'r1', index: 3, of: 20 });

    const ops: TreeOp[] = [];
    const u = tree();
    u.onDidChange((op) => ops.push(op));
    addSampleNodes(u, { anchorId: u.rootId, offset: 8 }, [sample(4, ' yes')], RECORD);
    const journal = parseJournal(encodeEntries(ops.map((op, i) => ({ seq: i + 1, op }))), 'j');
    assert.ok(journal.ok);
    const replayed = tree();
    replayJournal(replayed, journal.value.entries, 0, replayed.rootId);
    assert.deepEqual([...replayed.preorder()].find((n) => n.text === ' yes')?.sample, { run: 'r1', index: 4, of: 20 });
  });

  /** The root node read back from a tree file whose root carries `mark` (JSON) as its sample mark. */
  function readMark(mark: string) {
    const text = serializeTree(tree(), { currentId: 'n0', document: 'd.md' }).replace('"text":"Test OK,"', `"sample":${mark},"text":"Test OK,"`);
    const parsed = parseTreeFile(text, 'd.md.loom.json');
    assert.ok(parsed.ok, mark);
    return { sample: parsed.value.tree.get('n0')?.sample, warnings: parsed.value.warnings };
  }

  it('drops a malformed sample mark with a warning, keeping the node', () => {
    const malformed = [
      '{"run":1,"index":0,"of":1}',
      '{"run":"r1","of":1}',
      '{"run":"r1","index":-1,"of":1}',
      '{"run":"r1","index":1.5,"of":2}',
      '{"run":"r1","index":1e300,"of":2}',
      '{"run":"r1","index":0}',
      '{"run":"r1","index":0,"of":-1}',
      'null',
      '"r1"',
      '[{"run":"r1","index":0,"of":1}]',
    ];
    for (const mark of malformed) {
      const { sample, warnings } = readMark(mark);
      assert.equal(sample, undefined, mark);
      assert.deepEqual(warnings, ['node n0: malformed "sample" ignored'], mark);
    }
  });

  it('keeps a sample mark numbered from 0', () => {
    assert.deepEqual(readMark('{"run":"r1","index":0,"of":1}'), { sample: { run: 'r1', index: 0, of: 1 }, warnings: [] });
  });

  it('shows the mark in the loom view: the summary and the wire format carry it', () => {
    const t = tree();
    const [id] = addSampleNodes(t, { anchorId: t.rootId, offset: 8 }, [sample(3, ' OK')], RECORD);
    const summary = summarize(t, t.get(id)!);
    assert.deepEqual(summary.sample, { index: 3, of: 20 });
    const root = summarize(t, t.get(t.rootId)!);
    assert.equal(root.sample, undefined);
    const wire = JSON.parse(encodeTree({ rootId: t.rootId, nodes: [root, summary], currentPath: [t.rootId] })) as WireTree;
    assert.deepEqual(decodeNode(wire.nodes[1], t.rootId, [], wire.strings), summary);
    assert.match(rowLabel(summary, false, ' OK'), /^sampled \(sample 4 of 20\) by simulator-mixed/);
    assert.match(rowTooltip(summary, 1), /sampled \(sample 4 of 20\)/);
    assert.doesNotMatch(rowLabel(root, false, 'Test OK,'), /sample/);
  });
});

describe('the sampling picker’s typed values', () => {
  it('takes a temperature from 0 to 1 and a whole max_tokens, and names what is allowed otherwise', () => {
    assert.deepEqual(typedTemperature(' 0.7 '), { value: 0.7 });
    assert.deepEqual(typedTemperature('0'), { value: 0 });
    for (const bad of ['', '1.5', '-0.1', 'hot', 'NaN']) assert.ok('problem' in typedTemperature(bad), bad);
    assert.deepEqual(typedMaxTokens('50'), { value: 50 });
    for (const bad of ['0', '2.5', '', '128001', '1e3']) assert.ok('problem' in typedMaxTokens(bad), bad);
  });

  it('takes the ends of each range and spaces around a value, refuses spaces alone, and says what is allowed', () => {
    assert.deepEqual(typedTemperature('1'), { value: 1 });
    assert.deepEqual(typedTemperature('  '), { problem: 'Type a temperature from 0 to 1, e.g. 1 or 0.7.' });
    assert.deepEqual(typedMaxTokens('1'), { value: 1 });
    assert.deepEqual(typedMaxTokens(' 128000\t'), { value: 128_000 });
    assert.deepEqual(typedMaxTokens('12 8'), { problem: 'Type a whole number of tokens from 1 to 128000, e.g. 50.' });
  });
});

describe('the distribution panel’s messages', () => {
  it('accepts saving samples of a run, and nothing malformed', () => {
    assert.deepEqual(parseFromDistribution({ type: 'save', run: 0, samples: [2, 7] }), { type: 'save', run: 0, samples: [2, 7] });
    for (const samples of [[], [-1], [1.5], 'all', undefined, [1, 1]]) assert.equal(parseFromDistribution({ type: 'save', run: 0, samples }), undefined, JSON.stringify(samples));
    assert.equal(parseFromDistribution({ type: 'save', run: -1, samples: [1] }), undefined);
  });
});
