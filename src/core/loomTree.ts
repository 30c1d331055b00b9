import type { GenerationInfo, GenerationPatch, LoomNode, NodeKind, RemovedSubtree, TreeOp } from './loomNode';

export type { Author, GenerationInfo, GenerationPatch, LoomNode, NodeKind, RemovedSubtree, TreeOp } from './loomNode';

/** What a new child is, besides its text. */
export interface NodeMeta {
  author: LoomNode['author'];
  kind?: NodeKind;
  /** Defaults to the tree's clock. */
  createdAt?: number;
  bookmarked?: boolean;
  generation?: GenerationInfo;
  comparesTo?: string;
  /** An explicit id (import); it must not be in use. Normally the tree makes one. */
  id?: string;
}

export interface TreeOptions {
  /** Makes ids; the tree retries while an id is taken. Defaults to 10 random base-36 characters. */
  newId?: () => string;
  now?: () => number;
}

/** A point on a path: `offset` characters into `node.text` (0 ≤ offset ≤ node.text.length). */
export interface PathPosition {
  node: LoomNode;
  offset: number;
}

export interface SplitResult {
  /** The new node holding the text before the split point; it took the split node's place. */
  headId: string;
  /** The split node itself, now holding the rest (and still its children and metadata). */
  tailId: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Entry {
  node: Mutable<LoomNode>;
  parent: Entry | undefined;
  children: Entry[];
}

/**
 * A loom: every generation or hand edit is a node, and a document shows one path from the root.
 *
 * Ids are stable and so is each node's path text: `textOf(id)` only ever changes by `appendText(id)`,
 * even across splits (the head of a split is a new node), so ids held elsewhere (the current node, a
 * streaming target, a selection, an undo record) keep meaning the same text. Navigation costs
 * O(path depth) or O(children), never O(tree size). Nodes returned are live, read-only views.
 */
export class LoomTree {
  private readonly entries = new Map<string, Entry>();
  private root: Entry;
  private readonly listeners = new Set<(op: TreeOp) => void>();
  private readonly makeId: () => string;
  private readonly now: () => number;

  private constructor(root: Mutable<LoomNode>, options: TreeOptions) {
    this.makeId = options.newId ?? randomId;
    this.now = options.now ?? Date.now;
    this.root = { node: root, parent: undefined, children: [] };
    this.entries.set(root.id, this.root);
  }

  /** A tree whose root holds the text written before any generation (it may be ''). */
  static create(rootText: string, options: TreeOptions = {}): LoomTree {
    const id = (options.newId ?? randomId)();
    return new LoomTree({ id, parentId: null, text: rootText, author: 'user', createdAt: (options.now ?? Date.now)() }, options);
  }

  /**
   * Builds a tree from nodes in any order, children in array order, taking the node objects as its
   * own (they must not be used afterwards; pass copies to keep them). A node whose parent is missing,
   * or that hangs in a cycle, is attached under the root and reported to `onOrphan`, so that a
   * damaged file still loads everything it has. Throws for a missing root or a duplicate id.
   */
  static fromNodes(nodes: readonly LoomNode[], rootId: string, options: TreeOptions & { onOrphan?: (node: LoomNode, why: string) => void } = {}): LoomTree {
    const rootNode = nodes.find((n) => n.id === rootId) as Mutable<LoomNode> | undefined;
    if (!rootNode) throw new Error(`no root node ${rootId}`);
    rootNode.parentId = null;
    const tree = new LoomTree(rootNode, options);
    const entries: Entry[] = new Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as Mutable<LoomNode>;
      if (node === rootNode) continue;
      const size = tree.entries.size;
      tree.entries.set(node.id, (entries[i] = { node, parent: undefined, children: [] }));
      if (tree.entries.size === size) throw new Error(`two nodes have the id ${JSON.stringify(node.id)}`);
    }
    const adopt = (entry: Entry, why: string) => {
      entry.node.parentId = rootId;
      entry.parent = tree.root;
      tree.root.children.push(entry);
      options.onOrphan?.(entry.node, why);
    };
    for (const entry of entries) {
      if (!entry) continue;
      const { parentId } = entry.node;
      const parent = parentId === null ? undefined : tree.entries.get(parentId);
      if (!parent || parent === entry) adopt(entry, parentId === null ? 'has no parent' : parent ? 'is its own parent' : `has a missing parent ${parentId}`);
      else (entry.parent = parent).children.push(entry);
    }
    if (tree.countFrom(tree.root) < tree.entries.size) tree.breakCycles(entries, adopt);
    return tree;
  }

