/** One HTTP request exactly as it left the SDK, with secrets already removed. */
export interface CapturedRequest {
  url: string;
  method: string;
  /** Header names in lower case; credentials replaced by {@link REDACTED}. */
  headers: Record<string, string>;
  /** The body text as sent. */
  body: string;
}

export const REDACTED = '<redacted>';

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'cookie']);

/** Lower-cases header names and redacts credentials, so a capture is safe to show, log or export. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    out[key] = SECRET_HEADERS.has(key) ? REDACTED : value;
  });
  return out;
}

/**
 * Wraps `fetch` so every attempt the SDK makes (retries included) is recorded as sent; capturing at
 * this level, rather than rebuilding the request ourselves, is what makes "show the exact request" exact.
 */
export function capturingFetch(onRequest: (request: CapturedRequest) => void, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = typeof init?.body === 'string' ? init.body : '';
    onRequest({ url: request.url, method: request.method, headers: redactHeaders(request.headers), body });
    return inner(input, init);
  };
}
