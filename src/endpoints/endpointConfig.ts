import * as vscode from 'vscode';
import { ANTHROPIC_ENDPOINT_NAME, validateEndpoints, type EndpointSettings } from '../core/providers/endpointSettings';

/** The endpoints as the user's settings define them, checked. */
export interface EndpointConfig {
  /** The built-in Anthropic endpoint (at `prefillLoom.baseUrl`) first, then `prefillLoom.endpoints`. */
  endpoints: EndpointSettings[];
  /** `prefillLoom.defaultEndpoint`: the endpoint a document uses unless its header names one. */
  defaultEndpoint: string;
  problems: string[];
}

/** Reads `prefillLoom.endpoints` and `prefillLoom.defaultEndpoint` (both user settings only). */
export function readEndpointConfig(anthropicBaseUrl: string): EndpointConfig {
  const config = vscode.workspace.getConfiguration('prefillLoom');
  const { endpoints, problems } = validateEndpoints(config.get<unknown>('endpoints'), anthropicBaseUrl);
  const defaultEndpoint = config.get<unknown>('defaultEndpoint');
  return { endpoints, defaultEndpoint: typeof defaultEndpoint === 'string' && defaultEndpoint !== '' ? defaultEndpoint : ANTHROPIC_ENDPOINT_NAME, problems };
}

/** Makes `name` the default endpoint, in the user's settings. */
export async function setDefaultEndpoint(name: string): Promise<void> {
  await vscode.workspace.getConfiguration('prefillLoom').update('defaultEndpoint', name, vscode.ConfigurationTarget.Global);
}

/** Adds an endpoint to the user's `prefillLoom.endpoints`, as the settings file stores it. */
export async function addEndpointSetting(entry: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('prefillLoom');
  const current = config.inspect<unknown[]>('endpoints')?.globalValue ?? [];
  await config.update('endpoints', [...current, entry], vscode.ConfigurationTarget.Global);
}
