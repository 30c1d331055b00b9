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
import type { ImportedNode, ImportedToken, ImportedTree } from './importedTree';
import { expect, idText, isJsonObject, otherFields, type JsonObject } from './jsonShape';

const FORMAT = 'Loom';
const NODE_KEYS = ['id', 'text', 'children', 'parent_id', 'meta', 'tags', 'bookmark', 'chapter_id'];
const META_KEYS = ['source', 'creation_timestamp'];
const TREE_KEYS = ['root', 'chapters', 'selected_node_id'];
const BOOKMARK_TAG = 'bookmark';
const HIDDEN_TAG = 'archived';

export function looksLikeTkLoom(raw: JsonObject): boolean {
  return (isJsonObject(raw.root) && Array.isArray(raw.root.children)) || (typeof raw.text === 'string' && Array.isArray(raw.children));
}

export function readTkLoom(raw: JsonObject): ImportedTree {
  const simple = !isJsonObject(raw.root);
  const root = simple ? raw : (raw.root as JsonObject);
  const chapters = isJsonObject(raw.chapters) ? raw.chapters : {};
  const responses = isJsonObject(raw.model_responses) ? raw.model_responses : {};
  const nodes: ImportedNode[] = [];
  let generated = 0;
  timestamps.clear(); // the local time zone may have changed since the last import
  const walk = (node: unknown, parentId: string | null, path: string): void => {
    expect(isJsonObject(node) && typeof node.text === 'string', FORMAT, `the node at ${path} has no text`);
    const id = simple ? `node-${generated++}` : idText(node.id);
    expect(id !== undefined, FORMAT, `the node at ${path} has no id`);
    const imported = readNode(node, id, parentId, chapters, responses);
    if (parentId === null && !simple) imported.fields = { ...imported.fields, ...treeFields(raw) };
    nodes.push(imported);
    const children = node.children ?? [];
    expect(Array.isArray(children), FORMAT, `the children of node ${JSON.stringify(id)} are not a list`);
    children.forEach((child, i) => walk(child, id, `${path}.children[${i}]`));
  };
  walk(root, null, 'root');
  const ids = new Set(nodes.map((n) => n.id));
  expect(ids.size === nodes.length, FORMAT, 'two nodes share an id');
  const selected = idText(raw.selected_node_id);
  return { format: 'tk-loom', rootId: nodes[0].id, currentId: selected !== undefined && ids.has(selected) ? selected : undefined, nodes };
}

function readNode(node: JsonObject, id: string, parentId: string | null, chapters: JsonObject, responses: JsonObject): ImportedNode {
  const meta = isJsonObject(node.meta) ? node.meta : {};
  const source = meta.source;
  const tags = Array.isArray(node.tags) ? node.tags.filter((t): t is string => typeof t === 'string') : [];
  const fields = otherFields(node, NODE_KEYS);
  const restMeta = otherFields(meta, META_KEYS);
  if (Object.keys(restMeta).length > 0) fields.meta = restMeta;
  if (Array.isArray(node.tags) && tags.length !== node.tags.length) fields.tags = node.tags;
  const chapterEntry = typeof node.chapter_id === 'string' ? chapters[node.chapter_id] : undefined;
  const chapter = isJsonObject(chapterEntry) ? chapterEntry : undefined;
  const imported: ImportedNode = {
    id,
    parentId,
    text: node.text as string,
    author: source === 'AI' ? 'model' : 'user',
    authorship: source === 'mixed' ? 'mixed' : source === 'AI' || source === 'prompt' ? undefined : 'unknown',
    createdAt: parseTimestamp(meta.creation_timestamp),
    bookmarked: node.bookmark === true || tags.includes(BOOKMARK_TAG),
    hidden: tags.includes(HIDDEN_TAG),
    tags: tags.filter((t) => t !== BOOKMARK_TAG && t !== HIDDEN_TAG),
    chapter: chapter && typeof chapter.title === 'string' ? chapter.title : undefined,
    tokens: tokensOf(node, meta, responses),
    model: modelOf(node, meta, responses),
    fields,
  };
  if (node.bookmark !== undefined && node.bookmark !== true && node.bookmark !== false) fields.bookmark = node.bookmark;
  return imported;
}

/** Tree-level fields other than the ones mapped, kept on the root so an export can give them back. */
function treeFields(raw: JsonObject): JsonObject {
  const rest = otherFields(raw, TREE_KEYS);
  return Object.keys(rest).length > 0 ? { tree: rest } : {};
}

function tokensOf(node: JsonObject, meta: JsonObject, responses: JsonObject): ImportedToken[] | undefined {
  const generation = isJsonObject(node.generation) ? node.generation : undefined;
  const response = generation && typeof generation.id === 'string' ? responses[generation.id] : undefined;
  const completions = isJsonObject(response) && Array.isArray(response.completions) ? response.completions : undefined;
  const completion = completions && typeof generation?.index === 'number' ? completions[generation.index] : undefined;
  if (isJsonObject(completion) && Array.isArray(completion.tokens)) {
    const tokens: ImportedToken[] = [];
    for (const raw of completion.tokens) {
      const token = tokenOf(raw);
      if (token) tokens.push(token);
    }
    return tokens;
  }
  const old = isJsonObject(meta.generation) && isJsonObject(meta.generation.logprobs) ? meta.generation.logprobs : undefined;
  if (!old || !Array.isArray(old.tokens) || !Array.isArray(old.token_logprobs)) return undefined;
  const top: unknown[] = Array.isArray(old.top_logprobs) ? old.top_logprobs : [];
  const logprobs: unknown[] = old.token_logprobs;
  return old.tokens.flatMap((text: unknown, i) => {
    const logprob = logprobs[i];
    return typeof text === 'string' && typeof logprob === 'number' ? [{ text, logprob, top: alternatives(top[i]) }] : [];
  });
}

/** The model of the response the node's generation names, or the one older files name under `meta.generation`. */
function modelOf(node: JsonObject, meta: JsonObject, responses: JsonObject): string | undefined {
  const generation = isJsonObject(node.generation) ? node.generation : undefined;
  const response = generation && typeof generation.id === 'string' ? responses[generation.id] : undefined;
  const model = isJsonObject(response) ? response.model : isJsonObject(meta.generation) ? meta.generation.model : undefined;
  return typeof model === 'string' ? model : undefined;
}

function tokenOf(raw: unknown): ImportedToken | undefined {
  const chosen = isJsonObject(raw) && isJsonObject(raw.generatedToken) ? raw.generatedToken : undefined;
  if (!chosen || typeof chosen.token !== 'string' || typeof chosen.logprob !== 'number') return undefined;
  return { text: chosen.token, logprob: chosen.logprob, top: alternatives((raw as JsonObject).counterfactuals) };
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

/** Timestamps read, by their text: the nodes of one generation share theirs, and a local date is slow to build. */
const timestamps = new Map<string, number | undefined>();

/** Loom writes local times as `%Y-%m-%d-%H.%M.%S`. */
function parseTimestamp(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  if (timestamps.has(v)) return timestamps.get(v);
  if (timestamps.size > 10_000) timestamps.clear();
  const parsed = parseLocalTime(v);
  timestamps.set(v, parsed);
  return parsed;
}

function parseLocalTime(v: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})\.(\d{2})\.(\d{2})$/.exec(v);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  return new Date(year, month - 1, day, hour, minute, second).getTime();
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
    const meta = { ...(isJsonObject(fields.meta) ? fields.meta : {}), ...sourceOf(node), creation_timestamp: formatTimestamp(node.createdAt), ...logprobsOf(node) };
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
