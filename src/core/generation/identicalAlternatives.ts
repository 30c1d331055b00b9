/** One alternative a command made: its node and its text. */
export interface Alternative {
  id: string;
  text: string;
}

/** What collapsing identical alternatives does: which nodes go, and what the user is told. */
export interface Collapse {
  drop: string[];
  message: string;
}

/**
 * Identical alternatives (temperature 0, or a finished text) are collapsed into one branch each, the
 * first kept: cycling through copies looks broken, and N equal branches say nothing. Undefined when
 * all differ.
 */
export function collapseIdentical(alternatives: readonly Alternative[], temperature: number | undefined): Collapse | undefined {
  const seen = new Set<string>();
  const drop: string[] = [];
  for (const a of alternatives) {
    if (seen.has(a.text)) drop.push(a.id);
    else seen.add(a.text);
  }
  if (drop.length === 0) return undefined;
  const n = alternatives.length;
  const what = seen.size === 1 ? `The ${n} alternatives were identical` : `${drop.length} of the ${n} alternatives repeated another`;
  const why = temperature === 0 ? ' (temperature 0 gives the same continuation every time: raise it in the header or prefillLoom.temperature for different ones)' : '';
  const kept = seen.size === 1 ? 'they are kept as one branch' : `${seen.size} different branches are kept`;
  return { drop, message: `Prefill Loom: ${what}${why}; ${kept}.` };
}
