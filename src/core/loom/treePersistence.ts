import { randomBytes } from 'node:crypto';
import { LoomTree, type TreeOptions } from './loomTree';
import { fail, fileName, parseTreeFile, serializeTree, type TreeFileError, type TreeSnapshot } from './treeFormat';
import type { TreeFileContent } from './tokensAside';
import { encodeEntries, journalFits, journalHeader, parseJournal, replayJournal, type JournalEntry, type JournalOp, type ParsedJournal } from './treeJournal';
import { companionPaths, conflictPath, freePath, journalBackupPath, LinkError, tempPath, type TreePaths, type TreeStorage } from './treeStorage';

export type LoadResult =
  | { kind: 'missing' }
  | { kind: 'loaded'; tree: LoomTree; currentId: string; document: string; warnings: string[]; state: FileState }
  | { kind: 'error'; error: TreeFileError };

/** What the store needs to know about the files it continues. */
export interface FileState {
  seq: number;
  snapshotBytes: number;
  journalBytes: number;
  /** The snapshot must be rewritten before anything is appended (a cut journal line, an old format). */
  needsCompaction: boolean;
  /**
   * Files as they were on disk, kept beside them (created new, never over another file) before the
   * first rewrite: a snapshot in an older format (`.v0.json`) or that needed repairs
   * (`.before-repair.json`), a journal with entries that were not applied or a damaged last line
   * (`.journal.before-repair.jsonl`), so a hand edit or an entry is never lost.
   */
  backups: { path: string; text: string }[];
  /** The id of the snapshot on disk, which the journal names (undefined: none, or written before ids). */
  snapshotId?: string;
  /** The id of the journal on disk, which the next snapshot records as absorbed. */
  journalId?: string;
}

/**
 * Reads a tree: the snapshot, then the journal replayed over it. Never writes. A generation that
 * was still streaming when its writer stopped is marked cancelled. A tree file name (or the name of
 * a file the store writes beside it) that is a symbolic link refuses the whole tree.
 */
export async function loadTree(storage: TreeStorage, paths: TreePaths, options: TreeOptions = {}): Promise<LoadResult> {
  for (const file of companionPaths(paths)) {
    if (await storage.isLink(file).catch(() => false)) return { kind: 'error', error: fail('link', file, '').error };
  }
  const snapshotContent = await readOrError<TreeFileContent>(paths.snapshot, (p) => (storage.readBytes ? storage.readBytes(p) : storage.read(p)));
  if (isError(snapshotContent)) return snapshotContent;
  const journalText = await readOrError(paths.journal, (p) => storage.read(p));
  if (isError(journalText)) return journalText;
  if (snapshotContent === undefined) {
    if (!journalText) return { kind: 'missing' };
    return { kind: 'error', error: fail('corrupt', paths.journal, `there is no ${fileName(paths.snapshot)} for it to apply to`).error };
  }
  const snapshot = parseTreeFile(snapshotContent, paths.snapshot, options);
  if (!snapshot.ok) return { kind: 'error', error: snapshot.error };
  const journal = parseJournal(journalText ?? '', paths.journal);
  if (!journal.ok) return { kind: 'error', error: journal.error };
  const { tree, migratedFrom } = snapshot.value;
  const replay = replayOrSetAside(snapshot.value, journal.value, fileName(paths.snapshot));
  for (const node of tree.preorder()) {
    if (node.generation?.status === 'streaming') {
      tree.setGeneration(node.id, { status: 'cancelled', error: 'interrupted: Prefill Loom stopped while this was streaming' });
    }
  }
  const backups: FileState['backups'] = [];
  const warnings = [...snapshot.value.warnings, ...journal.value.warnings, ...replay.warnings];
  if (migratedFrom !== undefined || snapshot.value.warnings.length > 0) {
    const name = migratedFrom !== undefined ? `v${migratedFrom}` : 'before-repair';
    backups.push({ path: await freePath(storage, paths.snapshot.replace(/\.json$/, `.${name}.json`)), text: asText(snapshotContent) });
  }
  if (journal.value.needsRepair || replay.notApplied > 0) {
    const kept = await freePath(storage, journalBackupPath(paths.journal));
    backups.push({ path: kept, text: journalText! });
    warnings.push(`${replay.notApplied > 0 ? `${replay.summary}; ` : ''}the journal as it was is kept as ${fileName(kept)}`);
  }
  return {
    kind: 'loaded',
    tree,
    currentId: replay.currentId,
    document: snapshot.value.document,
    warnings,
    state: {
      seq: replay.seq,
      snapshotBytes: byteLength(snapshotContent),
      journalBytes: byteLength(journalText ?? ''),
      // A journal that does not extend this snapshot is rewritten even if empty: entries appended to
      // it would not be applied at the next load.
      needsCompaction: backups.length > 0 || !replay.fits,
      backups,
      snapshotId: snapshot.value.id,
      journalId: journal.value.ids.id,
    },
  };
}

