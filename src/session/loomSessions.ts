import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseDocumentHeader } from '../core/conversation/documentHeader';
import { exportTreeJson, importTreeJson } from '../core/loom/treeExport';
import { fail, type TreeFileError } from '../core/loom/treeFormat';
import { TreeStore } from '../core/loom/treePersistence';
import { conflictPath, LinkError, memoryTreeStorage, moveAside, nodeTreeStorage, sidecarPaths, treePathsIn, type TreePaths } from '../core/loom/treeStorage';
import { LoomSession } from './loomSession';

const RECONCILE_DELAY_MS = 400;
const FLUSH_DELAY_MS = 1000;

/**
 * The looms of open documents. A document gets one when a loom command first runs on it, or when it
 * opens with a tree file already beside it; from then on its tree follows the buffer and is saved.
 *
 * In an untrusted workspace tree files are neither read nor written (a folder from someone else
 * decides what they contain and where their names point): a loom is then kept in memory only, and
 * reaches the disk when the user trusts the workspace ({@link trustGranted}).
 */
export class LoomSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, LoomSession>();
  private readonly opening = new Map<string, Promise<LoomSession | undefined>>();
  /** Looms being closed (their last changes written): a document reopened under the name waits for them. */
  private readonly closing = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, { reconcile?: NodeJS.Timeout; flush?: NodeJS.Timeout }>();
  private readonly changed = new vscode.EventEmitter<LoomSession>();
  /** Looms whose document was saved since the loom opened: their tree files may be written. */
  private readonly saved = new WeakSet<LoomSession>();
  /** Documents whose loom lives in memory because the workspace is not trusted. */
  private readonly inMemory = new Set<string>();
  /** Documents whose user was told their loom stays in memory: once each, not at every reopen. */
  private readonly toldUntrusted = new Set<string>();
  private readonly toldLinks = new Set<string>();
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
      vscode.workspace.onDidSaveTextDocument((d) => {
        const session = this.get(d);
        if (!session) return;
        this.saved.add(session);
        void this.flush(session);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.trustGranted()),
    ];
    for (const document of vscode.workspace.textDocuments) void this.openIfTreeExists(document);
  }

  /** The document's loom if it has one already. */
  get(document: vscode.TextDocument): LoomSession | undefined {
    const session = this.sessions.get(document.uri.toString());
    return session && !isStale(session, document) ? session : undefined;
  }

  /** The document's loom, created (or loaded) if needed; undefined if its tree file cannot be used. */
  sessionFor(document: vscode.TextDocument): Promise<LoomSession | undefined> {
    const key = document.uri.toString();
    const existing = this.sessions.get(key);
    if (existing && !isStale(existing, document)) return Promise.resolve(existing);
    let opening = this.opening.get(key);
    if (!opening) {
      // VS Code can announce the close of a buffer after a new one took its name (Untitled-1 again).
      const closingStale = existing ? this.close(existing.document) : this.closing.get(key);
      opening = Promise.resolve(closingStale)
        .then(() => this.open(document))
        .finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    return opening;
  }

  /** Saves soon: changes are batched, so a streaming generation does not write per token. */
  scheduleFlush(session: LoomSession): void {
    // A closed buffer's loom (a generation ending after the close) must not take the timer of the new buffer under its name.
    if (this.sessions.get(session.document.uri.toString()) !== session) return;
    const timers = this.timersOf(session.document);
    timers.flush ??= setTimeout(() => {
      timers.flush = undefined;
      void this.flush(session);
    }, FLUSH_DELAY_MS);
  }

  /** Writes every pending change of every loom now, unsaved documents' too (a reload keeps their text). */
  async flushAll(): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map((s) => {
        // The last keystrokes too: a buffer restored after the reload must find its text in its tree.
        s.reconcile();
        return this.flush(s, true);
      }),
    );
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

  /**
   * The workspace was trusted: each loom kept in memory goes to the disk. Where the document already
   * has a tree file, that tree is loaded, and the one made in memory (if it holds more than the
   * buffer) is saved beside it as a copy to import. Called by VS Code's trust event.
   */
  async trustGranted(): Promise<void> {
    for (const key of [...this.inMemory]) {
      const session = this.sessions.get(key);
      this.inMemory.delete(key);
      if (!session) continue;
      this.sessions.delete(key);
      const paths = this.pathsFor(session.document);
      const hadTree = (await nodeTreeStorage.exists(paths.snapshot)) || (await nodeTreeStorage.exists(paths.journal));
      const loaded = await this.sessionFor(session.document);
      if (!loaded) {
        // The tree file cannot be used (the user was told why): the loom stays in memory, as before.
        this.sessions.set(key, session);
        this.inMemory.add(key);
        continue;
      }
      session.store.dispose();
      if (session.tree.size === 1) continue;
      if (hadTree) await this.saveMemoryTreeAside(paths, session);
      else await this.adoptMemoryTree(loaded, session);
    }
    for (const document of vscode.workspace.textDocuments) void this.openIfTreeExists(document);
  }

  /** The loom made in memory becomes the document's tree file (a copy: the old session still follows its tree). */
  private async adoptMemoryTree(loaded: LoomSession, memory: LoomSession): Promise<void> {
    const copy = importTreeJson(exportTreeJson(memory.tree, memory.currentId, ''), '');
    if (copy.ok) await loaded.replaceTree(copy.value.tree, copy.value.currentId);
  }

  private async saveMemoryTreeAside(paths: TreePaths, session: LoomSession): Promise<void> {
    const copy = conflictPath(paths.snapshot);
    await nodeTreeStorage.create(copy, exportTreeJson(session.tree, session.currentId, path.basename(session.document.uri.path)));
    const message = `the loom made while the workspace was not trusted is saved to ${path.basename(copy)}, beside ${path.basename(paths.snapshot)}, which is now loaded; use Loom Tree: Import… to bring it back.`;
    this.log.info(message);
    const choice = await vscode.window.showInformationMessage(`Prefill Loom: ${message}`, 'Open Saved Copy');
    if (choice) await vscode.window.showTextDocument(vscode.Uri.file(copy));
  }

  private async openIfTreeExists(document: vscode.TextDocument): Promise<void> {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return;
    if (!vscode.workspace.isTrusted) return;
    if (fs.existsSync(this.pathsFor(document).snapshot)) await this.sessionFor(document);
  }

  private async open(document: vscode.TextDocument): Promise<LoomSession | undefined> {
    const paths = this.pathsFor(document);
    const trusted = vscode.workspace.isTrusted;
    if (trusted) await fs.promises.mkdir(path.dirname(paths.snapshot), { recursive: true });
    else this.tellUntrustedOnce(document);
    const initialText = document.getText().slice(parseDocumentHeader(document.getText()).bodyOffset);
    const onConflict = (savedTo: string) => void this.reportConflict(paths, savedTo);
    const storage = trusted ? nodeTreeStorage : memoryTreeStorage();
    const options = { document: path.basename(document.uri.path), initialText, onConflict };
    let opened = await TreeStore.open(storage, paths, options);
    if (opened.ok && trusted && belongsToAClosedBuffer(document, opened.store, initialText)) {
      opened.store.dispose();
      await this.setAsideClosedBufferTree(paths);
      opened = await TreeStore.open(storage, paths, options);
    }
    if (!opened.ok) {
      void this.reportUnusable(document, paths, opened.error);
      return undefined;
    }
    if (!trusted) this.inMemory.add(document.uri.toString());
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

  private tellUntrustedOnce(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (this.toldUntrusted.has(key)) return;
    this.toldUntrusted.add(key);
    const message = `this workspace is not trusted, so loom tree files are neither read nor written. The loom of ${path.basename(document.uri.path)} is kept in memory until you trust the workspace, and then saved.`;
    this.log.info(message);
    void vscode.window.showInformationMessage(`Prefill Loom: ${message}`, 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  }

  /**
   * A tree file that cannot be read is never overwritten: the user decides what happens to it. A
   * link is only reported: opening it would open what it points to, and moving the tree aside
   * would not remove it.
   */
  private async reportUnusable(document: vscode.TextDocument, paths: TreePaths, error: TreeFileError): Promise<void> {
    const { message } = error;
    this.log.error(message);
    if (error.kind === 'link') {
      void vscode.window.showErrorMessage(`Prefill Loom: ${message}`);
      return;
    }
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
      `Prefill Loom: ${path.basename(paths.snapshot)} was repaired on loading: ${warnings[0]}${more}. What could be read was kept (the files as they were are first copied beside them: .before-repair.json, .journal.before-repair.jsonl). Open the file to check it.`,
      'Open Tree File',
    );
    if (choice) await vscode.window.showTextDocument(vscode.Uri.file(paths.snapshot));
  }

  /** Another window (or program) wrote the tree file: neither side's nodes may be lost. */
  private async reportConflict(paths: TreePaths, savedTo: string): Promise<void> {
    const message = `${path.basename(paths.snapshot)} was changed by another window or program. It was left as they wrote it, and this window's tree is saved to ${path.basename(savedTo)} instead; use Loom Tree: Import… to bring it back.`;
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

  private async flush(session: LoomSession, evenBeforeFirstSave = false): Promise<void> {
    if (!evenBeforeFirstSave && !this.saved.has(session) && isNewSidecar(session)) return;
    try {
      await session.store.flush();
    } catch (e) {
      this.log.error(`Could not save the loom tree of ${session.document.uri.toString()}: ${(e as Error).message}`);
      // A link that appeared after the tree loaded: each save is refused until it is gone; say so once.
      if (e instanceof LinkError && !this.toldLinks.has(e.path)) {
        this.toldLinks.add(e.path);
        void vscode.window.showErrorMessage(`Prefill Loom: ${fail('link', e.path, '').error.message}`);
      }
    }
  }

  /**
   * Writes a closed document's loom and lets it go. Only the loom of that very document object: a
   * late close of an old buffer must not close the loom of the new buffer that took its name.
   */
  private close(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const session = this.sessions.get(key);
    if (!session || session.document !== document) return this.closing.get(key) ?? Promise.resolve();
    // Reconciling may schedule a flush: only once the loom is no longer the name's do its timers go,
    // or a stale one would hold the slot of the next buffer under this name and save the closed loom instead.
    session.reconcile();
    this.sessions.delete(key);
    const timers = this.timers.get(key);
    clearTimeout(timers?.reconcile);
    clearTimeout(timers?.flush);
    this.timers.delete(key);
    const closing = this.flush(session).finally(() => {
      session.store.dispose();
      if (this.closing.get(key) === closing) this.closing.delete(key);
    });
    this.closing.set(key, closing);
    return closing;
  }

  /**
   * An untitled buffer's tree is named after its URI, which the next new buffer reuses (Untitled-1
   * again). The old tree is kept under a name of its own, and said where.
   */
  private async setAsideClosedBufferTree(paths: TreePaths): Promise<void> {
    const moved = Object.values(await moveAside(nodeTreeStorage, paths, Date.now(), 'closed')).map((p) => path.basename(p));
    const message = `a new untitled buffer took the name of a closed one, so it starts a loom of its own; the closed buffer's loom is kept as ${moved.join(' and ')} in ${path.dirname(paths.snapshot)} (Loom Tree: Import… brings it back).`;
    this.log.info(message);
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

/** A loom left by a closed document whose name a new document now has. */
function isStale(session: LoomSession, document: vscode.TextDocument): boolean {
  return session.document !== document && session.document.isClosed;
}

/**
 * Whether an untitled buffer's stored tree is another buffer's: a buffer restored after a reload
 * (hot exit) shows the text its tree was last written with, a new buffer under a reused name does not.
 */
function belongsToAClosedBuffer(document: vscode.TextDocument, store: TreeStore, initialText: string): boolean {
  return document.uri.scheme === 'untitled' && store.tree.textOf(store.currentId) !== initialText;
}

/**
 * Whether the tree would be a new file beside the document. Such a tree is written once the document
 * is saved: trying the loom on a file and closing it without saving leaves no tree files behind.
 * Until then it stays in memory (flushAll still writes it, so a window reload keeps it with the
 * unsaved text).
 */
function isNewSidecar(session: LoomSession): boolean {
  const { document, store } = session;
  return document.uri.scheme === 'file' && store.paths.snapshot === sidecarPaths(document.uri.fsPath).snapshot && !fs.existsSync(store.paths.snapshot);
}
