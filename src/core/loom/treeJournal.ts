import { isNodeId, type GenerationPatch, type LoomNode, type RemovedSubtree, type TreeOp } from './loomNode';
import type { LoomTree } from './loomTree';
import { checkNode, fail, isObject, isSequenceNumber, Warnings, type Parsed } from './treeFormat';

// The journal: the changes made since the snapshot was written, one JSON object per line, so saving
// a small change appends a line instead of rewriting the tree file:
//
//   {"format":"prefill-loom-journal","version":1,"id":"j5…","snapshot":"s9…"}
//   {"seq":13,"op":"add","node":{"id":"q81…","parentId":"p0c…","text":"","author":"model",…}}
//   {"seq":14,"op":"append","id":"q81…","text":" and then the"}
//   {"seq":15,"op":"current","id":"q81…"}
//
// Entries carry increasing sequence numbers; a snapshot records the last one it holds (journalSeq),
// so entries left behind by a crash between writing a snapshot and clearing the journal are skipped.
// The header names the snapshot the journal extends (`snapshot`, the snapshot's `id`) and the
// journal's own `id`, which the next snapshot records as `absorbed` (see journalFits).

export const JOURNAL_FORMAT = 'prefill-loom-journal';
export const JOURNAL_VERSION = 1;

/** Which journal this is and which snapshot it extends; both absent in journals written before ids. */
export interface JournalIds {
  id?: string;
  snapshot?: string;
}

export function journalHeader(ids: JournalIds): string {
  return JSON.stringify({ format: JOURNAL_FORMAT, version: JOURNAL_VERSION, ...ids }) + '\n';
}

/**
 * Whether a journal's entries belong on this snapshot: it extends it, or the snapshot took it in
 * (a crash came between writing the snapshot and removing the journal; its entries are all at or
 * below journalSeq). A journal from before ids falls back to sequence numbers alone. Otherwise the
 * snapshot was replaced from elsewhere and the sequence numbers no longer say which entries it holds.
 */
export function journalFits(journal: JournalIds, snapshot: { id?: string; absorbed?: string }): boolean {
  return journal.snapshot === undefined || journal.snapshot === snapshot.id || (journal.id !== undefined && journal.id === snapshot.absorbed);
}

/** A tree op, or a move of the current node (which the tree itself does not hold). */
export type JournalOp = TreeOp | { readonly op: 'current'; readonly id: string };

export interface JournalEntry {
  seq: number;
  op: JournalOp;
}

export interface ParsedJournal {
  entries: JournalEntry[];
  ids: JournalIds;
  warnings: string[];
  /** The file does not end with a complete line: rewrite it before appending to it again. */
  needsRepair: boolean;
}

export function encodeEntries(entries: readonly JournalEntry[]): string {
  return entries.map(({ seq, op }) => JSON.stringify({ seq, ...clearable(op) }) + '\n').join('');
}

/** JSON drops `undefined`, so a patch clearing `error` says so with `null` (LoomTree reads both as removal). */
function clearable(op: JournalOp): JournalOp {
  return op.op === 'generation' && 'error' in op.patch && op.patch.error === undefined ? { ...op, patch: { ...op.patch, error: null as never } } : op;
}

/**
 * Reads a journal. A last line without its newline is kept if it is a whole entry, else ignored
 * with a warning (a crash while appending); either way the journal must be rewritten before it is
 * appended to. Any other unreadable line makes the journal corrupt, so it is never written over.
 */
export function parseJournal(text: string, path: string): Parsed<ParsedJournal> {
  const warnings = new Warnings();
  const lines = text.split('\n');
  const last = lines.pop()!;
  const needsRepair = last !== '';
  const entries: JournalEntry[] = [];
  let ids: JournalIds = {};
  for (let i = 0; i <= lines.length; i++) {
    const line = i < lines.length ? lines[i] : last;
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      if (i === lines.length) {
        warnings.add(`ignored an incomplete last line of ${path} (Prefill Loom was probably interrupted while saving)`);
        break;
      }
      return fail('corrupt', path, `line ${i + 1} is not valid JSON (${(e as Error).message})`);
    }
    if (isObject(raw) && raw.format === JOURNAL_FORMAT) {
      if (typeof raw.version === 'number' && raw.version > JOURNAL_VERSION) {
        return fail('newerVersion', path, `journal format ${raw.version}; this version of Prefill Loom reads up to ${JOURNAL_VERSION}`);
      }
      ids = readIds(raw);
      continue;
    }
    const entry = readEntry(raw, warnings);
    if (typeof entry === 'string') return fail('corrupt', path, `line ${i + 1}: ${entry}`);
    entries.push(entry);
  }
  return { ok: true, value: { entries, ids, warnings: warnings.list(), needsRepair } };
}

