/** Median and p95 of samples: how every benchmark figure is reported. */
export interface Spread {
  median: number;
  p95: number;
  /** How many samples the figures summarise. */
  samples: number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** The smallest sample at or above fraction `q` of the sorted samples (nearest rank). */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))];
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), p95: percentile(values, 0.95), samples: values.length };
}
