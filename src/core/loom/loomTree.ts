import type { GenerationInfo, GenerationPatch, LoomNode, NodeKind, RemovedSubtree, TreeOp } from './loomNode';
import { dropUndefined, TreeIndex, type Entry } from './treeIndex';

export type { Author, GenerationInfo, GenerationPatch, LoomNode, NodeKind, RemovedSubtree, SampleMark, TreeOp } from './loomNode';

/** Where a node hangs in a tree being grown ({@link LoomTree.growing}). */
export interface TreePlace {
  readonly node: LoomNode;
}

/** What a new child is, besides its text. */
export interface NodeMeta {
  author: LoomNode['author'];
  kind?: NodeKind;
  /** Defaults to the tree's clock. */
  createdAt?: number;
  bookmarked?: boolean;
  generation?: GenerationInfo;
  comparesTo?: string;
  tags?: readonly string[];
  hidden?: boolean;
  chapter?: string;
  origin?: LoomNode['origin'];
  sample?: LoomNode['sample'];
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

/**
 * A loom: every generation or hand edit is a node, and a document shows one path from the root.
 *
 * Ids are stable and so is each node's path text: `textOf(id)` only ever changes by `appendText(id)`,
 * even across splits (the head of a split is a new node), so ids held elsewhere (the current node, a
 * streaming target, a selection, an undo record) keep meaning the same text. Navigation costs
 * O(path depth) or O(children), never O(tree size). Nodes returned are live, read-only views.
 */
export class LoomTree {
  private readonly listeners = new Set<(op: TreeOp) => void>();
  private readonly makeId: () => string;
  private readonly now: () => number;

  private constructor(
    private readonly index: TreeIndex,
    options: TreeOptions,
  ) {
    this.makeId = options.newId ?? randomId;
    this.now = options.now ?? Date.now;
  }

  /** A tree whose root holds the text written before any generation (it may be ''). */
  static create(rootText: string, options: TreeOptions = {}): LoomTree {
    const id = (options.newId ?? randomId)();
    return new LoomTree(new TreeIndex({ id, parentId: null, text: rootText, author: 'user', createdAt: (options.now ?? Date.now)() }), options);
  }

  /**
   * Builds a tree from nodes in any order, children in array order, taking the node objects as its
   * own (they must not be used afterwards; pass copies to keep them). A node whose parent is missing,
   * or that hangs in a cycle, is attached under the root and reported to `onOrphan`, so that a
   * damaged file still loads everything it has. Throws for a missing root or a duplicate id.
   */
  static fromNodes(nodes: readonly LoomNode[], rootId: string, options: TreeOptions & { onOrphan?: (node: LoomNode, why: string) => void } = {}): LoomTree {
    return new LoomTree(TreeIndex.build(nodes, rootId, options.onOrphan), options);
  }

  /**
   * A tree grown from `root` by nodes given parents first, each added under a place `add` returned
   * before (an import's one pass: no list of all nodes, no parent looked up by its id). Each node's
   * `parentId` must be its place's node id. Nothing is recorded or announced: grow it before anyone listens.
   */
  static growing(root: LoomNode, options: TreeOptions = {}): { tree: LoomTree; root: TreePlace; add(under: TreePlace, node: LoomNode): TreePlace } {
    const index = new TreeIndex(root);
    return { tree: new LoomTree(index, options), root: index.root, add: (under, node) => index.attach(under as Entry, node) };
  }

  get rootId(): string {
    return this.index.root.node.id;
  }

  get size(): number {
    return this.index.entries.size;
  }

  has(id: string): boolean {
    return this.index.entries.has(id);
  }

  get(id: string): LoomNode | undefined {
    return this.index.entries.get(id)?.node;
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

  /**
   * A model node and its split tails (model children made at the same moment, of the same kind) down
   * to the first that holds generation info: a split leaves it on the tail. Ends early where no tail
   * goes on; empty for a node the user wrote.
   */
  splitChain(id: string): LoomNode[] {
    const chain: LoomNode[] = [];
    // Bounded by the tree's depth below the node: each step goes one child down.
    for (let node: LoomNode | undefined = this.get(id); node && node.author === 'model'; ) {
      chain.push(node);
      if (node.generation) break;
      const from: LoomNode = node;
      node = this.children(from.id).find((c) => c.author === 'model' && c.createdAt === from.createdAt && c.kind === from.kind);
    }
    return chain;
  }

  /** Nodes of the subtree at `fromId` (default: all), parents before children, children in order. */
  preorder(fromId: string = this.rootId): IterableIterator<LoomNode> {
    return lazyPreorder(this.entry(fromId));
  }

  /** Calls `visit` with every node of {@link preorder}'s walk, several times faster than iterating it: for walks that never stop early. */
  forEachNode(visit: (node: LoomNode) => void, fromId: string = this.rootId): void {
    this.index.walk(this.entry(fromId), (e) => visit(e.node));
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

  /** Sets a node's tags: trimmed, without blanks or repeats, in the order given. */
  setTags(id: string, tags: readonly string[]): void {
    const clean = normalizeTags(tags);
    const old = this.entry(id).node.tags ?? [];
    // Compared tag by tag: joined, one tag holding a line break would equal two tags.
    if (old.length !== clean.length || clean.some((tag, i) => tag !== old[i])) this.apply({ op: 'tags', id, tags: clean });
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
    const removed = this.index.remove(id);
    this.emit({ op: 'remove', id });
    return removed;
  }

  /**
   * Puts back what removeSubtree took, at its old position (or last, if the parent has fewer children
   * now), with the same path texts: if the parent's path text grew meanwhile (a user leaf extended by
   * typing), the parent is split where it used to end and the subtree hangs there.
   */
  restoreSubtree(removed: RemovedSubtree): void {
    for (const node of removed.nodes) if (this.has(node.id)) throw new Error(`node id ${node.id} is taken`);
    if (this.index.pathLength(removed.parentId) === removed.parentPathLength) {
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
        this.index.insert(op.node.parentId, [op.node], Infinity);
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
      case 'tags':
        if (op.tags.length > 0) this.entry(op.id).node.tags = [...op.tags];
        else delete this.entry(op.id).node.tags;
        break;
      case 'split':
        this.index.split(op.id, op.offset, op.headId);
        break;
      case 'remove':
        this.index.remove(op.id);
        break;
      case 'restore':
        this.index.insert(op.removed.parentId, op.removed.nodes, op.removed.index);
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
    return this.index.entry(id);
  }

  private freshId(): string {
    for (;;) {
      const id = this.makeId();
      if (!this.has(id)) return id;
    }
  }

  private patchGeneration(id: string, patch: GenerationPatch): void {
    const node = this.entry(id).node;
    if (!node.generation) throw new Error(`node ${id} has no generation info to update`);
    const merged: { error?: string | null } = dropUndefined({ ...node.generation, ...patch });
    if (merged.error === null) delete merged.error; // how a journal line says "clear the error"
    node.generation = merged as GenerationInfo;
  }
}

/** The nodes of a subtree in preorder, one at a time (one generator, not one wrapped round another). */
function* lazyPreorder(top: Entry): IterableIterator<LoomNode> {
  const stack: Entry[] = [top];
  while (stack.length > 0) {
    const e = stack.pop()!;
    yield e.node;
    for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]);
  }
}

/** Tags as stored: trimmed, none empty, each once, in the order first given. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];
}

function randomId(): string {
  let id = '';
  for (let i = 0; i < 10; i++) id += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return id;
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
