import type { LoomTree } from './loomTree';

/**
 * Whether a generation at body offset `offset` of the path to `pathEndId` branches there: true when
 * the path holds model-written text after that offset. That text is a branch the loom already has,
 * so the new generation becomes its sibling and takes its place in the editor; text after the cursor
 * that only the user wrote (prose being written, a fresh document) stays after the insertion.
 */
export function branchesAtOffset(tree: LoomTree, pathEndId: string, offset: number): boolean {
  let end = 0;
  for (const node of tree.pathTo(pathEndId)) {
    end += node.text.length;
    if (end > offset && node.author === 'model') return true;
  }
  return false;
}

/**
 * The node a generation's replaced trailing whitespace was split off into, when keeping it would only
 * leave a junk branch: a user-written, whitespace-only leaf with nothing else recorded on it.
 */
export function whitespaceTailAt(tree: LoomTree, pathEndId: string, offset: number, whitespace: string): string | undefined {
  if (whitespace.length === 0 || tree.textOf(pathEndId).length !== offset + whitespace.length) return undefined;
  const { node } = tree.nodeAtOffset(pathEndId, offset, 'after');
  const junk = node.text === whitespace && node.author === 'user' && !node.bookmarked && !node.generation && tree.children(node.id).length === 0;
  return junk && node.parentId !== null ? node.id : undefined;
}
