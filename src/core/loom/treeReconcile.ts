import type { LoomNode } from './loomNode';
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
  if (tree.has(currentId) && tree.textOf(currentId) === bufferText) return { currentId, changed: false };
  const onPath = new Map<string, number>();
  if (tree.has(currentId)) tree.pathTo(currentId).forEach((node, depth) => onPath.set(node.id, depth));
  const best = deepestMatch(tree, bufferText, onPath);
  let at = best.node.id;
  if (best.offset < best.node.text.length) at = tree.splitNode(at, best.offset).headId;
  if (best.end < bufferText.length) {
    const rest = bufferText.slice(best.end);
    const node = tree.get(at)!;
    if (at === currentId && node.author === 'user' && !node.bookmarked && !node.generation && tree.children(at).length === 0) {
      tree.appendText(at, rest);
    } else {
      at = tree.addChild(at, rest, { author: 'user', kind: 'edit' }).id;
    }
  }
  return { currentId: at, changed: true };
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
