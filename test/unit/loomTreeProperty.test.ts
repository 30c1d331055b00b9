import * as assert from 'node:assert/strict';
import type { RemovedSubtree, TreeOp } from '../../src/core/loom/loomNode';
import { LoomTree } from '../../src/core/loom/loomTree';
import { prepareGenerationAt, reconcile } from '../../src/core/loom/treeReconcile';
import { seededRandom } from '../server/random';


// A tiny alphabet makes branches share text often, which is what stresses the matching. Code points,
// so random text never holds half a surrogate pair (VS Code never produces one either); the astral
// ones share halves (😀 and 😁 their high surrogate, 😀 and 🈀 their low one), so edits next to them
// test that no split falls inside a pair.
const ALPHABET = ['a', 'b', ' ', '\n', '😀', '😁', '🈀', 'é'];

interface World {
  tree: LoomTree;
  current: string;
  buffer: string;
  /** The path text every live node had when it was made, grown only by appends to that node (see track). */
  expected: Map<string, string>;
  undo: { removed: RemovedSubtree; texts: Map<string, string> }[];
  /** The one node the action under way may append to, if any (see track). */
  growing?: string;
  appends: number;
}

class Steps {
  constructor(private readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  text(max = 6): string {
    let s = '';
    for (let n = this.int(max + 1); n > 0; n--) s += ALPHABET[this.int(ALPHABET.length)];
    return s;
  }

  /** An offset of `s` that does not fall inside a surrogate pair. */
  offset(s: string): number {
    const o = this.int(s.length + 1);
    return o > 0 && o < s.length && /[\uDC00-\uDFFF]/.test(s[o]) ? o - 1 : o;
  }

  handEdit(w: World): void {
    const a = this.offset(w.buffer);
    const b = Math.max(a, this.offset(w.buffer));
    const kind = this.int(3);
    const inserted = kind === 1 ? '' : this.text();
    w.buffer = w.buffer.slice(0, a) + inserted + w.buffer.slice(kind === 0 ? a : b);
    followEdit(w);
  }

  generation(w: World): void {
    const at = this.offset(w.buffer);
    const parent = prepareGenerationAt(w.tree, w.current, at);
    assert.equal(w.tree.textOf(parent), w.buffer.slice(0, at));
    const node = w.tree.addChild(parent, '', { author: 'model', kind: 'generation', generation: streaming });
    w.expected.set(node.id, w.tree.textOf(node.id));
    let generated = '';
    w.growing = node.id;
    for (let chunks = this.int(4); chunks > 0; chunks--) {
      const delta = this.text(4);
      w.tree.appendText(node.id, delta);
      generated += delta;
    }
    w.growing = undefined;
    w.tree.setGeneration(node.id, { status: 'completed' });
    if (this.int(2) === 0) {
      // The loom way: the editor switches to the new branch.
      w.current = node.id;
      w.buffer = w.tree.textOf(node.id);
    } else {
      // Inserted at the cursor with the text after the cursor kept: the tree follows the edit.
      w.buffer = w.buffer.slice(0, at) + generated + w.buffer.slice(at);
      w.current = node.id;
      followEdit(w);
    }
  }

  switchBranch(w: World): void {
    const nodes = [...w.tree.preorder()];
    w.current = nodes[this.int(nodes.length)].id;
    w.buffer = w.tree.textOf(w.current);
  }

  split(w: World): void {
    const nodes = [...w.tree.preorder()];
    const node = nodes[this.int(nodes.length)];
    w.tree.splitNode(node.id, this.offset(node.text));
  }

  /** Streams into a leaf that may be off the current path, as parallel alternatives do. */
  streamIntoLeaf(w: World): void {
    const leaves = [...w.tree.preorder()].filter((n) => w.tree.children(n.id).length === 0 && n.author === 'model');
    if (leaves.length === 0) return;
    const leaf = leaves[this.int(leaves.length)];
    const delta = this.text(3);
    w.growing = leaf.id;
    w.tree.appendText(leaf.id, delta);
    w.growing = undefined;
    if (leaf.id === w.current) w.buffer += delta;
  }

  removeOrUndo(w: World): void {
    const last = w.undo[w.undo.length - 1];
    if (last && this.int(2) === 0) {
      w.undo.pop();
      w.tree.restoreSubtree(last.removed);
      for (const [id, text] of last.texts) w.expected.set(id, text);
      return;
    }
    const nodes = [...w.tree.preorder()].filter((n) => n.parentId !== null);
    if (nodes.length === 0) return;
    const target = nodes[this.int(nodes.length)];
    const parent = target.parentId!;
    const removed = w.tree.removeSubtree(target.id);
    const texts = new Map(removed.nodes.map((n) => [n.id, w.expected.get(n.id)!]));
    for (const id of texts.keys()) w.expected.delete(id);
    w.undo.push({ removed, texts });
    if (texts.has(w.current)) {
      w.current = parent;
      w.buffer = w.tree.textOf(parent);
    }
  }
}

const streaming = {
  model: 'sim',
  params: { model: 'sim', temperature: 1 },
  stopReason: null,
  usage: { input_tokens: 0, output_tokens: 0 },
  durationMs: 0,
  requests: 1,
  status: 'streaming' as const,
};

/**
 * Reconciles the buffer. Reconcile may extend only the current node, and only when that is a plain
 * user-written leaf: then it stays current. Any other node growing would rewrite a branch.
 */
function followEdit(w: World): void {
  const before = w.tree.get(w.current);
  const extendable = before !== undefined && before.author === 'user' && !before.bookmarked && !before.generation && w.tree.children(before.id).length === 0;
  w.growing = extendable ? before.id : undefined;
  const appendsBefore = w.appends;
  w.current = reconcile(w.tree, w.current, w.buffer).currentId;
  if (w.appends !== appendsBefore) assert.equal(w.current, before?.id, 'an extended node stays current');
  w.growing = undefined;
}

/**
 * Appends (streams, and reconcile extending the user's own leaf) are the one way a path text may
 * change: only to the node the action under way grows (see World.growing), always a leaf, so no
 * other node's path text moves (checkTree compares them all).
 */
function track(w: World, op: TreeOp): void {
  if (op.op !== 'append') return;
  w.appends++;
  assert.equal(op.id, w.growing, `only ${w.growing ?? 'no node'} may grow, not ${op.id}`);
  assert.equal(w.tree.children(op.id).length, 0, 'appends go to leaves');
  w.expected.set(op.id, w.expected.get(op.id) + op.text);
}

/** Path texts of all nodes in one pass, plus the structural checks. */
function checkTree(w: World, where: string): void {
  const { tree } = w;
  assert.equal(tree.textOf(w.current), w.buffer, `${where}: the current path is the buffer`);
  const pathText = new Map<string, string>();
  let count = 0;
  for (const node of tree.preorder()) {
    count++;
    assert.ok(!pathText.has(node.id), `${where}: id ${node.id} appears once`);
    const parentText = node.parentId === null ? '' : pathText.get(node.parentId);
    assert.ok(parentText !== undefined, `${where}: ${node.id} comes after its parent`);
    assert.equal(tree.parent(node.id)?.id ?? null, node.parentId);
    assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(node.text), `${where}: ${node.id} ${JSON.stringify(node.text)} holds half a pair`);
    pathText.set(node.id, parentText + node.text);
  }
  assert.equal(count, tree.size, `${where}: every node is reachable from the root`);
  assert.equal(tree.get(tree.rootId)?.parentId, null);
  // No loss: every path text that ever existed still exists, under the same id. (Every node's own
  // text was, when made, a suffix of its path text, so it is still a substring of a path.)
  for (const [id, text] of w.expected) assert.equal(pathText.get(id), text, `${where}: path text of ${id}`);
  for (const id of pathText.keys()) if (!w.expected.has(id)) w.expected.set(id, pathText.get(id)!);
}

