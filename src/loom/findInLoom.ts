import * as vscode from 'vscode';
import { searchTree, type TreeMatch } from '../core/loom/treeSearch';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';
import { inertLabel } from '../core/shared/inertLabel';

interface MatchItem extends vscode.QuickPickItem {
  match: TreeMatch;
}

/**
 * Searches every branch of the active document's loom as the user types (plain text, any case;
 * `#tag` for tagged nodes) and, on Enter, switches the editor to the chosen node's path with the
 * match selected.
 */
export async function findInLoom(sessions: LoomSessions): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const session = editor && (await sessions.sessionFor(editor.document));
  if (!session) {
    void vscode.window.showInformationMessage('Prefill Loom: open a document with a loom first.');
    return;
  }
  const pick = vscode.window.createQuickPick<MatchItem>();
  pick.title = 'Prefill Loom: find in every branch';
  pick.placeholder = 'Text to find (any case), or #tag';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.onDidChangeValue((value) => {
    const result = searchTree(session.tree, { text: value }, 200);
    pick.items = result.matches.map((match) => itemOf(session, match));
    pick.title = value === '' ? 'Prefill Loom: find in every branch' : `Prefill Loom: ${result.total.toLocaleString('en-US')} match${result.total === 1 ? '' : 'es'}${result.total > 200 ? ' (first 200 shown)' : ''}`;
  });
  const chosen = await new Promise<TreeMatch | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]?.match));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (chosen) await revealMatch(session, chosen.nodeId, chosen.start, chosen.end);
}

function itemOf(session: LoomSession, match: TreeMatch): MatchItem {
  const node = session.tree.get(match.nodeId)!;
  const depth = session.tree.pathTo(node.id).length - 1;
  return {
    // Every field VS Code matches on holds the match, so its filter keeps what the search found.
    label: inertLabel(`${oneLine(match.before)}${oneLine(match.match)}${oneLine(match.after)}`.trim()) || '(empty)',
    description: `${node.author === 'model' ? 'model' : 'user'} · depth ${depth}${node.tags ? ` · #${node.tags.join(' #')}` : ''}`,
    detail: oneLine(session.tree.textOf(node.id).slice(-80)),
    alwaysShow: true,
    match,
  };
}

/**
 * Switches the editor to the node's path (from any branch) and selects `from..to` of the node's own
 * text. With `preserveFocus` the keyboard stays where it is (the loom view's find keys).
 */
export async function revealMatch(session: LoomSession, nodeId: string, from: number, to: number, preserveFocus = false): Promise<void> {
  await session.switchTo(nodeId);
  const start = session.nodeStart(nodeId);
  if (start === undefined) return;
  // In the column already showing it: from the loom view beside the editor, the active column is the view's.
  const shown = vscode.window.visibleTextEditors.find((e) => e.document === session.document);
  const editor = await vscode.window.showTextDocument(session.document, { preserveFocus, viewColumn: shown?.viewColumn });
  const length = session.tree.get(nodeId)?.text.length ?? 0;
  const at = (offset: number): vscode.Position => session.document.positionAt(start + Math.min(offset, length));
  editor.selection = new vscode.Selection(at(from), at(to));
  editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}
