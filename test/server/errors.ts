/**
 * Error statuses, types and bodies as the Messages API sends them. The default messages are the ones
 * the real API was seen to return, so a client's error display can be tested against realistic text.
 */
import type { EventPayload } from './sse';

export type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 429 | 500 | 529;

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export const ERROR_STATUSES: readonly ErrorStatus[] = [400, 401, 403, 404, 413, 429, 500, 529];

export const ERROR_TYPE_BY_STATUS: Readonly<Record<ErrorStatus, ErrorType>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export const DEFAULT_MESSAGE_BY_STATUS: Readonly<Record<ErrorStatus, string>> = {
  400: 'Invalid request',
  401: 'invalid x-api-key',
  403: 'Permission denied',
  404: 'Not Found',
  413: 'Request exceeds the maximum size',
  429: "This request would exceed your account's rate limit. Please try again later.",
  500: 'Internal server error',
  529: 'Overloaded',
};

/** A failure the server reports as an HTTP error response. */
export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    message: string = DEFAULT_MESSAGE_BY_STATUS[status],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get type(): ErrorType {
    return ERROR_TYPE_BY_STATUS[this.status];
  }
}

/** The statuses a client may retry; the real API says so explicitly in `x-should-retry`. */
export function shouldRetry(status: ErrorStatus): boolean {
  return status === 429 || status >= 500;
}

/**
 * The JSON body of an error response. A 413 comes from the CDN in front of the API before any API
 * server sees the request, so it has neither the `"type": "error"` wrapper nor a `request_id`.
 */
export function errorResponseBody(error: ApiError, requestId: string): object {
  const inner = { type: error.type, message: error.message };
  if (error.status === 413) {
    return { error: inner };
  }
  return { type: 'error', error: inner, request_id: requestId };
}

/** The payload of an SSE `error` event, as the API sends when it fails after the 200 was already sent. */
export function streamErrorPayload(type: 'overloaded_error' | 'api_error'): EventPayload {
  const status: ErrorStatus = type === 'overloaded_error' ? 529 : 500;
  return { type: 'error', error: { type, message: DEFAULT_MESSAGE_BY_STATUS[status] } };
}
