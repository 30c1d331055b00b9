import * as vscode from 'vscode';
import { PREFILL_STYLES, type EndpointKind, type PrefillStyle } from '../core/providers/endpointKind';
import { ENDPOINT_PRESETS, type EndpointPreset } from '../core/providers/endpointPresets';
import { DEFAULT_TOP_LOGPROBS, isLocalEndpoint, validateEndpoints, type EndpointSettings } from '../core/providers/endpointSettings';
import { baseUrlProblem } from '../core/providers/endpointSafety';
import type { ApiKeyStore } from './apiKeyStore';
import { addEndpointSetting, readEndpointConfig, setDefaultEndpoint } from './endpointConfig';

const KIND_DESCRIPTIONS: Record<Exclude<EndpointKind, 'anthropic'>, string> = {
  completions: 'base models: the text before the cursor is sent exactly as written',
  chat: 'a chat model continues its own assistant message',
};

/** The Anthropic base URL from the settings, as the built-in endpoint uses it. */
function anthropicBaseUrl(): string {
  const value = vscode.workspace.getConfiguration('prefillLoom').get<unknown>('baseUrl');
  return typeof value === 'string' ? value.replace(/\/+$/, '') : '';
}

/** "Prefill Loom: Pick Endpoint": makes another endpoint the default (the status bar item runs it). */
export async function pickEndpoint(): Promise<EndpointSettings | undefined> {
  const config = readEndpointConfig(anthropicBaseUrl());
  const ADD = { label: '$(add) Add Endpoint…', endpoint: undefined };
  const picked = await vscode.window.showQuickPick(
    [
      ...config.endpoints.map((e) => ({
        label: e.name,
        description: `${e.kind}${e.kind === 'chat' ? ` · ${e.prefillStyle}` : ''}${e.model ? ` · ${e.model}` : ''}${e.name === config.defaultEndpoint ? ' · current' : ''}`,
        detail: e.baseUrl || "Anthropic's API",
        endpoint: e as EndpointSettings | undefined,
      })),
      ADD,
    ],
    { title: 'Prefill Loom: Pick Endpoint', placeHolder: 'Where generations are sent (a document header may name another with endpoint:)' },
  );
  if (!picked) return undefined;
  if (!picked.endpoint) {
    await vscode.commands.executeCommand('prefillLoom.addEndpoint');
    return undefined;
  }
  await setDefaultEndpoint(picked.endpoint.name);
  return picked.endpoint;
}

/**
 * "Prefill Loom: Add Endpoint…": a preset, then only what it cannot know (the kind when it serves
 * two, the address of a local server, a name, the model, a key for a remote one; for a custom
 * server also its address, prefill style and whether it gives probabilities). The endpoint is
 * written to the user's settings and made the default.
 */
export async function addEndpoint(keys: ApiKeyStore): Promise<EndpointSettings | undefined> {
  const preset = (
    await vscode.window.showQuickPick(
      ENDPOINT_PRESETS.map((p) => ({ label: p.label, description: `${p.kinds.join(', ')}${p.local ? ' · local' : ''}`, detail: p.baseUrl, preset: p })),
      { title: 'Prefill Loom: Add Endpoint (1/4)', placeHolder: 'Which server?', matchOnDetail: true },
    )
  )?.preset;
  if (!preset) return undefined;
  const kind = await pickKind(preset);
  if (!kind) return undefined;
  const baseUrl = preset.local || preset.custom ? await askBaseUrl(preset) : preset.baseUrl;
  if (!baseUrl) return undefined;
  const prefillStyle = kind !== 'chat' ? undefined : preset.custom ? await pickPrefillStyle() : preset.prefillStyle;
  if (kind === 'chat' && !prefillStyle) return undefined;
  const logprobs = preset.custom ? await askLogprobs() : preset.logprobs;
  if (logprobs === undefined) return undefined;
  const existing = readEndpointConfig(anthropicBaseUrl()).endpoints;
  const name = await askName(preset, kind, existing);
  if (!name) return undefined;
  const model = await vscode.window.showInputBox({
    title: 'Prefill Loom: Add Endpoint (3/4)',
    prompt: `The model to ask for on ${preset.label} (a document header may name another with model:)`,
    placeHolder: preset.local ? 'the model the server loaded, e.g. Qwen/Qwen2.5-7B' : 'a model id from the provider',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'A model id is needed.' : undefined),
  });
  if (model === undefined) return undefined;
  const entry: Record<string, unknown> = { name, kind, baseUrl, model: model.trim() };
  if (prefillStyle) entry.prefillStyle = prefillStyle;
  if (logprobs) Object.assign(entry, { logprobs: true, topLogprobs: DEFAULT_TOP_LOGPROBS });
  const checked = validateEndpoints([entry], '');
  const endpoint = checked.endpoints[1];
  if (!endpoint) {
    void vscode.window.showErrorMessage(`Prefill Loom: ${checked.problems[0]}`);
    return undefined;
  }
  if (!isLocalEndpoint(endpoint) && !(await askKey(keys, endpoint))) return undefined;
  await addEndpointSetting(entry);
  await setDefaultEndpoint(name);
  void vscode.window.showInformationMessage(`Prefill Loom: endpoint ${name} added and picked (${kind}, ${baseUrl}). Continue at Cursor now sends there.`);
  return endpoint;
}

