import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeTkLoom } from '../core/interop/tkLoom';
import { exportPathMarkdown, exportPathText, exportTreeJson, importTreeJson } from '../core/loom/treeExport';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';

async function activeSession(sessions: LoomSessions): Promise<LoomSession | undefined> {
  const editor = vscode.window.activeTextEditor;
  const session = editor && (await sessions.sessionFor(editor.document));
  if (!session) void vscode.window.showInformationMessage('Prefill Loom: open a document with a loom first.');
  return session;
}

function baseName(session: LoomSession): string {
  return path.basename(session.document.uri.path) || 'untitled';
}

async function saveText(defaultName: string, filters: Record<string, string[]>, text: string): Promise<void> {
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', defaultName)), filters });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  void vscode.window.showInformationMessage(`Prefill Loom: saved ${path.basename(target.path)}.`);
}

/** The formats Loom Tree: Export… offers, by the words the quick pick shows. */
export const TREE_EXPORT_FORMATS = {
  prefillLoom: 'Prefill Loom tree (JSON, the tree file format)',
  tkLoom: 'Loom (socketteer/loom) tree (JSON, opens in the original Loom)',
} as const;

/**
 * Saves the whole tree as JSON: in this project's tree file format, or in the original Loom's, which
 * that Loom opens and which imports back unchanged (text, structure, authorship, bookmarks, tags).
 */
export async function exportTree(sessions: LoomSessions): Promise<void> {
  const session = await activeSession(sessions);
  if (!session) return;
  const format = await vscode.window.showQuickPick(Object.values(TREE_EXPORT_FORMATS), { title: 'Prefill Loom: export the whole tree as' });
  if (format === TREE_EXPORT_FORMATS.prefillLoom) {
    await saveText(`${baseName(session)}.loom-export.json`, { 'Loom tree': ['json'] }, exportTreeJson(session.tree, session.currentId, baseName(session)));
  } else if (format === TREE_EXPORT_FORMATS.tkLoom) {
    await saveText(`${baseName(session)}.tk-loom.json`, { 'Loom tree': ['json'] }, writeTkLoom(session.tree, session.currentId));
  }
}

/** Saves the path the editor shows, as plain text or as Markdown with a table of who wrote what. */
export async function exportPath(sessions: LoomSessions): Promise<void> {
  const session = await activeSession(sessions);
  if (!session) return;
  session.reconcile();
  const format = await vscode.window.showQuickPick(['Markdown', 'Plain text'], { title: 'Prefill Loom: export the current path as' });
  if (format === 'Markdown') {
    await saveText(`${baseName(session)}.path.md`, { Markdown: ['md'] }, exportPathMarkdown(session.tree, session.currentId, baseName(session)));
  } else if (format) {
    await saveText(`${baseName(session)}.path.txt`, { Text: ['txt'] }, exportPathText(session.tree, session.currentId));
  }
}

/**
 * Replaces the active document's tree with an exported one, after confirmation; the editor then
 * shows the imported current path. The confirmation suggests exporting the old tree first.
 */
export async function importTree(sessions: LoomSessions): Promise<void> {
  const session = await activeSession(sessions);
  if (!session) return;
  const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Loom tree': ['json'] } })) ?? [];
  if (!file) return;
  const parsed = importTreeJson(Buffer.from(await vscode.workspace.fs.readFile(file)).toString('utf8'), path.basename(file.path));
  if (!parsed.ok) {
    void vscode.window.showErrorMessage(`Prefill Loom: ${parsed.error.message}`);
    return;
  }
  const choice = await vscode.window.showWarningMessage(
    `Replace this document's loom (${session.tree.size} nodes) with the imported one (${parsed.value.tree.size} nodes)?`,
    { modal: true, detail: 'Export the current tree first if you want to keep it.' },
    'Replace',
  );
  if (choice !== 'Replace') return;
  await session.replaceTree(parsed.value.tree, parsed.value.currentId);
}
