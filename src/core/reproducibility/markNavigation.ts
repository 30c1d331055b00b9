/** A marked stretch of a document, in document offsets. */
export interface MarkSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * The mark to move to from `offset`: the first one starting after it (`next`) or the last one
 * starting before it (`previous`), wrapping around at either end as VS Code's Go to Next Problem
 * does. Undefined when there are no marks.
 */
export function markFrom<T extends MarkSpan>(marks: readonly T[], offset: number, direction: 'next' | 'previous'): T | undefined {
  const sorted = [...marks].sort((a, b) => a.start - b.start || a.end - b.end);
  if (direction === 'next') return sorted.find((m) => m.start > offset) ?? sorted[0];
  return [...sorted].reverse().find((m) => m.start < offset) ?? sorted[sorted.length - 1];
}

/** What each kind of mark means, in words: the cue that does not depend on colour. */
export const MARK_KIND_LABELS = {
  divergent: 'differs in the regeneration',
  inserted: 'the regeneration adds text here',
  consistent: 'probe: continuation consistent',
  probeDivergent: 'probe: continuation diverges',
  mixed: 'probe: mixed results',
  failed: 'probe: request failed',
} as const;
