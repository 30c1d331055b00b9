import type { PackedTokens, TokenLogprob } from '../providers/tokenLogprobs';
import { nodeSpans, tokenSpans, type TokenSpan } from './tokenPlacement';

/** The offsets inside a node's text (0 < k < length) where one of its tokens ends and the next begins. */
export function tokenBoundaries(tokens: readonly TokenLogprob[], nodeText: string): number[] | undefined {
  const spans = tokenSpans(tokens, nodeText);
  if (!spans) return undefined;
  // The spans are in order, so their ends are too.
  const ends = new Set(spans.map((s) => s.end).filter((k) => k > 0 && k < nodeText.length));
  return [...ends];
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

export function nodeTokenStats(generation: { readonly tokens?: PackedTokens } | undefined, nodeText: string): TokenStats | undefined {
  const spans = nodeSpans(generation, nodeText);
  return spans && tokenStats(spans);
}
