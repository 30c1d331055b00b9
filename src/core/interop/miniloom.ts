// MiniLoom (JD-P/miniloom, `src/model.js`, `src/file-manager.js`): a saved file is {loomTree:
// {nodeStore: {<id>: {id, timestamp, type: root|user|gen|rewrite|import, patch, summary, rating,
// read, parent, children, model, error, finishReason}}}, focus: <the focused node>}. A node's
// `patch` is a diff-match-patch patch list that turns its parent's full text into its own, so a
// node need not extend its parent (a rewrite changes earlier text). Here a node hangs under its
// nearest ancestor whose text its own text starts with (the parent, unless it rewrote), adding
// what follows; its MiniLoom parent is kept in its origin.

import type { ImportedNode, ImportedTree } from './importedTree';
import { expect, idText, isJsonObject, otherFields, parentsFirst, timeOf, type JsonObject } from './jsonShape';

const FORMAT = 'MiniLoom';
const NODE_KEYS = ['id', 'timestamp', 'patch', 'parent', 'children'];
// A time that is not read as one stays a field: nothing in the file is dropped.
const UNTIMED_KEYS = NODE_KEYS.filter((k) => k !== 'timestamp');

export function looksLikeMiniloom(raw: JsonObject): boolean {
  return isJsonObject(raw.loomTree) && isJsonObject(raw.loomTree.nodeStore);
}

export function readMiniloom(raw: JsonObject): ImportedTree {
  const store = new Map(Object.entries((raw.loomTree as JsonObject).nodeStore as JsonObject));
  for (const [id, node] of store) expect(isJsonObject(node), FORMAT, `node ${JSON.stringify(id)} is not an object`);
  const nodes = store as Map<string, JsonObject>;
  const parentOf = (n: JsonObject) => idText(n.parent) ?? null;
  const order = parentsFirst(nodes, parentOf, FORMAT);
  const fullText = new Map<string, string>();
  const hangsUnder = new Map<string, string | null>();
  const out: ImportedNode[] = [];
  for (const id of order) {
    const node = nodes.get(id)!;
    const parent = parentOf(node);
    const text = applyPatches(parent === null ? '' : fullText.get(parent)!, node.patch, id);
    fullText.set(id, text);
    const anchor = anchorFor(text, parent, fullText, hangsUnder);
    hangsUnder.set(id, anchor);
    const createdAt = timeOf(node.timestamp);
    out.push({
      id,
      parentId: anchor,
      text: text.slice(anchor === null ? 0 : fullText.get(anchor)!.length),
      author: node.type === 'gen' || node.type === 'rewrite' ? 'model' : 'user',
      authorship: node.type === 'rewrite' ? 'mixed' : undefined,
      createdAt,
      originParentId: anchor !== parent && parent !== null ? parent : undefined,
      fields: otherFields(node, createdAt === undefined ? UNTIMED_KEYS : NODE_KEYS),
    });
  }
  const focus = isJsonObject(raw.focus) ? idText(raw.focus.id) : idText(raw.focus);
  return { format: 'miniloom', rootId: order[0], currentId: focus, nodes: out };
}

/** The nearest node up the chain from `parent` (as placed here) whose full text is a prefix of `text`. */
function anchorFor(text: string, parent: string | null, fullText: Map<string, string>, hangsUnder: Map<string, string | null>): string | null {
  for (let at = parent; at !== null; at = hangsUnder.get(at) ?? null) if (text.startsWith(fullText.get(at)!)) return at;
  return null;
}

/**
 * Applies a diff-match-patch patch list made against exactly `base`: each patch's old text must
 * stand at its `start2` (the position in the text as patched so far), or the file is damaged.
 */
function applyPatches(base: string, patches: unknown, id: string): string {
  if (patches === '' || patches === undefined || patches === null) return base;
  expect(Array.isArray(patches), FORMAT, `node ${id} has no patch list`);
  let text = base;
  for (const patch of patches) {
    expect(isJsonObject(patch) && Array.isArray(patch.diffs) && typeof patch.start2 === 'number', FORMAT, `node ${id} has a malformed patch`);
    let before = '';
    let after = '';
    for (const diff of patch.diffs) {
      const [op, piece] = Array.isArray(diff) ? diff : isJsonObject(diff) ? [diff[0], diff[1]] : [];
      expect((op === -1 || op === 0 || op === 1) && typeof piece === 'string', FORMAT, `node ${id} has a malformed diff`);
      if (op !== 1) before += piece;
      if (op !== -1) after += piece;
    }
    const at = patch.start2 as number;
    expect(text.slice(at, at + before.length) === before, FORMAT, `node ${id}'s patch does not fit its parent's text`);
    text = text.slice(0, at) + after + text.slice(at + before.length);
  }
  return text;
}
