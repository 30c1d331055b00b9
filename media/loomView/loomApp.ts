import { MAX_TAG_LENGTH, MAX_TAGS, type FoundView, type FromWebview, type IdIntent, type NodeSummary, type ToWebview, type TreeChange, type WireTree } from '../../src/webviews/webviewProtocol';
import { ComparisonPane } from './comparisonPane';
import { HoistBar } from './hoistBar';
import { NodeDetails } from './nodeDetails';
import { commandOf, type TreeCommand } from './keymap';
import { PerfRecorder } from './perfRecorder';
import { RowIndex, type TreeShape } from './rowIndex';
import { rowTooltip } from './rowText';
import { TreeData, type Slot } from './treeData';
import { TreeView, type RowAction } from './treeView';
import { Announcer } from './announcer';
import { FilterBar } from './filterBar';
import { FindResults } from './findResults';
import { PromptBar } from './promptBar';
import { TagFilter } from './tagFilter';
import type { ViewStateStore } from './viewState';

/** Delay before UI state is written, so holding a key down does not write on every row. */
const SAVE_DELAY_MS = 200;
/** Shown until the host's first snapshot (the same words as the page's own placeholder, see webviewHtml). */
const LOADING = 'Loading loom…';
const NO_TREE = 'No loom tree: the active editor has no loom document.';
/** Typing pauses this long before the host is asked to search (it searches every node). */
const FIND_DELAY_MS = 100;

/**
 * The loom tree view: holds the tree the host sent, the flattened visible rows and the UI state
 * (folds, hoist, focus), turns keys and clicks into view changes or intents for the host, and
 * measures itself. Collapse, expand and hoist never leave the view.
 */
export class LoomApp {
  private readonly tree = new TreeData();
  private readonly rows = new RowIndex();
  private readonly perf = new PerfRecorder();
  private collapsed = new Set<Slot>();
  private hoisted: Slot = -1;
  private focused: Slot = -1;
  private readonly view: TreeView;
  private readonly hoistBar: HoistBar;
  private readonly comparison: ComparisonPane;
  private readonly details = new NodeDetails();
  private readonly announcer = new Announcer();
  private readonly empty: HTMLElement;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly shape: TreeShape;
  private readonly prompt = new PromptBar();
  private readonly filter = new TagFilter();
  private readonly filterBar: FilterBar;
  private readonly found = new FindResults();
  private findTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last find asked for: only its answer is shown. */
  private findRequest = { id: 0, query: '' };

  constructor(
    root: HTMLElement,
    private readonly post: (message: FromWebview) => void,
    private readonly store: ViewStateStore,
  ) {
    const tree = this.tree;
    const collapsed = (slot: Slot): boolean => this.collapsed.has(slot);
    const children = (slot: Slot): readonly Slot[] => this.filter.children(slot, tree);
    this.shape = {
      children,
      isCollapsed: collapsed,
      get size() {
        return tree.size;
      },
    };
    this.hoistBar = new HoistBar(() => {
      this.toggleHoist();
      this.view.element.focus();
    });
    const element = document.createElement('div');
    element.className = 'tree';
    element.tabIndex = 0;
    element.setAttribute('role', 'tree');
    element.setAttribute('aria-label', 'Loom tree');
    this.empty = document.createElement('div');
    this.empty.className = 'empty';
    // Until the host's first answer: the page shows before the extension host has the tree.
    this.empty.textContent = LOADING;
    root.querySelector('.loading')?.remove();
    this.comparison = new ComparisonPane({
      show: (id) => this.post({ type: 'select', id }),
      close: () => {
        this.comparison.show(undefined);
        element.focus();
      },
    });
    this.filterBar = new FilterBar(() => {
      this.setFilter(undefined);
      this.view.element.focus();
    });
    root.append(this.prompt.element, this.filterBar.element, this.hoistBar.element, element, this.details.element, this.empty, this.comparison.element, this.announcer.element);
    this.view = new TreeView(
      element,
      {
        rows: this.rows,
        summary: (slot) => tree.summary(slot),
        children,
        parentOf: (slot) => tree.parentOf(slot),
        isCollapsed: collapsed,
        isOnPath: (slot) => tree.isOnPath(slot),
        isCurrent: (slot) => slot === tree.currentSlot,
        isRoot: (slot) => slot === tree.rootSlot,
        isMatch: (slot) => this.found.isMatch(tree.idOf(slot)),
      },
      {
        click: (index) => {
          this.focusIndex(index);
          this.view.render();
          this.intent('select');
        },
        doubleClick: (index) => {
          this.focusIndex(index);
          this.view.render();
          this.intent('open');
        },
        action: (action, index) => {
          this.rowAction(action, index);
          this.view.render();
        },
        tag: (tag) => this.setFilter(tag),
        scrolled: () => this.scheduleSave(),
      },
    );
    element.classList.toggle('shading-off', store.shadingOff);
    element.addEventListener('keydown', (e) => this.onKeyDown(e));
    // Focusing the webview (e.g. the view's keyboard shortcut) puts the keyboard on the tree: one tab stop.
    window.addEventListener('focus', () => element.focus());
    this.showTree(false);
  }

