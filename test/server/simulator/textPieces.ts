import { decodeToken } from './tokenizer';

/**
 * The text each generated id completes, one entry per id. A byte-level BPE can split one character
 * (an emoji, say) over several tokens; like the real APIs, the bytes are held back until the character
 * is complete, so every entry is a valid string and a token that completes nothing gets ''.
 * Bytes still incomplete at the end (generation cut mid-character) are dropped rather than sent as U+FFFD.
 */
export function tokenTexts(ids: readonly number[]): string[] {
  const decoder = new TextDecoder('utf-8');
  return ids.map((id) => decoder.decode(decodeToken(id), { stream: true }));
}

/** Turns generated token ids into text deltas: tokenTexts without the empty entries. */
export function textPieces(ids: readonly number[]): string[] {
  return tokenTexts(ids).filter((text) => text !== '');
}
