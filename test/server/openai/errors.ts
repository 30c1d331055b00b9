/**
 * Error responses in the shape OpenAI-style servers send, `{"error": {message, type, param, code}}`,
 * with the statuses and messages the real ones use, so a client's error handling (and the `openai`
 * package's typed errors and retries) can be tested against realistic failures.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from '../errors';
import { sendJson } from '../http';

export type OpenAiErrorStatus = 400 | 401 | 403 | 404 | 429 | 500 | 503;

export const OPENAI_ERROR_STATUSES: readonly OpenAiErrorStatus[] = [400, 401, 403, 404, 429, 500, 503];

interface ErrorFields {
  type: string;
  code: string | null;
  message: string;
}

/** OpenAI's own texts for each status (the 401 is the one for a wrong key; see `missingKey`). */
const DEFAULTS: Readonly<Record<OpenAiErrorStatus, ErrorFields>> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again in 1s.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later' },
};

export class OpenAiError extends Error {
  readonly type: string;
  readonly code: string | null;

  constructor(
    readonly status: OpenAiErrorStatus,
    message?: string,
    readonly param: string | null = null,
    overrides: Partial<Pick<ErrorFields, 'type' | 'code'>> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message ?? DEFAULTS[status].message);
    this.type = overrides.type ?? DEFAULTS[status].type;
    this.code = overrides.code === undefined ? DEFAULTS[status].code : overrides.code;
  }
}

export function invalidParam(param: string, message: string): OpenAiError {
  return new OpenAiError(400, message, param);
}

/** What OpenAI answers a request without `Authorization`. */
export function missingKey(): OpenAiError {
  return new OpenAiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    null,
    { code: null },
  );
}

/** What OpenAI answers a wrong key: it names only the key's last four characters. */
export function wrongKey(key: string): OpenAiError {
  return new OpenAiError(401, `Incorrect API key provided: ${key.slice(0, 3)}*****${key.slice(-4)}.`);
}

export function modelNotFound(model: string): OpenAiError {
  return new OpenAiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'model');
}

/** The same failure, reported by an OpenAI-style route (shared code throws the Anthropic-shaped ApiError). */
export function asOpenAiError(error: unknown): OpenAiError {
  if (error instanceof OpenAiError) return error;
  if (error instanceof ApiError) {
    const status = OPENAI_ERROR_STATUSES.includes(error.status as OpenAiErrorStatus) ? (error.status as OpenAiErrorStatus) : 500;
    return new OpenAiError(status, error.message, null, {}, error.retryAfterSeconds);
  }
  return new OpenAiError(500, `Internal server error: ${(error as Error).message}`);
}

export function errorBody(error: OpenAiError): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

/** A 429 always carries `retry-after` (the `openai` package waits that long before its retry). */
export function sendOpenAiError(res: ServerResponse, error: OpenAiError): void {
  const retryAfter = error.retryAfterSeconds ?? (error.status === 429 ? 1 : undefined);
  const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  sendJson(res, error.status, errorBody(error), headers);
}
