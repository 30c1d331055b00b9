import type { NodeStatus, NodeSummary } from '../../src/webviews/webviewProtocol';
import { previewPieces } from './displayText';
import { shadePieces } from './tokenShades';
import { icon, type IconName } from './icons';
import type { RowIndex } from './rowIndex';
import { rowLabel, rowTooltip } from './rowText';
import type { Slot } from './treeData';

/** Height of a row in CSS pixels; must match `.row` in loomView.css. */
export const ROW_HEIGHT = 22;
/** Rows kept above and below the viewport, so a small scroll shows rows that already exist. */
const OVERSCAN = 10;
/** Indentation stops growing here; deeper levels are still announced (aria-level) and shown on hover. */
const MAX_INDENT_LEVELS = 24;

/** What the view reads to draw rows. */
export interface RowSource {
  readonly rows: RowIndex;
  summary(slot: Slot): NodeSummary | undefined;
  children(slot: Slot): readonly Slot[];
  parentOf(slot: Slot): Slot;
  isCollapsed(slot: Slot): boolean;
  isOnPath(slot: Slot): boolean;
  isCurrent(slot: Slot): boolean;
  /** The tree's own root: it cannot be deleted. */
  isRoot(slot: Slot): boolean;
  /** The node has a match of the find in progress. */
  isMatch(slot: Slot): boolean;
}

/** The per-row buttons, and the chevron. */
export type RowAction = 'toggle' | 'bookmark' | 'copy' | 'showRequest' | 'regenerate' | 'generateAlternatives' | 'delete';

/** What the user did with the mouse, by row index. */
export interface TreeViewHandlers {
  click(index: number): void;
  doubleClick(index: number): void;
  action(action: RowAction, index: number): void;
  /** A tag chip was clicked. */
  tag(tag: string): void;
  scrolled(scrollTop: number): void;
}

const BUTTONS: readonly { action: RowAction; icon: IconName; title: string }[] = [
  { action: 'bookmark', icon: 'bookmark', title: 'Bookmark (b)' },
  { action: 'copy', icon: 'copy', title: 'Copy Text (c)' },
  { action: 'showRequest', icon: 'request', title: 'Show Request' },
  { action: 'regenerate', icon: 'regenerate', title: 'Regenerate (r)' },
  { action: 'generateAlternatives', icon: 'alternatives', title: 'Generate Alternatives (a)' },
  { action: 'delete', icon: 'delete', title: 'Delete Subtree (Delete)' },
];

/**
 * The tree as a virtualised list: a spacer as tall as all rows, and absolutely positioned row
 * elements only for the rows in (or near) the viewport, plus the focused one. Rows are recycled, and
 * a row touches the DOM only for what changed since it was last drawn.
 */
export class TreeView {
  private readonly spacer: HTMLDivElement;
  private rendered = new Map<Slot, Row>();
  private readonly pool: Row[] = [];
  private readonly rowsByElement = new WeakMap<Element, Row>();
  private serial = 0;
  private scrollTop = 0;
  /** A scroll position decided but not yet given to the element (see render). */
  private scrollPending = false;
  private spacerHeight = -1;
  private viewportHeight = 0;
  private renderQueued = false;
  /** Index of the focused row (aria-activedescendant), -1 for none. */
  focusIndex = -1;

  constructor(
    readonly element: HTMLElement,
    private readonly source: RowSource,
    private readonly handlers: TreeViewHandlers,
  ) {
    this.spacer = document.createElement('div');
    this.spacer.className = 'spacer';
    this.spacer.setAttribute('role', 'presentation');
    element.append(this.spacer);
    element.addEventListener('scroll', () => this.onScroll(), { passive: true });
    element.addEventListener('click', (e) => this.onClick(e));
    element.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    // The hover text is made when the pointer first reaches a row, not for every row drawn.
    element.addEventListener('mouseover', (e) => {
      const row = this.rowAt(e.target as Element);
      if (row?.node && row.tooltipNode !== row.node) {
        setTooltip(row, row.node);
      }
    });
    // Keep the focus (and the keyboard) on the tree when a row button is pressed.
    element.addEventListener('mousedown', (e) => {
      if ((e.target as Element).closest('button')) {
        e.preventDefault();
        element.focus();
      }
    });
    new ResizeObserver(() => {
      this.viewportHeight = element.clientHeight;
      this.scheduleRender();
    }).observe(element);
    this.viewportHeight = element.clientHeight;
  }

