import type { LoomNode } from './loomNode';
import { ZERO_USAGE } from '../shared/tokenUsage';
import type { LoomTree } from './loomTree';

export interface ReconcileResult {
  /** The node whose path text now equals the buffer. */
  currentId: string;
  /** False when the buffer already was the current path's text: nothing changed. */
  changed: boolean;
}

/**
 * Makes the tree follow a buffer the user edited by hand, losing nothing, so that afterwards
 * `tree.textOf(currentId) === bufferText`:
 *
 * - Text that matches an existing path is that path. The match goes as deep into the tree as the
 *   buffer allows; among equally deep matches the current path wins, then one that needs no split,
 *   then the first in child order.
 * - If the buffer ends inside a node, that node is split there and the head becomes current (the
 *   tail stays below it).
 * - If the buffer goes on where the match ends, the rest becomes a new `author: 'user'`,
 *   `kind: 'edit'` node there, splitting the node the match ends in if need be. Typing on at the end
 *   of a current user-written leaf (the root of a fresh tree, or an edit node) extends that node
 *   instead, so typing makes one node rather than one per keystroke.
 * - The root is split like any node: a buffer that differs inside the root text makes the common
 *   prefix (possibly '') the new root, with the old root and the new text as its two children.
 *
 * Only splits (which keep every path's text, see LoomTree.splitNode), additions and that extension
 * change the tree. Costs O(buffer length + the children of the matched nodes). Callers typing fast
 * should reconcile after a pause or before a tree operation: a deletion followed by retyping keeps
 * the deleted text as a branch.
 */
export function reconcile(tree: LoomTree, currentId: string, bufferText: string): ReconcileResult {
  const current = tree.has(currentId) ? tree.textOf(currentId) : undefined;
  if (current === bufferText) return { currentId, changed: false };
  const onPath = new Map<string, number>();
  if (current !== undefined) tree.pathTo(currentId).forEach((node, depth) => onPath.set(node.id, depth));
  const best = deepestMatch(tree, bufferText, onPath);
  // An edit of the current path: the end it left as it was, from the model's first character in it.
  const end = best.end < bufferText.length && current !== undefined && best.pathDepth >= 0 ? keptEnd(current, bufferText, best.end) : undefined;
  const kept = end && keptModelText(tree, currentId, current!.length - end.length);
  const typedFrom = kept ? end.from : best.end;
  let at = kept ? prepareGenerationAt(tree, currentId, typedFrom) : best.offset < best.node.text.length ? tree.splitNode(best.node.id, best.offset).headId : best.node.id;
  if (typedFrom === bufferText.length) return { currentId: at, changed: true };
  const typed = bufferText.slice(typedFrom, bufferText.length - (kept?.length ?? 0));
  const node = tree.get(at)!;
  if (typed === '') {
    // Only a deletion: what follows is all kept text.
  } else if (at === currentId && node.author === 'user' && !node.bookmarked && !node.generation && tree.children(at).length === 0) {
    tree.appendText(at, typed);
  } else {
    at = tree.addChild(at, typed, { author: 'user', kind: 'edit' }).id;
  }
  // Kept nodes are found after the split: it keeps every path's text, and the tail keeps its id.
  if (kept) at = copyPathEnd(tree, at, keptModelText(tree, currentId, current!.length - kept.length)!);
  return { currentId: at, changed: true };
}

/**
 * How much of the end of the buffer is the end of the current path's text, untouched by an edit
 * after the common start `from`: their common suffix, never splitting a surrogate pair. Whitespace
 * both could claim goes to the end (" the cat" → " the big cat" keeps " cat" whole, a token as the
 * model wrote it), and the edit then starts that much earlier.
 */
function keptEnd(current: string, buffer: string, from: number): { length: number; from: number } {
  const most = Math.min(current.length, buffer.length);
  let n = 0;
  while (n < most && current.charCodeAt(current.length - 1 - n) === buffer.charCodeAt(buffer.length - 1 - n)) n++;
  let length = Math.min(n, most - from);
  let start = from;
  while (length < n && /\s/.test(buffer[start - 1])) {
    length++;
    start--;
  }
  return isLowSurrogate(buffer.charCodeAt(buffer.length - length)) ? { length: length - 1, from: start } : { length, from: start };
}

/**
 * The end of the path to `pathEndId` from offset `from` (the text an edit left untouched) from its
 * first model-written character on: the nodes it lies in and the offset in the first. Undefined when
 * the model wrote none of it (text the user wrote stays in the user's edit node, as it always was).
 */