  /** Handles one host message; `receivedAt` is when its event arrived (performance.now()). */
  receive(message: ToWebview, receivedAt: number): void {
    switch (message.type) {
      case 'snapshot':
        this.load(message.tree === undefined ? undefined : (JSON.parse(message.tree) as WireTree));
        this.perf.snapshotMs = this.settled(receivedAt);
        return;
      case 'deltas':
        for (const delta of message.deltas) {
          this.apply(delta);
        }
        if (this.filter.active) {
          // A node may have gained or lost the tag: the shown nodes are worked out again.
          this.filter.refresh(this.tree);
          this.rows.rebuild(this.displayRoot, this.shape);
          this.updateFilterBar();
        }
        this.afterChange();
        this.perf.deltasMs = this.settled(receivedAt);
        return;
      case 'comparison':
        this.comparison.show(message.comparison);
        return;
      case 'found':
        if (message.requestId === this.findRequest.id) this.showFound(this.findRequest.query, message.result);
        return;
      case 'measure':
        this.post({
          type: 'perf',
          requestId: message.requestId,
          report: this.perf.report(this.counts()),
        });
        return;
    }
  }

  /** What a `measure` reports besides timings: sizes, and which nodes the view shows at the top and as current. */
  private counts(): Parameters<PerfRecorder['report']>[0] {
    const tree = this.tree;
    const currentRow = this.rows.indexOf(tree.currentSlot);
    return {
      nodeCount: tree.size,
      rowCount: this.rows.length,
      renderedRowCount: this.view.renderedCount,
      topRowId: tree.idOf(this.rows.slot(0)),
      currentId: tree.idOf(tree.currentSlot),
      currentRowIndex: currentRow >= 0 ? currentRow : undefined,
    };
  }

  // ---- tree changes ----

  private load(wire: WireTree | undefined): void {
    if (this.saveTimer !== undefined) {
      // The outgoing tree's last changes are saved under its own key.
      this.save();
    }
    const tree = this.tree;
    const previousRoot = tree.idOf(tree.rootSlot);
    tree.load(wire);
    this.empty.textContent = NO_TREE;
    const rootId = tree.idOf(tree.rootSlot);
    if (rootId !== previousRoot) {
      // Another document's tree: the find and the filter were about the last one.
      this.endFind();
      this.filter.set(undefined, tree);
    }
    this.filter.refresh(tree);
    if (this.comparison.comparison?.rootId !== rootId) {
      this.comparison.show(undefined);
    }
    const ui = rootId === undefined ? undefined : this.store.load(rootId);
    this.collapsed = new Set(ui?.collapsed.map((id) => tree.slotOf(id)).filter((slot) => slot >= 0));
    this.hoisted = tree.slotOf(ui?.hoisted);
    this.focused = ui?.focused !== undefined && tree.slotOf(ui.focused) >= 0 ? tree.slotOf(ui.focused) : tree.currentSlot;
    if (this.collapsed.size === 0 && this.hoisted < 0 && !this.filter.active) {
      // Nothing folded: the rows are the snapshot's preorder as it came.
      this.rows.adoptPreorder(tree.slotCount, (slot) => tree.parentOf(slot));
    } else {
      this.rows.rebuild(this.displayRoot, this.shape);
    }
    this.showTree(tree.rootSlot >= 0);
    this.updateHoistBar();
    this.updateFilterBar();
    this.syncFocus();
    if (ui) {
      this.view.scrollTo(ui.scrollTop);
    } else {
      this.view.reveal(this.view.focusIndex);
    }
    this.view.render();
  }