  get rootId(): string {
    return this.root.node.id;
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): LoomNode | undefined {
    return this.entries.get(id)?.node;
  }

  /** The parent, or undefined for the root. */
  parent(id: string): LoomNode | undefined {
    return this.entry(id).parent?.node;
  }

  /** Children in creation order. */
  children(id: string): LoomNode[] {
    return this.entry(id).children.map((c) => c.node);
  }

  /** The children of the node's parent, the node included, in order; `[root]` for the root. */
  siblings(id: string): LoomNode[] {
    const entry = this.entry(id);
    return entry.parent ? entry.parent.children.map((c) => c.node) : [entry.node];
  }

  /** The nodes from the root down to `id`. */
  pathTo(id: string): LoomNode[] {
    const path: LoomNode[] = [];
    for (let e: Entry | undefined = this.entry(id); e; e = e.parent) path.push(e.node);
    return path.reverse();
  }

  /** The text of the path from the root to `id`: what the editor shows when `id` is current. */
  textOf(id: string): string {
    const parts: string[] = [];
    for (let e: Entry | undefined = this.entry(id); e; e = e.parent) parts.push(e.node.text);
    return parts.reverse().join('');
  }

  /**
   * Which node of the path root → `pathEndId` covers document offset `offset`. At a boundary between
   * two nodes, bias `'before'` picks the node that ends there (where a generation at that offset
   * hangs: no split needed) and `'after'` the node that starts there (the one the cursor is "on").
   * Throws a RangeError outside 0..textOf(pathEndId).length.
   */
  nodeAtOffset(pathEndId: string, offset: number, bias: 'before' | 'after' = 'before'): PathPosition {
    const path = this.pathTo(pathEndId);
    if (offset >= 0) {
      let start = 0;
      for (const node of path) {
        const end = start + node.text.length;
        if (bias === 'before' ? offset <= end : offset < end) return { node, offset: offset - start };
        start = end;
      }
      const last = path[path.length - 1];
      if (offset === start) return { node: last, offset: last.text.length };
    }
    throw new RangeError(`offset ${offset} is outside the path to ${pathEndId}`);
  }

