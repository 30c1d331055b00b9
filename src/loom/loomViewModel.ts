import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';
import type { LoomViewSource } from '../webviews/loomViewSource';
import { searchTree } from '../core/loom/treeSearch';
import type { FoundView, TreeDelta, TreeSnapshot, ViewIntent } from '../webviews/webviewProtocol';
import { snapshotOf, ViewDeltaBatch } from './loomViewDeltas';

/** Streaming changes reach the view at most this often. */
const BATCH_MS = 30;
/** Matches a find in the view lists; `total` counts them all. */
const FIND_LIMIT = 1000;

/** Feeds the loom view with the tree of the active editor's document. */
export class LoomViewModel implements LoomViewSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeDelta>();
  readonly onDidChange = this.changed.event;
  private active: LoomSession | undefined;
  private activeSubscriptions: vscode.Disposable[] = [];
  private readonly batch = new ViewDeltaBatch();
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly sessions: LoomSessions,
    private readonly onIntent: (session: LoomSession, intent: ViewIntent) => void | Promise<void>,
  ) {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.follow(this.activeSession())),
      sessions.onDidOpenSession((s) => {
        if (s.document === vscode.window.activeTextEditor?.document) this.follow(s);
      }),
    ];
    this.follow(this.activeSession());
  }

  snapshot(): TreeSnapshot | undefined {
    return this.active && viewSnapshot(this.active);
  }

  handle(intent: ViewIntent): void | Promise<void> {
    if (this.active) return this.onIntent(this.active, intent);
  }

  find(query: string): FoundView {
    if (!this.active) return { matches: [], total: 0 };
    const { matches, total, error } = searchTree(this.active.tree, { text: query }, FIND_LIMIT);
    return { matches: matches.map(({ nodeId, ...rest }) => ({ id: nodeId, ...rest })), total, ...(error !== undefined && { error }) };
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of [...this.subscriptions, ...this.activeSubscriptions]) s.dispose();
    this.changed.dispose();
  }

  private activeSession(): LoomSession | undefined {
    const document = vscode.window.activeTextEditor?.document;
    return document && this.sessions.get(document);
  }

  /** Switches the view to another document's loom; editors without one keep the last loom shown. */
  private follow(session: LoomSession | undefined): void {
    if (!session || session === this.active) return;
    for (const s of this.activeSubscriptions) s.dispose();
    this.active = session;
    const disposable = session.tree.onDidChange((op) => {
      this.batch.collect(session.tree, op);
      this.schedule();
    });
    this.activeSubscriptions = [
      { dispose: () => disposable.dispose() },
      session.onDidChangeCurrent(() => this.markCurrent()),
      session.onDidReplaceTree(() => {
        this.active = undefined;
        this.follow(session);
      }),
    ];
    this.batch.clear();
    this.changed.fire({ type: 'reset', tree: viewSnapshot(session) });
  }

  private markCurrent(): void {
    this.batch.markCurrent();
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.emitBatch(), BATCH_MS);
  }

  private emitBatch(): void {
    this.timer = undefined;
    const session = this.active;
    if (!session) return;
    const tree = session.tree;
    for (const change of this.batch.take(tree, () => tree.pathTo(session.currentId).map((n) => n.id))) this.changed.fire(change);
  }
}

function viewSnapshot(session: LoomSession): TreeSnapshot {
  return snapshotOf(session.tree, session.currentId, path.basename(session.document.uri.path));
}
