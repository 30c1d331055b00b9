/**
 * Which lines of an editor get shading decorations. Setting decorations costs about as much per
 * range as the shading itself, so only the lines the editor shows are decorated, with a margin of
 * screens above and below so that a scroll shows shading at once; the marks themselves (and the
 * hover) still cover the whole document.
 */

/** A run of lines, both ends included. */
export interface LineSpan {
  readonly first: number;
  readonly last: number;
}

/** Screens decorated beyond each side of the visible lines. */
export const MARGIN_SCREENS = 2;

/** The lines to decorate for the visible lines of a document of `lineCount` lines. */
export function decorationWindow(visible: LineSpan, lineCount: number): LineSpan {
  return widened(visible, MARGIN_SCREENS, lineCount);
}

/**
 * Whether the decorated lines still serve the visible ones: they hold them with at least a screen
 * to spare on each side (or up to the document's edge), so the next scroll needs no new decorations.
 */
export function windowCovers(decorated: LineSpan | undefined, visible: LineSpan, lineCount: number): boolean {
  if (!decorated) return false;
  const needed = widened(visible, 1, lineCount);
  return decorated.first <= needed.first && needed.last <= decorated.last;
}

function widened({ first, last }: LineSpan, screens: number, lineCount: number): LineSpan {
  const margin = screens * (last - first + 1);
  return { first: Math.max(0, first - margin), last: Math.min(lineCount - 1, last + margin) };
}
