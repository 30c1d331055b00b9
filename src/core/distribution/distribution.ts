import { costUsd } from '../shared/pricing';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../shared/tokenUsage';
import { firstUnitDistribution, type FirstUnit } from './firstTokens';
import { groupTexts, type TextGroup } from './grouping';
import type { Sample } from './sampleRun';
import { scriptShares } from './writingSystems';

export interface DistributionTotals {
  /** Samples asked for. */
  requested: number;
  completed: number;
  failed: number;
  /** Stopped by cancellation while running (their partial text is kept, not counted in groups). */
  cancelled: number;
  notStarted: number;
  /** Tokens of every request made, failed and cancelled ones included: they were paid for. */
  usage: TokenUsage;
  /** At list price, or null for a model without a known price. */
  costUsd: number | null;
}

/** What a run of samples at one point shows: the groups, first tokens, writing systems and totals. */
export interface Distribution {
  exact: TextGroup[];
  loose: TextGroup[];
  firstUnit: FirstUnit;
  firstUnits: TextGroup[];
  scripts: Array<{ script: string; count: number; share: number }>;
  totals: DistributionTotals;
}

/**
 * Summarizes samples. Shares are over the completed samples only: a sample cut short by an error
 * or by cancelling is not a draw from the model's distribution, so counting it would skew it.
 */
export function summarizeSamples(samples: readonly Sample[], options: { model: string; requested: number }): Distribution {
  const completed = samples.filter((s) => s.status === 'completed');
  const firstUnits = firstUnitDistribution(completed);
  const usage = samples.reduce((sum, s) => addUsage(sum, s.usage), ZERO_USAGE);
  return {
    exact: groupTexts(completed, 'exact'),
    loose: groupTexts(completed, 'loose'),
    firstUnit: firstUnits.unit,
    firstUnits: firstUnits.groups,
    scripts: scriptShares(completed.map((s) => s.text)),
    totals: {
      requested: options.requested,
      completed: completed.length,
      failed: samples.filter((s) => s.status === 'failed').length,
      cancelled: samples.filter((s) => s.status === 'cancelled').length,
      notStarted: options.requested - samples.length,
      usage,
      costUsd: costUsd(options.model, usage) ?? null,
    },
  };
}
