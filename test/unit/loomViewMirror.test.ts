/**
 * The loom view's copy of the tree (media/loomView/treeData.ts) against the host's tree, in plain
 * Node: random sequences of every tree op, applied on the host and sent to the client as the view
 * model batches them; after each batch the client's tree must equal a fresh load of the host's.
 */
import * as assert from 'node:assert/strict';
import type { RemovedSubtree } from '../../src/core/loom/loomNode';
import { LoomTree } from '../../src/core/loom/loomTree';
import { reconcile } from '../../src/core/loom/treeReconcile';
import { snapshotOf, ViewDeltaBatch } from '../../src/loom/loomViewDeltas';
import { encodeTree, type NodeSummary, type TreeChange, type WireTree } from '../../src/webviews/webviewProtocol';
import { TreeData } from '../../media/loomView/treeData';
import { seededRandom } from '../server/random';
import { streaming as generation } from './treeFixtures';

const ALPHABET = ['a', 'b', ' ', '\n', 'é'];

interface Host {
  tree: LoomTree;
  current: string;
  undo: RemovedSubtree[];
}

/** Every op the tree has, with the ops a user's edits make (reconcile) among them. */
function randomOps(random: () => number): ((host: Host) => string)[] {
  const int = (n: number): number => Math.floor(random() * n);
  const text = (max: number): string => Array.from({ length: int(max + 1) }, () => ALPHABET[int(ALPHABET.length)]).join('');
  const pick = (host: Host, filter: (id: string) => boolean = () => true): string | undefined => {
    const ids = [...host.tree.preorder()].map((n) => n.id).filter(filter);
    return ids.length > 0 ? ids[int(ids.length)] : undefined;
  };
  return [
    (host) => {
      const parent = pick(host)!;
      const node = host.tree.addChild(parent, text(4), { author: 'model', kind: 'generation', generation });
      if (int(2) === 0) host.current = node.id;
      return `add under ${parent}`;
    },
    (host) => {
      const id = pick(host)!;
      host.tree.appendText(id, text(3) || 'x');
      return `append to ${id}`;
    },
    (host) => {
      const id = pick(host, (n) => host.tree.get(n)!.generation !== undefined);
      if (id) host.tree.setGeneration(id, { status: 'completed', stopReason: 'end_turn', usage: { input_tokens: int(50), output_tokens: int(50) } });
      return `generation patch of ${id}`;
    },
    (host) => {
      const id = pick(host)!;
      host.tree.setBookmark(id, !host.tree.get(id)!.bookmarked);
      return `bookmark ${id}`;
    },
    (host) => {
      // The root half the time: an edit at the start of the document splits it.
      const id = int(2) === 0 ? host.tree.rootId : pick(host)!;
      const offset = int(host.tree.get(id)!.text.length + 1);
      host.tree.splitNode(id, offset);
      return `split ${id} at ${offset}`;
    },
    (host) => {
      // Typing at the very start of the document, as the editor reconciles it.
      const buffer = text(2) + host.tree.textOf(host.current);
      host.current = reconcile(host.tree, host.current, buffer).currentId;
      return 'type at the start';
    },
    (host) => {
      const id = pick(host, (n) => n !== host.tree.rootId);
      if (!id) return 'remove nothing';
      host.undo.push(host.tree.removeSubtree(id));
      if (!host.tree.has(host.current)) host.current = host.tree.rootId;
      return `remove ${id}`;
    },
    (host) => {
      const removed = host.undo.pop();
      if (removed) host.tree.restoreSubtree(removed);
      return `restore ${removed?.nodes[0].id}`;
    },
    (host) => {
      host.current = pick(host)!;
      return `switch to ${host.current}`;
    },
  ];
}

/** What the client shows, from the root down: every node's summary in row order, and the current path. */
function shown(data: TreeData): unknown {
  const nodes: NodeSummary[] = [];
  const stack = data.rootSlot >= 0 ? [data.rootSlot] : [];
  while (stack.length > 0) {
    const slot = stack.pop()!;
    nodes.push(JSON.parse(JSON.stringify(data.summary(slot))));
    stack.push(...[...data.children(slot)].reverse());
  }
  return { root: data.idOf(data.rootSlot), size: data.size, nodes, current: data.idOf(data.currentSlot), currentPath: data.currentPath };
}

function applyChanges(data: TreeData, changes: readonly TreeChange[]): void {
  // The changes cross into the webview as a structured clone: no shared objects with the host.
  for (const change of JSON.parse(JSON.stringify(changes)) as TreeChange[]) {
    if (change.type === 'upsert') data.upsert(change.nodes);
    else if (change.type === 'remove') data.remove(change.ids);
    else data.setCurrent(change.path);
  }
}

function freshLoad(host: Host): TreeData {
  const data = new TreeData();
  data.load(JSON.parse(encodeTree(snapshotOf(host.tree, host.current, 'doc.md'))) as WireTree);
  return data;
}

describe("the loom view's copy of the tree", () => {
  it('shows the new root after the root is split, with the current branch under it', () => {
    const tree = LoomTree.create('Hello world', { newId: counter() });
    const host: Host = { tree, current: tree.addChild(tree.rootId, ' and more', { author: 'model', generation }).id, undo: [] };
    const client = freshLoad(host);
    const batch = new ViewDeltaBatch();
    tree.onDidChange((op) => batch.collect(tree, op));
    host.current = reconcile(tree, host.current, 'Oh, ' + tree.textOf(host.current)).currentId;
    applyChanges(client, batch.take(tree, () => tree.pathTo(host.current).map((n) => n.id)));
    assert.notEqual(tree.rootId, 'n0', 'the edit split the root');
    assert.equal(client.idOf(client.rootSlot), tree.rootId);
    assert.deepEqual(shown(client), shown(freshLoad(host)));
  });

  it('equals a fresh load of the host tree after every batch of random ops', function () {
    this.timeout(60_000);
    for (let seed = 1; seed <= 80; seed++) {
      const random = seededRandom(seed);
      const ops = randomOps(random);
      const tree = LoomTree.create('The start.', { newId: counter() });
      const host: Host = { tree, current: tree.rootId, undo: [] };
      const client = freshLoad(host);
      const batch = new ViewDeltaBatch();
      tree.onDidChange((op) => batch.collect(tree, op));
      const log: string[] = [];
      for (let step = 0; step < 40; step++) {
        // One to three ops per batch, as the view model sends whatever happened within its interval.
        for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
          log.push(ops[Math.floor(random() * ops.length)](host));
        }
        batch.markCurrent();
        applyChanges(client, batch.take(tree, () => tree.pathTo(host.current).map((n) => n.id)));
        assert.deepEqual(shown(client), shown(freshLoad(host)), `seed ${seed}, after: ${log.join('; ')}`);
      }
    }
  });
});

function counter(): () => string {
  let n = 0;
  return () => `n${n++}`;
}
