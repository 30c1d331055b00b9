/** The header checks the API makes before it looks at the body, with its messages. */
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './errors';

/** Accepts the key as `x-api-key` or, as this SDK version sends it, as `Authorization: Bearer`. */
function authenticate(headers: IncomingHttpHeaders, apiKey: string): void {
  const key = headers['x-api-key'];
  const authorization = headers.authorization;
  if (key === undefined && authorization === undefined) {
    throw new ApiError(401, 'x-api-key header is required');
  }
  if (key !== undefined) {
    if (key !== apiKey) {
      throw new ApiError(401, 'invalid x-api-key');
    }
    return;
  }
  if (authorization !== `Bearer ${apiKey}`) {
    throw new ApiError(401, 'Invalid bearer token');
  }
}

/** Any version is accepted; the API only insists that one is named. */
function requireVersion(headers: IncomingHttpHeaders): void {
  if (!headers['anthropic-version']) {
    throw new ApiError(400, 'anthropic-version: header is required');
  }
}

export function checkHeaders(headers: IncomingHttpHeaders, apiKey: string): void {
  authenticate(headers, apiKey);
  requireVersion(headers);
}
