/**
 * A token as a person can read it in a list: spaces, line breaks and tabs drawn as glyphs (` the`
 * and `the` must look different), invisible and control characters named, an empty token said so.
 */
export function visibleToken(text: string): string {
  if (text === '') return '(empty)';
  return text.replace(/\r\n|[\n\r\u2028\u2029]| |\t|[\p{Cc}\p{Cf}]/gu, (c) => GLYPHS[c] ?? `‹U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}›`);
}

const GLYPHS: Readonly<Record<string, string>> = { ' ': '·', '\t': '→', '\n': '⏎', '\r\n': '⏎', '\r': '⏎', '\u2028': '⏎', '\u2029': '⏎', '\u200d': '\u200d', '\u200c': '\u200c' };

/** A bar of `width` cells, as many filled as the probability's share (at least one for any probability above 0). */
export function probabilityBar(probability: number, width = 20): string {
  const filled = probability <= 0 ? 0 : Math.max(1, Math.round(Math.min(1, probability) * width));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** 31.2%, or <0.1% for what would round to nothing. */
export function percent(probability: number): string {
  if (probability > 0 && probability < 0.0005) return '<0.1%';
  return `${(probability * 100).toFixed(1)}%`;
}

const BYTES_NAME = /^bytes:((?:\\x[0-9a-fA-F]{2})+)$/;

/**
 * The bytes of a token that holds part of a character, which servers name `bytes:\xe6\x88` (vLLM,
 * OpenAI) since it has no text of its own; undefined for a token with text.
 */
export function partialCharacterBytes(text: string): Uint8Array | undefined {
  const named = BYTES_NAME.exec(text);
  return named ? Uint8Array.from(named[1].slice(2).split('\\x'), (hex) => parseInt(hex, 16)) : undefined;
}

/** Such a token cannot be inserted alone. */
export function isPartialCharacter(text: string): boolean {
  return BYTES_NAME.test(text);
}
