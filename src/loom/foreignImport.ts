import * as path from 'node:path';
import * as vscode from 'vscode';
import { detectFormats, importForeignTree, loomsidianNoteList, parseForeignJson } from '../core/interop/foreignTrees';
import { FORMAT_NAMES, ImportError, type ForeignFormat } from '../core/interop/importedTree';
import type { JsonObject } from '../core/interop/jsonShape';
import type { LoomSessions } from '../session/loomSessions';

/**
 * Imports a tree saved by another loom as a new loom document: its body is the tree's selected path
 * (the root where none is recorded) and its loom holds the whole tree. Asks for the format only when
 * the file's shape fits several, and for the note of a Loomsidian file that holds several.
 */
export async function importFromAnotherLoom(sessions: LoomSessions, file?: vscode.Uri): Promise<void> {
  const uri = file ?? (await pickFile());
  if (!uri) return;
  try {
    const raw = parseForeignJson(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
    const formats = detectFormats(raw);
    // With no format detected the import itself says what shapes it reads.
    const format = formats.length > 1 ? await pickFormat(formats) : formats[0];
    if (formats.length > 1 && !format) return;
    const note = format === 'loomsidian' ? await pickNote(raw) : undefined;
    if (format === 'loomsidian' && note === undefined) return;
    const result = importForeignTree(raw, { format, note });
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: result.tree.textOf(result.currentId) });
    await vscode.window.showTextDocument(document);
    const session = await sessions.sessionFor(document);
    if (!session) return;
    await session.replaceTree(result.tree, result.currentId);
    await vscode.commands.executeCommand('prefillLoom.showTree');
    void vscode.window.showInformationMessage(`Prefill Loom: ${path.basename(uri.path)}: ${result.summary}`);
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    void vscode.window.showErrorMessage(`Prefill Loom: ${path.basename(uri.path)} was not imported. ${e.message}`);
  }
}

async function pickFile(): Promise<vscode.Uri | undefined> {
  const [file] = (await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Import a tree from another loom', filters: { 'Loom tree (JSON)': ['json'] } })) ?? [];
  return file;
}

async function pickFormat(formats: ForeignFormat[]): Promise<ForeignFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    formats.map((format) => ({ label: FORMAT_NAMES[format], format })),
    { title: 'Prefill Loom: which loom saved this file?', placeHolder: 'Its shape fits more than one format' },
  );
  return picked?.format;
}

async function pickNote(raw: JsonObject): Promise<string | undefined> {
  const notes = loomsidianNoteList(raw);
  if (notes.length === 1) return notes[0].path;
  const picked = await vscode.window.showQuickPick(
    notes.map((n) => ({ label: n.path || '(this note)', description: `${n.nodes.toLocaleString('en-US')} node${n.nodes === 1 ? '' : 's'}`, path: n.path })),
    { title: 'Prefill Loom: import the tree of which note?', matchOnDescription: true },
  );
  return picked?.path;
}
