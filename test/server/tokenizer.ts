/**
 * A stand-in for the model's BPE tokenizer: words carry their leading space (" word"), punctuation is
 * a piece of its own, and a run of newlines is one piece. Joining the pieces gives back the text
 * exactly, which is what lets tests predict streamed text and cut points.
 */
const PIECE = /(?:\r?\n)+|[ \t]?[\p{L}\p{N}\p{M}]+|[ \t]?[^\s\p{L}\p{N}\p{M}]|[ \t]+|[\s\S]/gu;

export function storyTokens(text: string): string[] {
  return text.match(PIECE) ?? [];
}
