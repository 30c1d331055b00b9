/**
 * Updating the distribution panel in place: the page is filled again up to ten times a second while
 * samples arrive, and an element rebuilt under a person loses their focus, the group they opened
 * and the box they ticked; an element kept and updated does not.
 */

/** A piece of the page that follows its data: updated, never rebuilt. */
export interface Part<T> {
  readonly element: HTMLElement;
  update(item: T): void;
}

/**
 * Makes `wanted` the children of `parent`, in order, moving only what is out of place: children
 * that are not wanted go first, so a removal never moves the ones after it (a moved element loses
 * the focus).
 */
export function placeChildren(parent: HTMLElement, wanted: readonly Node[]): void {
  const keep = new Set(wanted);
  for (const child of [...parent.childNodes]) if (!keep.has(child)) child.remove();
  wanted.forEach((node, i) => {
    const at = parent.childNodes[i];
    if (at !== node) parent.insertBefore(node, at ?? null);
  });
}

/** The children of `element`, one part per item, matched by key from one update to the next. */
export class KeyedList<T> {
  private parts = new Map<string, Part<T>>();

  constructor(
    readonly element: HTMLElement,
    private readonly key: (item: T, index: number) => string,
    private readonly make: (item: T, index: number) => Part<T>,
  ) {}

  update(items: readonly T[]): void {
    const next = new Map<string, Part<T>>();
    items.forEach((item, i) => {
      const key = this.key(item, i);
      const part = this.parts.get(key) ?? this.make(item, i);
      part.update(item);
      next.set(key, part);
    });
    this.parts = next;
    placeChildren(this.element, [...next.values()].map((p) => p.element));
  }
}
