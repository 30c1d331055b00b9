// The original Loom's tree files (socketteer/loom, `model.py`): one JSON object with a nested `root`
// node ({id, text, children, meta: {source: AI|prompt|mixed, creation_timestamp}, tags,
// chapter_id, generation: {id, index}}), `chapters` keyed by id, `selected_node_id`, and
// `model_responses` keyed by generation id (per-token log-probabilities live there; older files
// keep them under a node's `meta.generation.logprobs`). Its "simple" export is `{text, children}`.
// Bookmarks are the `bookmark` tag (older files: a `bookmark: true` attribute); hidden nodes carry
// the `archived` tag.

import type { LoomNode } from '../loom/loomNode';
import { nodeTokens } from '../providers/tokenLogprobs';
import type { LoomTree } from '../loom/loomTree';
import type { ImportedNode, ImportedToken, ImportedTokens, ImportedTree } from './importedTree';
import { expect, hasOtherKeys, idText, isJsonObject, otherFields, type JsonObject } from './jsonShape';

const FORMAT = 'Loom';
const NODE_KEYS = ['id', 'text', 'children', 'parent_id', 'meta', 'tags', 'bookmark', 'chapter_id'];
const META_KEYS = ['source', 'creation_timestamp'];
// A time that is not read as one stays in the meta: nothing in the file is dropped.
const UNTIMED_META_KEYS = ['source'];
const TREE_KEYS = ['root', 'chapters', 'selected_node_id'];
const BOOKMARK_TAG = 'bookmark';
const HIDDEN_TAG = 'archived';

export function looksLikeTkLoom(raw: JsonObject): boolean {
  return (isJsonObject(raw.root) && Array.isArray(raw.root.children)) || (typeof raw.text === 'string' && Array.isArray(raw.children));
}

export function readTkLoom(raw: JsonObject): ImportedTree {
  const simple = !isJsonObject(raw.root);
  const root = simple ? raw : (raw.root as JsonObject);
  expect(isJsonObject(root) && typeof root.text === 'string', FORMAT, 'the node at root has no text');
  const rootId = simple ? 'node-0' : idText(root.id);
  expect(rootId !== undefined, FORMAT, 'the node at root has no id');
  return { format: 'tk-loom', rootId, currentId: idText(raw.selected_node_id), nodes: tkNodes(raw, root, simple) };
}

/**
 * The nodes in preorder, each read as the tree is built. A stack rather than recursion: trees grown
 * by hand for years are deep. Where each node sits (for a message about a damaged one) is kept as
 * child positions, made into text only for the message.
 */
function* tkNodes(raw: JsonObject, root: JsonObject, simple: boolean): Generator<ImportedNode> {
  const chapters = isJsonObject(raw.chapters) ? raw.chapters : {};
  const responses = isJsonObject(raw.model_responses) ? raw.model_responses : {};
  forgetTimestamps();
  const nodes: unknown[] = [root];
  const parents: Array<string | null> = [null];
  const depths: number[] = [0];
  const positions: number[] = [0];
  const trail: number[] = [];
  let generated = 0;
  while (nodes.length > 0) {
    const node = nodes.pop();
    const parentId = parents.pop()!;
    const depth = depths.pop()!;
    trail.length = depth;
    trail.push(positions.pop()!);
    // The messages are only made for a damaged node: made for every node they cost more than the rest of its reading.
    if (!isJsonObject(node) || typeof node.text !== 'string') expect(false, FORMAT, `the node at ${pathText(trail)} has no text`);
    const id = simple ? `node-${generated++}` : idText(node.id);
    if (id === undefined) expect(false, FORMAT, `the node at ${pathText(trail)} has no id`);
    const imported = readNode(node, id, parentId, chapters, responses);
    if (parentId === null && !simple) imported.fields = { ...imported.fields, ...treeFields(raw) };
    const children = node.children ?? [];
    if (!Array.isArray(children)) expect(false, FORMAT, `the children of node ${JSON.stringify(id)} are not a list`);
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i]);
      parents.push(id);
      depths.push(depth + 1);
      positions.push(i);
    }
    yield imported;
  }
}

