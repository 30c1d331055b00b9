import { decodeToken } from './tokenizer';

/**
 * Turns generated token ids into text deltas. A byte-level BPE can split one character (an emoji, say)
 * over several tokens; like the real API, we hold such bytes back until the character is complete,
 * so every delta is a valid string and a token that completes nothing yields no delta of its own.
 * Bytes still incomplete at the end (generation cut mid-character) are dropped rather than sent as U+FFFD.
 */
export function textPieces(ids: readonly number[]): string[] {
  const decoder = new TextDecoder('utf-8');
  const pieces: string[] = [];
  for (const id of ids) {
    const text = decoder.decode(decodeToken(id), { stream: true });
    if (text !== '') {
      pieces.push(text);
    }
  }
  return pieces;
}
