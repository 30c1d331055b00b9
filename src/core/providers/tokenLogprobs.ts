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
  let texts = '';
  const layout: number[] = [];
  const values: number[] = [];
  for (const token of tokens) {
    layout.push(token.top.length, token.text.length);
    texts += token.text;
    values.push(token.logprob);
    for (const alt of token.top) {
      layout.push(alt.text.length);
      texts += alt.text;
      values.push(alt.logprob);
    }
  }
  const width = values.every((v) => Math.fround(v) === v) ? 4 : 8;
  const bytes = new DataView(new ArrayBuffer(values.length * width));
  values.forEach((v, i) => (width === 4 ? bytes.setFloat32(i * 4, v, true) : bytes.setFloat64(i * 8, v, true)));
  return [texts, toBase64(encodeVarints(layout)), toBase64(new Uint8Array(bytes.buffer)), width];
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

function encodeVarints(numbers: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (let n of numbers) {
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 0x80);
    }
    out.push(n);
  }
  return Uint8Array.from(out);
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

// By table rather than through btoa of a binary string (or Buffer, which the webview code cannot
// type-check against): an import packs the tokens of every node, and this is several times faster.
function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + BASE64[(n >> 6) & 63] + BASE64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out += BASE64[n >> 18] + BASE64[(n >> 12) & 63] + (rest === 2 ? BASE64[(n >> 6) & 63] : '=') + '=';
  }
  return out;
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
