import OpenAI from 'openai';
import type { ClientConfig } from './anthropicClient';
import { capturingFetch } from './capturedRequest';
import type { PrefillStyle } from './endpointKind';

/** How an OpenAI-style endpoint is asked: which route, how the prefill is marked, how many alternatives per token. */
export interface OpenAIStyleOptions {
  kind: 'completions' | 'chat';
  /** Chat only; ignored by completions. */
  prefillStyle: PrefillStyle;
  /** Alternatives per token to ask for; undefined asks for no probabilities (0: the chosen token's only). */
  logprobs?: number;
}

/** An `openai` package client bound to one endpoint and the way that endpoint is asked. */
export class OpenAIStyleClient {
  constructor(
    readonly openai: OpenAI,
    readonly options: Readonly<OpenAIStyleOptions>,
  ) {}

  get kind(): 'completions' | 'chat' {
    return this.options.kind;
  }
}

export interface OpenAIClientConfig extends Omit<ClientConfig, 'apiKey' | 'baseUrl'> {
  /** Undefined or '': no `Authorization` header at all (local servers need none). */
  apiKey?: string;
  /** The base that ends in `/v1`, as the servers document it. */
  baseUrl: string;
}

/**
 * Creates the client for an OpenAI-style endpoint. Everything the package would otherwise read from
 * the environment (key, organization, project, base URL) is set explicitly, so a key meant for one
 * endpoint never reaches another, and without a key the `Authorization` header is left out
 * (the package's documented way to omit it is a null default header).
 */
export function createOpenAIStyleClient(config: OpenAIClientConfig, options: OpenAIStyleOptions): OpenAIStyleClient {
  const openai = new OpenAI({
    apiKey: config.apiKey || 'no-key',
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL: config.baseUrl,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    defaultHeaders: config.apiKey ? undefined : { Authorization: null },
    fetch: config.onRequest ? capturingFetch(config.onRequest) : undefined,
  });
  return new OpenAIStyleClient(openai, options);
}
