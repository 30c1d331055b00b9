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

/**
 * Headers whose values are known to carry no secret, in lower case. Everything else is redacted:
 * the SDK adds whatever `ANTHROPIC_CUSTOM_HEADERS` names (gateway tokens such as
 * `cf-aig-authorization` or `x-portkey-api-key`), and no list of secret names can know them all.
 */
const HARMLESS_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'anthropic-beta',
  'anthropic-dangerous-direct-browser-access',
  'anthropic-version',
  'content-length',
  'content-type',
  'user-agent',
  'x-stainless-arch',
  'x-stainless-async',
  'x-stainless-helper',
  'x-stainless-helper-method',
  'x-stainless-lang',
  'x-stainless-os',
  'x-stainless-package-version',
  'x-stainless-retry-count',
  'x-stainless-runtime',
  'x-stainless-runtime-version',
  'x-stainless-stream-helper',
  'x-stainless-timeout',
]);

/** Whether a header's value may be shown as is (`name` in lower case). */
export function isHarmlessHeader(name: string): boolean {
  return HARMLESS_HEADERS.has(name);
}

/** Lower-cases header names and redacts every value not known to be harmless, so a capture is safe to show, log or export. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    out[key] = isHarmlessHeader(key) ? value : REDACTED;
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