  private apply(delta: TreeChange): void {
    switch (delta.type) {
      case 'upsert':
        this.upsert(delta.nodes);
        return;
      case 'remove':
        this.remove(delta.ids);
        return;
      case 'current':
        this.setCurrent(delta.path);
        return;
    }
  }

  private upsert(nodes: readonly NodeSummary[]): void {
    if (this.tree.rootSlot < 0) {
      return;
    }
    const before = nodes.map((n) => this.tree.summary(this.tree.slotOf(n.id)));
    const change = this.tree.upsert(nodes);
    nodes.forEach((n, i) => this.announcer.observe(before[i], n));
    if (change.moved) {
      this.rows.rebuild(this.displayRoot, this.shape);
      return;
    }
    for (const [slot, before] of change.children) {
      const index = this.rows.indexOf(slot);
      if (index < 0) {
        continue;
      }
      const now = this.tree.children(slot);
      if (before !== null && before.length < now.length && before.every((child, i) => now[i] === child)) {
        this.rows.appendChildren(index, now.slice(before.length), this.shape);
      } else {
        this.rows.relayoutChildren(index, this.shape);
      }
    }
  }

  private remove(ids: readonly string[]): void {
    const focusLine = this.ancestorsOf(this.focused);
    for (const slot of this.tree.remove(ids)) {
      const index = this.rows.indexOf(slot);
      if (index >= 0) {
        this.rows.removeSubtree(index);
      }
    }
    for (const slot of [...this.collapsed]) {
      if (!this.tree.has(slot)) {
        this.collapsed.delete(slot);
      }
    }
    if (this.hoisted >= 0 && !this.tree.has(this.hoisted)) {
      this.hoisted = -1;
      this.rows.rebuild(this.displayRoot, this.shape);
    }
    if (this.tree.rootSlot < 0) {
      this.rows.rebuild(-1, this.shape);
    }
    // The focus falls back to the nearest ancestor that survived.
    this.focused = focusLine.find((slot) => this.tree.has(slot)) ?? -1;
  }

  /** The editor moved to another path. A focus that sat on the old current node follows it. */
  private setCurrent(path: readonly string[]): void {
    const follow = this.focused < 0 || this.focused === this.tree.currentSlot;
    this.tree.setCurrent(path);
    const current = this.tree.currentSlot;
    if (!follow || current < 0) {
      return;
    }
    this.expandAncestors(path);
    this.focused = current;
    this.syncFocus();
    this.view.reveal(this.view.focusIndex);
  }

  /** Unfolds the path down to its last node, within the displayed subtree. */
  private expandAncestors(path: readonly string[]): void {
    const slots = path.map((id) => this.tree.slotOf(id));
    const start = slots.indexOf(this.displayRoot);
    if (start < 0) {
      return;
    }
    let topmost = -1;
    for (const slot of slots.slice(start, -1)) {
      if (this.collapsed.delete(slot) && topmost < 0) {
        topmost = slot;
      }
    }
    const index = this.rows.indexOf(topmost);
    if (index >= 0) {
      this.rows.relayoutChildren(index, this.shape);
    }
  }

  private afterChange(): void {
    this.showTree(this.tree.rootSlot >= 0);
    this.updateHoistBar();
    this.syncFocus();
    this.view.render();
    this.scheduleSave();
  }

  // ---- keyboard and mouse ----

