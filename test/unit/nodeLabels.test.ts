import * as assert from 'node:assert/strict';
import { LoomTree } from '../../src/core/loom/loomTree';
import { parseTreeFile, serializeTree } from '../../src/core/loom/treeFormat';
import { encodeEntries, parseJournal, replayJournal } from '../../src/core/loom/treeJournal';
import type { TreeOp } from '../../src/core/loom/loomNode';

function tree(): LoomTree {
  let i = 0;
  return LoomTree.create('Once', { newId: () => `n${i++}`, now: () => 1000 });
}

function reparsed(t: LoomTree): LoomTree {
  const result = parseTreeFile(serializeTree(t, { currentId: t.rootId, document: 'd.md' }), 'd.md.loom.json');
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  assert.deepEqual(result.value.warnings, []);
  return result.value.tree;
}

describe('node labels: tags, hidden marks, chapters and origins', () => {
  it('sets tags trimmed, once each, in order, and an empty list removes them', () => {
    const t = tree();
    const ops: TreeOp[] = [];
    t.onDidChange((op) => ops.push(op));
    t.setTags('n0', [' draft ', 'dark', 'draft', '']);
    assert.deepEqual(t.get('n0')?.tags, ['draft', 'dark']);
    t.setTags('n0', ['draft', 'dark']);
    assert.equal(ops.length, 1, 'the same tags again change nothing');
    t.setTags('n0', []);
    assert.equal(t.get('n0')?.tags, undefined);
    assert.deepEqual(ops.map((o) => o.op), ['tags', 'tags']);
  });

  it('keeps tags, hidden, chapter and origin through the tree file', () => {
    const t = tree();
    const origin = { format: 'tk-loom', id: 'a-1', authorship: 'mixed' as const, fields: { visited: true, nested: { x: [1, 2] } } };
    const child = t.addChild('n0', ' upon', { author: 'user', hidden: true, chapter: 'Chapter 1', origin, tags: ['x'] });
    const back = reparsed(t).get(child.id);
    assert.deepEqual(back, { ...child, tags: ['x'] });
  });

  it('drops a malformed origin or tag list with a warning, keeping the node', () => {
    const t = tree();
    const text = serializeTree(t, { currentId: 'n0', document: 'd.md' }).replace('"text":"Once"', '"tags":[1],"origin":{"format":3},"text":"Once"');
    const result = parseTreeFile(text, 'd.md.loom.json');
    assert.ok(result.ok);
    assert.equal(result.value.tree.get('n0')?.text, 'Once');
    assert.equal(result.value.tree.get('n0')?.tags, undefined);
    assert.equal(result.value.tree.get('n0')?.origin, undefined);
    assert.equal(result.value.warnings.length, 2);
  });

  it('journals a tags change and replays it', () => {
    const t = tree();
    const journal = parseJournal(encodeEntries([{ seq: 1, op: { op: 'tags', id: 'n0', tags: ['a', 'b'] } }]), 'j');
    assert.ok(journal.ok);
    replayJournal(t, journal.value.entries, 0, 'n0');
    assert.deepEqual(t.get('n0')?.tags, ['a', 'b']);
  });

  it('gives both halves of a split imported node its origin and hidden mark, and the tail its labels', () => {
    const t = tree();
    const origin = { format: 'loomsidian', id: 'u1', authorship: 'unknown' as const };
    const n = t.addChild('n0', ' upon a time', { author: 'user', hidden: true, origin, tags: ['t'], chapter: 'C', bookmarked: true });
    const { headId } = t.splitNode(n.id, 5);
    const head = t.get(headId);
    assert.deepEqual(head?.origin, origin);
    assert.equal(head?.hidden, true);
    assert.equal(head?.tags, undefined);
    assert.deepEqual(t.get(n.id)?.tags, ['t']);
    assert.equal(t.get(n.id)?.chapter, 'C');
  });
});
