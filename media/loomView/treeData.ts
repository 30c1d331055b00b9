import { decodeNode, type NodeSummary, type WireNode, type WireTree } from '../../src/webviews/webviewProtocol';

/**
 * A node's number in this tree, its index in the store's arrays. Slots are what rows and folds refer
 * to: numbers compare and search faster than ids and need no object per node.
 */
export type Slot = number;

/** What an upsert changed in the tree's shape, for the row index to follow. */
export interface ShapeChange {
  /**
   * Nodes that existed before whose children changed, with their children before the change;
   * `null` when the rows under the node must be laid out again whole.
   */
  readonly children: Map<Slot, readonly Slot[] | null>;
  /** An existing node moved to another parent (a split): the row index must be rebuilt. */
  readonly moved: boolean;
}

const NONE: readonly Slot[] = [];

/**
 * The client's copy of the tree. A snapshot's nodes stay the arrays they arrived as (one per node, in
 * preorder, so slot order is row order); a node becomes a {@link NodeSummary} only when a row draws it,
 * or when the host upserts one. Summaries are replaced, never mutated, so a row can tell by identity
 * whether its node changed.
 */
export class TreeData {
  private ids: (string | undefined)[] = [];
  private slots = new Map<string, Slot>();
  private parents: Slot[] = [];
  /** Children by slot; each array is replaced, never mutated, when the children change. */
  private kids: (readonly Slot[] | undefined)[] = [];
  private wire: (WireNode | undefined)[] = [];
  private summaries: (NodeSummary | undefined)[] = [];
  private strings: readonly string[] = [];
  private live = 0;
  private onPath = new Set<Slot>();
  /** The current node's slot, -1 for none. */
  currentSlot: Slot = -1;
  rootSlot: Slot = -1;
  currentPath: readonly string[] = [];
  label: string | undefined;

  /** Nodes in the tree. */
  get size(): number {
    return this.live;
  }

  /** Slots handed out so far, live or not: the bound of a slot. */
  get slotCount(): number {
    return this.ids.length;
  }

  slotOf(id: string | undefined): Slot {
    return id === undefined ? -1 : (this.slots.get(id) ?? -1);
  }

  idOf(slot: Slot): string | undefined {
    return this.ids[slot];
  }

  has(slot: Slot): boolean {
    return this.ids[slot] !== undefined;
  }

  parentOf(slot: Slot): Slot {
    return this.parents[slot] ?? -1;
  }

  children(slot: Slot): readonly Slot[] {
    return this.kids[slot] ?? NONE;
  }

  isOnPath(slot: Slot): boolean {
    return this.onPath.has(slot);
  }

  /** The node as a summary (made from its wire form on first use). */
  summary(slot: Slot): NodeSummary | undefined {
    const cached = this.summaries[slot];
    if (cached) {
      return cached;
    }
    const wire = this.wire[slot];
    if (!wire) {
      return undefined;
    }
    const parent = this.parents[slot];
    const summary = decodeNode(wire, parent >= 0 ? this.ids[parent] : undefined, this.idsOf(this.children(slot)), this.strings);
    this.summaries[slot] = summary;
    return summary;
  }

  /** The node's tags, without making its summary (the tag filter reads every node's). */
  tags(slot: Slot): readonly string[] | undefined {
    return this.summaries[slot]?.tags ?? this.wire[slot]?.[13] ?? undefined;
  }

  /** Replaces everything with the tree (undefined: no tree). Slots are the wire order, the preorder. */
  load(tree: WireTree | undefined): void {
    const nodes = tree?.nodes ?? [];
    const count = nodes.length;
    this.ids = new Array(count);
    this.slots = new Map();
    this.parents = new Array(count);
    this.kids = new Array(count);
    this.wire = nodes.slice();
    this.summaries = new Array(count);
    this.strings = tree?.strings ?? [];
    const kids: Slot[][] = [];
    for (let slot = 0; slot < count; slot++) {
      const node = nodes[slot];
      const parent = node[1];
      this.ids[slot] = node[0];
      this.slots.set(node[0], slot);
      this.parents[slot] = parent;
      if (parent >= 0) {
        (kids[parent] ??= []).push(slot);
      }
    }
    for (let slot = 0; slot < kids.length; slot++) {
      this.kids[slot] = kids[slot];
    }
    this.live = count;
    this.rootSlot = count > 0 ? 0 : -1;
    this.label = tree?.label;
    this.setCurrent(tree?.currentPath ?? []);
  }

  setCurrent(path: readonly string[]): void {
    this.currentPath = path;
    this.onPath = new Set(path.map((id) => this.slotOf(id)).filter((slot) => slot >= 0));
    this.currentSlot = this.slotOf(path[path.length - 1]);
  }

