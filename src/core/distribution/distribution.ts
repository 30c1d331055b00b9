import { costUsd } from '../shared/pricing';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../shared/tokenUsage';
import { firstUnit, firstUnitDistribution, type FirstUnit } from './firstTokens';
import { groupTexts, type TextGroup } from './grouping';
import type { Sample } from './sampleRun';
import { systemShares, writingSystem } from './writingSystems';

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
 * What a summary reads from each sample, worked out once per sample: a run is summarized again
 * each time samples arrive (its panel fills as they do), and a sample does not change once it ended.
 */
const readings = new WeakMap<Sample, { first: { index: number; text: string; unit: FirstUnit }; system: string }>();

function reading(sample: Sample): { first: { index: number; text: string; unit: FirstUnit }; system: string } {
  let read = readings.get(sample);
  if (!read) readings.set(sample, (read = { first: { index: sample.index, ...firstUnit(sample) }, system: writingSystem(sample.text) }));
  return read;
}

/**
 * Summarizes samples. Shares are over the completed samples only: a sample cut short by an error
 * or by cancelling is not a draw from the model's distribution, so counting it would skew it.
 */
export function summarizeSamples(samples: readonly Sample[], options: { model: string; requested: number }): Distribution {
  const completed = samples.filter((s) => s.status === 'completed');
  const read = completed.map(reading);
  const firstUnits = firstUnitDistribution(read.map((r) => r.first));
  const usage = samples.reduce((sum, s) => addUsage(sum, s.usage), ZERO_USAGE);
  return {
    exact: groupTexts(completed, 'exact'),
    loose: groupTexts(completed, 'loose'),
    firstUnit: firstUnits.unit,
    firstUnits: firstUnits.groups,
    scripts: systemShares(read.map((r) => r.system)),
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
