import { APIUserAbortError } from '@anthropic-ai/sdk';
import { runGeneration, type GenerationClient } from '../generation/generation';
import { OpenAIStyleClient } from '../providers/openaiClient';
import { concurrencyLimit } from '../shared/concurrencyLimit';
import { describeGenerationError } from '../generation/generationError';
import { conversationTurns } from '../conversation/conversationTurns';
import type { GenerationParams } from '../conversation/generationSettings';
import { buildMessagesRequest } from '../conversation/messagesRequest';
import { costUsd } from '../shared/pricing';
import { probeSplitPoints, type SplitMode } from './probeSplitPoints';
import { tokenBoundaries } from '../probabilities/tokenStats';
import type { TokenLogprob } from '../providers/tokenLogprobs';
import { pointVerdict, sampleIsConsistent, type ProbeVerdict } from './probeVerdict';
import { commonPrefixLength } from './textDivergence';
import { CHARS_PER_TOKEN, estimateTokens } from '../shared/tokenEstimate';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../shared/tokenUsage';

// The probe's whole API from one module, for the editor and the command line alike.
export { probeSplitPoints, type SplitMode } from './probeSplitPoints';
export type { ProbeVerdict } from './probeVerdict';

export interface ProbeOptions {
  /** From createAnthropicClient or createOpenAIStyleClient; its retries apply to every probe request. */
  readonly client: GenerationClient;
  /** The node's original parameters (model, system, user, temperature…). */
  readonly params: GenerationParams;
  /** The text before the node, exactly as it was sent (on Anthropic, without trailing whitespace). */
  readonly basePrefill: string;
  /** The model-written text to probe. */
  readonly nodeText: string;
  readonly split: SplitMode;
  /** The tokens the model wrote the text with (from its probabilities): needed to split at `token` boundaries. */
  readonly tokens?: readonly TokenLogprob[];
  /** Requests per split point (1 or more). */
  readonly samples: number;
  /** `max_tokens` of each probe request. */
  readonly probeTokens: number;
  /** A budget cap: with more split points than this, an evenly spread subset is probed. */
  readonly maxPoints?: number;
  /** Requests in flight at once; default 4. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Each request that got an answer (or failed), with the tokens it used: for running totals. */
  readonly onRequestEnd?: (usage: TokenUsage) => void;
  /** Progress, in completion order. */
  readonly onPoint?: (point: ProbePoint, done: number, total: number) => void;
}

export type ProbePlanInput = Pick<ProbeOptions, 'params' | 'basePrefill' | 'nodeText' | 'split' | 'tokens' | 'samples' | 'probeTokens' | 'maxPoints'>;

/** What a probe will send, for the user to confirm. Token counts are estimates (see tokenEstimate.ts). */
export interface ProbePlan {
  readonly offsets: readonly number[];
  readonly requests: number;
  readonly estimatedInputTokens: number;
  /** An upper bound: every request using all of its probe tokens. */
  readonly estimatedOutputTokens: number;
  /** Undefined for a model without a known price. */
  readonly estimatedCostUsd: number | undefined;
}

export interface ProbeSample {
  readonly text: string;
  readonly consistent: boolean;
  readonly stopReason: string | null;
  /** Why the request failed (after the client's retries); such a sample has no text. */
  readonly error?: string;
}

export interface ProbePoint {
  /** The split offset in the node's text. */
  readonly offset: number;
  /** The original continuation after the split, as far as the samples were compared against it. */
  readonly expected: string;
  readonly samples: readonly ProbeSample[];
  readonly verdict: ProbeVerdict;
  /** Where in the node's text the first divergent sample first differs from it. */
  readonly divergesAt?: number;
}

export interface ProbeReport {
  readonly model: string;
  readonly params: GenerationParams;
  readonly split: SplitMode;
  readonly samples: number;
  readonly probeTokens: number;
  readonly basePrefillLength: number;
  readonly nodeText: string;
  /** Sorted by offset; when cancelled, only the points whose every sample finished. */
  readonly points: readonly ProbePoint[];
  readonly usage: TokenUsage;
  readonly costUsd: number | undefined;
  readonly cancelled: boolean;
}

const DEFAULT_CONCURRENCY = 4;

/** What a probe asks for when not told otherwise; the extension's settings declare the same defaults. */
export const PROBE_DEFAULTS = Object.freeze({ samples: 1, probeTokens: 8, maxPoints: 200 });

/** The most a probe accepts: far beyond any useful probe, but a typo such as 10000 samples must not spend a fortune. */
export const PROBE_LIMITS = Object.freeze({ samples: 100, probeTokens: 4096, maxPoints: 100_000 });

/** The split points a probe will use and what it will cost, without sending anything. */
export function planProbe(input: ProbePlanInput): ProbePlan {
  checkCount('samples', input.samples);
  checkCount('probeTokens', input.probeTokens);
  if (input.maxPoints !== undefined) checkCount('maxPoints', input.maxPoints);
  const offsets = spreadEvenly(splitOffsets(input), input.maxPoints);
  const requests = offsets.length * input.samples;
  const turnsLength = conversationTurns(input.params).reduce((sum, turn) => sum + turn.content.length, 0);
  const promptLength = (input.params.system ?? '').length + turnsLength + input.basePrefill.length;
  const estimatedInputTokens = input.samples * offsets.reduce((sum, k) => sum + estimateTokens(promptLength + k), 0);
  const estimatedOutputTokens = requests * input.probeTokens;
  return {
    offsets,
    requests,
    estimatedInputTokens,
    estimatedOutputTokens,
    estimatedCostUsd: costUsd(input.params.model, { input_tokens: estimatedInputTokens, output_tokens: estimatedOutputTokens }),
  };
}

