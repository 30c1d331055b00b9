import * as vscode from 'vscode';
import { rememberSecret } from '../core/providers/secretRedaction';

const SECRET_ID = 'prefillLoom.apiKey';

/**
 * Where the API key lives: VS Code's SecretStorage first, then `ANTHROPIC_API_KEY` from the
 * environment. Never settings, logs or files.
 */
export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<string | undefined> {
    const key = (await this.secrets.get(SECRET_ID)) || process.env.ANTHROPIC_API_KEY || undefined;
    rememberSecret(key);
    return key;
  }

  /** Asks for a key and stores it; an empty answer removes the stored key. */
  async promptAndStore(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: 'Prefill Loom: Anthropic API key',
      prompt: 'Stored in VS Code\'s secret storage. Leave empty to remove the stored key (ANTHROPIC_API_KEY from the environment is used then).',
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'sk-ant-…',
    });
    if (key === undefined) return false;
    const trimmed = key.trim();
    if (trimmed) {
      rememberSecret(trimmed);
      await this.secrets.store(SECRET_ID, trimmed);
      void vscode.window.showInformationMessage('Prefill Loom: API key saved in secret storage.');
    } else {
      await this.secrets.delete(SECRET_ID);
      void vscode.window.showInformationMessage('Prefill Loom: stored API key removed.');
    }
    return true;
  }
}
