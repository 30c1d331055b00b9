import { MAX_NODE_ID_LENGTH, type GenerationInfo, type LoomNode, type NodeGenerationStatus, type NodeKind } from './loomNode';
import { LoomTree, normalizeTags, type TreeOptions } from './loomTree';
import { isEndpointKind } from '../providers/endpointKind';
import { isPackedShape } from '../providers/tokenLogprobs';
import { AsideTuples, contentText, setTokensAside, type TreeFileContent } from './tokensAside';

// The tree file ("snapshot"): human-readable JSON with one node per line, so a person can read it,
// back it up and version it, and a diff shows which nodes changed.
//
//   {
//     "format": "prefill-loom-tree",
//     "version": 1,
//     "document": "story.md",
//     "rootId": "k2f0a9x1qe",
//     "currentId": "p0c8s7d2mm",
//     "journalSeq": 0,
//     "params": {
//       "p0": {"model":"claude-haiku-4-5","system":"You are a novelist.","temperature":0.7,"max_tokens":256}
//     },
//     "nodes": [
//       {"id":"k2f0a9x1qe","parentId":null,"author":"user","createdAt":1767225600000,"text":"Once upon"},
//       {"id":"p0c8s7d2mm","parentId":"k2f0a9x1qe","author":"model","kind":"generation","createdAt":…,"text":" a time","generation":{"model":"claude-haiku-4-5","params":"p0",…}}
//     ]
//   }
//
// Nodes are in preorder, so children keep their order. Request parameters (which hold the system
// prompt and user turn, often long) are written once in `params` and named by the nodes that used
// them; a node may also hold its parameters inline (a hand edit). `journalSeq` says which journal
// entries the snapshot already holds (treeJournal.ts). A snapshot the store writes also has an `id`
// (new at every write), which its journal names, and `absorbed`, the id of the journal it took in:
// together they tell a journal that extends this snapshot from one left by another (a `git pull`).

export const TREE_FORMAT = 'prefill-loom-tree';
export const TREE_FORMAT_VERSION = 1;

/** Why a tree file cannot be used. The file is then never written over (see TreeStore). */
export interface TreeFileError {
  kind: 'corrupt' | 'newerVersion' | 'io' | 'link';
  /** A sentence for the user: what is wrong and what to do. */
  message: string;
  path: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: TreeFileError };

export interface TreeSnapshot {
  tree: LoomTree;
  currentId: string;
  /** The document's file name when the tree was saved (informational). */
  document: string;
  journalSeq: number;
  /** The snapshot's id and the id of the journal it absorbed, when a store wrote it. */
  id?: string;
  absorbed?: string;
  /** Problems that were repaired while loading, for the log or a notification. */
  warnings: string[];
  /** Set when the file was in an older format version and has been migrated in memory. */
  migratedFrom?: number;
}

export function serializeTree(tree: LoomTree, info: { currentId: string; document: string; journalSeq?: number; id?: string; absorbed?: string }): string {
  const lines: string[] = [];
  const paramsNames = new Map<string, string>();
  for (const n of tree.preorder()) {
    const { id, parentId, author, kind, createdAt, bookmarked, comparesTo, tags, hidden, chapter, origin, sample, text } = n;
    let generation: unknown = n.generation;
    if (n.generation) {
      const params = JSON.stringify(n.generation.params);
      let name = paramsNames.get(params);
      if (name === undefined) paramsNames.set(params, (name = `p${paramsNames.size}`));
      generation = { ...n.generation, params: name };
    }
    lines.push(JSON.stringify({ id, parentId, author, kind, createdAt, bookmarked, comparesTo, tags, hidden, chapter, origin, sample, text, generation }));
  }
  const params = [...paramsNames].map(([json, name]) => `    ${JSON.stringify(name)}: ${json}`);
  return [
    '{',
    `  "format": ${JSON.stringify(TREE_FORMAT)},`,
    `  "version": ${TREE_FORMAT_VERSION},`,
    `  "document": ${JSON.stringify(info.document)},`,
    `  "rootId": ${JSON.stringify(tree.rootId)},`,
    `  "currentId": ${JSON.stringify(info.currentId)},`,
    `  "journalSeq": ${info.journalSeq ?? 0},`,
    ...(info.id !== undefined ? [`  "id": ${JSON.stringify(info.id)},`] : []),
    ...(info.absorbed !== undefined ? [`  "absorbed": ${JSON.stringify(info.absorbed)},`] : []),
    ...(params.length > 0 ? ['  "params": {', params.join(',\n'), '  },'] : ['  "params": {},']),
    '  "nodes": [',
    '    ' + lines.join(',\n    '),
    '  ]',
    '}',
    '',
  ].join('\n');
}

