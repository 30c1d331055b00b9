/** How samples are told apart: by exact text, or ignoring leading whitespace and case. */
export type GroupingMode = 'exact' | 'loose';

export const GROUPING_MODES: readonly GroupingMode[] = ['exact', 'loose'];

/** Samples with the same text (under a mode), with how many and what share of the counted samples. */
export interface TextGroup {
  /** The text shown for the group: its first sample's text, exactly as the model wrote it. */
  text: string;
  count: number;
  /** `count` ÷ the samples counted, 0..1. */
  share: number;
  /** The indices of its samples, in the order given. */
  members: number[];
}

/** The key two samples share when they fall into one group. */
export function groupKey(text: string, mode: GroupingMode): string {
  return mode === 'exact' ? text : text.trimStart().toLowerCase();
}

/**
 * Groups texts (each with the sample index it came from) by {@link groupKey}: most frequent first,
 * ties in order of first appearance, so the same samples always give the same table.
 */
export function groupTexts(items: ReadonlyArray<{ index: number; text: string }>, mode: GroupingMode): TextGroup[] {
  const groups = new Map<string, TextGroup>();
  for (const { index, text } of items) {
    const key = groupKey(text, mode);
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.members.push(index);
    } else {
      groups.set(key, { text, count: 1, share: 0, members: [index] });
    }
  }
  const total = items.length;
  const ordered = [...groups.values()];
  ordered.forEach((g) => (g.share = total > 0 ? g.count / total : 0));
  // Array.prototype.sort is stable, so equal counts keep their first-appearance order.
  return ordered.sort((a, b) => b.count - a.count);
}