function keptModelText(tree: LoomTree, pathEndId: string, from: number): { nodes: LoomNode[]; offset: number; length: number } | undefined {
  const path = tree.pathTo(pathEndId);
  let start = 0;
  for (let i = 0; i < path.length; start += path[i++].text.length) {
    const end = start + path[i].text.length;
    if (end > Math.max(start, from) && path[i].author === 'model') {
      const offset = Math.max(0, from - start);
      // Empty nodes (a stream that never started) hold nothing to keep.
      const nodes = path.slice(i).filter((node) => node.text !== '');
      return { nodes, offset, length: nodes.reduce((n, node) => n + node.text.length, 0) - offset };
    }
  }
  return undefined;
}

/**
 * Hangs under `parentId` a copy of the kept text, one node per node it lies in, each with that node's
 * author and kind: text the model wrote stays the model's after the user edited before it, and a model
 * copy carries its generation's record (with no request of its own), so its tokens keep their
 * probabilities. Returns the last copy.
 */
function copyPathEnd(tree: LoomTree, parentId: string, { nodes, offset }: { nodes: readonly LoomNode[]; offset: number }): string {
  let at = parentId;
  nodes.forEach((node, i) => {
    const generation = tree.splitChain(node.id).at(-1)?.generation;
    at = tree.addChild(at, i === 0 ? node.text.slice(offset) : node.text, {
      author: node.author,
      ...(node.kind ? { kind: node.kind } : {}),
      ...(generation ? { generation: { ...generation, usage: ZERO_USAGE, durationMs: 0, requests: 0 } } : {}),
    }).id;
  });
  return at;
}

/**
 * Where a generation at document offset `offset` of the path to `currentId` hangs: the node ending
 * exactly there, or the head of the node split there. Returns the parent for the new child.
 */
export function prepareGenerationAt(tree: LoomTree, currentId: string, offset: number): string {
  const { node, offset: inner } = tree.nodeAtOffset(currentId, offset, 'before');
  return inner === node.text.length ? node.id : tree.splitNode(node.id, inner).headId;
}

/** A point of the tree: `offset` characters into `node`, where the path text is the buffer's first `end` characters. */
interface Match {
  node: LoomNode;
  offset: number;
  end: number;
  /** Depth on the current path, -1 off it. */
  pathDepth: number;
}

function deepestMatch(tree: LoomTree, buffer: string, onPath: ReadonlyMap<string, number>): Match {
  const root = tree.get(tree.rootId)!;
  let best: Match | undefined;
  const consider = (node: LoomNode, offset: number, end: number) => {
    const candidate = { node, offset, end, pathDepth: onPath.get(node.id) ?? -1 };
    if (!best || better(candidate, best)) best = candidate;
  };
  // Nodes whose whole path text is a prefix of the buffer, with the buffer offset after them.
  // Depth first in child order, so that among equal matches the first in child order is met first.
  const stack: [LoomNode, number][] = [];
  const visit = (nodes: readonly LoomNode[], start: number, alwaysConsider: boolean) => {
    const full: [LoomNode, number][] = [];
    for (const node of nodes) {
      if (buffer.startsWith(node.text, start)) {
        full.push([node, start + node.text.length]);
      } else {
        const m = commonPrefix(node.text, buffer, start);
        // A partial match of nothing is no better than the parent's end, which needs no split.
        if (m > 0 || alwaysConsider) consider(node, m, start + m);
      }
    }
    for (let i = full.length - 1; i >= 0; i--) stack.push(full[i]);
  };
  visit([root], 0, true);
  while (stack.length > 0) {
    const [node, end] = stack.pop()!;
    consider(node, node.text.length, end);
    visit(tree.children(node.id), end, false);
  }
  return best!;
}

/** Deeper in the buffer first; then on the current path (nearer the current node); then no split. */
function better(a: Match, b: Match): boolean {
  if (a.end !== b.end) return a.end > b.end;
  if (a.pathDepth !== b.pathDepth) return a.pathDepth > b.pathDepth;
  const aSplits = a.offset < a.node.text.length;
  const bSplits = b.offset < b.node.text.length;
  return !aSplits && bSplits;
}

/**
 * How many leading characters of `text` match `buffer` from `start`, never ending between the halves
 * of a surrogate pair. Called only when `text` is not wholly matched, so the loop stops at a differing
 * unit (charCodeAt past either end is NaN, which equals nothing).
 */
function commonPrefix(text: string, buffer: string, start: number): number {
  let m = 0;
  while (text.charCodeAt(m) === buffer.charCodeAt(start + m)) m++;
  // Where the buffer ends, it is followed exactly, even in half a pair (an edit in progress).
  return start + m < buffer.length && isHighSurrogate(text.charCodeAt(m - 1)) ? m - 1 : m;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
