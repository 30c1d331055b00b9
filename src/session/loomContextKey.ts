import * as vscode from 'vscode';
import type { LoomSessions } from './loomSessions';

export const HAS_LOOM_CONTEXT_KEY = 'prefillLoom.hasLoom';

/**
 * Keeps `prefillLoom.hasLoom` true exactly while the active editor's document has a loom, so the
 * keys that move in the loom leave every other document's keys to VS Code and other extensions.
 */
export class LoomContextKey implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private last: boolean | undefined;

  constructor(private readonly sessions: LoomSessions) {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      sessions.onDidOpenSession(() => this.update()),
      vscode.workspace.onDidCloseTextDocument(() => this.update()),
    ];
    this.update();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private update(): void {
    const document = vscode.window.activeTextEditor?.document;
    const hasLoom = document !== undefined && this.sessions.get(document) !== undefined;
    if (hasLoom === this.last) return;
    this.last = hasLoom;
    void vscode.commands.executeCommand('setContext', HAS_LOOM_CONTEXT_KEY, hasLoom);
  }
}
