import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseDocumentHeader } from '../core/conversation/documentHeader';
import { TreeStore } from '../core/loom/treePersistence';
import { moveAside, nodeTreeStorage, sidecarPaths, treePathsIn, type TreePaths } from '../core/loom/treeStorage';
import { LoomSession } from './loomSession';

const RECONCILE_DELAY_MS = 400;
const FLUSH_DELAY_MS = 1000;

/**
 * The looms of open documents. A document gets one when a loom command first runs on it, or when it
 * opens with a tree file already beside it; from then on its tree follows the buffer and is saved.
 */
export class LoomSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, LoomSession>();
  private readonly opening = new Map<string, Promise<LoomSession | undefined>>();
  private readonly timers = new Map<string, { reconcile?: NodeJS.Timeout; flush?: NodeJS.Timeout }>();
  private readonly changed = new vscode.EventEmitter<LoomSession>();
  /** Fires when a document's loom opens (its tree may be a different object from before). */
  readonly onDidOpenSession = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly storageDir: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => void this.openIfTreeExists(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.scheduleReconcile(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => void this.close(d)),
    ];
    for (const document of vscode.workspace.textDocuments) void this.openIfTreeExists(document);
  }

  /** The document's loom if it has one already. */
  get(document: vscode.TextDocument): LoomSession | undefined {
    const session = this.sessions.get(document.uri.toString());
    return session?.document === document ? session : undefined;
  }

  /** The document's loom, created (or loaded) if needed; undefined if its tree file cannot be used. */
  sessionFor(document: vscode.TextDocument): Promise<LoomSession | undefined> {
    const key = document.uri.toString();
    const existing = this.sessions.get(key);
    if (existing?.document === document) return Promise.resolve(existing);
    // A closed document's URI reused by a new one (Untitled-1 again) must not inherit its loom.
    if (existing) return this.close(existing.document).then(() => this.sessionFor(document));
    let opening = this.opening.get(key);
    if (!opening) {
      opening = this.open(document).finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    return opening;
  }

  /** Saves soon: changes are batched, so a streaming generation does not write per token. */
  scheduleFlush(session: LoomSession): void {
    const timers = this.timersOf(session.document);
    timers.flush ??= setTimeout(() => {
      timers.flush = undefined;
      void this.flush(session);
    }, FLUSH_DELAY_MS);
  }

  /** Writes every pending change of every loom now. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => this.flush(s)));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const timers of this.timers.values()) {
      clearTimeout(timers.reconcile);
      clearTimeout(timers.flush);
    }
    this.changed.dispose();
  }

  /** Where a document's tree lives: beside the file, or in workspace storage for untitled buffers. */
  pathsFor(document: vscode.TextDocument): TreePaths {
    const where = vscode.workspace.getConfiguration('prefillLoom').get<string>('treeStorage', 'sidecar');
    if (document.uri.scheme === 'file' && where === 'sidecar') return sidecarPaths(document.uri.fsPath);
    const id = createHash('sha256').update(document.uri.toString()).digest('hex').slice(0, 16);
    return treePathsIn(this.storageDir.fsPath, `${path.basename(document.uri.path) || 'untitled'}-${id}`);
  }

  private async openIfTreeExists(document: vscode.TextDocument): Promise<void> {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return;
    if (fs.existsSync(this.pathsFor(document).snapshot)) await this.sessionFor(document);
  }

  private async open(document: vscode.TextDocument): Promise<LoomSession | undefined> {
    const paths = this.pathsFor(document);
    await fs.promises.mkdir(path.dirname(paths.snapshot), { recursive: true });
    const initialText = document.getText().slice(parseDocumentHeader(document.getText()).bodyOffset);
    const onConflict = (savedTo: string) => void this.reportConflict(paths, savedTo);
    const opened = await TreeStore.open(nodeTreeStorage, paths, { document: path.basename(document.uri.path), initialText, onConflict });
    if (!opened.ok) {
      void this.reportUnusable(document, paths, opened.error.message);
      return undefined;
    }
    for (const warning of opened.warnings) this.log.warn(`${path.basename(paths.snapshot)}: ${warning}`);
    if (opened.warnings.length > 0) void this.reportRepaired(paths, opened.warnings);
    const session = new LoomSession(document, opened.store);
    this.sessions.set(document.uri.toString(), session);
    const followTree = (): { dispose(): void } => session.tree.onDidChange(() => this.scheduleFlush(session));
    let treeSubscription = followTree();
    session.onDidReplaceTree(() => {
      treeSubscription.dispose();
      treeSubscription = followTree();
    });
    session.reconcile();
    this.changed.fire(session);
    return session;
  }

  /** A tree file that cannot be read is never overwritten: the user decides what happens to it. */
  private async reportUnusable(document: vscode.TextDocument, paths: TreePaths, message: string): Promise<void> {
    this.log.error(message);
    const choice = await vscode.window.showErrorMessage(
      `Prefill Loom: ${message} The file was left as it is, and this document's generations are not recorded in a tree.`,
      'Move Aside and Start a New Tree',
      'Open Tree File',
    );
    if (choice === 'Open Tree File') {
      await vscode.window.showTextDocument(vscode.Uri.file(paths.snapshot));
    } else if (choice) {
      const moved = await moveAside(nodeTreeStorage, paths);
      this.log.info(`Moved the unreadable tree aside: ${Object.values(moved).join(', ')}`);
      await this.sessionFor(document);
    }
  }

  /** A tree file that needed repairs (a hand edit, a crash mid-write) loads with every node it has; the user hears what changed. */
  private async reportRepaired(paths: TreePaths, warnings: string[]): Promise<void> {
    const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more, in the Prefill Loom log)` : '';
    const choice = await vscode.window.showWarningMessage(
      `Prefill Loom: ${path.basename(paths.snapshot)} was repaired on loading: ${warnings[0]}${more}. What could be read was kept (a snapshot that needed repairs is first copied to .before-repair.json beside it). Open the file to check it.`,
      'Open Tree File',
    );
    if (choice) await vscode.window.showTextDocument(vscode.Uri.file(paths.snapshot));
  }

  /** Another window (or program) wrote the tree file: neither side's nodes may be lost. */
  private async reportConflict(paths: TreePaths, savedTo: string): Promise<void> {
    const message = `${path.basename(paths.snapshot)} was changed by another window or program. It was left as they wrote it, and this window's tree is saved to ${path.basename(savedTo)} instead; use Import Loom Tree… to bring it back.`;
    this.log.warn(message);
    const choice = await vscode.window.showWarningMessage(`Prefill Loom: ${message}`, 'Open Saved Copy');
    if (choice) await vscode.window.showTextDocument(vscode.Uri.file(savedTo));
  }

  private scheduleReconcile(document: vscode.TextDocument): void {
    const session = this.get(document);
    if (!session) return;
    const timers = this.timersOf(document);
    clearTimeout(timers.reconcile);
    timers.reconcile = setTimeout(() => {
      timers.reconcile = undefined;
      session.reconcile();
    }, RECONCILE_DELAY_MS);
  }

  private async flush(session: LoomSession): Promise<void> {
    try {
      await session.store.flush();
    } catch (e) {
      this.log.error(`Could not save the loom tree of ${session.document.uri.toString()}: ${(e as Error).message}`);
    }
  }

  private async close(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const session = this.sessions.get(key);
    if (session?.document !== document) return;
    const timers = this.timers.get(key);
    clearTimeout(timers?.reconcile);
    clearTimeout(timers?.flush);
    this.timers.delete(key);
    session.reconcile();
    await this.flush(session);
    session.store.dispose();
    this.sessions.delete(key);
    if (document.uri.scheme === 'untitled') await this.setAsideUntitled(document);
  }

  /**
   * An untitled document's tree is named after its URI, which the next new buffer reuses
   * (Untitled-1 again): once the buffer is closed its tree files get a name of their own, so they
   * are kept but never taken for the new buffer's. A window reload fires no close, so hot exit
   * still finds the tree of a restored buffer.
   */
  private async setAsideUntitled(document: vscode.TextDocument): Promise<void> {
    const paths = this.pathsFor(document);
    const suffix = `.closed-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
    for (const file of [paths.snapshot, paths.journal]) {
      await fs.promises.rename(file, file.replace(/\.loom\.(json|journal\.jsonl)$/, `${suffix}.loom.$1`)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') this.log.warn(`Could not set aside ${path.basename(file)}: ${e.message}`);
      });
    }
  }

  private timersOf(document: vscode.TextDocument): { reconcile?: NodeJS.Timeout; flush?: NodeJS.Timeout } {
    const key = document.uri.toString();
    let timers = this.timers.get(key);
    if (!timers) {
      timers = {};
      this.timers.set(key, timers);
    }
    return timers;
  }
}
