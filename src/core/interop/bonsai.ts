// Bonsai's JSON (closed source; its shape as basemode-loom's `_parse_bonsai` and damask read it):
// {nodes: [{id, text, parentIds, childrenIds, bookmarked, hidden, rating, generationId, createdAt,
// model or type, …}], edges, pathNodes, focusedId}. A node may have several parents (the tree is a
// DAG); here it hangs under its first, and the others stay in its fields.

import type { ImportedNode, ImportedTree } from './importedTree';
import { expect, idText, isJsonObject, otherFields, parentsFirst, readFlags, timeOf, type JsonObject } from './jsonShape';

const FORMAT = 'Bonsai';
const NODE_KEYS = ['id', 'text', 'childrenIds', 'createdAt'];
const FLAGS = ['bookmarked', 'hidden'];
// A time that is not read as one stays a field: nothing in the file is dropped.
const UNTIMED_KEYS = NODE_KEYS.filter((k) => k !== 'createdAt');
const USER_TYPES = new Set(['human', 'user', 'prompt']);
const MODEL_TYPES = new Set(['ai', 'llm', 'model', 'gen', 'generation', 'generated', 'completion']);

export function looksLikeBonsai(raw: JsonObject): boolean {
  return Array.isArray(raw.nodes) && raw.nodes.some((n) => isJsonObject(n) && (Array.isArray(n.parentIds) || Array.isArray(n.childrenIds)));
}

export function readBonsai(raw: JsonObject): ImportedTree {
  const list = raw.nodes as unknown[];
  const nodes = new Map<string, JsonObject>();
  list.forEach((n, i) => {
    const id = isJsonObject(n) ? idText(n.id) : undefined;
    expect(id !== undefined && typeof (n as JsonObject).text === 'string', FORMAT, `node ${i + 1} has no id or no text`);
    expect(!nodes.has(id), FORMAT, `two nodes share the id ${JSON.stringify(id)}`);
    nodes.set(id, n as JsonObject);
  });
  const parentOf = (n: JsonObject) => (Array.isArray(n.parentIds) && n.parentIds.length > 0 ? (idText(n.parentIds[0]) ?? null) : null);
  const order = siblingsInChildOrder(parentsFirst(nodes, parentOf, FORMAT), nodes, parentOf);
  const out = order.map((id): ImportedNode => {
    const n = nodes.get(id)!;
    const extraParents = Array.isArray(n.parentIds) && n.parentIds.length > 1;
    const createdAt = timeOf(n.createdAt);
    const fields = otherFields(n, [...(createdAt === undefined ? UNTIMED_KEYS : NODE_KEYS), ...readFlags(n, FLAGS), ...(extraParents ? [] : ['parentIds'])]);
    const author = authorOf(n);
    return {
      id,
      parentId: parentOf(n),
      text: n.text as string,
      author: author === 'model' ? 'model' : 'user',
      authorship: author === 'unknown' ? 'unknown' : undefined,
      createdAt,
      bookmarked: n.bookmarked === true,
      hidden: n.hidden === true,
      fields,
    };
  });
  const rest = otherFields(raw, ['nodes', 'focusedId']);
  if (Object.keys(rest).length > 0) out[0].fields = { ...out[0].fields, tree: rest };
  const path = Array.isArray(raw.pathNodes) ? raw.pathNodes.map(idText).filter((id) => id !== undefined) : [];
  const focus = idText(raw.focusedId) ?? path[path.length - 1];
  return { format: 'bonsai', rootId: order[0], currentId: focus, nodes: out };
}

/** Reorders each node's children as its `childrenIds` lists them (file order otherwise). */
function siblingsInChildOrder(order: string[], nodes: Map<string, JsonObject>, parentOf: (n: JsonObject) => string | null): string[] {
  const rank = new Map<string, number>();
  for (const node of nodes.values()) {
    if (Array.isArray(node.childrenIds)) node.childrenIds.forEach((c, i) => rank.set(`${idText(node.id)}>${idText(c)}`, i));
  }
  const children = new Map<string, string[]>();
  for (const id of order.slice(1)) {
    const parent = parentOf(nodes.get(id)!)!;
    children.set(parent, [...(children.get(parent) ?? []), id]);
  }
  const key = (parent: string, id: string) => rank.get(`${parent}>${id}`) ?? Number.MAX_SAFE_INTEGER;
  const out: string[] = [];
  const visit = (id: string) => {
    out.push(id);
    // The sort is stable, so children childrenIds does not list keep their file order.
    for (const kid of (children.get(id) ?? []).sort((a, b) => key(id, a) - key(id, b))) visit(kid);
  };
  visit(order[0]);
  return out;
}

function authorOf(n: JsonObject): 'user' | 'model' | 'unknown' {
  const type = typeof n.type === 'string' ? n.type.toLowerCase() : typeof n.author === 'string' ? n.author.toLowerCase() : undefined;
  if (type !== undefined && USER_TYPES.has(type)) return 'user';
  if ((type !== undefined && MODEL_TYPES.has(type)) || typeof n.model === 'string') return 'model';
  return 'unknown';
}
