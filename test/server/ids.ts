import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 text shaped like the API's ids, so code that logs or displays them sees the real form. */
function base62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) {
    out += BASE62[byte % BASE62.length];
  }
  return out;
}

/** A `request-id` header / `request_id` body value, e.g. `req_011CS...`. */
export function newRequestId(): string {
  return `req_011C${base62(20)}`;
}

/** A message id, e.g. `msg_01...`. */
export function newMessageId(): string {
  return `msg_01${base62(22)}`;
}

/** An OpenAI-style reply id, e.g. `cmpl-...` or `chatcmpl-...`. */
export function newOpenAiId(prefix: 'cmpl' | 'chatcmpl'): string {
  return `${prefix}-${base62(24)}`;
}