/** Reads a tree file's text or UTF-8 bytes (any supported version). Repairs what it can, with warnings; refuses the rest. */
export function parseTreeFile(content: TreeFileContent, path: string, options: TreeOptions = {}): Parsed<TreeSnapshot> {
  const aside = setTokensAside(content);
  if (aside.tuples.length === 0) return parseBody(aside.text, path, options);
  const tuples = new AsideTuples(aside.tuples);
  const fast = parseBody(aside.text, path, options, tuples);
  return fast.ok && tuples.eachGivenOnce ? fast : parseBody(contentText(content), path, options);
}

function parseBody(text: string, path: string, options: TreeOptions, tuples?: AsideTuples): Parsed<TreeSnapshot> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail('corrupt', path, `it is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw) || raw.format !== TREE_FORMAT) {
    return fail('corrupt', path, `it is not a Prefill Loom tree (no "format": "${TREE_FORMAT}")`);
  }
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return fail('corrupt', path, 'its "version" is not a format version number');
  }
  if (version > TREE_FORMAT_VERSION) {
    return fail('newerVersion', path, `tree format ${version}; this version of Prefill Loom reads up to ${TREE_FORMAT_VERSION}`);
  }
  let current: Record<string, unknown>;
  try {
    current = migrate(raw);
  } catch (e) {
    return fail('corrupt', path, `it could not be brought up from format version ${version}: ${(e as Error).message}`);
  }
  const built = buildTree(current, options, tuples);
  if (typeof built === 'string') return fail('corrupt', path, built);
  if (version < TREE_FORMAT_VERSION) built.migratedFrom = version;
  return { ok: true, value: built };
}

/**
 * Brings a parsed tree file of an older format version up to the current one, one version at a
 * time. Throws if an older file is malformed.
 */
export function migrate(raw: Record<string, unknown>): Record<string, unknown> {
  let value = raw;
  while ((value.version as number) < TREE_FORMAT_VERSION) value = MIGRATIONS[value.version as number](value);
  return value;
}

const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {
  /**
   * Version 0 is the shape of the unreleased prototype (no file in this format was ever shipped; it is
   * kept as the model of how a migration is written and tested): nodes as an object map keyed by id
   * in creation order, `root`/`current` instead of `rootId`/`currentId`, `author: "human"`, ISO
   * `created` times, `starred`, and a model node's request details flat on the node.
   */
  0: (raw) => {
    if (!isObject(raw.nodes)) throw new Error('"nodes" is not an object map');
    const nodes = Object.entries(raw.nodes).map(([id, v]) => {
      if (!isObject(v)) throw new Error(`node ${id} is not an object`);
      const model = v.author === 'model';
      const created = typeof v.created === 'string' ? Date.parse(v.created) : NaN;
      return {
        id,
        parentId: v.parent ?? null,
        author: model ? 'model' : 'user',
        kind: model ? 'generation' : v.parent ? 'edit' : undefined,
        createdAt: Number.isFinite(created) ? created : 0,
        bookmarked: v.starred === true ? true : undefined,
        text: v.text,
        generation: model
          ? { model: v.model, params: v.params ?? {}, stopReason: v.stop_reason ?? null, usage: v.usage, durationMs: v.duration_ms ?? 0, requests: 1, status: 'completed' }
          : undefined,
      };
    });
    return { format: TREE_FORMAT, version: 1, document: raw.document, rootId: raw.root, currentId: raw.current, journalSeq: 0, nodes };
  },
};

/** A tree from a current-version object, reattaching orphans under the root; a string says why not. */
function buildTree(raw: Record<string, unknown>, options: TreeOptions, tuples?: AsideTuples): TreeSnapshot | string {
  if (!Array.isArray(raw.nodes)) return '"nodes" is not a list';
  const warnings = new Warnings();
  const params = isObject(raw.params) ? raw.params : {};
  const nodes: LoomNode[] = raw.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const problem = checkNode(nodes[i], i, warnings, params, tuples);
    if (problem) return problem;
  }
  let rootId = typeof raw.rootId === 'string' ? raw.rootId : '';
  if (!nodes.some((n) => n.id === rootId)) {
    const ids = new Set(nodes.map((n) => n.id));
    for (let i = 1, id = 'root'; ; id = `root${++i}`) if (!ids.has((rootId = id))) break;
    nodes.unshift({ id: rootId, parentId: null, text: '', author: 'user', createdAt: 0 });
    warnings.add(`the root node ${JSON.stringify(raw.rootId)} is missing; an empty root was made`);
  }
  let tree: LoomTree;
  try {
    tree = LoomTree.fromNodes(nodes, rootId, { ...options, onOrphan: (node, why) => warnings.add(`node ${node.id} ${why}; it was attached under the root`) });
  } catch (e) {
    return (e as Error).message;
  }
  let currentId = typeof raw.currentId === 'string' ? raw.currentId : '';
  if (!tree.has(currentId)) {
    if (raw.currentId !== undefined) warnings.add(`the current node ${JSON.stringify(raw.currentId)} is missing; the root is current`);
    currentId = rootId;
  }
  const seq = raw.journalSeq ?? 0;
  if (!isSequenceNumber(seq)) return `its "journalSeq" is not a sequence number (a whole number from 0 to ${Number.MAX_SAFE_INTEGER})`;
  return {
    tree,
    currentId,
    document: typeof raw.document === 'string' ? raw.document : '',
    journalSeq: seq,
    ...(typeof raw.id === 'string' ? { id: raw.id } : {}),
    ...(typeof raw.absorbed === 'string' ? { absorbed: raw.absorbed } : {}),
    warnings: warnings.list(),
  };
}

const KINDS: readonly NodeKind[] = ['generation', 'regeneration', 'edit'];
const STATUSES: readonly NodeGenerationStatus[] = ['streaming', 'completed', 'cancelled', 'failed'];

/**
 * Checks a node parsed from JSON and repairs it in place (parsed objects are not copied: at 100,000
 * nodes that matters), lenient about everything but the id and the text; returns why it is unusable.
 * `params` is the snapshot's table of request parameters, which a generation may name; `tuples`
 * the token tuples the loader set aside, which a generation's `tokens` may number.
 */
export function checkNode(raw: unknown, index: number, warnings: Warnings, params: Record<string, unknown> = {}, tuples?: AsideTuples): string | undefined {
  if (!isObject(raw)) return `node ${index + 1} is not an object`;
  const { id, text, author } = raw;
  if (typeof id !== 'string' || id === '') return `node ${index + 1} has no "id"`;
  if (id.length > MAX_NODE_ID_LENGTH) return `node ${index + 1} has an id of ${id.length} characters; ids are at most ${MAX_NODE_ID_LENGTH}`;
  if (typeof text !== 'string') return `node ${id} has no "text"`;
  if (typeof raw.parentId !== 'string') raw.parentId = null;
  if (author !== 'user' && author !== 'model') {
    if (author !== undefined) warnings.add(`node ${id}: unknown author ${JSON.stringify(author)}, read as "user"`);
    raw.author = 'user';
  }
  if (typeof raw.createdAt !== 'number' || !Number.isFinite(raw.createdAt)) raw.createdAt = 0;
  if ('kind' in raw && !KINDS.includes(raw.kind as NodeKind)) delete raw.kind;
  if ('bookmarked' in raw && raw.bookmarked !== true) delete raw.bookmarked;
  if ('comparesTo' in raw && typeof raw.comparesTo !== 'string') delete raw.comparesTo;
  checkLabels(raw, id, warnings);
  if (raw.generation !== undefined) raw.generation = checkGeneration(raw.generation, id, warnings, params, tuples);
  else delete raw.generation;
  return undefined;
}

/** Tags, the hidden mark, the chapter, the origin of an imported node and the sample mark: kept when well-formed, else dropped with a warning. */
function checkLabels(raw: Record<string, unknown>, id: string, warnings: Warnings): void {
  const drop = (key: string) => {
    warnings.add(`node ${id}: malformed "${key}" ignored`);
    delete raw[key];
  };
  if ('tags' in raw) {
    const tags = raw.tags;
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) drop('tags');
    else if (normalizeTags(tags).length === 0) delete raw.tags;
    else raw.tags = normalizeTags(tags);
  }
  if ('hidden' in raw && raw.hidden !== true) delete raw.hidden;
  if ('chapter' in raw && typeof raw.chapter !== 'string') drop('chapter');
  if ('origin' in raw) {
    const o = raw.origin;
    const ok =
      isObject(o) &&
      typeof o.format === 'string' &&
      typeof o.id === 'string' &&
      (o.authorship === undefined || o.authorship === 'mixed' || o.authorship === 'unknown') &&
      (o.parentId === undefined || typeof o.parentId === 'string') &&
      (o.fields === undefined || isObject(o.fields));
    if (!ok) drop('origin');
  }
  if ('sample' in raw) {
    const m = raw.sample;
    const count = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
    if (!(isObject(m) && typeof m.run === 'string' && count(m.index) && count(m.of))) drop('sample');
  }
}

function checkGeneration(raw: unknown, id: string, warnings: Warnings, params: Record<string, unknown>, tuples?: AsideTuples): GenerationInfo {
  const g = isObject(raw) ? raw : {};
  if (typeof g.params === 'string' && Object.hasOwn(params, g.params)) g.params = params[g.params];
  const bad: string[] = [];
  const check = (key: string, ok: boolean, fallback: unknown) => {
    if (ok) return;
    bad.push(key);
    g[key] = fallback;
  };
  const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const usage = g.usage as Record<string, unknown> | undefined;
  check('model', typeof g.model === 'string', '');
  check('params', isObject(g.params), {});
  check('stopReason', g.stopReason === null || typeof g.stopReason === 'string', null);
  check('usage', isObject(usage) && count(usage.input_tokens) && count(usage.output_tokens), { input_tokens: 0, output_tokens: 0 });
  check('durationMs', count(g.durationMs), 0);
  check('requests', count(g.requests), 0);
  check('status', STATUSES.includes(g.status as NodeGenerationStatus), 'completed');
  if ('error' in g && typeof g.error !== 'string') delete g.error;
  if ('endpoint' in g && typeof g.endpoint !== 'string') delete g.endpoint;
  if ('endpointKind' in g && !isEndpointKind(g.endpointKind)) delete g.endpointKind;
  if ('tokens' in g && !tuples?.attach(g) && !isPackedShape(g.tokens)) {
    delete g.tokens;
    warnings.add(`node ${id}: token probabilities unreadable; left out`);
  }
  if (bad.length > 0) warnings.add(`node ${id}: generation info without a valid ${bad.join(', ')}; defaults used`);
  return g as unknown as GenerationInfo;
}

/** Above 2^53 integers are no longer exact: two entries would share one number (issue 16). */
export function isSequenceNumber(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

/** Collects warnings, keeping the list short enough to show. */
export class Warnings {
  private readonly items: string[] = [];
  private dropped = 0;

  add(message: string): void {
    if (this.items.length < 20) this.items.push(message);
    else this.dropped++;
  }

  list(): string[] {
    return this.dropped > 0 ? [...this.items, `…and ${this.dropped} more`] : [...this.items];
  }
}

export function fail(kind: TreeFileError['kind'], path: string, detail: string): { ok: false; error: TreeFileError } {
  const name = fileName(path);
  const messages: Record<TreeFileError['kind'], string> = {
    newerVersion: `${name} was written by a newer version of Prefill Loom (${detail}). Update Prefill Loom to open it; the file has been left unchanged.`,
    io: `Could not access ${name}: ${detail}. Check that it is readable and writable; Prefill Loom has not changed it.`,
    link:
      `${name} is a symbolic link. Prefill Loom never reads or writes tree files through links: one in a folder from someone else could point at any file of yours. ` +
      "Delete the link, or replace it with a regular file, and reopen the document; until then this document's tree is neither loaded nor saved.",
    corrupt: `${name} cannot be read as a Prefill Loom tree: ${detail}. It has been left unchanged and nothing will be saved over it: fix it by hand, or move it aside to start a new tree.`,
  };
  return { ok: false, error: { kind, message: messages[kind], path } };
}

export function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