/** `root.children[2].children[0]` from the child positions below the root. */
function pathText(trail: readonly number[]): string {
  return ['root', ...trail.slice(1).map((i) => `.children[${i}]`)].join('');
}

function readNode(node: JsonObject, id: string, parentId: string | null, chapters: JsonObject, responses: JsonObject): ImportedNode {
  const meta = isJsonObject(node.meta) ? node.meta : undefined;
  const source = meta?.source;
  const tags = Array.isArray(node.tags) ? (node.tags as unknown[]) : undefined;
  const fields = otherFields(node, NODE_KEYS);
  const createdAt = parseTimestamp(meta?.creation_timestamp);
  const authorship = source === 'mixed' ? 'mixed' : source === 'AI' || source === 'prompt' ? undefined : 'unknown';
  const metaKeys = createdAt === undefined ? UNTIMED_META_KEYS : META_KEYS;
  // A source Loom does not write is kept as it was (the authorship is unknown), not dropped.
  const keepSource = authorship === 'unknown' && source !== undefined;
  // Most metas hold only what is mapped: no empty copy is made for those.
  if (meta && (keepSource || hasOtherKeys(meta, metaKeys))) {
    const restMeta = otherFields(meta, metaKeys);
    if (keepSource) restMeta.source = source;
    fields.meta = restMeta;
  }
  if (tags && !tags.every((t) => typeof t === 'string')) fields.tags = tags;
  // Tags that are no list and a meta that is no object are read as none, and kept as they were.
  if (node.tags !== undefined && tags === undefined) fields.tags = node.tags;
  if (node.meta !== undefined && meta === undefined) fields.meta = node.meta;
  const chapterEntry = typeof node.chapter_id === 'string' ? chapters[node.chapter_id] : undefined;
  const chapter = isJsonObject(chapterEntry) ? chapterEntry : undefined;
  const generation = isJsonObject(node.generation) ? node.generation : undefined;
  const response = generation && typeof generation.id === 'string' ? responses[generation.id] : undefined;
  const imported: ImportedNode = {
    id,
    parentId,
    text: node.text as string,
    author: source === 'AI' ? 'model' : 'user',
    authorship,
    createdAt,
    bookmarked: node.bookmark === true || (tags !== undefined && tags.includes(BOOKMARK_TAG)),
    hidden: tags !== undefined && tags.includes(HIDDEN_TAG),
    tags: tags && labelTags(tags),
    chapter: chapter && typeof chapter.title === 'string' ? chapter.title : undefined,
    tokens: tokensOf(generation, response, meta),
    model: modelOf(response, meta),
    fields,
  };
  if (node.bookmark !== undefined && node.bookmark !== true && node.bookmark !== false) fields.bookmark = node.bookmark;
  // A chapter id that names no titled chapter is kept as it was, not dropped.
  if (node.chapter_id !== undefined && imported.chapter === undefined) fields.chapter_id = node.chapter_id;
  return imported;
}

/** The tags that are labels here: strings, without the two Loom uses for a bookmark and a hidden node. */
function labelTags(tags: readonly unknown[]): string[] | undefined {
  const labels = tags.filter((t): t is string => typeof t === 'string' && t !== BOOKMARK_TAG && t !== HIDDEN_TAG);
  return labels.length > 0 ? labels : undefined;
}

function hasKeys(value: object): boolean {
  for (const _ in value) return true;
  return false;
}

/** Tree-level fields other than the ones mapped, kept on the root so an export can give them back. */
function treeFields(raw: JsonObject): JsonObject {
  const rest = otherFields(raw, TREE_KEYS);
  return hasKeys(rest) ? { tree: rest } : {};
}

/**
 * The node's tokens: those of the completion its generation names in `model_responses`, else the
 * ones older files keep under `meta.generation.logprobs`. Counted now, read when asked.
 */
