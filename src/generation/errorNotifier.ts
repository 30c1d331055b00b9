import * as vscode from 'vscode';
import type { ErrorAction, ErrorDescription } from '../core/generation/generationError';
import { redactSecrets } from '../core/providers/secretRedaction';

const BUTTONS: Record<ErrorAction, { label: string; run: () => Thenable<unknown> }> = {
  setApiKey: { label: 'Set API Key', run: () => vscode.commands.executeCommand('prefillLoom.setApiKey') },
  retry: { label: 'Retry', run: () => vscode.commands.executeCommand('prefillLoom.continueAtCursor') },
  showLastRequest: { label: 'Show Last Request', run: () => vscode.commands.executeCommand('prefillLoom.showLastRequest') },
  openSettings: { label: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'prefillLoom') },
  pickEndpoint: { label: 'Pick Endpoint', run: () => vscode.commands.executeCommand('prefillLoom.pickEndpoint') },
};

/** Shows a failed generation's cause and next step, with a button for each thing the user can do. */
export async function reportGenerationError(description: ErrorDescription): Promise<void> {
  const labels = description.actions.map((a) => BUTTONS[a].label);
  const choice = await vscode.window.showErrorMessage(redactSecrets(`Prefill Loom: ${description.cause} ${description.nextStep}`), ...labels);
  const action = description.actions.find((a) => BUTTONS[a].label === choice);
  if (action) await BUTTONS[action].run();
}
