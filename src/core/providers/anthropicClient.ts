import Anthropic from '@anthropic-ai/sdk';
import { capturingFetch, type CapturedRequest } from './capturedRequest';

export interface ClientConfig {
  apiKey: string;
  /** Empty or undefined means the SDK's default endpoint. */
  baseUrl?: string;
  timeoutMs: number;
  /** Retries for 408/409/429/5xx and connection errors, following the SDK's own backoff and `retry-after`. */
  maxRetries: number;
  onRequest?: (request: CapturedRequest) => void;
}

/** Creates the SDK client the generation loop talks through. */
export function createAnthropicClient(config: ClientConfig): Anthropic {
  return new Anthropic({
    apiKey: config.apiKey,
    baseURL: config.baseUrl || undefined,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    fetch: config.onRequest ? capturingFetch(config.onRequest) : undefined,
  });
}
