import * as vscode from 'vscode';
import { validateConnectionSettings, type ConnectionSettings } from '../core/providers/connectionSettings';
import { validateGenerationDefaults, type GenerationDefaults } from '../core/conversation/generationSettings';
import type { EndpointSettings } from '../core/providers/endpointSettings';
import { readEndpointConfig } from '../endpoints/endpointConfig';

export interface LoomSettings {
  defaults: GenerationDefaults;
  connection: ConnectionSettings;
  /** The built-in Anthropic endpoint (at `connection.baseUrl`) first, then `prefillLoom.endpoints`. */
  endpoints: EndpointSettings[];
  /** `prefillLoom.defaultEndpoint`: the endpoint a document uses unless its header names one. */
  defaultEndpoint: string;
  /** One sentence per setting that was malformed and replaced by its default. */
  problems: string[];
}

const GENERATION_KEYS = ['model', 'user', 'system', 'temperature', 'maxTokens', 'topP', 'topK', 'stopSequences'] as const;
const CONNECTION_KEYS = ['baseUrl', 'requestTimeoutSeconds', 'maxRetries', 'maxTotalTokens', 'concurrency', 'alternatives'] as const;

/** Reads and checks the `prefillLoom.*` settings; unset optional values (null) are left out. */
export function readLoomSettings(): LoomSettings {
  const config = vscode.workspace.getConfiguration('prefillLoom');
  const generation = validateGenerationDefaults(configuredValues(config, GENERATION_KEYS));
  const connection = validateConnectionSettings(configuredValues(config, CONNECTION_KEYS));
  const endpoints = readEndpointConfig(connection.settings.baseUrl);
  return {
    defaults: generation.defaults,
    connection: connection.settings,
    endpoints: endpoints.endpoints,
    defaultEndpoint: endpoints.defaultEndpoint,
    problems: [...generation.problems, ...connection.problems, ...endpoints.problems],
  };
}

function configuredValues<K extends string>(config: vscode.WorkspaceConfiguration, keys: readonly K[]): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const key of keys) {
    const value = config.get<unknown>(key);
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}
