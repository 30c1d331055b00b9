import type { Slot } from './treeData';

/** What flattening needs to know about the tree and the view's folds. */
export interface TreeShape {
  children(slot: Slot): readonly Slot[];
  isCollapsed(slot: Slot): boolean;
  /** Nodes in the tree: no flattening yields more rows, so malformed data cannot loop forever. */
  readonly size: number;
}

/**
 * The flattened list of visible rows: the nodes under the displayed root, in preorder, skipping
 * children of folded nodes, each with its depth. Changes splice it (a subtree's rows are the
 * contiguous run after its node with greater depth), so a new child costs its own rows, not the tree.
 */
export class RowIndex {
  private slots: Slot[] = [];
  private depths: number[] = [];

  get length(): number {
    return this.slots.length;
  }

  slot(index: number): Slot {
    return this.slots[index] ?? -1;
  }

  depth(index: number): number {
    return this.depths[index] ?? 0;
  }

  /** Position of the node's row, -1 when it has none (folded away, outside the hoisted subtree). */
  indexOf(slot: Slot): number {
    return slot < 0 ? -1 : this.slots.indexOf(slot);
  }

  /** The index just after the rows of the subtree whose top row is `index`. */
  subtreeEnd(index: number): number {
    const depth = this.depths[index];
    if (depth === 0) {
      // The displayed root: everything is under it.
      return this.depths.length;
    }
    let end = index + 1;
    while (end < this.depths.length && this.depths[end] > depth) {
      end++;
    }
    return end;
  }

  /** Lays out every row again from `root` (depth 0). */
  rebuild(root: Slot, shape: TreeShape): void {
    this.slots = [];
    this.depths = [];
    if (root >= 0) {
      flatten([root], 0, shape, this.slots, this.depths);
    }
  }

  /**
   * Takes the rows as given: slots `0..count-1` are a whole tree in preorder with these parents and
   * nothing is folded, so the rows are the slots in order (the first render of a snapshot).
   */
  adoptPreorder(count: number, parentOf: (slot: Slot) => Slot): void {
    const slots = new Array<Slot>(count);
    const depths = new Array<number>(count);
    for (let slot = 0; slot < count; slot++) {
      slots[slot] = slot;
      const parent = parentOf(slot);
      depths[slot] = parent >= 0 ? depths[parent] + 1 : 0;
    }
    this.slots = slots;
    this.depths = depths;
  }

  /** Lays out again the rows under the node at `index` (its children, recursively). */
  relayoutChildren(index: number, shape: TreeShape): void {
    const rows = this.childRows(index, shape.children(this.slots[index]), shape);
    this.splice(index + 1, this.subtreeEnd(index) - index - 1, rows.slots, rows.depths);
  }

  /** Adds the rows of `children` (new last children of the node at `index`) after its subtree. */
  appendChildren(index: number, children: readonly Slot[], shape: TreeShape): void {
    const rows = this.childRows(index, children, shape);
    this.splice(this.subtreeEnd(index), 0, rows.slots, rows.depths);
  }

  /** Removes the rows under the node at `index`, keeping its own row (folding). */
  removeChildren(index: number): void {
    this.splice(index + 1, this.subtreeEnd(index) - index - 1, [], []);
  }

  /** Removes the node's row and its subtree's rows. */
  removeSubtree(index: number): void {
    this.splice(index, this.subtreeEnd(index) - index, [], []);
  }

  private childRows(index: number, children: readonly Slot[], shape: TreeShape): { slots: Slot[]; depths: number[] } {
    const slots: Slot[] = [];
    const depths: number[] = [];
    const slot = this.slots[index];
    if (slot !== undefined && !shape.isCollapsed(slot)) {
      flatten(children, this.depths[index] + 1, shape, slots, depths);
    }
    return { slots, depths };
  }

  private splice(start: number, deleteCount: number, slots: Slot[], depths: number[]): void {
    if (slots.length < 10_000) {
      this.slots.splice(start, deleteCount, ...slots);
      this.depths.splice(start, deleteCount, ...depths);
      return;
    }
    // Spreading this many arguments could overflow the stack.
    this.slots = this.slots.slice(0, start).concat(slots, this.slots.slice(start + deleteCount));
    this.depths = this.depths.slice(0, start).concat(depths, this.depths.slice(start + deleteCount));
  }
}

/**
 * Appends the rows of `tops` and their unfolded descendants, in preorder, without recursion (a loom
 * can be a chain thousands of nodes deep) and without an object per node.
 */
function flatten(tops: readonly Slot[], topDepth: number, shape: TreeShape, slots: Slot[], depths: number[]): void {
  const limit = slots.length + shape.size;
  const lists: (readonly Slot[])[] = [tops];
  const next: number[] = [0];
  while (lists.length > 0 && slots.length < limit) {
    const level = lists.length - 1;
    const list = lists[level];
    if (next[level] >= list.length) {
      lists.pop();
      next.pop();
      continue;
    }
    const slot = list[next[level]++];
    slots.push(slot);
    depths.push(topDepth + level);
    const children = shape.children(slot);
    if (children.length > 0 && !shape.isCollapsed(slot)) {
      lists.push(children);
      next.push(0);
    }
  }
}
