import * as vscode from 'vscode';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';

export type Direction = 'nextSibling' | 'previousSibling' | 'parent' | 'child';

/**
 * Moves the editor along the tree from the node under the cursor, without the webview: to a
 * sibling (cycling), to the parent, or to the first child. The cursor lands where the target's own
 * text starts, so repeated moves keep working from the same place.
 */
export async function navigate(sessions: LoomSessions, direction: Direction): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const session = editor && (await sessions.sessionFor(editor.document));
  if (!editor || !session) return;
  const offset = session.bodyOffsetAt(editor.selection.active);
  const { node } = session.tree.nodeAtOffset(session.currentId, Math.max(0, offset), 'after');
  const target = targetOf(session, node.id, direction);
  if (!target) {
    void vscode.window.setStatusBarMessage(`Prefill Loom: no ${describe(direction)} here`, 2500);
    return;
  }
  await session.switchTo(target);
  if (direction === 'nextSibling' || direction === 'previousSibling') void vscode.window.setStatusBarMessage(branchOfSiblings(session, target), 4000);
  const position = editor.document.positionAt(session.nodeStart(target) ?? session.bodyOffset());
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

function targetOf(session: LoomSession, id: string, direction: Direction): string | undefined {
  const tree = session.tree;
  switch (direction) {
    case 'parent':
      return tree.get(id)?.parentId ?? undefined;
    case 'child':
      return tree.children(id)[0]?.id;
    default: {
      const siblings = tree.siblings(id);
      if (siblings.length < 2) return undefined;
      const index = siblings.findIndex((s) => s.id === id);
      const step = direction === 'nextSibling' ? 1 : siblings.length - 1;
      return siblings[(index + step) % siblings.length].id;
    }
  }
}

/** "branch 2 of 3", and whether it reads the same as another, so cycling through copies does not look broken. */
function branchOfSiblings(session: LoomSession, id: string): string {
  const siblings = session.tree.siblings(id);
  const index = siblings.findIndex((s) => s.id === id);
  const same = siblings.findIndex((s, i) => i !== index && s.text === siblings[index].text);
  return `Prefill Loom: branch ${index + 1} of ${siblings.length}${same >= 0 ? ` (same text as branch ${same + 1})` : ''}`;
}

function describe(direction: Direction): string {
  return direction === 'parent' ? 'parent' : direction === 'child' ? 'child' : 'other branch';
}
