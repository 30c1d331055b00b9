import * as vscode from 'vscode';
import { ANTHROPIC_ENDPOINT_NAME, builtInAnthropicEndpoint, isLocalEndpoint, type EndpointSettings } from '../core/providers/endpointSettings';
import { rememberSecret } from '../core/providers/secretRedaction';

/** The built-in Anthropic endpoint keeps the id it always had, so keys stored before endpoints still work. */
const ANTHROPIC_SECRET_ID = 'prefillLoom.apiKey';

/**
 * A key is filed under its endpoint's name and URL: if an endpoint is removed and another is added
 * under the same name elsewhere, the old key is not sent to the new place.
 */
function secretId(endpoint: EndpointSettings): string {
  return endpoint.kind === 'anthropic' && endpoint.name === ANTHROPIC_ENDPOINT_NAME ? ANTHROPIC_SECRET_ID : `prefillLoom.apiKey/${endpoint.name}@${endpoint.baseUrl}`;
}

/**
 * Where API keys live: VS Code's SecretStorage, one per endpoint, then the environment
 * (`ANTHROPIC_API_KEY` for Anthropic, `OPENAI_API_KEY` for an OpenAI-style endpoint that is not on
 * this machine). A local server gets a key only if one was set for it. Never settings, logs or files.
 */
export class ApiKeyStore implements vscode.Disposable {
  /**
   * What secret storage holds per id, read once: each read is a round trip to the workbench (up to
   * a second on a loaded machine) before the first request of every command. Dropped when the
   * secret changes, here or in another window; a read in flight when it changes is not kept.
   */
  private readonly stored = new Map<string, Thenable<string | undefined>>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => this.stored.delete(e.key));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  /** The key for `endpoint` (the built-in Anthropic endpoint when none is given). */
  async get(endpoint?: EndpointSettings): Promise<string | undefined> {
    const key = await this.lookUp(endpoint ?? builtInAnthropicEndpoint(''));
    rememberSecret(key);
    return key;
  }

  private async lookUp(endpoint: EndpointSettings): Promise<string | undefined> {
    const stored = await this.read(secretId(endpoint));
    if (stored) return stored;
    if (endpoint.kind === 'anthropic') return process.env.ANTHROPIC_API_KEY || undefined;
    return isLocalEndpoint(endpoint) ? undefined : process.env.OPENAI_API_KEY || undefined;
  }

  private read(id: string): Thenable<string | undefined> {
    let value = this.stored.get(id);
    if (!value) {
      const reading = this.secrets.get(id).then(undefined, (error: unknown) => {
        // A failed read is not remembered: the next command asks storage again.
        if (this.stored.get(id) === reading) this.stored.delete(id);
        throw error;
      });
      this.stored.set(id, (value = reading));
    }
    return value;
  }

  private async write(id: string, key: string | undefined): Promise<void> {
    this.stored.delete(id);
    await (key === undefined ? this.secrets.delete(id) : this.secrets.store(id, key));
    this.stored.delete(id);
  }

  /**
   * Asks which endpoint (when there is more than one), then for its key, and stores it; an empty
   * answer removes the stored key.
   */
  async promptAndStore(endpoints: readonly EndpointSettings[] = []): Promise<boolean> {
    const endpoint = await pickEndpointForKey(endpoints);
    if (!endpoint) return false;
    const anthropic = endpoint.kind === 'anthropic';
    const key = await vscode.window.showInputBox({
      title: anthropic && endpoint.name === ANTHROPIC_ENDPOINT_NAME ? 'Prefill Loom: Anthropic API key' : `Prefill Loom: API key for ${endpoint.name}`,
      prompt: `Stored in VS Code's secret storage and sent only to this endpoint. Leave empty to remove the stored key${anthropic ? ' (ANTHROPIC_API_KEY from the environment is used then)' : isLocalEndpoint(endpoint) ? ' (a local server is then sent none)' : ' (OPENAI_API_KEY from the environment is used then)'}.`,
      password: true,
      ignoreFocusOut: true,
      placeHolder: anthropic ? 'sk-ant-…' : 'sk-…',
    });
    if (key === undefined) return false;
    const trimmed = key.trim();
    if (trimmed) {
      rememberSecret(trimmed);
      await this.write(secretId(endpoint), trimmed);
      void vscode.window.showInformationMessage(`Prefill Loom: API key saved in secret storage, for ${endpoint.name} only.`);
    } else {
      await this.write(secretId(endpoint), undefined);
      void vscode.window.showInformationMessage(`Prefill Loom: stored API key removed (${endpoint.name}).`);
    }
    return true;
  }

  /**
   * Asks for the key of an endpoint that has none before anything is sent to it (a remote
   * OpenAI-style server), and stores it; undefined when the user gives none.
   */
  async askFor(endpoint: EndpointSettings): Promise<string | undefined> {
    const key = (
      await vscode.window.showInputBox({
        title: `Prefill Loom: API key for ${endpoint.name}`,
        prompt: `${endpoint.baseUrl} is not on this machine and has no key yet. It is kept in VS Code's secret storage and sent only to this endpoint (OPENAI_API_KEY from the environment would be used too). Nothing is sent without one.`,
        password: true,
        ignoreFocusOut: true,
        placeHolder: 'sk-…',
      })
    )?.trim();
    if (!key) return undefined;
    await this.store(endpoint, key);
    return key;
  }

  /** Stores a key for an endpoint just added (Add Endpoint…). */
  async store(endpoint: EndpointSettings, key: string): Promise<void> {
    rememberSecret(key);
    await this.write(secretId(endpoint), key);
  }
}

async function pickEndpointForKey(endpoints: readonly EndpointSettings[]): Promise<EndpointSettings | undefined> {
  if (endpoints.length <= 1) return endpoints[0] ?? builtInAnthropicEndpoint('');
  const picked = await vscode.window.showQuickPick(
    endpoints.map((e) => ({ label: e.name, description: e.kind, detail: e.baseUrl || "Anthropic's API", endpoint: e })),
    { title: 'Prefill Loom: Set API Key', placeHolder: 'Which endpoint is the key for?' },
  );
  return picked?.endpoint;
}
