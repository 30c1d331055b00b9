import type * as vscode from 'vscode';
import { parseDocumentHeader } from '../core/conversation/documentHeader';

/** The body text up to the cursor (what a request at the cursor continues), or undefined when the cursor is in the header. */
export function prefillAtCursor(editor: vscode.TextEditor): string | undefined {
  const text = editor.document.getText();
  const cursor = editor.document.offsetAt(editor.selection.active);
  const { bodyOffset } = parseDocumentHeader(text);
  return cursor >= bodyOffset ? text.slice(bodyOffset, cursor) : undefined;
}
