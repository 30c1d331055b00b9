import { runGeneration, type GenerationInput, type GenerationStatus } from '../generation/generation';
import { describeGenerationError } from '../generation/generationError';
import type { TokenLogprob } from '../providers/tokenLogprobs';
import { concurrencyLimit } from '../shared/concurrencyLimit';
import type { TokenUsage } from '../shared/tokenUsage';

/** One sample at the point: a whole generation, run by the same loop as every other generation. */
export interface Sample {
  /** Its place in the run (0-based), so a sample keeps its identity whatever order replies came in. */
  index: number;
  status: GenerationStatus;
  /** What followed the prefill, as a document would read it after {@link replaced}. */
  text: string;
  /** The prefill's trailing whitespace the text replaced ('' on the OpenAI-style kinds). */
  replaced: string;
  stopReason: string | null;
  usage: TokenUsage;
  /** Wall time of its requests, and how many (auto-continue makes several). */
  durationMs: number;
  requests: number;
  /** Every generated token, where the endpoint gave probabilities. */
  tokens?: TokenLogprob[];
  /** Why it failed, with what to do, for a failed sample. */
  error?: { cause: string; nextStep: string };
}

export interface SampleRunInput extends Omit<GenerationInput, 'onEdit' | 'onRequestStart' | 'onRequestEnd'> {
  count: number;
  concurrency: number;
  /** Called as each sample ends, in the order they end. */
  onSample?: (sample: Sample) => void;
}

export interface SampleRun {
  /** Every sample that was started, in index order: completed, failed and cancelled alike. */
  samples: Sample[];
  cancelled: boolean;
}

/**
 * Runs `count` samples at most `concurrency` at a time. Cancelling stops the requests in flight and
 * starts no more, and keeps everything that arrived; a failed sample is kept with its error rather
 * than dropped, so the shares are never silently computed over fewer samples than asked.
 */
export async function runSamples(input: SampleRunInput): Promise<SampleRun> {
  const limit = concurrencyLimit(Math.max(1, input.concurrency));
  const runOne = async (index: number): Promise<Sample | undefined> => {
    if (input.signal?.aborted) return undefined;
    const sample = toSample(index, await runGeneration(input));
    input.onSample?.(sample);
    return sample;
  };
  const results = await Promise.all(Array.from({ length: input.count }, (_, index) => limit(() => runOne(index))));
  return {
    samples: results.filter((s): s is Sample => s !== undefined),
    cancelled: input.signal?.aborted ?? false,
  };
}

function toSample(index: number, outcome: Awaited<ReturnType<typeof runGeneration>>): Sample {
  const sample: Sample = {
    index,
    status: outcome.status,
    text: outcome.text,
    replaced: outcome.replaced,
    stopReason: outcome.stopReason,
    usage: outcome.usage,
    durationMs: outcome.requests.reduce((ms, r) => ms + r.durationMs, 0),
    requests: outcome.requests.length,
    ...(outcome.tokens ? { tokens: outcome.tokens } : {}),
  };
  if (outcome.status === 'failed') {
    const described = describeGenerationError(outcome.error);
    sample.error = { cause: described.cause, nextStep: described.nextStep };
  }
  return sample;
}