  /** Nodes of the subtree at `fromId` (default: all), parents before children, children in order. */
  *preorder(fromId: string = this.rootId): IterableIterator<LoomNode> {
    const stack: Entry[] = [this.entry(fromId)];
    while (stack.length > 0) {
      const e = stack.pop()!;
      yield e.node;
      for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]);
    }
  }

  /** Adds a last child of `parentId`. */
  addChild(parentId: string, text: string, meta: NodeMeta): LoomNode {
    const { id, createdAt, ...rest } = meta;
    const node: LoomNode = { id: id ?? this.freshId(), parentId, text, createdAt: createdAt ?? this.now(), ...dropUndefined(rest) };
    this.apply({ op: 'add', node });
    return this.entry(node.id).node;
  }

  /** Appends to a node's text (streaming): O(delta). Only this node's and its descendants' path text grows. */
  appendText(id: string, delta: string): void {
    if (delta.length > 0) this.apply({ op: 'append', id, text: delta });
  }

  /** Merges a patch into a model node's generation info. Throws if the node has none. */
  setGeneration(id: string, patch: GenerationPatch): void {
    this.apply({ op: 'generation', id, patch: { ...patch } });
  }

  setBookmark(id: string, bookmarked: boolean): void {
    if (Boolean(this.entry(id).node.bookmarked) !== bookmarked) this.apply({ op: 'bookmark', id, bookmarked });
  }

  /**
   * Splits a node at `offset` (0 ≤ offset ≤ its text length). A new head node takes its place under
   * the parent with the text before `offset`; the node keeps the rest, its children, its id and all
   * its metadata (generation info, bookmark, comparesTo), so `textOf` of every existing node is
   * unchanged and a stream into it still appends at the right place. The head gets the same author,
   * kind and createdAt but no generation info: the tail's info describes the whole generation.
   * Splitting the root makes the head the new root.
   */
  splitNode(id: string, offset: number): SplitResult {
    const text = this.entry(id).node.text;
    if (!Number.isInteger(offset) || offset < 0 || offset > text.length) {
      throw new RangeError(`cannot split node ${id} (length ${text.length}) at ${offset}`);
    }
    const headId = this.freshId();
    this.apply({ op: 'split', id, offset, headId });
    return { headId, tailId: id };
  }

  /** Removes a node and its descendants (not the root). Keep the result to undo with restoreSubtree. */
  removeSubtree(id: string): RemovedSubtree {
    const removed = this.remove(id);
    this.emit({ op: 'remove', id });
    return removed;
  }

  /**
   * Puts back what removeSubtree took, at its old position (or last, if the parent has fewer children
   * now), with the same path texts: if the parent's path text grew meanwhile (a user leaf extended by
   * typing), the parent is split where it used to end and the subtree hangs there.
   */
  restoreSubtree(removed: RemovedSubtree): void {
    for (const node of removed.nodes) if (this.entries.has(node.id)) throw new Error(`node id ${node.id} is taken`);
    if (this.pathLength(removed.parentId) === removed.parentPathLength) {
      this.apply({ op: 'restore', removed });
      return;
    }
    const { node, offset } = this.nodeAtOffset(removed.parentId, removed.parentPathLength);
    const parentId = offset === node.text.length ? node.id : this.splitNode(node.id, offset).headId;
    const [top, ...rest] = removed.nodes;
    this.apply({ op: 'restore', removed: { ...removed, parentId, index: this.entry(parentId).children.length, nodes: [{ ...top, parentId }, ...rest] } });
  }

  /** Applies an op (journal replay, mirroring) and tells listeners. Throws, changing nothing, if it does not fit. */
  apply(op: TreeOp): void {
    switch (op.op) {
      case 'add':
        this.insert(op.node.parentId, [op.node], Infinity);
        break;
      case 'append':
        this.entry(op.id).node.text += op.text;
        break;
      case 'generation':
        this.patchGeneration(op.id, op.patch);
        break;
      case 'bookmark':
        if (op.bookmarked) this.entry(op.id).node.bookmarked = true;
        else delete this.entry(op.id).node.bookmarked;
        break;
      case 'split':
        this.split(op.id, op.offset, op.headId);
        break;
      case 'remove':
        this.remove(op.id);
        break;
      case 'restore':
        this.insert(op.removed.parentId, op.removed.nodes, op.removed.index);
        break;
    }
    this.emit(op);
  }

  /** Calls `listener` after every change, with the op that made it. */
  onDidChange(listener: (op: TreeOp) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(op: TreeOp): void {
    for (const listener of this.listeners) listener(op);
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`no node ${id} in the tree`);
    return entry;
  }

  private countFrom(top: Entry, seen?: Set<Entry>): number {
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

  /** Nodes not reachable from the root hang in cycles: cut each cycle at one node, which goes under the root. */
  private breakCycles(entries: readonly Entry[], adopt: (entry: Entry, why: string) => void): void {
    const reached = new Set<Entry>();
    this.countFrom(this.root, reached);
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
      this.countFrom(e, reached);
    }
  }

  private pathLength(id: string): number {
    let length = 0;
    for (let e: Entry | undefined = this.entry(id); e; e = e.parent) length += e.node.text.length;
    return length;
  }

  private freshId(): string {
    for (;;) {
      const id = this.makeId();
      if (!this.entries.has(id)) return id;
    }
  }

  private patchGeneration(id: string, patch: GenerationPatch): void {
    const node = this.entry(id).node;
    if (!node.generation) throw new Error(`node ${id} has no generation info to update`);
    const merged: { error?: string | null } = dropUndefined({ ...node.generation, ...patch });
    if (merged.error === null) delete merged.error; // how a journal line says "clear the error"
    node.generation = merged as GenerationInfo;
  }

  private split(id: string, offset: number, headId: string): void {
    const tail = this.entry(id);
    const { node } = tail;
    if (offset < 0 || offset > node.text.length) throw new RangeError(`cannot split node ${id} at ${offset}`);
    if (this.entries.has(headId)) throw new Error(`node id ${headId} is taken`);
    const head: Entry = {
      node: dropUndefined({ id: headId, parentId: node.parentId, text: node.text.slice(0, offset), author: node.author, createdAt: node.createdAt, kind: node.kind }),
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

  private remove(id: string): RemovedSubtree {
    const entry = this.entry(id);
    const parent = entry.parent;
    if (!parent) throw new Error('cannot remove the root');
    const nodes = [...this.preorder(id)];
    for (const node of nodes) this.entries.delete(node.id);
    const index = parent.children.indexOf(entry);
    parent.children.splice(index, 1);
    return { parentId: parent.node.id, index, parentPathLength: this.pathLength(parent.node.id), nodes };
  }

  /** Inserts nodes (a subtree root first, then descendants in preorder) as copies, all or nothing. */
  private insert(parentId: string | null, nodes: readonly LoomNode[], index: number): void {
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
}

/** The object without its `undefined`-valued keys, so persisted nodes stay tidy. */
function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

function randomId(): string {
  let id = '';
  for (let i = 0; i < 10; i++) id += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return id;
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
