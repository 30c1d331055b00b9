import type { Slot } from './treeData';

/** What the filter reads of the tree. */
export interface FilterSource {
  readonly slotCount: number;
  has(slot: Slot): boolean;
  tags(slot: Slot): readonly string[] | undefined;
  children(slot: Slot): readonly Slot[];
  parentOf(slot: Slot): Slot;
}

/**
 * The tag filter: with a tag set, the view shows only the nodes carrying it and their ancestors (so
 * each keeps its place in the tree). The filtered children arrays are kept between changes, so a row
 * can tell by identity that its siblings did not change (aria-posinset).
 */
export class TagFilter {
  tag: string | undefined;
  /** Nodes carrying the tag. */
  matched = 0;
  private kept = new Set<Slot>();
  private kids = new Map<Slot, readonly Slot[]>();

  get active(): boolean {
    return this.tag !== undefined;
  }

  /** Sets (or clears, with undefined) the tag and works out which nodes stay. */
  set(tag: string | undefined, tree: FilterSource): void {
    this.tag = tag;
    this.refresh(tree);
  }

  /** Works the kept nodes out again after the tree changed. */
  refresh(tree: FilterSource): void {
    this.kept = new Set();
    this.kids = new Map();
    this.matched = 0;
    const tag = this.tag?.toLowerCase();
    if (tag === undefined) return;
    for (let slot = 0; slot < tree.slotCount; slot++) {
      if (!tree.has(slot) || !tree.tags(slot)?.some((t) => t.toLowerCase() === tag)) continue;
      this.matched++;
      for (let at = slot; at >= 0 && !this.kept.has(at); at = tree.parentOf(at)) this.kept.add(at);
    }
  }

  shows(slot: Slot): boolean {
    return !this.active || this.kept.has(slot);
  }

  /** The children the view shows. */
  children(slot: Slot, tree: FilterSource): readonly Slot[] {
    if (!this.active) return tree.children(slot);
    let kids = this.kids.get(slot);
    if (!kids) {
      kids = tree.children(slot).filter((child) => this.kept.has(child));
      this.kids.set(slot, kids);
    }
    return kids;
  }
}