  /** Adds or replaces nodes; returns what changed in the tree's shape. */
  upsert(nodes: readonly NodeSummary[]): ShapeChange {
    const children = new Map<Slot, readonly Slot[] | null>();
    let moved = false;
    const added = new Set<Slot>();
    const touched: Slot[] = [];
    // Every node gets its slot first, so children later in the batch resolve.
    for (const node of nodes) {
      let slot = this.slots.get(node.id);
      if (slot === undefined) {
        slot = this.ids.push(node.id) - 1;
        this.slots.set(node.id, slot);
        this.parents.push(-1);
        this.kids.push(undefined);
        this.wire.push(undefined);
        this.summaries.push(undefined);
        this.live++;
        added.add(slot);
      }
      this.summaries[slot] = node;
      this.wire[slot] = undefined;
      touched.push(slot);
    }
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const slot = touched[i];
      const parent = this.slotOf(node.parentId);
      const kids = this.slotsOf(node.childIds);
      if (!added.has(slot)) {
        moved ||= parent !== this.parents[slot];
        const before = this.children(slot);
        if (!children.has(slot) && !sameSlots(before, kids)) {
          children.set(slot, before);
        }
      }
      this.parents[slot] = parent;
      this.kids[slot] = kids.length > 0 ? kids : undefined;
      if (node.parentId === undefined && slot !== this.rootSlot) {
        // A split of the root: its new head arrives without a parent and is the root from now on.
        this.rootSlot = slot;
        moved = true;
      }
    }
    for (const slot of added) {
      this.adoptByParent(slot, added, children);
    }
    const dropped = this.dropUnlisted(children);
    if (added.size > 0 || dropped) {
      // The current path may name nodes that only now arrived, or that are gone.
      this.setCurrent(this.currentPath);
    }
    return { children, moved };
  }

  /**
   * Children a parent no longer lists and no other node took are gone with their subtrees: the host
   * names only removed nodes the view knew, not a known node under one made and removed in the same
   * batch (split a node, then delete the new head).
   */
  private dropUnlisted(children: ReadonlyMap<Slot, readonly Slot[] | null>): boolean {
    let dropped = false;
    for (const [parent, before] of children) {
      for (const child of before ?? NONE) {
        if (this.parents[child] === parent && this.has(child) && !this.children(parent).includes(child)) {
          this.deleteSubtree(child);
          dropped = true;
        }
      }
    }
    return dropped;
  }

  /**
   * A new node whose parent does not list it yet is appended to the parent's children, so a source
   * that sends only the child still shows it; a parent that listed it before it arrived is re-read.
   */
  private adoptByParent(slot: Slot, added: ReadonlySet<Slot>, children: Map<Slot, readonly Slot[] | null>): void {
    const parent = this.parents[slot];
    // A parent added in the same batch is laid out whole, with this child, by its own parent.
    if (parent < 0 || added.has(parent) || this.children(parent).includes(slot)) {
      return;
    }
    const before = this.children(parent);
    const listed = this.summary(parent)?.childIds ?? [];
    const id = this.ids[slot] as string;
    if (listed.includes(id)) {
      children.set(parent, null);
      this.setChildren(parent, this.slotsOf(listed));
    } else {
      if (!children.has(parent)) {
        children.set(parent, before);
      }
      this.setChildren(parent, [...before, slot]);
    }
  }

  /** Removes the nodes and their subtrees; returns the slots of the removed subtrees' tops. */
  remove(ids: readonly string[]): Slot[] {
    const tops: Slot[] = [];
    for (const id of ids) {
      const slot = this.slotOf(id);
      if (slot < 0) {
        continue;
      }
      tops.push(slot);
      const parent = this.parents[slot];
      this.deleteSubtree(slot);
      if (parent >= 0 && this.has(parent)) {
        this.setChildren(
          parent,
          this.children(parent).filter((child) => child !== slot),
        );
      }
    }
    if (this.rootSlot >= 0 && !this.has(this.rootSlot)) {
      this.rootSlot = -1;
    }
    this.setCurrent(this.currentPath);
    return tops;
  }

  /** Children changed other than by the node's own upsert: its summary must say so too. */
  private setChildren(slot: Slot, kids: readonly Slot[]): void {
    this.kids[slot] = kids.length > 0 ? kids : undefined;
    const summary = this.summaries[slot];
    if (this.wire[slot]) {
      this.summaries[slot] = undefined;
    } else if (summary) {
      this.summaries[slot] = { ...summary, childIds: this.idsOf(kids) };
    }
  }

  private deleteSubtree(top: Slot): void {
    const stack = [top];
    while (stack.length > 0) {
      const slot = stack.pop() as Slot;
      const id = this.ids[slot];
      if (id === undefined) {
        continue;
      }
      for (const child of this.children(slot)) {
        stack.push(child);
      }
      this.slots.delete(id);
      this.ids[slot] = undefined;
      this.kids[slot] = undefined;
      this.wire[slot] = undefined;
      this.summaries[slot] = undefined;
      this.live--;
    }
  }

  private slotsOf(ids: readonly string[]): Slot[] {
    const slots: Slot[] = [];
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (slot !== undefined) {
        slots.push(slot);
      }
    }
    return slots;
  }

  private idsOf(slots: readonly Slot[]): string[] {
    return slots.map((slot) => this.ids[slot] as string);
  }
}

function sameSlots(a: readonly Slot[], b: readonly Slot[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}
