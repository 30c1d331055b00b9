import Anthropic from '@anthropic-ai/sdk';
import { baseUrlProblem } from './endpointSafety';
import { capturingFetch, type CapturedRequest } from './capturedRequest';

export interface ClientConfig {
  apiKey: string;
  /** Where requests go, resolved by {@link anthropicEndpoint} and checked by the caller; never left to the SDK to pick. */
  baseUrl: string;
  timeoutMs: number;
  /** Retries for 408/409/429/5xx and connection errors, following the SDK's own backoff and `retry-after`. */
  maxRetries: number;
  onRequest?: (request: CapturedRequest) => void;
}

/** Where the SDK sends requests when neither a setting nor the environment says otherwise. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/**
 * The URL requests will really go to, resolved as the SDK resolves it: the configured base URL, else
 * `$ANTHROPIC_BASE_URL`, else the public API. Checking this (not the setting alone) is what makes
 * an empty setting with the variable set as safe as a filled one. `problem` says why a URL from the
 * environment cannot be used (a URL from a setting was checked with the settings).
 */
export function anthropicEndpoint(baseUrlSetting: string, env: NodeJS.ProcessEnv): { url: string; problem?: string } {
  if (baseUrlSetting) return { url: baseUrlSetting };
  const fromEnv = env.ANTHROPIC_BASE_URL?.trim();
  if (!fromEnv) return { url: ANTHROPIC_DEFAULT_BASE_URL };
  const problem = baseUrlProblem(fromEnv);
  return problem === undefined ? { url: fromEnv.replace(/\/+$/, '') } : { url: '$ANTHROPIC_BASE_URL', problem: `$ANTHROPIC_BASE_URL ${problem}.` };
}

/** Creates the SDK client the generation loop talks through. */
export function createAnthropicClient(config: ClientConfig): Anthropic {
  return new Anthropic({
    apiKey: config.apiKey,
    baseURL: config.baseUrl,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    fetch: config.onRequest ? capturingFetch(config.onRequest) : undefined,
  });
}