  private onKeyDown(e: KeyboardEvent): void {
    const start = performance.now();
    const command = commandOf(e);
    if (!command) {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
    this.run(command);
    this.updateDetails();
    this.view.render();
    // Force style and layout of the focused row: the time to a row the user can see.
    this.view.focusedElement?.getBoundingClientRect();
    const from = e.timeStamp > 0 && e.timeStamp <= start ? e.timeStamp : start;
    this.perf.recordKey(performance.now() - from);
    this.scheduleSave();
  }

  private run(command: TreeCommand): void {
    const index = this.view.focusIndex;
    switch (command) {
      case 'down':
        return this.focusIndex(index < 0 ? 0 : index + 1);
      case 'up':
        return this.focusIndex(index < 0 ? 0 : index - 1);
      case 'collapseOrParent':
        return this.collapseOrParent(index);
      case 'expandOrFirstChild':
        return this.expandOrFirstChild(index);
      case 'first':
        return this.focusIndex(0);
      case 'last':
        return this.focusIndex(this.rows.length - 1);
      case 'pageDown':
        return this.focusIndex(index + this.view.pageRows);
      case 'pageUp':
        return this.focusIndex(index - this.view.pageRows);
      case 'open':
      case 'select':
      case 'copy':
      case 'compare':
      case 'generateAlternatives':
        return this.intent(command);
      case 'bookmark':
      case 'delete':
      case 'regenerate':
        return this.rowAction(command, index);
      case 'hoist':
        return this.toggleHoist();
      case 'details':
        return this.details.toggle();
      case 'shading':
        return this.toggleShading();
      case 'find':
        return this.openFind();
      case 'nextMatch':
        return this.stepMatch(1, true);
      case 'previousMatch':
        return this.stepMatch(-1, true);
      case 'tags':
        return this.editTags();
      case 'filter':
        return this.promptFilter();
      case 'dismiss':
        if (this.prompt.mode === 'find' || this.found.query !== '') return this.endFind();
        if (this.filter.active) return this.setFilter(undefined);
        return;
    }
  }

  /** Token shading in the previews, on by default and remembered; the bars and numbers stay. */
  private toggleShading(): void {
    const off = this.view.element.classList.toggle('shading-off');
    this.store.shadingOff = off;
    this.announcer.say(off ? 'Token shading off' : 'Token shading on');
  }

  // ---- find, tags and the tag filter ----

  private openFind(): void {
    this.prompt.open('find', 'Find', this.found.query, 'Text in any branch (any case), or #tag', {
      input: (query) => this.requestFind(query),
      step: (delta) => this.stepMatch(delta, false),
      submit: () => {
        this.revealMatch();
        this.view.element.focus();
      },
      cancel: () => {
        this.endFind();
        this.view.element.focus();
      },
    });
    this.prompt.setStatus(this.found.describe(), this.found.activeMatch);
  }

  private requestFind(query: string): void {
    clearTimeout(this.findTimer);
    this.findRequest = { id: this.findRequest.id + 1, query };
    if (query === '') {
      this.showFound('', { matches: [], total: 0 });
      return;
    }
    const request = this.findRequest;
    this.findTimer = setTimeout(() => this.post({ type: 'find', requestId: request.id, query }), FIND_DELAY_MS);
  }

  /** Shows the host's answer: the first match is focused (the editor stays until Enter). */
  private showFound(query: string, result: FoundView): void {
    this.found.set(query, result);
    const match = this.found.activeMatch;
    if (match) this.focusNode(this.tree.slotOf(match.id));
    this.prompt.setStatus(this.found.describe(), match);
    this.view.render();
  }

  /** Moves to the next or previous match; `reveal` also switches the editor to it. */
  private stepMatch(delta: 1 | -1, reveal: boolean): void {
    const match = this.found.step(delta);
    if (!match) return;
    this.focusNode(this.tree.slotOf(match.id));
    if (this.prompt.mode === 'find') this.prompt.setStatus(this.found.describe(), match);
    if (reveal) this.revealMatch();
    this.view.render();
  }

  private revealMatch(): void {
    const match = this.found.activeMatch;
    if (match) this.post({ type: 'reveal', id: match.id, start: match.start, end: match.end });
  }

  private endFind(): void {
    clearTimeout(this.findTimer);
    this.findRequest = { id: this.findRequest.id + 1, query: '' };
    this.found.clear();
    if (this.prompt.mode === 'find') this.prompt.close();
    this.view.render();
  }

  private editTags(): void {
    const node = this.tree.summary(this.focused);
    if (!node) return;
    // Its bar gives way to this prompt: the find ends, so Escape afterwards means what it shows.
    this.endFind();
    this.prompt.open('tags', 'Tags', (node.tags ?? []).join(', '), 'Tags, separated by commas', {
      submit: (value) => {
        this.post({ type: 'setTags', id: node.id, tags: parseTags(value) });
        this.closePrompt();
      },
      cancel: () => this.closePrompt(),
    });
  }

  private promptFilter(): void {
    this.endFind();
    const offered = this.tree.summary(this.focused)?.tags?.[0] ?? this.filter.tag ?? '';
    this.prompt.open('filter', 'Show tag', offered, 'A tag: only its nodes and their ancestors show', {
      submit: (value) => {
        this.closePrompt();
        this.setFilter(parseTags(value)[0]);
      },
      cancel: () => this.closePrompt(),
    });
  }

  private closePrompt(): void {
    this.prompt.close();
    this.view.element.focus();
  }

  /** Shows only the nodes with the tag and their ancestors (undefined: every node again). */
  private setFilter(tag: string | undefined): void {
    this.filter.set(tag, this.tree);
    this.rows.rebuild(this.displayRoot, this.shape);
    this.updateFilterBar();
    this.syncFocus();
    this.view.reveal(this.view.focusIndex);
    this.view.render();
  }

  private updateFilterBar(): void {
    this.filterBar.show(this.filter.tag, this.filter.matched);
  }

  /** Focuses a node's row wherever it is: out of a filter or hoist that hides it, its ancestors unfolded. */
  private focusNode(slot: Slot): void {
    if (slot < 0) return;
    if (!this.filter.shows(slot)) this.setFilter(undefined);
    const line = this.ancestorsOf(slot);
    if (this.hoisted >= 0 && !line.includes(this.hoisted)) {
      this.hoisted = -1;
      this.rows.rebuild(this.displayRoot, this.shape);
      this.updateHoistBar();
    }
    this.expandAncestors(line.reverse().map((at) => this.tree.idOf(at) ?? ''));
    const index = this.rows.indexOf(slot);
    if (index >= 0) this.focusIndex(index);
  }

  private updateDetails(): void {
    const index = this.view.focusIndex;
    const node = index < 0 ? undefined : this.tree.summary(this.rows.slot(index));
    this.details.update(node && rowTooltip(node, this.rows.depth(index)));
  }

  private rowAction(action: RowAction, index: number): void {
    const slot = this.rows.slot(index);
    const node = this.tree.summary(slot);
    if (!node) {
      return;
    }
    this.focusIndex(index);
    switch (action) {
      case 'toggle':
        this.setCollapsed(index, !this.collapsed.has(slot));
        return;
      case 'bookmark':
        this.post({ type: 'bookmark', id: node.id, bookmarked: !node.bookmarked });
        return;
      case 'delete':
        // The tree's root is the document's prefill: there is nothing to delete it from.
        if (slot !== this.tree.rootSlot) {
          this.intent('delete');
        }
        return;
      case 'regenerate':
      case 'showRequest':
        // Only a generation has a request to show or run again.
        if (node.author === 'model' && node.kind !== 'root') {
          this.intent(action);
        }
        return;
      case 'copy':
      case 'generateAlternatives':
        this.intent(action);
        return;
    }
  }

  /** Posts an intent about the focused node. */
  private intent(type: IdIntent): void {
    const id = this.tree.idOf(this.focused);
    if (id !== undefined) {
      this.post({ type, id });
    }
  }

  private collapseOrParent(index: number): void {
    const slot = this.rows.slot(index);
    if (slot < 0) {
      return;
    }
    if (this.tree.children(slot).length > 0 && !this.collapsed.has(slot)) {
      this.setCollapsed(index, true);
      return;
    }
    const depth = this.rows.depth(index);
    for (let i = index - 1; i >= 0; i--) {
      if (this.rows.depth(i) < depth) {
        this.focusIndex(i);
        return;
      }
    }
  }

  private expandOrFirstChild(index: number): void {
    const slot = this.rows.slot(index);
    if (slot < 0 || this.tree.children(slot).length === 0) {
      return;
    }
    if (this.collapsed.has(slot)) {
      this.setCollapsed(index, false);
    } else {
      this.focusIndex(index + 1);
    }
  }

  private setCollapsed(index: number, collapse: boolean): void {
    const slot = this.rows.slot(index);
    if (slot < 0) {
      return;
    }
    if (collapse) {
      this.collapsed.add(slot);
      this.rows.removeChildren(index);
      // A focus inside the folded subtree moves to its top.
      if (this.focused >= 0 && this.rows.indexOf(this.focused) < 0) {
        this.focused = slot;
      }
    } else {
      this.collapsed.delete(slot);
      this.rows.relayoutChildren(index, this.shape);
    }
    this.syncFocus();
    this.view.render();
    this.scheduleSave();
  }

  /** Shows the focused node's subtree as the whole tree, or the whole tree again. */
  private toggleHoist(): void {
    if (this.hoisted >= 0) {
      this.hoisted = -1;
    } else if (this.focused >= 0 && this.focused !== this.tree.rootSlot) {
      this.hoisted = this.focused;
    } else {
      return;
    }
    this.rows.rebuild(this.displayRoot, this.shape);
    this.updateHoistBar();
    this.syncFocus();
    this.view.reveal(this.view.focusIndex);
    this.view.render();
    this.scheduleSave();
  }

  // ---- focus ----

  /** Moves the focus to the row (clamped) and scrolls it into view; rendering is the caller's. */
  private focusIndex(index: number): void {
    if (this.rows.length === 0) {
      return;
    }
    const clamped = Math.max(0, Math.min(this.rows.length - 1, index));
    this.view.focusIndex = clamped;
    this.focused = this.rows.slot(clamped);
    this.view.reveal(clamped);
  }

  /** Finds the focused node's row again after rows changed; a node without a row gives way to its nearest shown ancestor. */
  private syncFocus(): void {
    let index = this.rows.indexOf(this.focused);
    if (index < 0 && this.focused >= 0) {
      const shown = this.ancestorsOf(this.focused).find((slot) => this.rows.indexOf(slot) >= 0);
      index = shown === undefined ? -1 : this.rows.indexOf(shown);
    }
    if (index < 0 && this.rows.length > 0) {
      index = 0;
    }
    this.view.focusIndex = index;
    this.focused = this.rows.slot(index);
  }

  // ---- helpers ----

  private get displayRoot(): Slot {
    return this.hoisted >= 0 ? this.hoisted : this.tree.rootSlot;
  }

  /** The node and its ancestors, nearest first. */
  private ancestorsOf(slot: Slot): Slot[] {
    const line: Slot[] = [];
    for (let at = slot; at >= 0 && line.length <= this.tree.size; at = this.tree.parentOf(at)) {
      line.push(at);
    }
    return line;
  }

  /** Milliseconds since `since`, after forcing layout of what is on screen. */
  private settled(since: number): number {
    this.view.focusedElement?.getBoundingClientRect();
    this.view.element.getBoundingClientRect();
    return performance.now() - since;
  }

  private showTree(show: boolean): void {
    this.view.element.hidden = !show;
    this.empty.hidden = show;
  }

  private updateHoistBar(): void {
    this.hoistBar.show(this.hoisted >= 0 ? this.tree.summary(this.hoisted) : undefined);
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const tree = this.tree;
    const rootId = tree.idOf(tree.rootSlot);
    if (rootId === undefined) {
      return;
    }
    this.store.save(rootId, {
      collapsed: [...this.collapsed].map((slot) => tree.idOf(slot)).filter((id): id is string => id !== undefined),
      hoisted: tree.idOf(this.hoisted),
      focused: tree.idOf(this.focused),
      scrollTop: this.view.currentScrollTop,
    });
  }
}

/** Tags as typed: separated by commas, a leading # dropped, blanks and repeats left out, within the host's limits. */
function parseTags(value: string): string[] {
  const tags = value.split(',').map((tag) => tag.trim().replace(/^#+/, '').trim().slice(0, MAX_TAG_LENGTH));
  return [...new Set(tags.filter((tag) => tag !== ''))].slice(0, MAX_TAGS);
}
