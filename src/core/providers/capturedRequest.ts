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
    onRequest(capture(input, init));
    return inner(input, init);
  };
}

/** Methods a Request spells in capitals whatever case it is given them in. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/**
 * What `new Request(input, init)` holds, read without building one where the SDKs' calls make
 * that plain (a URL, a text body, a usual method): a Request also sets up a body stream and follows
 * the abort signal, about a millisecond each, and a run of samples makes hundreds of requests.
 */
function capture(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): CapturedRequest {
  const body = typeof init?.body === 'string' ? init.body : '';
  const method = (init?.method ?? 'GET').toUpperCase();
  const plain = (typeof input === 'string' || input instanceof URL) && (init?.body == null || typeof init.body === 'string') && NORMALIZED_METHODS.has(method) && !(init?.body != null && (method === 'GET' || method === 'HEAD'));
  if (!plain) {
    const request = new Request(input, init);
    return { url: request.url, method: request.method, headers: redactHeaders(request.headers), body };
  }
  const headers = new Headers(init?.headers);
  // As a Request (and so fetch) does for a text body without a type.
  if (typeof init?.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
  return { url: new URL(input).href, method, headers: redactHeaders(headers), body };
}