describe('LoomTree properties (seeded random edits, generations, switches, splits)', function () {
  this.timeout(60_000);
  const SEQUENCES = 400;
  const STEPS = 50;

  it(`keeps textOf(current) === buffer and loses no text over ${SEQUENCES} random sequences`, () => {
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const steps = new Steps(seededRandom(seed));
      const rootText = seed % 5 === 0 ? '' : steps.text(8);
      let n = 0;
      const tree = LoomTree.create(rootText, { newId: () => `s${seed}n${n++}`, now: () => seed });
      const initial = LoomTree.fromNodes([...tree.preorder()].map((n) => ({ ...n })), tree.rootId);
      const ops: TreeOp[] = [];
      tree.onDidChange((op) => ops.push(op));
      const w: World = { tree, current: tree.rootId, buffer: rootText, expected: new Map(), undo: [], appends: 0 };
      tree.onDidChange((op) => track(w, op));
      checkTree(w, `seed ${seed} start`);
      const actions = [
        () => steps.handEdit(w),
        () => steps.handEdit(w),
        () => steps.handEdit(w),
        () => steps.generation(w),
        () => steps.generation(w),
        () => steps.switchBranch(w),
        () => steps.split(w),
        () => steps.streamIntoLeaf(w),
        () => steps.removeOrUndo(w),
      ];
      for (let step = 0; step < STEPS; step++) {
        const action = steps.int(actions.length);
        actions[action]();
        checkTree(w, `seed ${seed} step ${step} (action ${action})`);
      }
      // Replaying the ops on the starting tree gives the same tree (what the journal relies on).
      for (const op of ops) initial.apply(op);
      assert.deepEqual([...initial.preorder()], [...tree.preorder()], `seed ${seed}: replay`);
    }
  });
});