/**
 * Replays the journal if it belongs on the snapshot; one written for another version of the
 * snapshot (replaced from elsewhere) is not applied at all. Either way, says how many entries were
 * not applied, for a warning.
 */
function replayOrSetAside(
  snapshot: TreeSnapshot,
  journal: ParsedJournal,
  snapshotName: string,
): ReturnType<typeof replayJournal> & { fits: boolean; notApplied: number; summary: string } {
  const { entries } = journal;
  if (!journalFits(journal.ids, snapshot)) {
    const seq = entries.reduce((max, e) => Math.max(max, e.seq), snapshot.journalSeq);
    const were = entries.length === 1 ? 'entry was' : 'entries were';
    const summary = `${entries.length} journal ${were} written for another version of ${snapshotName} (it was replaced, e.g. by a git pull) and not applied`;
    return { currentId: snapshot.currentId, seq, skipped: 0, warnings: [], fits: false, notApplied: entries.length, summary };
  }
  const replay = replayJournal(snapshot.tree, entries, snapshot.journalSeq, snapshot.currentId);
  const summary = `${replay.skipped} journal ${replay.skipped === 1 ? 'entry' : 'entries'} could not be applied`;
  return { ...replay, fits: true, notApplied: replay.skipped, summary };
}

export interface StoreOptions {
  /** The document's file name, recorded in the snapshot. */
  document: string;
  /** The root text of a new tree, when there is no tree file yet (the buffer's text). */
  initialText: string;
  /** Rewrite the snapshot once the journal exceeds max(minBytes, ratio × snapshot size). */
  compaction?: { minBytes: number; ratio: number };
  /**
   * Called once if the files were changed by another writer (a second window on the same document):
   * from then on this store saves its whole tree to `savedTo` instead, leaving the files to the other.
   */
  onConflict?: (savedTo: string) => void;
  tree?: TreeOptions;
}

export type OpenResult =
  | { ok: true; store: TreeStore; created: boolean; warnings: string[] }
  | { ok: false; error: TreeFileError };

/**
 * Keeps a tree saved: every change is queued as a journal entry; `flush()` appends the queued
 * entries (one append, one fsync) or, once the journal has grown past a fraction of the snapshot,
 * rewrites the snapshot atomically (temp file, fsync, rename) and clears the journal, so saving
 * costs amortised O(change), not O(tree).
 *
 * A store exists only for files that loaded: an unreadable or newer-version file yields an error
 * from {@link TreeStore.open}, and stays untouched until the user moves it aside (moveAside).
 * A new tree writes nothing until the first flush with changes, so callers decide when a document
 * deserves a tree file. Callers choose when to flush (debounced while streaming, and on close).
 */
export class TreeStore {
  private pending: JournalOp[] = [];
  private queue: Promise<void> = Promise.resolve();
  private subscription: { dispose(): void };
  private snapshotExists: boolean;
  /** Set once another writer changed the files: this store's tree is saved here instead. */
  private conflictCopy: string | undefined;
  /** A closed document's store: the files may be another buffer's by now (Untitled-1 again), so it writes nothing more. */
  private disposed = false;

  private constructor(
    private readonly storage: TreeStorage,
    readonly paths: TreePaths,
    private currentTree: LoomTree,
    private current: string,
    private readonly options: StoreOptions,
    private state: FileState,
  ) {
    this.snapshotExists = state.snapshotBytes > 0;
    this.subscription = currentTree.onDidChange((op) => this.push(op));
  }

