import type { TextPiece } from './displayText';

/** A preview piece with the shade band of the token it belongs to (1 faintest to 4; 0: no token, not shaded). */
export interface ShadedPiece extends TextPiece {
  readonly band: number;
}

/**
 * Splits a preview's pieces where its tokens end, each part carrying its token's band. `bands` is the
 * summary's `[length, band, length, band, …]` from the preview's start; a stand-in glyph takes the
 * band of the token it starts in, and text past the last token (the `…`) is not shaded.
 */
export function shadePieces(pieces: readonly TextPiece[], bands: readonly number[]): ShadedPiece[] {
  const ends: number[] = [];
  const bandOf: number[] = [];
  let end = 0;
  for (let i = 0; i + 1 < bands.length; i += 2) {
    end += bands[i];
    ends.push(end);
    bandOf.push(bands[i + 1]);
  }
  const tokenAt = (offset: number): number => ends.findIndex((e) => e > offset);
  const shaded: ShadedPiece[] = [];
  for (const piece of pieces) {
    if (piece.kind !== 'text') {
      const i = tokenAt(piece.at);
      shaded.push({ ...piece, band: i < 0 ? 0 : bandOf[i] });
      continue;
    }
    const stop = piece.at + piece.text.length;
    for (let from = piece.at; from < stop; ) {
      const i = tokenAt(from);
      const to = i < 0 ? stop : Math.min(stop, ends[i]);
      const band = i < 0 ? 0 : bandOf[i];
      const last = shaded[shaded.length - 1];
      const text = piece.text.slice(from - piece.at, to - piece.at);
      // Neighbouring text in the same band is one text node.
      if (last?.kind === 'text' && last.band === band && last.at + last.text.length === from) shaded[shaded.length - 1] = { ...last, text: last.text + text };
      else shaded.push({ kind: 'text', text, at: from, band });
      from = to;
    }
  }
  return shaded;
}