function tokensOf(generation: JsonObject | undefined, response: unknown, meta: JsonObject | undefined): ImportedTokens | undefined {
  const completions = isJsonObject(response) && Array.isArray(response.completions) ? response.completions : undefined;
  const completion = completions && typeof generation?.index === 'number' ? completions[generation.index] : undefined;
  if (isJsonObject(completion) && Array.isArray(completion.tokens)) return new ResponseTokens(completion.tokens);
  const old = meta && isJsonObject(meta.generation) && isJsonObject(meta.generation.logprobs) ? meta.generation.logprobs : undefined;
  if (!old || !Array.isArray(old.tokens) || !Array.isArray(old.token_logprobs)) return undefined;
  const texts: unknown[] = old.tokens;
  const logprobs: unknown[] = old.token_logprobs;
  const top: unknown[] = Array.isArray(old.top_logprobs) ? old.top_logprobs : [];
  const readable = (i: number) => typeof texts[i] === 'string' && typeof logprobs[i] === 'number';
  let count = 0;
  for (let i = 0; i < texts.length; i++) if (readable(i)) count++;
  return {
    some: count > 0,
    count,
    read: () => texts.flatMap((text, i) => (readable(i) ? [{ text: text as string, logprob: logprobs[i] as number, top: alternatives(top[i]) }] : [])),
  };
}

/** The tokens of a completion in `model_responses`, counted only when asked: most files have one on every model node. */
class ResponseTokens implements ImportedTokens {
  private counted = -1;

  constructor(private readonly list: readonly unknown[]) {}

  get some(): boolean {
    return this.list.some(isToken);
  }

  get count(): number {
    if (this.counted < 0) {
      let count = 0;
      for (const raw of this.list) if (isToken(raw)) count++;
      this.counted = count;
    }
    return this.counted;
  }

  read(): ImportedToken[] {
    const tokens = this.list.filter(isToken).map((raw) => ({ text: raw.generatedToken.token, logprob: raw.generatedToken.logprob, top: alternatives(raw.counterfactuals) }));
    this.counted = tokens.length;
    return tokens;
  }
}

/** The model of the response the node's generation names, or the one older files name under `meta.generation`. */
function modelOf(response: unknown, meta: JsonObject | undefined): string | undefined {
  const model = isJsonObject(response) ? response.model : meta && isJsonObject(meta.generation) ? meta.generation.model : undefined;
  return typeof model === 'string' ? model : undefined;
}

/** A token of a completion in `model_responses`: the chosen token with its log-probability, and its alternatives. */
function isToken(raw: unknown): raw is { generatedToken: { token: string; logprob: number }; counterfactuals?: unknown } {
  const chosen = isJsonObject(raw) && isJsonObject(raw.generatedToken) ? raw.generatedToken : undefined;
  return chosen !== undefined && typeof chosen.token === 'string' && typeof chosen.logprob === 'number';
}

function alternatives(raw: unknown): Array<{ text: string; logprob: number }> {
  const top: Array<{ text: string; logprob: number }> = [];
  if (!isJsonObject(raw)) return top;
  for (const text in raw) {
    const logprob = raw[text];
    if (typeof logprob === 'number') top.push({ text, logprob });
  }
  return top;
}

/** The last timestamp read: a node's is most often its parent's or its previous sibling's, found without parsing. */
let lastText: string | undefined;
let lastTime: number | undefined;
/**
 * Where each local hour read starts, by `yyyymmddhh`, or NaN where the offset from UTC changes inside
 * it. Building a date from local time is slow in V8 (no offset cache that way: a tenth of an
 * import's own time, once per distinct second), and within an hour of one offset a time is its
 * hour's start plus its minutes and seconds.
 */
const hourStarts = new Map<number, number>();

/** Loom writes local times as `%Y-%m-%d-%H.%M.%S`. */
function parseTimestamp(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  if (v !== lastText) {
    lastText = v;
    lastTime = parseLocalTime(v);
  }
  return lastTime;
}

/** Forgets the hours read: the local time zone may have changed since the last import. */
function forgetTimestamps(): void {
  hourStarts.clear();
  lastText = undefined;
}

/** As `new Date(year, month - 1, day, hour, minute, second)` of `yyyy-mm-dd-hh.mm.ss` (ASCII digits), or undefined. */
function parseLocalTime(v: string): number | undefined {
  if (v.length !== 19 || v[4] !== '-' || v[7] !== '-' || v[10] !== '-' || v[13] !== '.' || v[16] !== '.') return undefined;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  const start = hourStart(year, month, day, hour);
  // Minutes or seconds past 59 roll over into another hour, as the Date constructor rolls them.
  if (Number.isNaN(start) || minute > 59 || second > 59) return new Date(year, month - 1, day, hour, minute, second).getTime();
  return start + (minute * 60 + second) * 1000;
}

