/** How the next id is picked from the model's continuation counts, mirroring the API's sampling parameters. */
export interface SamplingOptions {
  /** 0 picks the most frequent continuation; higher values flatten the distribution (count^(1/T)). */
  temperature: number;
  topK?: number;
  topP?: number;
}

/** Most frequent first; equal counts by lower id, so temperature 0 never depends on Map insertion order. */
function ranked(counts: ReadonlyMap<number, number>): Array<[number, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/** Keeps the top `topK` candidates and then the smallest head whose probability reaches `topP`. */
function truncate(weights: Array<[number, number]>, options: SamplingOptions): Array<[number, number]> {
  const kept = options.topK ? weights.slice(0, options.topK) : weights;
  if (options.topP === undefined || options.topP >= 1) {
    return kept;
  }
  const total = kept.reduce((sum, [, weight]) => sum + weight, 0);
  let cumulative = 0;
  const head: Array<[number, number]> = [];
  for (const candidate of kept) {
    head.push(candidate);
    cumulative += candidate[1] / total;
    if (cumulative >= options.topP) {
      break;
    }
  }
  return head;
}

/** The weights sampling draws from at a temperature above 0, most likely first. */
function temperedWeights(counts: ReadonlyMap<number, number>, options: SamplingOptions): Array<[number, number]> {
  const candidates = ranked(counts);
  // Relative to the top count so that tiny temperatures cannot overflow to Infinity.
  const top = candidates[0][1];
  return truncate(
    candidates.map(([id, count]): [number, number] => [id, (count / top) ** (1 / options.temperature)]),
    options,
  );
}

function normalised(weights: Array<[number, number]>): Array<[number, number]> {
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  return weights.map(([id, weight]) => [id, weight / total]);
}

/**
 * The probabilities behind a pick, most likely first: at a temperature above 0 exactly the tempered,
 * truncated distribution `pickToken` draws from; at 0 (greedy: no draw) the model's own distribution,
 * count / total, which is what servers report as logprobs for greedy decoding.
 */
export function samplingDistribution(counts: ReadonlyMap<number, number>, options: SamplingOptions): Array<[number, number]> {
  return normalised(options.temperature <= 0 ? ranked(counts) : temperedWeights(counts, options));
}

/** Picks one id from non-empty `counts`; `random` is consulted only when temperature is above 0. */
export function pickToken(counts: ReadonlyMap<number, number>, options: SamplingOptions, random: () => number): number {
  if (options.temperature <= 0) {
    return ranked(counts)[0][0];
  }
  const weights = temperedWeights(counts, options);
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  let threshold = random() * total;
  for (const [id, weight] of weights) {
    threshold -= weight;
    if (threshold < 0) {
      return id;
    }
  }
  return weights[weights.length - 1][0];
}
