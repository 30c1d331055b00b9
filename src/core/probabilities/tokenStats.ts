import { unpackTokens, type PackedTokens, type TokenLogprob } from '../providers/tokenLogprobs';
import { partialCharacterBytes } from './tokenText';

/** Where one generated token lies in a node's text (UTF-16 offsets, end exclusive). */
export interface TokenSpan {
  readonly start: number;
  readonly end: number;
  readonly token: TokenLogprob;
}

/**
 * Places a generation's tokens in a node's text. The node holds the generated text, or its end once a
 * hand edit split its head off; its line breaks are the document's, whatever the model sent. A token
 * holding only part of a character (named `bytes:\xe6\x88`, as vLLM and OpenAI name them) gets an
 * empty span before the character, which goes to the token that completes it. Tokens wholly before
 * the node's text are left out, one straddling its start keeps the part inside. Undefined when the
 * node's text is not what the tokens produced (the record and the text disagree: show nothing rather
 * than marks in the wrong places).
 */
export function tokenSpans(tokens: readonly TokenLogprob[], nodeText: string): TokenSpan[] | undefined {
  const decoded = decodeTokens(tokens);
  for (const lineEnding of [undefined, '\r\n', '\n'] as const) {
    const { text, ends } = lineEnding === undefined ? decoded : withLineEnding(decoded, lineEnding);
    if (!text.endsWith(nodeText)) continue;
    const cut = text.length - nodeText.length;
    const spans: TokenSpan[] = [];
    tokens.forEach((token, i) => {
      const start = i === 0 ? 0 : ends[i - 1];
      if (ends[i] > cut || (start === ends[i] && start >= cut)) spans.push({ start: Math.max(start, cut) - cut, end: ends[i] - cut, token });
    });
    return spans;
  }
  return undefined;
}

/** The offsets inside a node's text (0 < k < length) where one of its tokens ends and the next begins. */
export function tokenBoundaries(tokens: readonly TokenLogprob[], nodeText: string): number[] | undefined {
  const spans = tokenSpans(tokens, nodeText);
  if (!spans) return undefined;
  const ends = new Set(spans.map((s) => s.end).filter((k) => k > 0 && k < nodeText.length));
  return [...ends].sort((a, b) => a - b);
}

/** What a row of the loom view says of a node's tokens. */
export interface TokenStats {
  readonly count: number;
  /** The least likely token (the first of equals), with its offset in the node's text. */
  readonly lowest: { readonly text: string; readonly logprob: number; readonly start: number };
  readonly meanLogprob: number;
}

export function tokenStats(spans: readonly TokenSpan[]): TokenStats | undefined {
  if (spans.length === 0) return undefined;
  let lowest = spans[0];
  let sum = 0;
  for (const span of spans) {
    if (span.token.logprob < lowest.token.logprob) lowest = span;
    sum += span.token.logprob;
  }
  return { count: spans.length, lowest: { text: lowest.token.text, logprob: lowest.token.logprob, start: lowest.start }, meanLogprob: sum / spans.length };
}

/**
 * A node's token spans, from its generation record. Decoded once per record and text: a snapshot of
 * the view summarizes every node, and most never change after their generation finished.
 */
export function nodeSpans(generation: { readonly tokens?: PackedTokens } | undefined, nodeText: string): TokenSpan[] | undefined {
  const packed = generation?.tokens;
  if (!packed) return undefined;
  const cached = spanCache.get(packed);
  if (cached?.text === nodeText) return cached.spans;
  const tokens = unpackTokens(packed);
  const spans = tokens && tokenSpans(tokens, nodeText);
  spanCache.set(packed, { text: nodeText, spans });
  return spans;
}

export function nodeTokenStats(generation: { readonly tokens?: PackedTokens } | undefined, nodeText: string): TokenStats | undefined {
  const spans = nodeSpans(generation, nodeText);
  return spans && tokenStats(spans);
}

const spanCache = new WeakMap<PackedTokens, { text: string; spans: TokenSpan[] | undefined }>();

const encoder = new TextEncoder();

/** The bytes a token stands for: its `bytes:\x..` name read back, or its text in UTF-8. */
function tokenBytes(text: string): Uint8Array {
  return partialCharacterBytes(text) ?? encoder.encode(text);
}

/** The text the tokens produce, and where each token's text ends in it. */
function decodeTokens(tokens: readonly TokenLogprob[]): { text: string; ends: number[] } {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  const ends = tokens.map((token) => {
    text += decoder.decode(tokenBytes(token.text), { stream: true });
    return text.length;
  });
  text += decoder.decode();
  return { text, ends };
}

/** The same text with every line break (\r\n, \r, \n) written as `lineEnding`, ends moved along. */
function withLineEnding(decoded: { text: string; ends: number[] }, lineEnding: '\n' | '\r\n'): { text: string; ends: number[] } {
  const moved: number[] = new Array<number>(decoded.text.length + 1);
  let text = '';
  const source = decoded.text;
  for (let i = 0; i < source.length; ) {
    moved[i] = text.length;
    const breakLength = source.startsWith('\r\n', i) ? 2 : source[i] === '\r' || source[i] === '\n' ? 1 : 0;
    if (breakLength === 0) {
      text += source[i++];
      continue;
    }
    if (breakLength === 2) moved[i + 1] = text.length;
    text += lineEnding;
    i += breakLength;
  }
  moved[source.length] = text.length;
  return { text, ends: decoded.ends.map((end) => moved[end]) };
}
