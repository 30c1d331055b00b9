import * as vscode from 'vscode';
import { parseDocumentHeader } from '../core/conversation/documentHeader';
import { resolveEndpoint } from '../core/providers/endpointSettings';
import { readEndpointConfig } from './endpointConfig';

/**
 * Shows where Continue at Cursor sends the active document: its endpoint (the header's `endpoint:`
 * or the default) and model. A click picks another endpoint.
 */
export class EndpointStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('prefillLoom.endpoint', vscode.StatusBarAlignment.Right, 101);
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.item.name = 'Prefill Loom endpoint';
    this.item.command = 'prefillLoom.pickEndpoint';
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document === documentInView() && this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('prefillLoom') && this.update()),
    ];
    this.update();
  }

  /** The text shown, for tests: `<endpoint> · <model>`. */
  get text(): string {
    return this.item.text;
  }

  update(): void {
    const config = vscode.workspace.getConfiguration('prefillLoom');
    const baseUrl = config.get<unknown>('baseUrl');
    const { endpoints, defaultEndpoint } = readEndpointConfig(typeof baseUrl === 'string' ? baseUrl.replace(/\/+$/, '') : '');
    const document = documentInView();
    const header = document ? parseDocumentHeader(document.getText()).fields : {};
    const endpoint = resolveEndpoint(endpoints, defaultEndpoint, header.endpoint);
    const configuredModel = config.get<unknown>('model');
    if ('problem' in endpoint) {
      this.item.text = `$(warning) ${header.endpoint ?? defaultEndpoint}: not defined`;
      this.item.tooltip = endpoint.problem;
    } else {
      const model = header.model ?? endpoint.model ?? (typeof configuredModel === 'string' && configuredModel ? configuredModel : 'claude-haiku-4-5');
      this.item.text = `$(server) ${endpoint.name} · ${model}`;
      this.item.tooltip = `Prefill Loom sends to ${endpoint.name} (${endpoint.kind}, ${endpoint.baseUrl || "Anthropic's API"})${header.endpoint ? ', named in the document header' : ''}. Click to pick another endpoint.`;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/**
 * The document the person works on: the active editor's, or, while a panel beside it has the focus
 * (a distribution, a comparison), the one text editor in view; with no document, the default endpoint shows.
 */
function documentInView(): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor;
  if (active) return active.document;
  const visible = vscode.window.visibleTextEditors;
  return visible.length === 1 ? visible[0].document : undefined;
}
