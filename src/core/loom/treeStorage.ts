import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Where tree files live. Paths are plain file system paths; the VS Code adapter picks them (a sidecar
 * beside the document, or workspace storage for untitled buffers).
 *
 * Tree files sit in folders other people prepare (a cloned repository), so no operation follows a
 * symbolic link: a link at a tree file's name could point at any file of the user's (issue 16).
 * Reading or appending through a link fails with {@link LinkError}; files are only ever created new
 * (never truncated), and renaming replaces a link itself, not what it points to.
 */
export interface TreeStorage {
  /** The file's text, or `undefined` if there is no such file. */
  read(path: string): Promise<string | undefined>;
  /** The file's bytes, where the storage can give them without decoding (a tree file is loaded from them: see tokensAside.ts). */
  readBytes?(path: string): Promise<Uint8Array | undefined>;
  /** Creates a new file with `data`, flushed to the disk; fails if anything (even a dangling link) is at `path`. */
  create(path: string, data: string): Promise<void>;
  /** Appends `data` (creating the file) and flushes it to the disk before resolving. */
  append(path: string, data: string): Promise<void>;
  /** Renames `from` to `to`, atomically replacing `to` if it exists. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes the file; no error if there is none. */
  remove(path: string): Promise<void>;
  /** Whether anything, even a dangling link, is at `path`. */
  exists(path: string): Promise<boolean>;
  /** The file's size in bytes, or `undefined` if there is no such file. */
  size(path: string): Promise<number | undefined>;
  /** Whether `path` is a symbolic link (dangling or not). */
  isLink(path: string): Promise<boolean>;
}

/** A tree file name that is a symbolic link: never read or written through. */
export class LinkError extends Error {
  constructor(readonly path: string) {
    super(`${path} is a symbolic link`);
  }
}

/** The two files of a tree: the snapshot and the journal of changes since. */
export interface TreePaths {
  snapshot: string;
  journal: string;
}

/** `story.md` → `story.md.loom.json` and `story.md.loom.journal.jsonl` beside it. */
export function sidecarPaths(documentPath: string): TreePaths {
  return treePathsIn(path.dirname(documentPath), path.basename(documentPath));
}

/** Tree files named after `name` in `dir` (e.g. workspace storage, for untitled buffers). */
export function treePathsIn(dir: string, name: string): TreePaths {
  return { snapshot: path.join(dir, `${name}.loom.json`), journal: path.join(dir, `${name}.loom.journal.jsonl`) };
}

/**
 * A new file name to write a snapshot (or copy) to before renaming it into place: random, so a
 * prepared folder cannot have put a link there, and created exclusively all the same.
 */
