import { groupKey, type GroupingMode, type TextGroup } from './grouping';

/** One text's share in two runs side by side; a text only one run produced has share 0 in the other. */
export interface AlignedGroup {
  text: string;
  countA: number;
  shareA: number;
  countB: number;
  shareB: number;
  /** `shareB − shareA`. */
  difference: number;
}

/**
 * Aligns two runs' groups, made with `mode`, by the same key that grouped them: every group of
 * either run once, largest difference in share first, so what the change at the point moved is on top.
 */
export function alignGroups(a: readonly TextGroup[], b: readonly TextGroup[], mode: GroupingMode): AlignedGroup[] {
  const rows = new Map<string, AlignedGroup>();
  const row = (text: string): AlignedGroup => {
    const key = groupKey(text, mode);
    let found = rows.get(key);
    if (!found) rows.set(key, (found = { text, countA: 0, shareA: 0, countB: 0, shareB: 0, difference: 0 }));
    return found;
  };
  a.forEach((g) => Object.assign(row(g.text), { countA: g.count, shareA: g.share }));
  b.forEach((g) => Object.assign(row(g.text), { countB: g.count, shareB: g.share }));
  const aligned = [...rows.values()];
  aligned.forEach((r) => (r.difference = r.shareB - r.shareA));
  return aligned.sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference));
}