function readIds(header: Record<string, unknown>): JournalIds {
  const ids: JournalIds = {};
  if (typeof header.id === 'string') ids.id = header.id;
  if (typeof header.snapshot === 'string') ids.snapshot = header.snapshot;
  return ids;
}

/**
 * Applies the entries after `afterSeq` to a tree. An entry that no longer fits (a hand-edited
 * snapshot) is skipped with a warning, and counted. Returns the current node and the highest
 * sequence number seen, so that numbers given later never repeat one on disk.
 */
export function replayJournal(
  tree: LoomTree,
  entries: readonly JournalEntry[],
  afterSeq: number,
  currentId: string,
): { currentId: string; seq: number; skipped: number; warnings: string[] } {
  const warnings = new Warnings();
  let seq = afterSeq;
  let skipped = 0;
  for (const { seq: s, op } of entries) {
    if (s <= afterSeq) continue;
    seq = Math.max(seq, s);
    try {
      if (op.op !== 'current') tree.apply(op);
      else if (tree.has(op.id)) currentId = op.id;
      else throw new Error(`no node ${op.id} in the tree`);
    } catch (e) {
      skipped++;
      warnings.add(`skipped journal entry ${s} (${op.op}): ${(e as Error).message}`);
    }
  }
  if (!tree.has(currentId)) currentId = tree.rootId;
  return { currentId, seq, skipped, warnings: warnings.list() };
}

function readEntry(raw: unknown, warnings: Warnings): JournalEntry | string {
  if (!isObject(raw)) return 'not an object';
  const { seq, op } = raw;
  if (!isSequenceNumber(seq)) return `no sequence number (a whole number from 0 to ${Number.MAX_SAFE_INTEGER})`;
  const id = typeof raw.id === 'string' ? raw.id : undefined;
  const need = (ok: boolean, what: string) => (ok ? undefined : `${/^[aeiou]/.test(String(op)) ? 'an' : 'a'} "${op}" entry without ${what}`);
  let problem: string | undefined;
  switch (op) {
    case 'add': {
      const problem = checkNode(raw.node, 0, warnings);
      if (problem) return problem;
      const node = raw.node as LoomNode;
      return node.parentId === null ? 'an "add" entry without a parent' : { seq, op: { op, node } };
    }
    case 'append':
      problem = need(id !== undefined && typeof raw.text === 'string', 'id and text');
      return problem ?? { seq, op: { op, id: id!, text: raw.text as string } };
    case 'generation':
      problem = need(id !== undefined && isObject(raw.patch), 'id and patch');
      return problem ?? { seq, op: { op, id: id!, patch: raw.patch as GenerationPatch } };
    case 'bookmark':
      problem = need(id !== undefined && typeof raw.bookmarked === 'boolean', 'id and bookmarked');
      return problem ?? { seq, op: { op, id: id!, bookmarked: raw.bookmarked as boolean } };
    case 'tags':
      problem = need(id !== undefined && Array.isArray(raw.tags) && raw.tags.every((t) => typeof t === 'string'), 'id and tags');
      return problem ?? { seq, op: { op, id: id!, tags: raw.tags as string[] } };
    case 'split':
      problem = need(id !== undefined && isNodeId(raw.headId) && Number.isInteger(raw.offset), 'id, offset and headId');
      return problem ?? { seq, op: { op, id: id!, offset: raw.offset as number, headId: raw.headId as string } };
    case 'remove':
    case 'current':
      return need(id !== undefined, 'id') ?? { seq, op: { op, id: id! } };
    case 'restore': {
      const removed = readRemoved(raw.removed, warnings);
      return typeof removed === 'string' ? removed : { seq, op: { op, removed } };
    }
    default:
      return `unknown operation ${JSON.stringify(op)} (written by a newer Prefill Loom?)`;
  }
}

function readRemoved(raw: unknown, warnings: Warnings): RemovedSubtree | string {
  if (!isObject(raw) || typeof raw.parentId !== 'string' || !Array.isArray(raw.nodes)) return 'a "restore" entry without parentId and nodes';
  const nodes: LoomNode[] = raw.nodes;
  for (const [i, n] of nodes.entries()) {
    const problem = checkNode(n, i, warnings);
    if (problem) return problem;
  }
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  return { parentId: raw.parentId, index: int(raw.index), parentPathLength: int(raw.parentPathLength), nodes };
}