/** The split points of the node's text; token boundaries need the tokens the text was written in. */
export function splitOffsets(input: Pick<ProbePlanInput, 'nodeText' | 'split' | 'tokens'>): number[] {
  if (input.split !== 'token') return probeSplitPoints(input.nodeText, input.split);
  const boundaries = input.tokens && tokenBoundaries(input.tokens, input.nodeText);
  if (!boundaries) {
    throw new RangeError(
      'Splitting at token boundaries needs the tokens the text was generated with, making up its text: generate it on an endpoint that gives token probabilities (completions or chat, with logprobs), or split at word boundaries.',
    );
  }
  return boundaries;
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of 1 or more (got ${value}).`);
}

/** At most `max` of the offsets, the first and last included and the rest evenly between. */
function spreadEvenly(offsets: number[], max: number | undefined): number[] {
  if (max === undefined || offsets.length <= max) return offsets;
  if (max === 1) return [offsets[0]];
  return Array.from({ length: max }, (_, i) => offsets[Math.round((i * (offsets.length - 1)) / (max - 1))]);
}

/**
 * Prefills the original prefill plus the node's text up to each split point and compares the short
 * continuation with the node's own text. A failed request marks its sample failed and the probe
 * goes on; cancelling returns the points finished so far.
 */
export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const plan = planProbe(options);
  const limit = concurrencyLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const points: ProbePoint[] = [];
  let usage = ZERO_USAGE;
  const sample = (offset: number) =>
    limit(async () => {
      const outcome = await requestSample(options, offset);
      if (outcome) {
        usage = addUsage(usage, outcome.usage);
        options.onRequestEnd?.(outcome.usage);
      }
      return outcome?.sample;
    });
  await Promise.all(
    plan.offsets.map(async (offset) => {
      const samples = await Promise.all(Array.from({ length: options.samples }, () => sample(offset)));
      if (!samples.every((s): s is ProbeSample => s !== undefined)) return;
      const point = toPoint(options, offset, samples);
      points.push(point);
      options.onPoint?.(point, points.length, plan.offsets.length);
    }),
  );
  return {
    model: options.params.model,
    params: options.params,
    split: options.split,
    samples: options.samples,
    probeTokens: options.probeTokens,
    basePrefillLength: options.basePrefill.length,
    nodeText: options.nodeText,
    points: points.sort((a, b) => a.offset - b.offset),
    usage,
    costUsd: costUsd(options.params.model, usage),
    cancelled: options.signal?.aborted ?? false,
  };
}

/** One probe request; undefined when it was cancelled (or never started because of it). */
async function requestSample(options: ProbeOptions, offset: number): Promise<{ sample: ProbeSample; usage: TokenUsage } | undefined> {
  if (options.signal?.aborted) return undefined;
  if (options.client instanceof OpenAIStyleClient) return requestStreamedSample(options.client, options, offset);
  const body = buildMessagesRequest(options.params, options.basePrefill + options.nodeText.slice(0, offset), options.probeTokens);
  try {
    const message = await options.client.messages.create({ ...body, stream: false }, { signal: options.signal });
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    const consistent = sampleIsConsistent(text, message.stop_reason, options.nodeText.slice(offset));
    return {
      sample: { text, consistent, stopReason: message.stop_reason },
      usage: { input_tokens: message.usage.input_tokens, output_tokens: message.usage.output_tokens },
    };
  } catch (e) {
    if (e instanceof APIUserAbortError || options.signal?.aborted) return undefined;
    return { sample: { text: '', consistent: false, stopReason: null, error: describeGenerationError(e).cause }, usage: ZERO_USAGE };
  }
}

/**
 * One probe request to an OpenAI-style endpoint: a generation whose budget is the probe's tokens,
 * so it is one request and never auto-continues.
 */
async function requestStreamedSample(client: OpenAIStyleClient, options: ProbeOptions, offset: number): Promise<{ sample: ProbeSample; usage: TokenUsage } | undefined> {
  const outcome = await runGeneration({
    client,
    params: options.params,
    prefill: options.basePrefill + options.nodeText.slice(0, offset),
    maxTotalTokens: options.probeTokens,
    signal: options.signal,
  });
  if (outcome.status === 'cancelled') return undefined;
  if (outcome.status === 'failed') {
    return { sample: { text: '', consistent: false, stopReason: null, error: describeGenerationError(outcome.error).cause }, usage: outcome.usage };
  }
  const consistent = sampleIsConsistent(outcome.text, outcome.stopReason, options.nodeText.slice(offset));
  return { sample: { text: outcome.text, consistent, stopReason: outcome.stopReason }, usage: outcome.usage };
}

function toPoint(options: ProbeOptions, offset: number, samples: ProbeSample[]): ProbePoint {
  const rest = options.nodeText.slice(offset);
  const longest = Math.max(0, ...samples.map((s) => s.text.length));
  const point: ProbePoint = {
    offset,
    expected: rest.slice(0, Math.max(longest, options.probeTokens * CHARS_PER_TOKEN)),
    samples,
    verdict: pointVerdict(samples),
  };
  const divergent = samples.find((s) => s.error === undefined && !s.consistent);
  return divergent ? { ...point, divergesAt: offset + commonPrefixLength(divergent.text, rest) } : point;
}
