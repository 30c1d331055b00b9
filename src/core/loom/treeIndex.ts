import type { LoomNode, RemovedSubtree } from './loomNode';

// The structure under a LoomTree: an id map and parent/child links, with the structural edits.
// Everything here trusts its caller (LoomTree), which checks arguments and reports changes.

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface Entry {
  node: Mutable<LoomNode>;
  parent: Entry | undefined;
  children: Entry[];
}

export class TreeIndex {
  readonly entries = new Map<string, Entry>();
  root: Entry;

  constructor(root: Mutable<LoomNode>) {
    this.root = { node: root, parent: undefined, children: [] };
    this.entries.set(root.id, this.root);
  }

  /** See LoomTree.fromNodes. */
  static build(nodes: readonly LoomNode[], rootId: string, onOrphan?: (node: LoomNode, why: string) => void): TreeIndex {
    const rootNode = nodes.find((n) => n.id === rootId) as Mutable<LoomNode> | undefined;
    if (!rootNode) throw new Error(`no root node ${rootId}`);
    rootNode.parentId = null;
    const index = new TreeIndex(rootNode);
    const entries: Entry[] = new Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as Mutable<LoomNode>;
      if (node === rootNode) continue;
      const size = index.entries.size;
      index.entries.set(node.id, (entries[i] = { node, parent: undefined, children: [] }));
      if (index.entries.size === size) throw new Error(`two nodes have the id ${JSON.stringify(node.id)}`);
    }
    const adopt = (entry: Entry, why: string) => {
      entry.node.parentId = rootId;
      entry.parent = index.root;
      index.root.children.push(entry);
      onOrphan?.(entry.node, why);
    };
    for (const entry of entries) {
      if (!entry) continue;
      const { parentId } = entry.node;
      const parent = parentId === null ? undefined : index.entries.get(parentId);
      if (!parent || parent === entry) adopt(entry, parentId === null ? 'has no parent' : parent ? 'is its own parent' : `has a missing parent ${parentId}`);
      else hangUnder(parent, entry);
    }
    if (countFrom(index.root) < index.entries.size) index.breakCycles(entries, adopt);
    return index;
  }

  /** Adds a last child under an entry the caller holds (nodes given parents first: no lookup by id). */
  attach(parent: Entry, node: Mutable<LoomNode>): Entry {
    const entry: Entry = { node, parent: undefined, children: [] };
    const size = this.entries.size;
    this.entries.set(node.id, entry);
    if (this.entries.size === size) throw new Error(`two nodes have the id ${JSON.stringify(node.id)}`);
    hangUnder(parent, entry);
    return entry;
  }

  entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`no node ${id} in the tree`);
    return entry;
  }

  /**
   * Calls `visit` with the entries of a subtree, parents before children, children in order. A
   * callback, not a generator: over 100,000 nodes the generators' resumptions cost more than a find's
   * matching (LoomTree.preorder is the lazy walk, for callers that stop early).
   */
  walk(top: Entry, visit: (entry: Entry) => void): void {
    const stack: Entry[] = [top];
    while (stack.length > 0) {
      const e = stack.pop()!;
      visit(e);
      for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]);
    }
  }

  pathLength(id: string): number {
    let length = 0;
    for (let e: Entry | undefined = this.entry(id); e; e = e.parent) length += e.node.text.length;
    return length;
  }

  /** Puts a new head holding the text before `offset` between node `id` and its parent. */
  split(id: string, offset: number, headId: string): void {
    const tail = this.entry(id);
    const { node } = tail;
    if (offset < 0 || offset > node.text.length) throw new RangeError(`cannot split node ${id} at ${offset}`);
    if (this.entries.has(headId)) throw new Error(`node id ${headId} is taken`);
    const head: Entry = {
      // Both halves came from one source: provenance (origin, hidden, sample) goes to both; labels stay with the tail.
      node: dropUndefined({ id: headId, parentId: node.parentId, text: node.text.slice(0, offset), author: node.author, createdAt: node.createdAt, kind: node.kind, hidden: node.hidden, origin: node.origin, sample: node.sample }),
      parent: tail.parent,
      children: [tail],
    };
    if (tail.parent) tail.parent.children[tail.parent.children.indexOf(tail)] = head;
    else this.root = head;
    this.entries.set(headId, head);
    tail.parent = head;
    node.parentId = headId;
    node.text = node.text.slice(offset);
  }

  remove(id: string): RemovedSubtree {
    const entry = this.entry(id);
    const parent = entry.parent;
    if (!parent) throw new Error('cannot remove the root');
    const nodes: LoomNode[] = [];
    this.walk(entry, (e) => {
      this.entries.delete(e.node.id);
      nodes.push(e.node);
    });
    const index = parent.children.indexOf(entry);
    parent.children.splice(index, 1);
    return { parentId: parent.node.id, index, parentPathLength: this.pathLength(parent.node.id), nodes };
  }

  /** Inserts copies of nodes (a subtree's top first, then its descendants in preorder), all or nothing. */
  insert(parentId: string | null, nodes: readonly LoomNode[], index: number): void {
    const parent = parentId === null ? undefined : this.entries.get(parentId);
    if (!parent) throw new Error(`no parent node ${parentId} to insert under`);
    const added = new Map<string, Entry>();
    for (const [i, node] of nodes.entries()) {
      if (this.entries.has(node.id) || added.has(node.id)) throw new Error(`node id ${node.id} is taken`);
      const above = i === 0 ? (node.parentId === parentId ? parent : undefined) : added.get(node.parentId ?? '');
      if (!above) throw new Error(`node ${node.id} does not hang under the inserted subtree`);
      added.set(node.id, { node: { ...node }, parent: above, children: [] });
    }
    for (const entry of added.values()) {
      if (entry.parent !== parent) entry.parent!.children.push(entry);
      this.entries.set(entry.node.id, entry);
    }
    const top = added.values().next().value;
    if (top) parent.children.splice(Math.min(index, parent.children.length), 0, top);
  }

  /** Nodes not reachable from the root hang in cycles: cut each cycle at one node, which goes under the root. */
  private breakCycles(entries: readonly Entry[], adopt: (entry: Entry, why: string) => void): void {
    const reached = new Set<Entry>();
    countFrom(this.root, reached);
    for (const start of entries) {
      if (!start || reached.has(start)) continue;
      const walked = new Set<Entry>();
      let e = start;
      while (!walked.has(e)) {
        walked.add(e);
        e = e.parent!;
      }
      const siblings = e.parent!.children;
      siblings.splice(siblings.indexOf(e), 1);
      adopt(e, 'is in a cycle');
      countFrom(e, reached);
    }
  }
}

/** Adds a last child; a first child gets a list of one (most nodes of a loom have one child, and a pushed-to empty list reserves 17 places). */
function hangUnder(parent: Entry, entry: Entry): void {
  entry.parent = parent;
  if (parent.children.length === 0) parent.children = [entry];
  else parent.children.push(entry);
}

function countFrom(top: Entry, seen?: Set<Entry>): number {
  let count = 0;
  const stack = [top];
  while (stack.length > 0) {
    const e = stack.pop()!;
    seen?.add(e);
    count++;
    for (const c of e.children) stack.push(c);
  }
  return count;
}

/** The object without its `undefined`-valued keys, so persisted nodes stay tidy. */
export function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