  static async open(storage: TreeStorage, paths: TreePaths, options: StoreOptions): Promise<OpenResult> {
    const loaded = await loadTree(storage, paths, options.tree);
    if (loaded.kind === 'error') return { ok: false, error: loaded.error };
    if (loaded.kind === 'missing') {
      const tree = LoomTree.create(options.initialText, options.tree);
      const state = { seq: 0, snapshotBytes: 0, journalBytes: 0, needsCompaction: false, backups: [] };
      return { ok: true, store: new TreeStore(storage, paths, tree, tree.rootId, options, state), created: true, warnings: [] };
    }
    const store = new TreeStore(storage, paths, loaded.tree, loaded.currentId, options, loaded.state);
    if (loaded.state.needsCompaction) {
      try {
        await store.flush();
      } catch (e) {
        return { ok: false, error: { ...fail('io', paths.snapshot, (e as Error).message).error } };
      }
    }
    return { ok: true, store, created: false, warnings: loaded.warnings };
  }

  get tree(): LoomTree {
    return this.currentTree;
  }

  get currentId(): string {
    return this.current;
  }

  /** Entries waiting for {@link flush}. */
  get pendingCount(): number {
    return this.pending.length;
  }

  setCurrent(id: string): void {
    if (!this.currentTree.has(id)) throw new Error(`no node ${id} in the tree`);
    if (id === this.current) return;
    this.current = id;
    this.push({ op: 'current', id });
  }

  /** Writes what changed since the last flush. Flushes run one after another. */
  flush(): Promise<void> {
    // Nothing to write is no reason to look at the files: another writer's change is only a conflict when there is something to lose.
    return this.enqueue(() => (this.pending.length > 0 || this.state.needsCompaction ? this.unlessChangedOnDisk(() => this.write()) : Promise.resolve()));
  }

  /** Rewrites the snapshot now and clears the journal. */
  compact(): Promise<void> {
    return this.enqueue(() => this.unlessChangedOnDisk(() => this.writeSnapshot()));
  }

  /** Replaces the whole tree (an import) and writes it as the new snapshot. */
  replaceTree(tree: LoomTree, currentId: string): Promise<void> {
    this.subscription.dispose();
    this.currentTree = tree;
    this.current = currentId;
    this.subscription = tree.onDidChange((op) => this.push(op));
    return this.compact();
  }

