import * as vscode from 'vscode';
import { isSafeEndpoint } from '../core/providers/endpointSafety';

/**
 * Asks before text or a key leaves the machine in a risky way: to a plain-http endpoint that is not
 * this machine, or from a workspace the user has not trusted. A yes holds for the window's session.
 */
export class SendGuard {
  private readonly allowedEndpoints = new Set<string>();
  private untrustedAllowed = false;

  async maySend(baseUrl: string): Promise<boolean> {
    return (await this.endpointAllowed(baseUrl)) && (await this.workspaceAllowed(baseUrl));
  }

  private async endpointAllowed(baseUrl: string): Promise<boolean> {
    if (isSafeEndpoint(baseUrl) || this.allowedEndpoints.has(baseUrl)) return true;
    const choice = await vscode.window.showWarningMessage(
      `Prefill Loom: ${baseUrl} is plain http, so your API key and text would travel unencrypted.`,
      { modal: true, detail: 'Use an https URL in prefillLoom.baseUrl, or send anyway for this session.' },
      'Send Anyway',
    );
    if (choice !== 'Send Anyway') return false;
    this.allowedEndpoints.add(baseUrl);
    return true;
  }

  private async workspaceAllowed(baseUrl: string): Promise<boolean> {
    if (vscode.workspace.isTrusted || this.untrustedAllowed) return true;
    const choice = await vscode.window.showWarningMessage(
      'Prefill Loom: this workspace is not trusted. Send this document\'s text to the model?',
      { modal: true, detail: `The text before the cursor would be sent to ${baseUrl || 'the Anthropic API'}.` },
      'Send',
    );
    this.untrustedAllowed = choice === 'Send';
    return this.untrustedAllowed;
  }
}
