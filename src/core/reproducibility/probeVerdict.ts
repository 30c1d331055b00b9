import { isLengthStop } from '../providers/endpointKind';

/** How one split point's samples compare with the original: all agree, none do, some do, or no answer. */
export type ProbeVerdict = 'consistent' | 'divergent' | 'mixed' | 'failed';

/**
 * Whether a probe sample continues the prefill the way the original text did. The two are compared
 * only over their common length, because either may be cut short for reasons that say nothing
 * about consistency: the sample by its `max_tokens` (the probe asks for a few tokens only), the
 * original by ending there (its own end of turn, budget or stop). But a sample that stopped of its
 * own accord (end_turn, a stop sequence) while the original still had text to go is divergent,
 * even when what it said agrees: at this point the model ends, where originally it went on.
 */
export function sampleIsConsistent(got: string, stopReason: string | null, originalRest: string): boolean {
  const common = Math.min(got.length, originalRest.length);
  if (got.slice(0, common) !== originalRest.slice(0, common)) return false;
  const endedEarly = got.length < originalRest.length && !isLengthStop(stopReason);
  return !endedEarly;
}

/** The verdict of a point from its samples' outcomes; failed samples count only when none answered. */
export function pointVerdict(samples: ReadonlyArray<{ readonly consistent: boolean; readonly error?: string }>): ProbeVerdict {
  const answered = samples.filter((s) => s.error === undefined);
  if (answered.length === 0) return 'failed';
  const consistent = answered.filter((s) => s.consistent).length;
  return consistent === answered.length ? 'consistent' : consistent === 0 ? 'divergent' : 'mixed';
}