  /** Stops following the tree and writing. Flush first: changes still pending are dropped. */
  dispose(): void {
    this.subscription.dispose();
    this.disposed = true;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes only over files as this store left them, and only while it is open. Two windows on one
   * document each hold a tree: appending to or replacing files the other wrote would lose its nodes,
   * so the second to write saves its own tree aside instead, and says where.
   */
  private async unlessChangedOnDisk(work: () => Promise<void>): Promise<void> {
    if (this.disposed) return;
    for (const file of [this.paths.snapshot, this.paths.journal]) {
      if (await this.storage.isLink(file)) throw new LinkError(file);
    }
    if (this.conflictCopy === undefined && !(await this.changedOnDisk())) return work();
    return this.saveAside();
  }

  /** Saves the whole tree to this store's own conflict copy (a name no other store can have), telling once. */
  private async saveAside(): Promise<void> {
    const first = this.conflictCopy === undefined;
    this.conflictCopy ??= conflictPath(this.paths.snapshot);
    this.pending = [];
    await this.replaceFile(this.conflictCopy, serializeTree(this.currentTree, { currentId: this.current, document: this.options.document, journalSeq: 0 }));
    if (first) this.options.onConflict?.(this.conflictCopy);
  }

  /** Writes a new file under a fresh name, then renames it over `file`: never through a link, never half-written. */
  private async replaceFile(file: string, text: string): Promise<void> {
    const temp = tempPath(file);
    await this.storage.create(temp, text);
    try {
      await this.storage.rename(temp, file);
    } catch (e) {
      await this.storage.remove(temp).catch(() => undefined);
      throw e;
    }
  }

  /** A size differing from what this store last read or wrote means someone else wrote. */
  private async changedOnDisk(): Promise<boolean> {
    const [snapshot, journal] = await Promise.all([this.storage.size(this.paths.snapshot), this.storage.size(this.paths.journal)]);
    return (snapshot ?? 0) !== (this.snapshotExists ? this.state.snapshotBytes : 0) || (journal ?? 0) !== this.state.journalBytes;
  }

  private push(op: JournalOp): void {
    const last = this.pending.length - 1;
    const merged = last >= 0 ? merge(this.pending[last], op) : undefined;
    if (merged) this.pending[last] = merged;
    else this.pending.push(op);
  }

  private async write(): Promise<void> {
    const threshold = Math.max(this.compaction.minBytes, this.compaction.ratio * this.state.snapshotBytes);
    const entries: JournalEntry[] = this.pending.map((op) => ({ seq: ++this.state.seq, op }));
    const journalId = this.state.journalBytes === 0 ? newId() : this.state.journalId;
    const header = this.state.journalBytes === 0 ? journalHeader({ id: journalId, snapshot: this.state.snapshotId }) : '';
    const data = header + encodeEntries(entries);
    const bytes = byteLength(data);
    if (!this.snapshotExists || this.state.needsCompaction || this.state.journalBytes + bytes > threshold) {
      return this.writeSnapshot();
    }
    this.pending = [];
    try {
      await this.storage.append(this.paths.journal, data);
    } catch (e) {
      // The journal may now end with part of a line; the tree is safe in memory, so the next flush
      // rewrites the snapshot instead of appending. That part is ours, not another writer's.
      this.state.needsCompaction = true;
      this.state.journalBytes = (await this.storage.size(this.paths.journal).catch(() => undefined)) ?? this.state.journalBytes;
      throw e;
    }
    this.state.journalId = journalId;
    const expected = this.state.journalBytes + bytes;
    this.state.journalBytes = (await this.storage.size(this.paths.journal)) ?? 0;
    // Another window that passed its size check at the same moment appended too: from now on the
    // journal is as much theirs as ours, so this store's tree goes to its own copy.
    if (this.state.journalBytes !== expected) await this.saveAside();
  }

  private async writeSnapshot(): Promise<void> {
    this.pending = [];
    this.state.needsCompaction = true;
    const { snapshot, journal } = this.paths;
    const id = newId();
    const absorbed = this.state.journalBytes > 0 ? this.state.journalId : undefined;
    const text = serializeTree(this.currentTree, { currentId: this.current, document: this.options.document, journalSeq: this.state.seq, id, absorbed });
    for (const backup of this.state.backups) await this.storage.create(backup.path, backup.text);
    this.state.backups = [];
    await this.replaceFile(snapshot, text);
    this.snapshotExists = true;
    this.state.snapshotBytes = byteLength(text);
    this.state.snapshotId = id;
    // Entries still in the journal are all ≤ journalSeq and the snapshot names the journal as
    // absorbed, so a crash before this point loses nothing and applies nothing twice.
    await this.storage.remove(journal);
    this.state.journalBytes = 0;
    this.state.journalId = undefined;
    this.state.needsCompaction = false;
  }

  private get compaction(): { minBytes: number; ratio: number } {
    return this.options.compaction ?? { minBytes: 64 * 1024, ratio: 0.5 };
  }
}

/** One entry for a run of appends, generation patches or moves of the same node (a stream makes many). */
function merge(last: JournalOp, op: JournalOp): JournalOp | undefined {
  if (last.op === 'append' && op.op === 'append' && last.id === op.id) return { ...op, text: last.text + op.text };
  if (last.op === 'generation' && op.op === 'generation' && last.id === op.id) return { ...op, patch: { ...last.patch, ...op.patch } };
  if (last.op === 'current' && op.op === 'current') return op;
  return undefined;
}

/** A random id for a snapshot or journal file. */
function newId(): string {
  return randomBytes(6).toString('hex');
}

type ReadError = { kind: 'error'; error: TreeFileError };

function isError(read: TreeFileContent | undefined | ReadError): read is ReadError {
  return typeof read === 'object' && 'kind' in read;
}

/** The file as it is on disk, byte order mark included (for a backup). */
function asText(content: TreeFileContent): string {
  return typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
}

async function readOrError<T extends TreeFileContent>(path: string, read: (path: string) => Promise<T | undefined>): Promise<T | undefined | ReadError> {
  try {
    return await read(path);
  } catch (e) {
    if (e instanceof LinkError) return { kind: 'error', error: fail('link', path, '').error };
    return { kind: 'error', error: fail('io', path, (e as Error).message).error };
  }
}

function byteLength(content: TreeFileContent): number {
  return Buffer.byteLength(content, 'utf8');
}
