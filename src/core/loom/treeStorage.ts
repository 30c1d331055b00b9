import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Where tree files live. Paths are plain file system paths; the VS Code adapter picks them (a sidecar
 * beside the document, or workspace storage for untitled buffers).
 */
export interface TreeStorage {
  /** The file's text, or `undefined` if there is no such file. */
  read(path: string): Promise<string | undefined>;
  /** Creates or truncates the file, writes `data` and flushes it to the disk before resolving. */
  write(path: string, data: string): Promise<void>;
  /** Appends `data` (creating the file) and flushes it to the disk before resolving. */
  append(path: string, data: string): Promise<void>;
  /** Renames `from` to `to`, atomically replacing `to` if it exists. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes the file; no error if there is none. */
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** The file's size in bytes, or `undefined` if there is no such file. */
  size(path: string): Promise<number | undefined>;
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

/** The file a snapshot is written to before it is renamed over the snapshot. */
export function tempPath(snapshot: string): string {
  return `${snapshot}.tmp`;
}

/**
 * Moves unusable tree files out of the way, keeping them: `story.md.loom.json` becomes
 * `story.md.loom.corrupt-20260102T030405Z.json` (and the journal likewise). Returns the new paths.
 */
export async function moveAside(storage: TreeStorage, paths: TreePaths, now = Date.now()): Promise<Partial<TreePaths>> {
  const stamp = fileStamp(now);
  const moved: Partial<TreePaths> = {};
  for (const key of ['snapshot', 'journal'] as const) {
    const from = paths[key];
    if (!(await storage.exists(from))) continue;
    let to = from.replace(/(\.jsonl?)$/, `.corrupt-${stamp}$1`);
    for (let i = 2; await storage.exists(to); i++) to = from.replace(/(\.jsonl?)$/, `.corrupt-${stamp}-${i}$1`);
    await storage.rename(from, to);
    moved[key] = to;
  }
  return moved;
}

/**
 * Where a tree goes when its files were changed by another writer (a second window on the same
 * document): `story.md.loom.json` → `story.md.loom.conflict-20260102T030405Z.json`.
 */
export function conflictPath(snapshot: string, now = Date.now()): string {
  return snapshot.replace(/\.json$/, `.conflict-${fileStamp(now)}.json`);
}

/** A UTC time for file names: 20260102T030405Z. */
function fileStamp(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

/** {@link TreeStorage} on the local file system, with fsync for durability. */
export const nodeTreeStorage: TreeStorage = {
  async read(file) {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  },
  async write(file, data) {
    await writeSynced(file, data, 'w');
  },
  async append(file, data) {
    await writeSynced(file, data, 'a');
  },
  async rename(from, to) {
    await rename(from, to);
    await syncDirectory(path.dirname(to));
  },
  async remove(file) {
    await rm(file, { force: true });
  },
  async size(file) {
    try {
      return (await stat(file)).size;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  },
  async exists(file) {
    try {
      await stat(file);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  },
};

async function writeSynced(file: string, data: string, flags: 'w' | 'a'): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, flags);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.datasync();
  } finally {
    await handle.close();
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
