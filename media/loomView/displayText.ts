import { PREVIEW_CHARS } from '../../src/webviews/webviewProtocol';

/**
 * Turns a node's text into a one-line preview that cannot do anything but show text: line breaks and
 * tabs become visible glyphs, and control, bidi and other invisible format characters become tags
 * such as `‹RLO›` or `‹U+E0041›`, so ANSI escapes stay readable and nothing can reorder or hide the
 * row. The result is only ever put into the DOM as text nodes.
 */

/** One piece of a preview: ordinary text, a whitespace glyph, or a stand-in for an invisible character. */
export interface TextPiece {
  readonly kind: 'text' | 'space' | 'control';
  readonly text: string;
  /** Where the piece starts in the text it was made from (token shades are placed by it). */
  readonly at: number;
}


// Line breaks of every kind, tabs, and the characters that draw nothing or change how text is laid
// out: C0/C1 controls (ESC of ANSI sequences, NUL, …) and format characters (bidi embeddings and
// overrides such as U+202E, isolates, LRM/RLM, zero-width space, BOM, tag characters). ZWJ and ZWNJ
// stay: emoji sequences and Persian need them, and they cannot reorder anything.
// Spaces count only at an edge or a line break, where a leading space is what tells " the" from
// "the" in a continuation; elsewhere they keep their width (white-space: pre).
const SPECIAL = /\r\n|[\n\r\u0085\u2028\u2029]|\t|(?![\u200c\u200d])[\p{Cc}\p{Cf}]|(?<=^|[\n\r\u0085\u2028\u2029]) +| +(?=$|[\n\r\u0085\u2028\u2029])/gu;

const NEWLINE = '⏎';
const TAB = '→';
const SPACE = '·';

/**
 * Splits `text` (cut to {@link PREVIEW_CHARS}) into pieces to render as text nodes. `more` says the
 * text goes on beyond what was given (the source sent a truncated preview): it ends with `…` then.
 */
export function previewPieces(text: string, more = false): TextPiece[] {
  return textPieces(cut(text, PREVIEW_CHARS, more));
}

/** Splits the whole of `shown` into pieces, as {@link previewPieces} does for a preview. */
export function textPieces(shown: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const match of shown.matchAll(SPECIAL)) {
    const at = match.index ?? 0;
    if (at > last) {
      pieces.push({ kind: 'text', text: shown.slice(last, at), at: last });
    }
    pieces.push({ ...standIn(match[0]), at });
    last = at + match[0].length;
  }
  if (last < shown.length) {
    pieces.push({ kind: 'text', text: shown.slice(last), at: last });
  }
  return pieces;
}

/** The preview as one string (for tooltips and accessible names), with the same stand-ins. */
export function previewString(text: string, more = false): string {
  return previewPieces(text, more)
    .map((p) => p.text)
    .join('');
}

function standIn(match: string): Omit<TextPiece, 'at'> {
  if (match === '\t') {
    return { kind: 'space', text: TAB };
  }
  if (match.startsWith(' ')) {
    return { kind: 'space', text: SPACE.repeat(match.length) };
  }
  if (isBreak(match[0])) {
    return { kind: 'space', text: NEWLINE };
  }
  return { kind: 'control', text: controlName(match) };
}

function isBreak(ch: string | undefined): boolean {
  return ch === '\n' || ch === '\r' || ch === '\u0085' || ch === '\u2028' || ch === '\u2029';
}

/** Names of the invisible characters a reader is most likely to meet; others show their code point. */
const NAMES: Readonly<Record<number, string>> = {
  0x00: 'NUL', 0x07: 'BEL', 0x08: 'BS', 0x0b: 'VT', 0x0c: 'FF', 0x1b: 'ESC', 0x7f: 'DEL', 0x9b: 'CSI',
  0xad: 'SHY', 0x061c: 'ALM', 0x200b: 'ZWSP', 0x200e: 'LRM', 0x200f: 'RLM', 0x202a: 'LRE', 0x202b: 'RLE',
  0x202c: 'PDF', 0x202d: 'LRO', 0x202e: 'RLO', 0x2060: 'WJ', 0x2066: 'LRI', 0x2067: 'RLI', 0x2068: 'FSI',
  0x2069: 'PDI', 0xfeff: 'BOM',
};

/**
 * A visible tag for an invisible character, in plain ASCII and guillemets so every font has the
 * glyphs (Unicode's control pictures are missing from many editor fonts): ESC shows as ‹ESC›, so an
 * ANSI colour code reads as `‹ESC›[31m`.
 */
function controlName(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return `‹${NAMES[code] ?? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`}›`;
}

/** The first `max` code units, without splitting a surrogate pair, and `…` when anything is left out. */
function cut(text: string, max: number, more: boolean): string {
  if (text.length <= max) {
    return more ? text + '…' : text;
  }
  const end = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end) + '…';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
