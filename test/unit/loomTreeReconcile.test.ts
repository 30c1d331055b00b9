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

  it('adds a child to a user leaf that is not current, never rewriting another branch', () => {
    const tree = sample();
    // The current node is n2; "Once more" is the path of the user leaf n4, elsewhere.
    const { currentId } = reconcile(tree, 'n2', 'Once more!');
    assert.equal(tree.get('n4')?.text, ' more');
    assert.equal(tree.parent(currentId)?.id, 'n4');
    assert.deepEqual([tree.get(currentId)?.text, tree.get(currentId)?.author, tree.get(currentId)?.kind], ['!', 'user', 'edit']);
    assert.equal(tree.textOf(currentId), 'Once more!');
  });

  it('extends only a plain user leaf: not a bookmarked one, not one with children, not one a generation made', () => {
    const bookmarked = sample();
    bookmarked.setBookmark('n4', true);
    const afterBookmark = reconcile(bookmarked, 'n4', 'Once more!').currentId;
    assert.deepEqual([bookmarked.get('n4')?.text, bookmarked.parent(afterBookmark)?.id], [' more', 'n4']);

    const inner = sample();
    const child = inner.addChild('n4', ' again', { author: 'model' });
    const afterInner = reconcile(inner, 'n4', 'Once more!').currentId;
    assert.deepEqual([inner.get('n4')?.text, inner.parent(afterInner)?.id, inner.textOf(child.id)], [' more', 'n4', 'Once more again']);

    const generated = LoomTree.create('Once', { newId: counterIds(), now: () => 0 });
    const info = { model: 'm', params: {}, stopReason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 }, durationMs: 1, requests: 1, status: 'completed' } as const;
    const made = generated.addChild('n0', ' more', { author: 'user', generation: info });
    const afterGenerated = reconcile(generated, made.id, 'Once more!').currentId;
    assert.deepEqual([generated.get(made.id)?.text, generated.parent(afterGenerated)?.id], [' more', made.id]);
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

  it('never splits between the halves of a surrogate pair when the texts differ right after it', () => {
    const tree = LoomTree.create('a😀b', { newId: counterIds() });
    const { currentId } = reconcile(tree, 'n0', 'a😀c');
    assert.equal(tree.get(tree.rootId)?.text, 'a😀');
    assert.deepEqual(ids(tree, tree.rootId), ['n0', currentId]);
    assert.deepEqual([tree.get('n0')?.text, tree.get(currentId)?.text], ['b', 'c']);
  });

  it('backs off before a pair whose low half differs, also below the root', () => {
    // 😀 and 😁 share their high surrogate; the cut goes before the pair, not inside it.
    const tree = LoomTree.create('Once', { newId: counterIds() });
    tree.addChild('n0', ' a😀 b', { author: 'model' });
    const { currentId } = reconcile(tree, 'n1', 'Once a😁 b');
    const typed = tree.parent(currentId)!;
    const head = tree.parent(typed.id)!;
    assert.deepEqual([head.text, tree.get('n1')?.text, typed.text, tree.get(currentId)?.text], [' a', '😀 b', '😁', ' b']);
  });

  it('keeps the model’s text after an edit inside it as the model’s: the typed text alone is the user’s edit node', () => {
    const tree = sample();
    const { currentId } = reconcile(tree, 'n2', 'Once upon a big time');
    const kept = tree.get(currentId)!;
    const typed = tree.parent(currentId)!;
    assert.deepEqual([typed.text, typed.author, typed.kind], [' big', 'user', 'edit']);
    assert.deepEqual([kept.text, kept.author], [' time', 'model']);
    assert.equal(tree.textOf(currentId), 'Once upon a big time');
    // The edited node is a branch as before: no text is lost.
    assert.equal(tree.textOf('n2'), 'Once upon a time');
  });

  it('keeps each kept node’s author and its generation record, without its requests; user text before the model’s stays in the edit node', () => {
    const tree = LoomTree.create('Once', { newId: counterIds(), now: () => 0 });
    const usage = { input_tokens: 10, output_tokens: 5 };
    const generation = { model: 'm', params: {}, stopReason: 'stop', usage, durationMs: 9, requests: 1, status: 'completed' as const, tokens: ['x', '', '', 4] as const };
    tree.addChild('n0', ' upon', { author: 'user', kind: 'edit' });
    tree.addChild('n1', ' a time', { author: 'model', kind: 'generation', generation });
    tree.addChild('n2', ' there', { author: 'user', kind: 'edit' });
    // Deleting "n" of " upon": the rest of the user's node and the model's node after it are kept.
    const { currentId } = reconcile(tree, 'n3', 'Once upo a time there');
    const path = tree.pathTo(currentId).map((n) => [n.text, n.author, n.kind]);
    assert.deepEqual(path, [['Once', 'user', undefined], [' upo', 'user', 'edit'], [' a time', 'model', 'generation'], [' there', 'user', 'edit']]);
    const copy = tree.parent(currentId)!;
    assert.deepEqual(copy.generation, { ...generation, usage: { input_tokens: 0, output_tokens: 0 }, durationMs: 0, requests: 0 });
    assert.equal(tree.get('n1')?.text, 'n');
  });

  it('keeps the model’s text after a deletion inside the root as the model’s', () => {
    const tree = sample();
    const result = reconcile(tree, 'n2', 'On upon a time');
    assert.equal(result.changed, true);
    const path = tree.pathTo(result.currentId).map((n) => [n.text, n.author]);
    assert.deepEqual(path, [['On', 'user'], [' upon', 'model'], [' a time', 'model']]);
    assert.equal(tree.textOf('n2'), 'Once upon a time');
  });

  it('keeps nothing after a match off the current path, even where the buffer ends as the current text does', () => {
    // " time" ends both, but the buffer follows the user leaf n4: the rest is typed after it.
    const tree = sample();
    const { currentId } = reconcile(tree, 'n2', 'Once more time');
    assert.deepEqual([tree.parent(currentId)?.id, tree.get(currentId)?.text, tree.get(currentId)?.author], ['n4', ' time', 'user']);
    assert.equal(tree.textOf(currentId), 'Once more time');
    const gone = sample();
    assert.equal(gone.textOf(reconcile(gone, 'gone', 'Once upon a time!').currentId), 'Once upon a time!');
  });

  it('splits where a deletion at the end leaves the buffer, even when both end in the same whitespace', () => {
    const tree = LoomTree.create('Once', { newId: counterIds() });
    tree.addChild('n0', ' upon a time ', { author: 'model' });
    // The buffer ends in the current path: there is no edit after it whose end could be kept.
    const { currentId } = reconcile(tree, 'n1', 'Once upon ');
    assert.deepEqual([tree.get(currentId)?.text, ids(tree, currentId), tree.get('n1')?.text], [' upon ', ['n1'], 'a time ']);
    assert.equal(tree.size, 3);
  });

  it('copies no empty node (a stream that never started) with the kept text', () => {
    const tree = sample();
    const streaming = tree.addChild('n2', '', { author: 'model' });
    const { currentId } = reconcile(tree, streaming.id, 'Once upon a big time');
    assert.deepEqual([tree.get(currentId)?.text, tree.get(currentId)?.author, ids(tree, currentId)], [' time', 'model', []]);
  });

  it('knows the whole low-surrogate range: a pair whose high half differs goes whole into the edit node', () => {
    // U+10000/U+10400 share the low half U+DC00, U+103FF/U+107FF share U+DFFF; U+FF01 is no half of a pair.
    for (const [was, now, typed, kept] of [
      ['\u{10000}', '\u{10400}', '\u{10400}', ' b'],
      ['\u{103FF}', '\u{107FF}', '\u{107FF}', ' b'],
      ['x\uFF01', 'y\uFF01', 'y', '\uFF01 b'],
    ]) {
      const tree = LoomTree.create('Once', { newId: counterIds() });
      tree.addChild('n0', ` a${was} b`, { author: 'model' });
      const { currentId } = reconcile(tree, 'n1', `Once a${now} b`);
      const edit = tree.parent(currentId)!;
      assert.deepEqual([edit.text, edit.author, tree.get(currentId)?.text, tree.get(currentId)?.author], [typed, 'user', kept, 'model'], JSON.stringify(now));
    }
  });

  it('keeps nothing of a deletion that took the model’s text up to the end, and never copies user text alone', () => {
    const tree = sample();
    assert.deepEqual(tree.pathTo(reconcile(tree, 'n2', 'Once upon a tim!').currentId).map((n) => n.author), ['user', 'model', 'model', 'user']);
    const user = LoomTree.create('Hello world', { newId: counterIds() });
    const { currentId } = reconcile(user, 'n0', 'Hello, world');
    assert.deepEqual([user.get(currentId)?.text, user.get(currentId)?.author], [', world', 'user']);
  });

  it('knows the whole high-surrogate range: U+D800 and U+DBFF are high halves, U+DC00 is not', () => {
    for (const [root, buffer, expected] of [
      ['a\u{10000}b', 'a\u{10001}b', 'a'],
      ['a\u{10FFFF}b', 'a\u{10FFFE}b', 'a'],
      ['a\u{10FFFE}b', 'a\u{10FFFE}c', 'a\u{10FFFE}'],
    ]) {
      const tree = LoomTree.create(root, { newId: counterIds() });
      reconcile(tree, 'n0', buffer);
      assert.equal(tree.get(tree.rootId)?.text, expected, JSON.stringify(buffer));
    }
  });

  it('follows a buffer that itself ends in half a pair exactly (an edit in progress)', () => {
    const tree = LoomTree.create('a😀b', { newId: counterIds() });
    const { currentId } = reconcile(tree, 'n0', 'a\uD83D');
    assert.equal(tree.textOf(currentId), 'a\uD83D');
    assert.deepEqual(ids(tree, currentId), ['n0']);
  });

  it('reconciles with a current node that is gone (removed meanwhile) as if none were current', () => {
    const tree = sample();
    const { currentId } = reconcile(tree, 'gone', 'Once upon a time');
    assert.equal(currentId, 'n2');
    assert.equal(tree.size, 5);
  });

  describe('tie-breaks between equally deep matches', () => {
    /** root "Once upon" with the children given, in that order. */
    function siblings(...texts: string[]): LoomTree {
      const tree = LoomTree.create('Once upon', { newId: counterIds(), now: () => 0 });
      for (const text of texts) tree.addChild('n0', text, { author: 'model' });
      return tree;
    }

    it('picks the node that needs no split, whatever the child order', () => {
      for (const order of [[' a hill', ' a'], [' a', ' a hill']]) {
        const tree = siblings(...order);
        const { currentId } = reconcile(tree, 'n0', 'Once upon a');
        assert.equal(tree.get(currentId)?.text, ' a', order.join('|'));
        assert.equal(tree.size, 3, `${order.join('|')}: nothing was split`);
      }
    });

    it('picks the first in child order when neither needs a split', () => {
      const tree = siblings(' a', ' a');
      assert.equal(reconcile(tree, 'n0', 'Once upon a').currentId, 'n1');
      assert.equal(reconcile(tree, 'n0', 'Once upon a!').currentId, 'n3');
      assert.equal(tree.parent('n3')?.id, 'n1');      // Both need a split: still the first.
      const both = siblings(' a hill', ' a time');
      const head = reconcile(both, 'n0', 'Once upon a ').currentId;
      assert.deepEqual(ids(both, head), ['n1']);
      assert.equal(both.get('n2')?.text, ' a time');
    });

    it('ranks the current path above a node off it, even one that needs no split', () => {
      // The current path is root → n1; n2 is off it and would match without a split.
      const tree = siblings(' a hill', ' a');
      const { currentId } = reconcile(tree, 'n1', 'Once upon a');
      assert.deepEqual(ids(tree, currentId), ['n1']);
      assert.equal(tree.get('n2')?.text, ' a');
      assert.equal(tree.size, 4);
    });

    it('ranks the node nearer the current one first along the current path', () => {
      // n1 and its empty child n2 (a stream not started) end at the same place; the deeper one, current, wins.
      const tree = siblings(' a');
      tree.addChild('n1', '', { author: 'model' });
      const { currentId } = reconcile(tree, 'n2', 'Once upon a!');
      assert.equal(tree.parent(currentId)?.id, 'n2');
      const shallow = siblings(' a');
      shallow.addChild('n1', '', { author: 'model' });
      assert.equal(shallow.parent(reconcile(shallow, 'n1', 'Once upon a!').currentId)?.id, 'n1');
    });
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
