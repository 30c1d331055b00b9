/** A change to a document, in offsets, as VS Code reports it. */
export interface OffsetChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/**
 * Where an insertion point ends up after someone else's edit. Text inserted exactly at the point goes
 * after the stream, so the streamed text stays in one piece.
 */
export function shiftedOffset(offset: number, change: OffsetChange): number {
  const start = change.rangeOffset;
  const end = start + change.rangeLength;
  if (end < offset || (end === offset && start < end)) return offset + change.text.length - change.rangeLength;
  if (start < offset && offset < end) return start;
  return offset;
}
