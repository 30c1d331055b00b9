import * as assert from 'node:assert/strict';
import type { GenerationInfo, RemovedSubtree, TreeOp } from '../../src/core/loom/loomNode';
import { LoomTree } from '../../src/core/loom/loomTree';

function counterIds(prefix = 'n'): () => string {
  let i = 0;
  return () => `${prefix}${i++}`;
}

const GENERATION: GenerationInfo = {
  model: 'claude-haiku-4-5',
  params: { model: 'claude-haiku-4-5', temperature: 0.7, max_tokens: 64 },
  stopReason: 'end_turn',
  usage: { input_tokens: 12, output_tokens: 5 },
  durationMs: 800,
  requests: 1,
  status: 'completed',
};

/** root "Once" → a " upon" → b " a time"; a → c " more"; root → d "!" */
function sample(): LoomTree {
  const tree = LoomTree.create('Once', { newId: counterIds(), now: () => 1000 });
  const a = tree.addChild(tree.rootId, ' upon', { author: 'model', kind: 'generation', generation: GENERATION });
  tree.addChild(a.id, ' a time', { author: 'model', kind: 'generation', generation: GENERATION });
  tree.addChild(a.id, ' more', { author: 'user', kind: 'edit' });
  tree.addChild(tree.rootId, '!', { author: 'user', kind: 'edit' });
  return tree;
}