async function pickKind(preset: EndpointPreset): Promise<Exclude<EndpointKind, 'anthropic'> | undefined> {
  if (preset.kinds.length === 1) return preset.kinds[0];
  const picked = await vscode.window.showQuickPick(
    preset.kinds.map((k) => ({ label: k, description: KIND_DESCRIPTIONS[k], route: k })),
    { title: `Prefill Loom: Add Endpoint — ${preset.label}`, placeHolder: 'Which route?' },
  );
  return picked?.route;
}

async function askBaseUrl(preset: EndpointPreset): Promise<string | undefined> {
  const url = await vscode.window.showInputBox({
    title: 'Prefill Loom: Add Endpoint (2/4)',
    prompt: preset.custom
      ? 'The OpenAI-style base URL of the server, the one its /completions and /chat/completions routes hang off (usually ending in /v1)'
      : `Where ${preset.label} listens: the base URL ending in /v1 (the usual port is filled in)`,
    value: preset.baseUrl,
    placeHolder: 'http://127.0.0.1:8000/v1',
    ignoreFocusOut: true,
    validateInput: (v) => { const problem = baseUrlProblem(v.trim()); return problem && `The base URL ${problem}, e.g. http://127.0.0.1:8000/v1.`; },
  });
  return url?.trim().replace(/\/+$/, '');
}

const STYLE_DESCRIPTIONS: Record<PrefillStyle, string> = {
  continue_final_message: '"continue_final_message": true in the body (vLLM, SGLang)',
  prefix: '"prefix": true on the last message (DeepSeek beta, Mistral)',
  partial: '"partial": true on the last message (Qwen/DashScope, Moonshot)',
  plain: 'nothing extra: the server continues a final assistant message by itself (llama.cpp, Ollama, OpenRouter, Groq)',
};

/** How the custom server's chat route is told to continue the assistant message. */
async function pickPrefillStyle(): Promise<PrefillStyle | undefined> {
  const picked = await vscode.window.showQuickPick(
    PREFILL_STYLES.map((style) => ({ label: style, description: STYLE_DESCRIPTIONS[style], style })),
    { title: 'Prefill Loom: Add Endpoint — prefill style', placeHolder: 'How does this server continue the final assistant message? (its documentation says; plain if unsure)' },
  );
  return picked?.style;
}

async function askLogprobs(): Promise<boolean | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'No', description: 'do not ask for token probabilities', logprobs: false },
      { label: 'Yes', description: `ask for them (${DEFAULT_TOP_LOGPROBS} alternatives per token) and keep them in the loom; the server must support logprobs`, logprobs: true },
    ],
    { title: 'Prefill Loom: Add Endpoint — token probabilities', placeHolder: 'Ask this server for token probabilities?' },
  );
  return picked?.logprobs;
}

async function askName(preset: EndpointPreset, kind: EndpointKind, existing: readonly EndpointSettings[]): Promise<string | undefined> {
  const taken = (v: string) => existing.some((e) => e.name.toLowerCase() === v.trim().toLowerCase());
  const suggested = preset.kinds.length > 1 && kind === 'chat' ? `${preset.suggestedName}-chat` : preset.suggestedName;
  const name = await vscode.window.showInputBox({
    title: 'Prefill Loom: Add Endpoint (2/4)',
    prompt: 'A name for it (a document header picks it with endpoint: NAME)',
    value: taken(suggested) ? `${suggested}-2` : suggested,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'A name is needed.' : taken(v) ? 'An endpoint has this name already.' : undefined),
  });
  return name?.trim();
}

/** A key for a remote endpoint, kept in secret storage; empty is allowed (OPENAI_API_KEY from the environment then). */
async function askKey(keys: ApiKeyStore, endpoint: EndpointSettings): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'Prefill Loom: Add Endpoint (4/4)',
    prompt: `API key for ${endpoint.name}: kept in VS Code's secret storage and sent only to ${endpoint.baseUrl}. Leave empty to use OPENAI_API_KEY from the environment.`,
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return false;
  if (key.trim()) await keys.store(endpoint, key.trim());
  return true;
}
