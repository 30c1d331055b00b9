// exoloom's JSON export (read from Tapestry Loom's migration assistant, `exoloom/mod.rs`):
// {loomType: "Exoloom", version, schemaVersion: 1, tree: {title, description, createdAt,
// rootNodeId, nodes: {<id>: {content, authorType: USER|LLM, authorName, parentId, childrenIds,
// createdAt}}}, lens: {bookmarks: [{nodeId}], prunedNodes: [{nodeId}]}}. Pruning is a view lens,
// so it becomes the hidden mark. The export records no active path.

import type { ImportedNode, ImportedTree } from './importedTree';
import { expect, idText, isJsonObject, otherFields, timeOf, type JsonObject } from './jsonShape';

const FORMAT = 'exoloom';
const NODE_KEYS = ['content', 'authorType', 'parentId', 'childrenIds', 'createdAt'];
// A time that is not read as one stays a field: nothing in the file is dropped.
const UNTIMED_KEYS = NODE_KEYS.filter((k) => k !== 'createdAt');

export function looksLikeExoloom(raw: JsonObject): boolean {
  return raw.loomType === 'Exoloom' && isJsonObject(raw.tree);
}

export function readExoloom(raw: JsonObject): ImportedTree {
  const tree = raw.tree as JsonObject;
  expect(isJsonObject(tree.nodes), FORMAT, 'tree.nodes is not an object of nodes');
  const nodes = tree.nodes as JsonObject;
  const rootId = idText(tree.rootNodeId);
  expect(rootId !== undefined && isJsonObject(nodes[rootId]), FORMAT, 'tree.rootNodeId names no node');
  const lens = isJsonObject(raw.lens) ? raw.lens : {};
  const marked = (list: unknown) => new Set((Array.isArray(list) ? list : []).map((m) => (isJsonObject(m) ? idText(m.nodeId) : undefined)));
  const bookmarks = marked(lens.bookmarks);
  const pruned = marked(lens.prunedNodes);
  const out: ImportedNode[] = [];
  const seen = new Set<string>();
  const stack: Array<[string, string | null]> = [[rootId, null]];
  while (stack.length > 0) {
    const [id, parentId] = stack.pop()!;
    expect(!seen.has(id), FORMAT, `node ${id} is reached twice (a cycle or a shared child)`);
    seen.add(id);
    const node = nodes[id];
    expect(isJsonObject(node) && typeof node.content === 'string', FORMAT, `node ${id} is missing or has no content`);
    expect(node.authorType === 'USER' || node.authorType === 'LLM', FORMAT, `node ${id} has authorType ${JSON.stringify(node.authorType)}, USER or LLM was expected`);
    const createdAt = timeOf(node.createdAt);
    out.push({
      id,
      parentId,
      text: node.content,
      author: node.authorType === 'LLM' ? 'model' : 'user',
      createdAt,
      bookmarked: bookmarks.has(id),
      hidden: pruned.has(id),
      fields: otherFields(node, createdAt === undefined ? UNTIMED_KEYS : NODE_KEYS),
    });
    const children = Array.isArray(node.childrenIds) ? node.childrenIds.map(idText) : [];
    expect(children.every((c) => c !== undefined), FORMAT, `node ${id} has a child id that is not an id`);
    for (const child of (children as string[]).reverse()) stack.push([child, id]);
  }
  const treeFields = { ...otherFields(tree, ['nodes', 'rootNodeId']), ...otherFields(raw, ['loomType', 'tree', 'lens']) };
  const lensRest = otherFields(lens, ['bookmarks', 'prunedNodes']);
  out[0].fields = { ...out[0].fields, ...(Object.keys(treeFields).length > 0 ? { tree: treeFields } : {}), ...(Object.keys(lensRest).length > 0 ? { lens: lensRest } : {}) };
  const unreached = Object.keys(nodes).filter((id) => !seen.has(id));
  expect(unreached.length === 0, FORMAT, `${unreached.length} node(s) are not reachable from the root (${unreached.slice(0, 3).join(', ')})`);
  return { format: 'exoloom', rootId, nodes: out };
}
