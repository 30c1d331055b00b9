import * as vscode from 'vscode';
import { importConversation, newLoomDocument } from '../core/conversation/conversationImport';
import { decodeDocumentText } from '../core/conversation/documentText';
import { renderDocumentHeader } from '../core/conversation/documentHeader';
import { readLoomSettings } from './loomSettings';

interface DocumentKind extends vscode.QuickPickItem {
  content: (model: string) => string;
}

const DOCUMENT_KINDS: DocumentKind[] = [
  {
    label: 'Conversation',
    detail: 'A header with a system prompt and messages (the turns before the prefill), for chat-style looms and few-shot setups.',
    content: (model) => newLoomDocument(model),
  },
  {
    label: 'Prefill only',
    detail: 'A header with the model alone: the default user turn goes before the prefill.',
    content: (model) => renderDocumentHeader({ model }),
  },
];

/** Opens a new untitled document that starts with a header, the cursor in its empty body. */
export async function createLoomDocument(): Promise<vscode.TextEditor | undefined> {
  const kind = await vscode.window.showQuickPick(DOCUMENT_KINDS, { title: 'Prefill Loom: New Loom Document', placeHolder: 'What the header sets up' });
  if (!kind) return undefined;
  return openUntitled(kind.content(readLoomSettings().defaults.model));
}

interface ImportSource extends vscode.QuickPickItem {
  read: () => Promise<string | undefined>;
}

const IMPORT_SOURCES: ImportSource[] = [
  { label: 'From the Clipboard', detail: 'A JSON messages array (Anthropic or OpenAI shape), or a request body holding one.', read: () => Promise.resolve(vscode.env.clipboard.readText()) },
  { label: 'From a File…', detail: 'A .json file holding a messages array or a request body.', read: readJsonFile },
];

/**
 * Turns a JSON conversation into a new loom document: the turns into the header, the last
 * assistant turn into the body. Nothing is opened when the JSON cannot be imported; the message
 * says why and what to copy instead.
 */
export async function importConversationCommand(): Promise<vscode.TextEditor | undefined> {
  const source = await vscode.window.showQuickPick(IMPORT_SOURCES, { title: 'Prefill Loom: Import Conversation', placeHolder: 'Where the JSON messages are' });
  const json = await source?.read();
  if (json === undefined) return undefined;
  const result = importConversation(json);
  if ('problem' in result) {
    void vscode.window.showErrorMessage(`Prefill Loom: cannot import the conversation. ${result.problem}`);
    return undefined;
  }
  return openUntitled(result.document);
}

async function readJsonFile(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JSON: ['json'], 'All files': ['*'] }, openLabel: 'Import Conversation' });
  if (!picked?.[0]) return undefined;
  // Strict UTF-8, as for any file sent: replacement characters would silently alter the turns.
  const decoded = decodeDocumentText(await vscode.workspace.fs.readFile(picked[0]));
  if (decoded.ok) return decoded.text;
  void vscode.window.showErrorMessage(`Prefill Loom: cannot import ${vscode.workspace.asRelativePath(picked[0])}: ${decoded.error}`);
  return undefined;
}

async function openUntitled(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  const editor = await vscode.window.showTextDocument(document);
  const end = document.positionAt(content.length);
  editor.selection = new vscode.Selection(end, end);
  return editor;
}
