/**
 * Core has no tokenizer, so token counts before a request (cost estimates, probe lengths) come from
 * characters: about four per token in English prose. Estimates shown to the user say so.
 */
export const CHARS_PER_TOKEN = 4;

/** The estimated token count of `chars` characters, rounded up. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}
