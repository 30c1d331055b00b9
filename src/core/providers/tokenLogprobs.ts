/** One alternative the model weighed for a token position. */
export interface TokenAlternative {
  readonly text: string;
  readonly logprob: number;
}

/**
 * One generated token with its log-probability and the top alternatives, as the server gave them
 * (the chosen token included where the server lists it). The texts of a generation's tokens, joined,
 * are the text it produced. This is the shape later features (probability display, distributions)
 * read from a node.
 */
export interface TokenLogprob {
  readonly text: string;
  readonly logprob: number;
  readonly top: readonly TokenAlternative[];
}

/**
 * The compact, exact form of a generation's tokens, as a node holds it in memory and in tree files:
 * `[texts, layout, logprobs, width]`. `texts` is every text (each token's, then its alternatives')
 * concatenated; `layout` is base64 of unsigned LEB128 varints, per token the number of alternatives
 * and then the UTF-16 length of each text; `logprobs` is base64 of little-endian floats in the same
 * order, 4 bytes wide when every value is exactly a float32 (what GPU servers compute), else 8.
 * A few long strings instead of an object per token keep a tree with probabilities small and fast
 * to load (JSON.parse copies strings, it does not build objects); decoding waits until asked.
 */
export type PackedTokens = readonly [texts: string, layout: string, logprobs: string, width: 4 | 8];

export function packTokens(tokens: readonly TokenLogprob[]): PackedTokens {
  // One pass to size the packing and choose its width, one to write it into buffers kept between
  // calls: allocating typed arrays was most of a packing's time, and a first view of an imported
  // tree packs every node's tokens (220,000 of them in a 100,000-node file).
  let count = 0;
  let narrow = true;
  for (const token of tokens) {
    count += 1 + token.top.length;
    narrow &&= Math.fround(token.logprob) === token.logprob;
    for (const alt of token.top) narrow &&= Math.fround(alt.logprob) === alt.logprob;
  }
  const width = narrow ? 4 : 8;
  const layout = (buffers.layout = roomFor(buffers.layout, (tokens.length + count) * MAX_VARINT_BYTES));
  if (buffers.valueBytes.length < count * width) Object.assign(buffers, valueBuffers(2 * count * width));
  const values = buffers.values;
  let length = 0;
  const put = (n: number): void => {
    for (; n >= 0x80; n = Math.floor(n / 0x80)) layout[length++] = (n & 0x7f) | 0x80;
    layout[length++] = n;
  };
  let at = 0;
  const value = (x: number): void => {
    if (narrow) values.setFloat32(at, x, true);
    else values.setFloat64(at, x, true);
    at += width;
  };
  let texts = '';
  for (const token of tokens) {
    put(token.top.length);
    put(token.text.length);
    texts += token.text;
    value(token.logprob);
    for (const alt of token.top) {
      put(alt.text.length);
      texts += alt.text;
      value(alt.logprob);
    }
  }
  return [texts, toBase64(layout, length), toBase64(buffers.valueBytes, at), width];
}

/** A UTF-16 length (below 2^32) takes at most 5 bytes of 7 bits. */
const MAX_VARINT_BYTES = 5;

/** What packing writes into, grown when too small (JavaScript runs one packing at a time). */
const buffers = { layout: new Uint8Array(1024), base64: new Uint8Array(2048), ...valueBuffers(1024) };

/** The log-probabilities' bytes, written through the view. */
function valueBuffers(size: number): { valueBytes: Uint8Array<ArrayBuffer>; values: DataView } {
  const valueBytes = new Uint8Array(size);
  return { valueBytes, values: new DataView(valueBytes.buffer) };
}

function roomFor(buffer: Uint8Array<ArrayBuffer>, size: number): Uint8Array<ArrayBuffer> {
  return buffer.length >= size ? buffer : new Uint8Array(2 * size);
}

/** Decodes packed tokens; undefined when the value is not a consistent packing. */
export function unpackTokens(value: unknown): TokenLogprob[] | undefined {
  if (!isPackedShape(value)) return undefined;
  const [texts, layoutText, logprobsText, width] = value;
  let layout: number[] | undefined;
  let raw: Uint8Array;
  try {
    layout = decodeVarints(fromBase64(layoutText));
    raw = fromBase64(logprobsText);
  } catch {
    return undefined; // not base64
  }
  if (layout === undefined || raw.length % width !== 0) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = raw.length / width;
  const logprobAt = (i: number) => (width === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true));
  const tokens: TokenLogprob[] = [];
  let at = 0;
  let textAt = 0;
  let valueAt = 0;
  const nextText = (): string | undefined => {
    const length = layout[at++];
    if (length === undefined || textAt + length > texts.length) return undefined;
    textAt += length;
    return texts.slice(textAt - length, textAt);
  };
  while (at < layout.length) {
    const alternatives = layout[at++];
    const text = nextText();
    if (text === undefined || valueAt + 1 + alternatives > count) return undefined;
    const logprob = logprobAt(valueAt++);
    const top: TokenAlternative[] = [];
    for (let k = 0; k < alternatives; k++) {
      const alt = nextText();
      if (alt === undefined) return undefined;
      top.push({ text: alt, logprob: logprobAt(valueAt++) });
    }
    tokens.push({ text, logprob, top });
  }
  return textAt === texts.length && valueAt === count ? tokens : undefined;
}

/** A cheap check of the packing's shape, for loading a tree without decoding every node's tokens. */
export function isPackedShape(value: unknown): value is PackedTokens {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'string' &&
    (value[3] === 4 || value[3] === 8)
  );
}

/** A node's token probabilities, when its generation recorded them. */
export function nodeTokens(generation: { readonly tokens?: PackedTokens } | undefined): TokenLogprob[] | undefined {
  return generation?.tokens && unpackTokens(generation.tokens);
}

function decodeVarints(bytes: Uint8Array): number[] | undefined {
  const out: number[] = [];
  let n = 0;
  let scale = 1;
  for (const b of bytes) {
    n += (b & 0x7f) * scale;
    if (b & 0x80) {
      scale *= 0x80;
      if (scale > 2 ** 35) return undefined;
    } else {
      out.push(n);
      n = 0;
      scale = 1;
    }
  }
  return scale === 1 ? out : undefined;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// By table into bytes decoded once, rather than through btoa of a binary string (or Buffer, which the
// webview code cannot type-check against) or a string grown four characters at a time.
function toBase64(bytes: Uint8Array, length: number): string {
  const out = (buffers.base64 = roomFor(buffers.base64, Math.ceil(length / 3) * 4));
  let o = 0;
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = BASE64_CODES[n >> 18];
    out[o++] = BASE64_CODES[(n >> 12) & 63];
    out[o++] = BASE64_CODES[(n >> 6) & 63];
    out[o++] = BASE64_CODES[n & 63];
  }
  const rest = length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out[o++] = BASE64_CODES[n >> 18];
    out[o++] = BASE64_CODES[(n >> 12) & 63];
    out[o++] = rest === 2 ? BASE64_CODES[(n >> 6) & 63] : EQUALS;
    out[o++] = EQUALS;
  }
  return ascii.decode(out.subarray(0, o));
}

const BASE64_CODES = Uint8Array.from(BASE64, (c) => c.charCodeAt(0));
const EQUALS = '='.charCodeAt(0);
/** Base64 is ASCII, which UTF-8 decodes character for character. */
const ascii = new TextDecoder('utf-8');

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