describe('LoomTree', () => {
  it('starts with a user root holding the text written before any generation', () => {
    const tree = LoomTree.create('', { newId: () => 'r', now: () => 5 });
    assert.deepEqual(tree.get(tree.rootId), { id: 'r', parentId: null, text: '', author: 'user', createdAt: 5 });
    assert.equal(tree.size, 1);
    assert.equal(tree.textOf('r'), '');
  });

  it('navigates: children in creation order, siblings, parent, path and its text', () => {
    const tree = sample();
    assert.deepEqual(tree.children('n0').map((n) => n.id), ['n1', 'n4']);
    assert.deepEqual(tree.siblings('n2').map((n) => n.id), ['n2', 'n3']);
    assert.deepEqual(tree.siblings('n0').map((n) => n.id), ['n0']);
    assert.equal(tree.parent('n2')?.id, 'n1');
    assert.equal(tree.parent('n0'), undefined);
    assert.deepEqual(tree.pathTo('n2').map((n) => n.id), ['n0', 'n1', 'n2']);
    assert.equal(tree.textOf('n2'), 'Once upon a time');
    assert.equal(tree.textOf('n3'), 'Once upon more');
    assert.equal(tree.size, 5);
    assert.deepEqual([...tree.preorder()].map((n) => n.id), ['n0', 'n1', 'n2', 'n3', 'n4']);
    const walked = (fromId?: string) => {
      const ids: string[] = [];
      tree.forEachNode((n) => ids.push(n.id), fromId);
      return ids;
    };
    assert.deepEqual(walked(), ['n0', 'n1', 'n2', 'n3', 'n4']);
    assert.deepEqual(walked('n1'), [...tree.preorder('n1')].map((n) => n.id));
    assert.deepEqual(walked('n1'), ['n1', 'n2', 'n3']);
    assert.throws(() => tree.children('nope'), /no node nope/);
  });

  it('keeps the metadata given to a new child', () => {
    const tree = sample();
    const node = tree.addChild('n2', '.', { author: 'model', kind: 'regeneration', comparesTo: 'n2', generation: GENERATION, createdAt: 7 });
    assert.deepEqual(tree.get(node.id), { id: 'n5', parentId: 'n2', text: '.', author: 'model', kind: 'regeneration', comparesTo: 'n2', generation: GENERATION, createdAt: 7 });
  });

  it('appends streamed text and updates generation info', () => {
    const tree = sample();
    const node = tree.addChild('n2', '', { author: 'model', generation: { ...GENERATION, status: 'streaming', error: 'x' } });
    tree.appendText(node.id, ',');
    tree.appendText(node.id, ' said');
    tree.setGeneration(node.id, { status: 'failed', error: undefined, stopReason: null });
    assert.equal(tree.textOf(node.id), 'Once upon a time, said');
    assert.deepEqual(tree.get(node.id)?.generation, { ...GENERATION, status: 'failed', stopReason: null });
    assert.throws(() => tree.setGeneration('n3', { status: 'failed' }), /no generation info/);
  });

  it('bookmarks and unbookmarks', () => {
    const tree = sample();
    tree.setBookmark('n2', true);
    assert.equal(tree.get('n2')?.bookmarked, true);
    tree.setBookmark('n2', false);
    assert.equal('bookmarked' in tree.get('n2')!, false);
  });

  describe('splitNode', () => {
    it('puts a new head above the node; the node keeps the rest, its children, id and generation info', () => {
      const tree = sample();
      tree.setBookmark('n1', true);
      const before = new Map([...tree.preorder()].map((n) => [n.id, tree.textOf(n.id)]));
      const { headId, tailId } = tree.splitNode('n1', 3);
      assert.equal(tailId, 'n1');
      assert.deepEqual(tree.get(headId), { id: headId, parentId: 'n0', text: ' up', author: 'model', kind: 'generation', createdAt: 1000 });
      assert.equal(tree.get('n1')?.text, 'on');
      assert.equal(tree.get('n1')?.generation, GENERATION);
      assert.equal(tree.get('n1')?.bookmarked, true);
      assert.deepEqual(tree.children('n0').map((n) => n.id), [headId, 'n4']);
      assert.deepEqual(tree.children(headId).map((n) => n.id), ['n1']);
      assert.deepEqual(tree.children('n1').map((n) => n.id), ['n2', 'n3']);
      for (const [id, text] of before) assert.equal(tree.textOf(id), text);
      assert.equal(tree.textOf(headId), 'Once up');
    });

    it('makes the head the new root when the root is split, at any offset including 0', () => {
      const tree = sample();
      const { headId } = tree.splitNode('n0', 0);
      assert.equal(tree.rootId, headId);
      assert.equal(tree.get(headId)?.text, '');
      assert.equal(tree.get(headId)?.parentId, null);
      assert.equal(tree.textOf('n2'), 'Once upon a time');
      assert.throws(() => tree.splitNode('n1', 6), RangeError);
    });
  });

  describe('nodeAtOffset', () => {
    const tree = sample(); // "Once" " upon" " a time"
    it('finds the node covering an offset and the offset inside it', () => {
      assert.deepEqual(pos(tree, 'n2', 2), ['n0', 2]);
      assert.deepEqual(pos(tree, 'n2', 6), ['n1', 2]);
      assert.deepEqual(pos(tree, 'n2', 16), ['n2', 7]);
    });
    it('at a boundary picks the node ending there (before) or starting there (after)', () => {
      assert.deepEqual(pos(tree, 'n2', 4), ['n0', 4]);
      assert.deepEqual(pos(tree, 'n2', 4, 'after'), ['n1', 0]);
      assert.deepEqual(pos(tree, 'n2', 0), ['n0', 0]);
      assert.deepEqual(pos(tree, 'n2', 16, 'after'), ['n2', 7]);
    });
    it('rejects offsets outside the path', () => {
      assert.throws(() => tree.nodeAtOffset('n2', 17), RangeError);
      assert.throws(() => tree.nodeAtOffset('n2', -1), RangeError);
    });
  });

  describe('removeSubtree and restoreSubtree', () => {
    it('removes a node with its descendants and restores them at the same place', () => {
      const tree = sample();
      const removed = tree.removeSubtree('n1');
      assert.equal(tree.size, 2);
      assert.equal(tree.has('n2'), false);
      assert.deepEqual(removed.nodes.map((n) => n.id), ['n1', 'n2', 'n3']);
      assert.deepEqual({ parentId: removed.parentId, index: removed.index, parentPathLength: removed.parentPathLength }, { parentId: 'n0', index: 0, parentPathLength: 4 });
      tree.restoreSubtree(removed);
      assert.equal(tree.size, 5);
      assert.deepEqual([...tree.preorder()].map((n) => n.id), ['n0', 'n1', 'n2', 'n3', 'n4']);
      assert.equal(tree.textOf('n3'), 'Once upon more');
    });
    it('refuses to remove the root or to restore over existing ids', () => {
      const tree = sample();
      assert.throws(() => tree.removeSubtree('n0'), /root/);
      const removed = tree.removeSubtree('n2');
      tree.restoreSubtree(removed);
      assert.throws(() => tree.restoreSubtree(removed), /taken/);
      assert.equal(tree.size, 5);
    });
    it('restores at the same text point when the parent has grown since', () => {
      const tree = LoomTree.create('Once', { newId: counterIds() });
      tree.addChild('n0', ' upon', { author: 'model' });
      const removed = tree.removeSubtree('n1');
      tree.appendText('n0', ' more');
      tree.restoreSubtree(removed);
      assert.equal(tree.textOf('n1'), 'Once upon');
      assert.equal(tree.textOf('n0'), 'Once more');
      assert.equal(tree.get(tree.rootId)?.text, 'Once');
    });
    it('restores under a parent that has since been split at the same text point', () => {
      const tree = sample();
      const removed = tree.removeSubtree('n2');
      tree.splitNode('n1', 2);
      tree.restoreSubtree(removed);
      assert.equal(tree.textOf('n2'), 'Once upon a time');
    });
  });

  describe('ops', () => {
    it('reports every change as an op that replays to the same tree', () => {
      const tree = sample();
      const ops: TreeOp[] = [];
      const copy = LoomTree.fromNodes([...tree.preorder()].map((n) => ({ ...n })), tree.rootId);
      const sub = tree.onDidChange((op) => ops.push(op));
      const s = tree.addChild('n2', '', { author: 'model', generation: { ...GENERATION, status: 'streaming' } });
      tree.appendText(s.id, ' there');
      tree.setGeneration(s.id, { status: 'completed' });
      tree.splitNode('n1', 2);
      tree.setBookmark('n3', true);
      const removed = tree.removeSubtree('n4');
      tree.restoreSubtree(removed);
      tree.removeSubtree('n3');
      sub.dispose();
      tree.appendText('n2', 'unseen');
      assert.deepEqual(ops.map((op) => op.op), ['add', 'append', 'generation', 'split', 'bookmark', 'remove', 'restore', 'remove']);
      for (const op of ops) copy.apply(op);
      const withoutLast = [...tree.preorder()].map((n) => (n.id === 'n2' ? { ...n, text: ' a time' } : n));
      assert.deepEqual([...copy.preorder()], withoutLast);
    });
    it('records a snapshot of an added node, not the live node', () => {
      const tree = sample();
      const ops: TreeOp[] = [];
      tree.onDidChange((op) => ops.push(op));
      const node = tree.addChild('n2', 'a', { author: 'user' });
      tree.appendText(node.id, 'b');
      assert.equal(ops[0].op === 'add' && ops[0].node.text, 'a');
    });
    it('rejects an op that does not fit, changing nothing', () => {
      const tree = sample();
      assert.throws(() => tree.apply({ op: 'append', id: 'zz', text: 'x' }));
      assert.throws(() => tree.apply({ op: 'add', node: { id: 'n1', parentId: 'n0', text: '', author: 'user', createdAt: 0 } }), /taken/);
      assert.throws(() => tree.apply({ op: 'split', id: 'n1', offset: 2, headId: 'n2' }), /taken/);
      assert.equal(tree.size, 5);
      assert.equal(tree.textOf('n2'), 'Once upon a time');
    });
  });

  describe('fromNodes', () => {
    const base = { text: '', author: 'user' as const, createdAt: 0 };
    it('builds a tree from nodes in any order, children in array order', () => {
      const tree = LoomTree.fromNodes(
        [
          { id: 'b', parentId: 'a', ...base },
          { id: 'r', parentId: null, ...base },
          { id: 'a', parentId: 'r', ...base },
          { id: 'c', parentId: 'r', ...base },
        ],
        'r',
      );
      assert.deepEqual([...tree.preorder()].map((n) => n.id), ['r', 'a', 'b', 'c']);
    });
    it('attaches nodes with a missing parent, or in a cycle, under the root and says so', () => {
      const { tree, orphans } = withOrphans([['r', null], ['a', 'x'], ['b', 'c'], ['c', 'b'], ['d', 'c'], ['e', 'e']]);
      assert.deepEqual(orphans, ['a has a missing parent x', 'e is its own parent', 'b is in a cycle']);
      assert.deepEqual([...tree.preorder()].map((n) => n.id), ['r', 'a', 'e', 'b', 'c', 'd']);
      assert.equal(tree.size, 6);
    });
    it('refuses a missing root or a duplicate id', () => {
      assert.throws(() => LoomTree.fromNodes([{ id: 'a', parentId: null, ...base }], 'r'), /no root node r/);
      assert.throws(() => LoomTree.fromNodes([{ id: 'r', parentId: null, ...base }, { id: 'a', parentId: 'r', ...base }, { id: 'a', parentId: 'r', ...base }], 'r'), /two nodes have the id "a"/);
    });
  });

  describe('growing', () => {
    const node = (id: string, parentId: string | null, text: string) => ({ id, parentId, text, author: 'user' as const, createdAt: 0 });
    it('grows a tree parents first, children in the order added, and the tree then edits as any other', () => {
      const grown = LoomTree.growing(node('r', null, 'Once'), { newId: () => 'new' });
      const a = grown.add(grown.root, node('a', 'r', ' upon'));
      grown.add(a, node('b', 'a', ' a time'));
      grown.add(grown.root, node('c', 'r', ' more'));
      grown.add(a, node('d', 'a', ' a dragon'));
      const { tree } = grown;
      assert.deepEqual([...tree.preorder()].map((n) => n.id), ['r', 'a', 'b', 'd', 'c']);
      assert.equal(tree.parent('d')?.id, 'a');
      assert.equal(tree.textOf('d'), 'Once upon a dragon');
      tree.addChild('b', ' there', { author: 'model' });
      tree.removeSubtree('d');
      assert.deepEqual(tree.children('a').map((n) => n.id), ['b']);
      assert.deepEqual(tree.children('b').map((n) => n.text), [' there']);
      assert.equal(tree.size, 5);
    });
    it('refuses a duplicate id', () => {
      const grown = LoomTree.growing(node('r', null, ''));
      grown.add(grown.root, node('a', 'r', ''));
      assert.throws(() => grown.add(grown.root, node('a', 'r', '')), /two nodes have the id "a"/);
    });
  });
});

