import * as vscode from 'vscode';
import { anthropicEndpoint } from '../core/providers/anthropicClient';
import type { EndpointKind } from '../core/providers/endpointKind';
import { endpointRisk } from '../core/providers/endpointSafety';

/**
 * Asks before text or a key leaves the machine in a risky way: to an endpoint {@link endpointRisk}
 * objects to (plain http to another machine, a link-local or metadata address), or from a workspace
 * the user has not trusted. It checks the URL requests really go to, `$ANTHROPIC_BASE_URL` included
 * when the setting is empty. A yes holds for the window's session.
 */
export class SendGuard {
  private readonly allowedEndpoints = new Set<string>();
  private untrustedAllowed = false;

  /**
   * The URL to send to when the user may send there (asking if need be), else undefined. An
   * OpenAI-style endpoint's base URL is used as it is; `$ANTHROPIC_BASE_URL` applies to Anthropic only.
   */
  async maySend(baseUrlSetting: string, kind: EndpointKind = 'anthropic'): Promise<string | undefined> {
    const endpoint = kind === 'anthropic' ? anthropicEndpoint(baseUrlSetting, process.env) : { url: baseUrlSetting, problem: undefined };
    if (endpoint.problem) {
      void vscode.window.showErrorMessage(`Prefill Loom: ${endpoint.problem} Nothing was sent.`);
      return undefined;
    }
    return (await this.endpointAllowed(endpoint.url, kind)) && (await this.workspaceAllowed(endpoint.url)) ? endpoint.url : undefined;
  }

  private async endpointAllowed(url: string, kind: EndpointKind): Promise<boolean> {
    const risk = endpointRisk(url);
    if (risk === undefined || this.allowedEndpoints.has(url)) return true;
    const choice = await vscode.window.showWarningMessage(
      `Prefill Loom: ${risk}`,
      { modal: true, detail: `Use an https URL in ${kind === 'anthropic' ? 'prefillLoom.baseUrl' : "the endpoint's entry in prefillLoom.endpoints"}, or send anyway for this session.` },
      'Send Anyway',
    );
    if (choice !== 'Send Anyway') return false;
    this.allowedEndpoints.add(url);
    return true;
  }

  private async workspaceAllowed(url: string): Promise<boolean> {
    if (vscode.workspace.isTrusted || this.untrustedAllowed) return true;
    const choice = await vscode.window.showWarningMessage(
      'Prefill Loom: this workspace is not trusted. Send this document\'s text to the model?',
      { modal: true, detail: `The text before the cursor would be sent to ${url}.` },
      'Send',
    );
    this.untrustedAllowed = choice === 'Send';
    return this.untrustedAllowed;
  }
}