/**
 * When the local hour starts, or NaN if its two ends are not an hour less a second apart (the offset
 * changes inside it: a daylight saving change, or a zone's rule; offsets change at most once an hour).
 */
function hourStart(year: number, month: number, day: number, hour: number): number {
  const key = ((year * 100 + month) * 100 + day) * 100 + hour;
  let start = hourStarts.get(key);
  if (start === undefined) {
    if (hourStarts.size > 10_000) hourStarts.clear();
    start = new Date(year, month - 1, day, hour, 0, 0).getTime();
    if (new Date(year, month - 1, day, hour, 59, 59).getTime() - start !== 3_599_000) start = NaN;
    hourStarts.set(key, start);
  }
  return start;
}

/** The number written by `length` ASCII digits at `at`, or -1. */
function digits(v: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}.${two(d.getMinutes())}.${two(d.getSeconds())}`;
}

/**
 * The tree in the original Loom's format. Nodes imported from a Loom file get back their ids and
 * every field kept from it; chapters, bookmarks and hidden marks become Loom's chapters and tags.
 */
export function writeTkLoom(tree: LoomTree, currentId: string): string {
  const usedIds = new Set<string>();
  const tkIds = new Map<string, string>();
  const chapters: JsonObject = {};
  const convert = (node: LoomNode): JsonObject => {
    const fields = node.origin?.format === 'tk-loom' ? { ...node.origin.fields } : {};
    delete fields.tree;
    const own = node.origin?.format === 'tk-loom' && !usedIds.has(node.origin.id) ? node.origin.id : node.id;
    usedIds.add(own);
    tkIds.set(node.id, own);
    const out: JsonObject = { ...fields, id: own, text: node.text };
    const kept = isJsonObject(fields.meta) ? fields.meta : {};
    // A kept creation_timestamp is one the import could not read: it goes back as it came.
    const created = kept.creation_timestamp ?? formatTimestamp(node.createdAt);
    const meta = { ...kept, ...sourceOf(node), creation_timestamp: created, ...logprobsOf(node) };
    out.meta = meta;
    const tags = [...(node.tags ?? []), ...(node.bookmarked ? [BOOKMARK_TAG] : []), ...(node.hidden ? [HIDDEN_TAG] : [])];
    if (tags.length > 0) out.tags = tags;
    if (node.chapter !== undefined) {
      const chapterId = `chapter-${Object.keys(chapters).length + 1}`;
      chapters[chapterId] = { id: chapterId, title: node.chapter, root_id: own };
      out.chapter_id = chapterId;
    }
    out.children = tree.children(node.id).map(convert);
    return out;
  };
  const root = tree.get(tree.rootId)!;
  const rootFields = root.origin?.format === 'tk-loom' && isJsonObject(root.origin.fields?.tree) ? root.origin.fields.tree : {};
  const rootJson = convert(root);
  return JSON.stringify({ ...rootFields, root: rootJson, chapters, selected_node_id: tkIds.get(currentId) ?? tkIds.get(tree.rootId) }, null, 2) + '\n';
}

/**
 * A model node's token probabilities in the form older Loom files kept under `meta.generation`
 * (read back by the importer); nothing when the file already names a response that holds them.
 */
function logprobsOf(node: LoomNode): JsonObject {
  const tokens = node.author === 'model' && !isJsonObject(node.origin?.fields?.generation) ? nodeTokens(node.generation) : undefined;
  if (!tokens) return {};
  return {
    generation: {
      ...(node.generation?.model ? { model: node.generation.model } : {}),
      logprobs: {
        tokens: tokens.map((t) => t.text),
        token_logprobs: tokens.map((t) => t.logprob),
        top_logprobs: tokens.map((t) => Object.fromEntries(t.top.map((alt) => [alt.text, alt.logprob]))),
      },
    },
  };
}

function sourceOf(node: LoomNode): JsonObject {
  if (node.author === 'model') return { source: 'AI' };
  if (node.origin?.authorship === 'mixed') return { source: 'mixed' };
  return node.origin?.authorship === 'unknown' ? {} : { source: 'prompt' };
}
