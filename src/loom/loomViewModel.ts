import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoomNode, LoomTree, TreeOp } from '../core/loom/loomTree';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';
import type { LoomViewSource } from '../webviews/loomViewSource';
import { PREVIEW_CHARS, type NodeSummary, type TreeDelta, type TreeSnapshot, type ViewIntent } from '../webviews/webviewProtocol';

/** Streaming changes reach the view at most this often. */
const BATCH_MS = 30;

/** Feeds the loom view with the tree of the active editor's document. */
export class LoomViewModel implements LoomViewSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeDelta>();
  readonly onDidChange = this.changed.event;
  private active: LoomSession | undefined;
  private activeSubscriptions: vscode.Disposable[] = [];
  private dirty = new Set<string>();
  private removed = new Set<string>();
  private currentDirty = false;
  /** The root changed (a split of the root): deltas cannot say so, the view gets the whole tree again. */
  private rootReplaced = false;
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
    return this.active && snapshotOf(this.active);
  }

  handle(intent: ViewIntent): void | Promise<void> {
    if (this.active) return this.onIntent(this.active, intent);
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
    const disposable = session.tree.onDidChange((op) => this.collect(session.tree, op));
    this.activeSubscriptions = [
      { dispose: () => disposable.dispose() },
      session.onDidChangeCurrent(() => this.markCurrent()),
      session.onDidReplaceTree(() => {
        this.active = undefined;
        this.follow(session);
      }),
    ];
    this.dirty.clear();
    this.removed.clear();
    this.changed.fire({ type: 'reset', tree: snapshotOf(session) });
  }

  private collect(tree: LoomTree, op: TreeOp): void {
    switch (op.op) {
      case 'add':
        this.touch(op.node.id, op.node.parentId);
        break;
      case 'split':
        this.touch(op.id, op.headId, tree.get(op.headId)?.parentId ?? null);
        this.currentDirty = true;
        if (tree.rootId === op.headId) this.rootReplaced = true;
        break;
      case 'remove':
        this.removed.add(op.id);
        this.touch(tree.get(op.id)?.parentId ?? null);
        break;
      case 'restore':
        this.touch(op.removed.parentId, ...op.removed.nodes.map((n) => n.id));
        break;
      default:
        this.touch(op.id);
    }
    this.schedule();
  }

  private touch(...ids: Array<string | null>): void {
    for (const id of ids) if (id) this.dirty.add(id);
  }

  private markCurrent(): void {
    this.currentDirty = true;
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.emitBatch(), BATCH_MS);
  }

  private emitBatch(): void {
    this.timer = undefined;
    const session = this.active;
    if (!session) return;
    if (this.rootReplaced) this.changed.fire({ type: 'reset', tree: snapshotOf(session) });
    else this.emitDeltas(session);
    this.dirty.clear();
    this.removed.clear();
    this.currentDirty = false;
    this.rootReplaced = false;
  }

  private emitDeltas(session: LoomSession): void {
    const tree = session.tree;
    if (this.removed.size > 0) this.changed.fire({ type: 'remove', ids: [...this.removed] });
    const nodes = [...this.dirty].filter((id) => tree.has(id)).map((id) => summarize(tree, tree.get(id)!));
    if (nodes.length > 0) this.changed.fire({ type: 'upsert', nodes });
    if (this.currentDirty) this.changed.fire({ type: 'current', path: tree.pathTo(session.currentId).map((n) => n.id) });
  }
}

function snapshotOf(session: LoomSession): TreeSnapshot {
  const tree = session.tree;
  return {
    rootId: tree.rootId,
    nodes: [...tree.preorder()].map((node) => summarize(tree, node)),
    currentPath: tree.pathTo(session.currentId).map((n) => n.id),
    label: path.basename(session.document.uri.path),
  };
}

/** What the view shows of a node: plain data, the text cut to a preview. */
export function summarize(tree: LoomTree, node: LoomNode): NodeSummary {
  const g = node.generation;
  const temperature = g?.params.temperature;
  return {
    id: node.id,
    ...(node.parentId ? { parentId: node.parentId } : {}),
    author: node.author,
    kind: node.parentId === null ? 'root' : (node.kind ?? (node.author === 'model' ? 'generation' : 'edit')),
    preview: node.text.slice(0, PREVIEW_CHARS),
    textLength: node.text.length,
    bookmarked: node.bookmarked ?? false,
    childIds: tree.children(node.id).map((c) => c.id),
    createdAt: node.createdAt,
    ...(g
      ? {
          status: g.status,
          model: g.model,
          ...(typeof temperature === 'number' ? { temperature } : {}),
          inputTokens: g.usage.input_tokens,
          outputTokens: g.usage.output_tokens,
          ...(g.stopReason ? { stopReason: g.stopReason } : {}),
          durationMs: g.durationMs,
        }
      : {}),
  };
}
