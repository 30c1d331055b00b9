import * as vscode from 'vscode';
import type { CapturedRequest } from '../core/providers/capturedRequest';
import { curlKeyNote, toCurlCommand } from '../core/providers/curlCommand';
import { redactSecrets } from '../core/providers/secretRedaction';

export const LAST_REQUEST_SCHEME = 'prefill-loom-request';
const LAST_REQUEST_URI = vscode.Uri.from({ scheme: LAST_REQUEST_SCHEME, path: '/last-request.json' });

/**
 * Keeps the last request exactly as sent (credentials already redacted by the capture) and shows it
 * as a read-only JSON document, so a user can see and reproduce any result outside the editor.
 */
export class LastRequestStore implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private last: CapturedRequest | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  record(request: CapturedRequest): void {
    this.last = request;
    this.changed.fire(LAST_REQUEST_URI);
  }

  get request(): CapturedRequest | undefined {
    return this.last;
  }

  provideTextDocumentContent(): string {
    if (!this.last) return '// No request has been sent yet. Run "Prefill Loom: Continue at Cursor" first.\n';
    return redactSecrets(`${JSON.stringify({ ...this.last, body: parseBody(this.last.body) }, null, 2)}\n`);
  }

  async show(): Promise<void> {
    if (!this.last) {
      void vscode.window.showInformationMessage('Prefill Loom: no request has been sent yet in this window.');
      return;
    }
    const doc = await vscode.workspace.openTextDocument(LAST_REQUEST_URI);
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  async copyAsCurl(): Promise<void> {
    if (!this.last) {
      void vscode.window.showInformationMessage('Prefill Loom: no request has been sent yet in this window.');
      return;
    }
    await vscode.env.clipboard.writeText(redactSecrets(toCurlCommand(this.last)));
    void vscode.window.showInformationMessage(`Prefill Loom: curl command copied, for bash or zsh. ${curlKeyNote(this.last)}`);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