describe('LoomTree edges (issue 18: what mutation testing found unchecked)', () => {
  const base = { text: '', author: 'user' as const, createdAt: 0 };

  it('answers undefined for an unknown id, and names the offset and path it cannot place', () => {
    const tree = sample();
    assert.equal(tree.get('nope'), undefined);
    assert.throws(() => tree.nodeAtOffset('n2', 17), /^RangeError: offset 17 is outside the path to n2$/);
  });

  it('records no op for a change that changes nothing: an empty append, the same bookmark, no tags on an untagged node', () => {
    const tree = sample();
    const ops: TreeOp[] = [];
    tree.onDidChange((op) => ops.push(op));
    tree.appendText('n2', '');
    tree.setBookmark('n2', false);
    tree.setTags('n2', []);
    tree.setTags('n2', ['  ']);
    assert.deepEqual(ops, []);
  });

  it('changes tags that only join to the same text: one tag with a line break is not two tags', () => {
    const tree = sample();
    tree.setTags('n2', ['a', 'b']);
    tree.setTags('n2', ['a\nb']);
    assert.deepEqual(tree.get('n2')?.tags, ['a\nb']);
    tree.setTags('n2', ['a', 'b']);
    assert.deepEqual(tree.get('n2')?.tags, ['a', 'b']);
    tree.setTags('n2', ['b', 'a']);
    assert.deepEqual(tree.get('n2')?.tags, ['b', 'a']);
  });

  it('refuses to split outside the text or between code units of an offset that is not whole, before taking an id', () => {
    let made = 0;
    const tree = LoomTree.create('Once', { newId: () => `id${made++}` });
    for (const offset of [-1, 5, 1.5]) {
      assert.throws(() => tree.splitNode(tree.rootId, offset), new RegExp(`^RangeError: cannot split node id0 \\(length 4\\) at ${offset}$`));
    }
    assert.equal(made, 1);
    assert.equal(tree.size, 1);
  });

  it('refuses a split op (journal, mirror) outside the node, changing nothing', () => {
    const tree = sample();
    for (const offset of [-1, 6]) {
      assert.throws(() => tree.apply({ op: 'split', id: 'n1', offset, headId: 'h' }), new RegExp(`^RangeError: cannot split node n1 at ${offset}$`));
    }
    assert.equal(tree.has('h'), false);
    assert.equal(tree.get('n1')?.text, ' upon');
  });

  it('retries an id the id maker gives that is taken, and makes 10 base-36 characters by default', () => {
    const ids = ['a', 'a', 'b'];
    const tree = LoomTree.create('', { newId: () => ids.shift()! });
    assert.equal(tree.addChild('a', 'x', { author: 'user' }).id, 'b');
    const plain = LoomTree.create('');
    assert.match(plain.rootId, /^[0-9a-z]{10}$/);
    assert.match(plain.addChild(plain.rootId, 'x', { author: 'user' }).id, /^[0-9a-z]{10}$/);
  });

  describe('splitChain', () => {
    const generation: GenerationInfo = GENERATION;
    // m (model, no info) → decoys that differ in one thing each, then its real tail holding the info
    const chainTree = () =>
      LoomTree.fromNodes(
        [
          { id: 'r', parentId: null, ...base },
          { id: 'm', parentId: 'r', text: 'a', author: 'model', kind: 'generation', createdAt: 5 },
          { id: 'user', parentId: 'm', text: 'b', author: 'user', kind: 'generation', createdAt: 5 },
          { id: 'later', parentId: 'm', text: 'c', author: 'model', kind: 'generation', createdAt: 6 },
          { id: 'other', parentId: 'm', text: 'd', author: 'model', kind: 'regeneration', createdAt: 5 },
          { id: 'tail', parentId: 'm', text: 'e', author: 'model', kind: 'generation', createdAt: 5, generation },
          { id: 'below', parentId: 'tail', text: 'f', author: 'model', kind: 'generation', createdAt: 5, generation },
        ],
        'r',
      );

    it('follows only the model child made at the same moment, of the same kind, and stops at the generation info', () => {
      assert.deepEqual(chainTree().splitChain('m').map((n) => n.id), ['m', 'tail']);
      assert.deepEqual(chainTree().splitChain('tail').map((n) => n.id), ['tail']);
    });

    it('is empty for a node the user wrote, and ends where no tail goes on', () => {
      assert.deepEqual(chainTree().splitChain('user'), []);
      assert.deepEqual(chainTree().splitChain('later').map((n) => n.id), ['later']);
    });
  });

  describe('restoreSubtree', () => {
    it('changes nothing when an id is taken, even where the parent grew and would be split', () => {
      const tree = LoomTree.create('Once', { newId: counterIds() });
      tree.addChild('n0', ' upon', { author: 'model' });
      const removed = tree.removeSubtree('n1');
      tree.appendText('n0', ' more');
      tree.addChild('n0', '!', { author: 'user', id: 'n1' });
      assert.throws(() => tree.restoreSubtree(removed), /node id n1 is taken/);
      assert.equal(tree.size, 2);
      assert.equal(tree.get('n0')?.text, 'Once more');
    });

    it('hangs under the node that ends at the old text point, splitting nothing more, when the parent was split there', () => {
      const tree = LoomTree.create('Once', { newId: counterIds() });
      tree.addChild('n0', ' upon', { author: 'model' });
      const removed = tree.removeSubtree('n1');
      const { headId } = tree.splitNode('n0', 4);
      tree.appendText('n0', ' more');
      tree.restoreSubtree(removed);
      assert.equal(tree.size, 3);
      assert.equal(tree.parent('n1')?.id, headId);
      assert.equal(tree.textOf('n1'), 'Once upon');
    });
  });

  describe('ops that do not fit', () => {
    const removedAt = (nodes: RemovedSubtree['nodes']): RemovedSubtree => ({ parentId: 'n0', index: 0, parentPathLength: 4, nodes });
    it('names a missing parent of an add', () => {
      const tree = sample();
      assert.throws(() => tree.apply({ op: 'add', node: { id: 'x', parentId: 'zz', ...base } }), /^Error: no parent node zz to insert under$/);
    });

    it('refuses a restore whose top does not hang under its parent, or whose other nodes do not hang inside it, all or nothing', () => {
      const tree = sample();
      assert.throws(() => tree.apply({ op: 'restore', removed: removedAt([{ id: 'x', parentId: 'n4', ...base }]) }), /^Error: node x does not hang under the inserted subtree$/);
      const stray = removedAt([{ id: 'x', parentId: 'n0', ...base }, { id: 'y', parentId: 'zz', ...base }]);
      assert.throws(() => tree.apply({ op: 'restore', removed: stray }), /^Error: node y does not hang under the inserted subtree$/);
      assert.equal(tree.has('x'), false);
      assert.deepEqual(tree.children('n0').map((n) => n.id), ['n1', 'n4']);
    });

    it('takes a restore of no nodes (a damaged journal line) as changing nothing', () => {
      const tree = sample();
      tree.apply({ op: 'restore', removed: removedAt([]) });
      assert.deepEqual([...tree.preorder()].map((n) => n.id), ['n0', 'n1', 'n2', 'n3', 'n4']);
    });
  });

  describe('fromNodes', () => {
    it('loads orphans without anyone to tell, and makes the root a root', () => {
      const tree = LoomTree.fromNodes([{ id: 'r', parentId: 'gone', ...base }, { id: 'a', parentId: 'x', ...base }], 'r');
      assert.equal(tree.get('r')?.parentId, null);
      assert.deepEqual(tree.children('r').map((n) => n.id), ['a']);
    });

    it('cuts a cycle at a node in it when the first node found unreachable only hangs below the cycle', () => {
      const { tree, orphans } = withOrphans([['r', null], ['d', 'c'], ['b', 'c'], ['c', 'b']]);
      assert.deepEqual(orphans, ['c is in a cycle']);
      assert.deepEqual([...tree.preorder()].map((n) => n.id), ['r', 'c', 'd', 'b']);
    });
  });
});

/** A tree of empty user nodes from `[id, parentId]` pairs, rooted at `r`, with what it said of each orphan. */
function withOrphans(links: Array<[string, string | null]>): { tree: LoomTree; orphans: string[] } {
  const orphans: string[] = [];
  const nodes = links.map(([id, parentId]) => ({ id, parentId, text: '', author: 'user' as const, createdAt: 0 }));
  const tree = LoomTree.fromNodes(nodes, 'r', { onOrphan: (node, why) => orphans.push(`${node.id} ${why}`) });
  return { tree, orphans };
}

function pos(tree: LoomTree, end: string, offset: number, bias?: 'before' | 'after'): [string, number] {
  const p = tree.nodeAtOffset(end, offset, bias);
  return [p.node.id, p.offset];
}
