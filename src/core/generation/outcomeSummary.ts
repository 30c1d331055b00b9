import type { GenerationOutcome } from './generation';
import { describeGenerationError } from './generationError';

/**
 * How a command's generations ended, in words a screen reader can say: "generation finished: 120
 * characters, stop reason end_turn", "3 generations finished: …", "1 of 3 generations failed: <cause>".
 * Generations that never started (undefined) are left out.
 */
export function describeOutcomes(outcomes: ReadonlyArray<GenerationOutcome | undefined>): string {
  const ended = outcomes.filter((o): o is GenerationOutcome => o !== undefined);
  const what = ended.length === 1 ? 'generation' : `${ended.length} generations`;
  const failed = ended.filter((o) => o.status === 'failed');
  if (failed.length > 0) {
    const who = ended.length === 1 ? what : `${failed.length} of ${what}`;
    return `${who} failed: ${describeGenerationError(failed[0].error).cause.replace(/\.$/, '')}`;
  }
  const characters = ended.reduce((n, o) => n + o.text.length, 0);
  const reasons = [...new Set(ended.map((o) => o.stopReason ?? 'none'))];
  const how = ended.length > 0 && ended.every((o) => o.status === 'cancelled') ? 'stopped' : 'finished';
  return `${what} ${how}: ${characters} characters, stop reason ${reasons.join(', ') || 'none'}`;
}