export function tempPath(target: string): string {
  return `${target}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * The names beside a snapshot that Prefill Loom writes or once wrote: if any is a link, the folder
 * was prepared to make a save write through it, and the tree is refused (see TreeStore.open).
 */
export function companionPaths(paths: TreePaths): string[] {
  const { snapshot, journal } = paths;
  const backups = ['before-repair', 'v0'].map((name) => snapshot.replace(/\.json$/, `.${name}.json`));
  return [snapshot, journal, `${snapshot}.tmp`, ...backups, journalBackupPath(journal)];
}

/** Where a journal is kept before a rewrite would drop entries it holds: `….loom.journal.before-repair.jsonl`. */
export function journalBackupPath(journal: string): string {
  return journal.replace(/\.jsonl$/, '.before-repair.jsonl');
}

/** `name.ext`, else `name-2.ext`, `name-3.ext`…: the first name nothing is at, so no backup is written over another. */
export async function freePath(storage: TreeStorage, file: string): Promise<string> {
  let free = file;
  for (let i = 2; await storage.exists(free); i++) free = file.replace(/(\.jsonl?)$/, `-${i}$1`);
  return free;
}

/**
 * Moves tree files out of the way, keeping them: `story.md.loom.json` becomes
 * `story.md.loom.corrupt-20260102T030405Z.json` (and the journal likewise), `why` naming the reason
 * in the new name. Returns the new paths.
 */
export async function moveAside(storage: TreeStorage, paths: TreePaths, now = Date.now(), why: 'corrupt' | 'closed' = 'corrupt'): Promise<Partial<TreePaths>> {
  const stamp = fileStamp(now);
  const moved: Partial<TreePaths> = {};
  for (const key of ['snapshot', 'journal'] as const) {
    const from = paths[key];
    if (!(await storage.exists(from))) continue;
    const to = await freePath(storage, from.replace(/(\.jsonl?)$/, `.${why}-${stamp}$1`));
    await storage.rename(from, to);
    moved[key] = to;
  }
  return moved;
}

/**
 * Where a tree goes when its files were changed by another writer (a second window on the same
 * document): `story.md.loom.json` → `story.md.loom.conflict-20260102T030405Z-3f9a1c.json`. The
 * random part keeps two windows that conflict in the same second from sharing one copy.
 */
export function conflictPath(snapshot: string, now = Date.now()): string {
  return snapshot.replace(/\.json$/, `.conflict-${fileStamp(now)}-${randomBytes(3).toString('hex')}.json`);
}

/** A UTC time for file names: 20260102T030405Z. */
function fileStamp(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

/** {@link TreeStorage} on the local file system, with fsync for durability. */
export const nodeTreeStorage: TreeStorage = {
  async read(file) {
    return (await readNoFollow(file))?.toString('utf8');
  },
  readBytes: readNoFollow,
  async create(file, data) {
    await writeSynced(file, data, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
  },
  async append(file, data) {
    await writeSynced(file, data, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND);
  },
  async rename(from, to) {
    await rename(from, to);
    await syncDirectory(path.dirname(to));
  },
  async remove(file) {
    await rm(file, { force: true });
  },
  async size(file) {
    return (await lstatOrUndefined(file))?.size;
  },
  async exists(file) {
    return (await lstatOrUndefined(file)) !== undefined;
  },
  async isLink(file) {
    return (await lstatOrUndefined(file))?.isSymbolicLink() ?? false;
  },
};

async function readNoFollow(file: string): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await openNoFollow(file, constants.O_RDONLY);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * {@link TreeStorage} in memory: a tree kept while tree files may not be touched (an untrusted
 * workspace), and tests about what the store writes rather than the disk.
 */
export function memoryTreeStorage(files = new Map<string, string>()): TreeStorage {
  const size = (file: string) => (files.has(file) ? Buffer.byteLength(files.get(file)!, 'utf8') : undefined);
  return {
    read: async (file) => files.get(file),
    create: async (file, data) => {
      if (files.has(file)) throw new Error(`${file} exists`);
      files.set(file, data);
    },
    append: async (file, data) => void files.set(file, (files.get(file) ?? '') + data),
    rename: async (from, to) => {
      if (!files.has(from)) throw new Error(`${from} does not exist`);
      files.set(to, files.get(from)!);
      files.delete(from);
    },
    remove: async (file) => void files.delete(file),
    exists: async (file) => files.has(file),
    size: async (file) => size(file),
    isLink: async () => false,
  };
}

async function writeSynced(file: string, data: string, flags: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await openNoFollow(file, flags);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * Opens without following a link at `file`: O_NOFOLLOW where the platform has it (the check and the
 * open are one step), else an lstat just before (Windows, where making links needs privileges).
 */
async function openNoFollow(file: string, flags: number): Promise<FileHandle> {
  if (constants.O_NOFOLLOW === undefined && (await lstatOrUndefined(file))?.isSymbolicLink()) throw new LinkError(file);
  try {
    return await open(file, flags | (constants.O_NOFOLLOW ?? 0), 0o666);
  } catch (e) {
    // O_NOFOLLOW reports a link as ELOOP; O_EXCL reports one (even dangling) as EEXIST, which is right.
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new LinkError(file);
    throw e;
  }
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await lstat(file);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Makes a rename durable. Best effort: not every platform can open a directory (Windows cannot). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The rename itself has happened; only its durability across a power cut is less certain.
  }
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}
