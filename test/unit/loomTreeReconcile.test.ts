import * as assert from 'node:assert/strict';
import { LoomTree } from '../../src/core/loom/loomTree';
import { prepareGenerationAt, reconcile } from '../../src/core/loom/treeReconcile';

function counterIds(): () => string {
  let i = 0;
  return () => `n${i++}`;
}

/** root "Once" → n1 " upon" → n2 " a time" and n3 " a hill"; root → n4 " more" */
function sample(): LoomTree {
  const tree = LoomTree.create('Once', { newId: counterIds(), now: () => 0 });
  tree.addChild('n0', ' upon', { author: 'model' });
  tree.addChild('n1', ' a time', { author: 'model' });
  tree.addChild('n1', ' a hill', { author: 'model' });
  tree.addChild('n0', ' more', { author: 'user', kind: 'edit' });
  return tree;
}

function ids(tree: LoomTree, id: string): string[] {
  return tree.children(id).map((n) => n.id);
}

describe('reconcile', () => {
  it('changes nothing when the buffer is the current path', () => {
    const tree = sample();
    assert.deepEqual(reconcile(tree, 'n2', 'Once upon a time'), { currentId: 'n2', changed: false });
    assert.equal(tree.size, 5);
  });

  it('follows an existing path that matches the buffer', () => {
    const tree = sample();
    assert.deepEqual(reconcile(tree, 'n2', 'Once upon a hill'), { currentId: 'n3', changed: true });
    assert.deepEqual(reconcile(tree, 'n2', 'Once more'), { currentId: 'n4', changed: true });
    assert.equal(tree.size, 5);
  });

  it('splits the node where the buffer ends inside it; the head becomes current and the tail stays', () => {
    const tree = sample();
    const { currentId } = reconcile(tree, 'n2', 'Once upon a ti');
    assert.equal(tree.textOf(currentId), 'Once upon a ti');
    assert.deepEqual(ids(tree, currentId), ['n2']);
    assert.equal(tree.get('n2')?.text, 'me');
    assert.equal(tree.size, 6);
  });

  it('prefers the current path when several paths match equally', () => {
    const tree = sample();
    // " a " is common to n2 and n3: the split happens in the current one.
    const { currentId } = reconcile(tree, 'n3', 'Once upon a ');
    assert.deepEqual(ids(tree, currentId), ['n3']);
    const other = sample();
    assert.deepEqual(ids(other, reconcile(other, 'n2', 'Once upon a ').currentId), ['n2']);
  });

  it('splits where the buffer diverges inside a node and adds the rest as a user edit node', () => {
    const tree = sample();
    const { currentId } = reconcile(tree, 'n2', 'Once upon a tide pool');
    const node = tree.get(currentId)!;
    assert.deepEqual([node.text, node.author, node.kind], ['de pool', 'user', 'edit']);
    const head = tree.parent(currentId)!;
    assert.equal(tree.textOf(head.id), 'Once upon a ti');
    assert.deepEqual(ids(tree, head.id), ['n2', currentId]);
    assert.equal(tree.textOf('n2'), 'Once upon a time');
  });

  it('adds text typed after a model node as a user node, then extends that node as typing goes on', () => {
    const tree = sample();
    const first = reconcile(tree, 'n2', 'Once upon a time,');
    assert.equal(tree.parent(first.currentId)?.id, 'n2');
    const second = reconcile(tree, first.currentId, 'Once upon a time, there');
    assert.equal(second.currentId, first.currentId);
    assert.equal(tree.get(second.currentId)?.text, ', there');
    assert.equal(tree.size, 6);
  });

  it('extends the root of a fresh tree while the user types, before any generation', () => {
    const tree = LoomTree.create('', { newId: counterIds() });
    let current = tree.rootId;
    for (const buffer of ['T', 'Th', 'The', 'The sea']) current = reconcile(tree, current, buffer).currentId;
    assert.equal(current, tree.rootId);
    assert.equal(tree.get(current)?.text, 'The sea');
    assert.equal(tree.size, 1);
  });

  it('keeps deleted text as a branch: a shortened edit node is split, not truncated', () => {
    const tree = LoomTree.create('Hello', { newId: counterIds() });
    const { currentId } = reconcile(tree, 'n0', 'Hell');
    assert.equal(tree.rootId, currentId);
    assert.deepEqual(ids(tree, currentId), ['n0']);
    assert.equal(tree.get('n0')?.text, 'o');
  });

  describe('the root', () => {
    it('makes the common prefix the new root when the buffer differs inside the root text', () => {
      const tree = sample();
      const { currentId } = reconcile(tree, 'n2', 'Onward');
      const root = tree.get(tree.rootId)!;
      assert.equal(root.text, 'On');
      assert.deepEqual(ids(tree, root.id), ['n0', currentId]);
      assert.equal(tree.get(currentId)?.text, 'ward');
      assert.equal(tree.textOf('n2'), 'Once upon a time');
    });

    it('makes an empty root when the buffer shares nothing with the root text, or is empty', () => {
      const tree = sample();
      const replaced = reconcile(tree, 'n2', 'Twice');
      assert.equal(tree.get(tree.rootId)?.text, '');
      assert.equal(tree.textOf(replaced.currentId), 'Twice');
      const emptied = reconcile(tree, replaced.currentId, '');
      assert.equal(emptied.currentId, tree.rootId);
      assert.equal(tree.get(tree.rootId)?.text, '');
      // The empty root is reused, not stacked.
      const again = reconcile(tree, emptied.currentId, 'X');
      assert.equal(tree.parent(again.currentId)?.id, tree.rootId);
      assert.equal(tree.parent(tree.parent(again.currentId)!.id), undefined);
    });

    it('follows the old root again when the buffer is restored', () => {
      const tree = sample();
      const a = reconcile(tree, 'n2', 'Twice');
      const b = reconcile(tree, a.currentId, 'Once upon a time');
      assert.equal(b.currentId, 'n2');
    });
  });

  it('never splits a surrogate pair', () => {
    const tree = LoomTree.create('a😀b', { newId: counterIds() });
    const { currentId } = reconcile(tree, 'n0', 'a😁b');
    assert.equal(tree.get(tree.rootId)?.text, 'a');
    assert.equal(tree.get(currentId)?.text, '😁b');
  });

  it('keeps an empty current node (a stream that has not started) while its path matches', () => {
    const tree = sample();
    const streaming = tree.addChild('n2', '', { author: 'model' });
    assert.deepEqual(reconcile(tree, streaming.id, 'Once upon a time'), { currentId: streaming.id, changed: false });
    // Another empty child elsewhere does not attract the match.
    tree.addChild('n2', '', { author: 'model' });
    assert.equal(reconcile(tree, 'n3', 'Once upon a time').currentId, 'n2');
  });
});

describe('prepareGenerationAt', () => {
  it('hangs a generation at the end of the node that ends at the cursor, without splitting', () => {
    const tree = sample();
    assert.equal(prepareGenerationAt(tree, 'n2', 9), 'n1');
    assert.equal(prepareGenerationAt(tree, 'n2', 16), 'n2');
    assert.equal(tree.size, 5);
  });

  it('splits the node at the cursor so the new child hangs exactly there', () => {
    const tree = sample();
    const parent = prepareGenerationAt(tree, 'n2', 12);
    assert.equal(tree.textOf(parent), 'Once upon a ');
    assert.deepEqual(ids(tree, parent), ['n2']);
    const atStart = prepareGenerationAt(tree, 'n2', 0);
    assert.equal(atStart, tree.rootId);
    assert.equal(tree.get(atStart)?.text, '');
  });
});