  /** Row elements in the DOM. */
  get renderedCount(): number {
    return this.rendered.size;
  }

  /** Rows that fit in the viewport (for Page Up/Down). */
  get pageRows(): number {
    return Math.max(1, Math.floor(this.viewportHeight / ROW_HEIGHT) - 1);
  }

  get currentScrollTop(): number {
    return this.scrollTop;
  }

  /** The focused row's element, when it exists. */
  get focusedElement(): HTMLElement | undefined {
    return this.rendered.get(this.source.rows.slot(this.focusIndex))?.element;
  }

  /** Scrolls there on the next render (which uses the new position at once). */
  scrollTo(top: number): void {
    this.scrollTop = this.clampScroll(top);
    this.scrollPending = true;
  }

  /** Scrolls as little as needed to show the row. */
  reveal(index: number): void {
    const top = index * ROW_HEIGHT;
    if (top < this.scrollTop) {
      this.scrollTo(top);
    } else if (top + ROW_HEIGHT > this.scrollTop + this.viewportHeight) {
      this.scrollTo(top + ROW_HEIGHT - this.viewportHeight);
    }
  }

  /** Draws the rows in view now. Cheap when little changed: it compares before it touches the DOM. */
  render(): void {
    const rows = this.source.rows;
    if (this.spacerHeight !== rows.length * ROW_HEIGHT) {
      this.spacerHeight = rows.length * ROW_HEIGHT;
      this.spacer.style.height = `${this.spacerHeight}px`;
    }
    this.scrollTop = this.clampScroll(this.scrollTop);
    const first = Math.max(0, Math.floor(this.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length - 1, Math.ceil((this.scrollTop + this.viewportHeight) / ROW_HEIGHT) + OVERSCAN);
    const next = new Map<Slot, Row>();
    for (let index = first; index <= last; index++) {
      this.place(index, next);
    }
    if (this.focusIndex >= 0 && (this.focusIndex < first || this.focusIndex > last)) {
      // The focused row always exists, so aria-activedescendant always points at something.
      this.place(this.focusIndex, next);
    }
    for (const row of this.rendered.values()) {
      row.element.remove();
      row.index = -1;
      this.pool.push(row);
    }
    this.rendered = next;
    const focused = this.focusedElement;
    if (focused) {
      this.element.setAttribute('aria-activedescendant', focused.id);
    } else {
      this.element.removeAttribute('aria-activedescendant');
    }
    if (this.scrollPending) {
      // Last, after the DOM changes: setting scrollTop lays the page out, and once is enough.
      this.scrollPending = false;
      this.element.scrollTop = this.scrollTop;
    }
  }

  /** Renders on the next animation frame (scrolling, resizing). */
  scheduleRender(): void {
    if (!this.renderQueued) {
      this.renderQueued = true;
      requestAnimationFrame(() => {
        this.renderQueued = false;
        this.render();
      });
    }
  }

  private place(index: number, next: Map<Slot, Row>): void {
    const slot = this.source.rows.slot(index);
    const node = this.source.summary(slot);
    if (!node || next.has(slot)) {
      return;
    }
    let row = this.rendered.get(slot);
    if (row) {
      this.rendered.delete(slot);
    } else {
      row = this.pool.pop() ?? this.createRow();
      this.spacer.append(row.element);
    }
    this.update(row, index, slot, node);
    next.set(slot, row);
  }

  private update(row: Row, index: number, slot: Slot, node: NodeSummary): void {
    const source = this.source;
    const depth = source.rows.depth(index);
    if (row.node !== node) {
      fillContent(row, node, source.isRoot(slot));
    }
    if (row.node !== node || row.depth !== depth) {
      row.depth = depth;
      if (row.tooltipNode !== undefined) {
        // This row was hovered before: keep its hover text current (a streaming node under the pointer).
        setTooltip(row, node);
      }
      row.element.setAttribute('aria-level', String(depth + 1));
      row.element.style.setProperty('--depth', String(Math.min(depth, MAX_INDENT_LEVELS)));
    }
    const hasChildren = source.children(slot).length > 0;
    const expanded = hasChildren ? !source.isCollapsed(slot) : undefined;
    if (row.node !== node || row.expanded !== (expanded ?? null)) {
      setExpanded(row, expanded);
    }
    const parent = source.parentOf(slot);
    // Children arrays are replaced when they change, so the same array means the same position.
    const siblings = parent >= 0 ? source.children(parent) : undefined;
    if (row.node !== node || row.siblings !== siblings) {
      row.element.setAttribute('aria-setsize', String(siblings?.length ?? 1));
      row.element.setAttribute('aria-posinset', String((siblings?.indexOf(slot) ?? 0) + 1));
      row.siblings = siblings;
    }
    const current = source.isCurrent(slot);
    const onPath = source.isOnPath(slot);
    const focused = index === this.focusIndex;
    const matched = source.isMatch(slot);
    if (row.node !== node || row.current !== current || row.matched !== matched) {
      row.element.setAttribute('aria-label', rowLabel(node, current, row.previewText, matched));
      row.element.classList.toggle('match', matched);
      row.matched = matched;
    }
    if (row.current !== current || row.onPath !== onPath || row.focused !== focused) {
      row.element.classList.toggle('current', current);
      row.element.classList.toggle('on-path', onPath);
      row.element.classList.toggle('focused', focused);
      row.element.setAttribute('aria-selected', String(focused));
      row.current = current;
      row.onPath = onPath;
      row.focused = focused;
    }
    if (row.index !== index) {
      row.element.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      row.index = index;
    }
    row.node = node;
  }

  private createRow(): Row {
    const element = document.createElement('div');
    element.className = 'row';
    element.id = `loom-row-${this.serial++}`;
    element.setAttribute('role', 'treeitem');
    const twisty = span('twisty');
    const author = span('author');
    const bookmark = span('mark bookmark');
    bookmark.append(icon('bookmark'));
    const sample = span('mark sample');
    sample.append(icon('sample'));
    const status = span('mark status');
    // The mean probability of the node's tokens at a glance; the numbers are in the hover and the accessible name.
    const probability = span('probbar');
    probability.setAttribute('aria-hidden', 'true');
    const probabilityFill = span('fill');
    probability.append(probabilityFill);
    const tags = span('tags');
    // The accessible name says the tags ("tagged …"); the chips are for the eye and the mouse.
    tags.setAttribute('aria-hidden', 'true');
    const preview = span('preview');
    const actions = span('actions');
    actions.setAttribute('aria-hidden', 'true');
    const buttons = new Map<RowAction, HTMLButtonElement>();
    for (const { action, icon: name, title } of BUTTONS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.tabIndex = -1;
      button.dataset.action = action;
      button.title = title;
      button.append(icon(name));
      actions.append(button);
      buttons.set(action, button);
    }
    element.append(twisty, author, bookmark, sample, status, probability, tags, preview, actions);
    const row: Row = { element, twisty, author, bookmark, sample, status, probability, probabilityFill, tags, preview, buttons, index: -1, depth: -1, previewText: '' };
    this.rowsByElement.set(element, row);
    return row;
  }

  private onScroll(): void {
    this.scrollTop = this.element.scrollTop;
    this.scheduleRender();
    this.handlers.scrolled(this.scrollTop);
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as Element;
    const row = this.rowAt(target);
    if (!row) {
      return;
    }
    const button = target.closest('button');
    const tag = target.closest<HTMLElement>('.tag');
    if (tag?.dataset.tag !== undefined) {
      this.handlers.tag(tag.dataset.tag);
    } else if (button?.dataset.action) {
      this.handlers.action(button.dataset.action as RowAction, row.index);
    } else if (target.closest('.twisty')) {
      this.handlers.action('toggle', row.index);
    } else {
      this.handlers.click(row.index);
    }
  }

  private onDoubleClick(e: MouseEvent): void {
    const target = e.target as Element;
    const row = this.rowAt(target);
    if (row && !target.closest('button, .twisty')) {
      this.handlers.doubleClick(row.index);
    }
  }

  private rowAt(target: Element): Row | undefined {
    const element = target.closest('.row');
    const row = element ? this.rowsByElement.get(element) : undefined;
    return row && row.index >= 0 ? row : undefined;
  }

  private clampScroll(top: number): number {
    return Math.max(0, Math.min(top, this.source.rows.length * ROW_HEIGHT - this.viewportHeight));
  }
}

/** One row element and what it shows now, so updates can skip what did not change. */
interface Row {
  readonly element: HTMLDivElement;
  readonly twisty: HTMLSpanElement;
  readonly author: HTMLSpanElement;
  readonly bookmark: HTMLSpanElement;
  /** Shown on a node saved from a distribution run. */
  readonly sample: HTMLSpanElement;
  readonly status: HTMLSpanElement;
  readonly probability: HTMLSpanElement;
  readonly probabilityFill: HTMLSpanElement;
  readonly tags: HTMLSpanElement;
  readonly preview: HTMLSpanElement;
  readonly buttons: ReadonlyMap<RowAction, HTMLButtonElement>;
  index: number;
  depth: number;
  node?: NodeSummary;
  /** The preview as shown, for the accessible name. */
  previewText: string;
  /** The node the hover text was made for. */
  tooltipNode?: NodeSummary;
  siblings?: readonly Slot[];
  authorIcon?: IconName;
  statusShown?: NodeStatus;
  expanded?: boolean | null;
  current?: boolean;
  onPath?: boolean;
  focused?: boolean;
  matched?: boolean;
}

/** Redraws what a row shows of its node. Model text goes in as text nodes only. */
function fillContent(row: Row, node: NodeSummary, isRoot: boolean): void {
  const authorIcon: IconName = node.kind === 'root' ? 'root' : node.author === 'model' ? 'model' : 'user';
  if (row.authorIcon !== authorIcon) {
    row.author.replaceChildren(icon(authorIcon));
    row.author.dataset.author = authorIcon;
    row.authorIcon = authorIcon;
  }
  row.bookmark.hidden = !node.bookmarked;
  row.sample.hidden = !node.sample;
  const status = node.status === 'completed' ? undefined : node.status;
  if (row.statusShown !== status) {
    row.status.replaceChildren(...(status ? [icon(status)] : []));
    row.status.hidden = status === undefined;
    row.statusShown = status;
    row.element.classList.toggle('streaming', status === 'streaming');
    row.element.classList.toggle('failed', status === 'failed');
    row.element.classList.toggle('cancelled', status === 'cancelled');
  }
  row.element.classList.toggle('by-user', node.author === 'user');
  row.tags.replaceChildren(
    ...(node.tags ?? []).map((tag) => {
      const chip = span('tag');
      chip.dataset.tag = tag;
      chip.textContent = `#${tag}`;
      chip.title = `Show only #${tag}`;
      return chip;
    }),
  );
  row.tags.hidden = !node.tags?.length;
  const plain = previewPieces(node.preview, node.textLength > node.preview.length);
  row.previewText = plain.map((piece) => piece.text).join('');
  const pieces = node.tokens ? shadePieces(plain, node.tokens.preview) : plain.map((piece) => ({ ...piece, band: 0 }));
  row.preview.replaceChildren(
    ...pieces.map((piece) => {
      if (piece.kind === 'text' && piece.band === 0) {
        return document.createTextNode(piece.text);
      }
      const classes = [piece.kind === 'space' ? 'ws' : piece.kind === 'control' ? 'ctl' : '', piece.band > 0 ? `tok b${piece.band}` : ''];
      const mark = span(classes.filter(Boolean).join(' '));
      mark.textContent = piece.text;
      return mark;
    }),
  );
  row.probability.hidden = node.tokens === undefined;
  if (node.tokens) {
    row.probabilityFill.style.width = `${Math.round(Math.exp(node.tokens.meanLogprob) * 100)}%`;
  }
  const isModel = node.author === 'model' && node.kind !== 'root';
  setButton(row, 'bookmark', true, node.bookmarked ? 'Remove Bookmark (b)' : 'Bookmark (b)');
  row.buttons.get('bookmark')?.classList.toggle('on', node.bookmarked);
  setButton(row, 'showRequest', isModel);
  setButton(row, 'regenerate', isModel);
  setButton(row, 'delete', !isRoot);
}

function setTooltip(row: Row, node: NodeSummary): void {
  row.element.title = rowTooltip(node, row.depth);
  row.tooltipNode = node;
}

function setButton(row: Row, action: RowAction, shown: boolean, title?: string): void {
  const button = row.buttons.get(action);
  if (button) {
    button.hidden = !shown;
    if (title !== undefined) {
      button.title = title;
    }
  }
}

function setExpanded(row: Row, expanded: boolean | undefined): void {
  if (expanded === undefined) {
    row.element.removeAttribute('aria-expanded');
    row.twisty.replaceChildren();
  } else {
    row.element.setAttribute('aria-expanded', String(expanded));
    row.twisty.replaceChildren(icon(expanded ? 'chevronDown' : 'chevronRight'));
  }
  row.expanded = expanded ?? null;
}

function span(className: string): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = className;
  return element;
}
