import * as vscode from 'vscode';
import { ApiKeyStore } from './apiKeyStore';
import { GenerationController } from './generationController';
import { GenerationStatusBar } from './generationStatusBar';
import { HeaderDiagnostics } from './headerDiagnostics';
import { LAST_REQUEST_SCHEME, LastRequestStore } from './lastRequest';
import { SendGuard } from './sendGuard';

/** What the extension exposes to other extensions and to its own integration tests. */
export interface PrefillLoomApi {
  generations: GenerationController;
  lastRequest: LastRequestStore;
}

export function activate(context: vscode.ExtensionContext): PrefillLoomApi {
  const log = vscode.window.createOutputChannel('Prefill Loom', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const lastRequest = new LastRequestStore();
  const statusBar = new GenerationStatusBar();
  const headers = new HeaderDiagnostics();
  const generations = new GenerationController({ keys, log, lastRequest, statusBar, headers, guard: new SendGuard() });

  context.subscriptions.push(
    log,
    lastRequest,
    statusBar,
    headers,
    generations,
    vscode.workspace.registerTextDocumentContentProvider(LAST_REQUEST_SCHEME, lastRequest),
    vscode.commands.registerCommand('prefillLoom.continueAtCursor', () => generations.continueAtCursor()),
    vscode.commands.registerCommand('prefillLoom.stopGeneration', () => generations.stop(vscode.window.activeTextEditor?.document) || generations.stop()),
    vscode.commands.registerCommand('prefillLoom.setApiKey', () => keys.promptAndStore()),
    vscode.commands.registerCommand('prefillLoom.showLastRequest', () => lastRequest.show()),
    vscode.commands.registerCommand('prefillLoom.copyLastRequestAsCurl', () => lastRequest.copyAsCurl()),
  );
  return { generations, lastRequest };
}

export function deactivate(): void {}
