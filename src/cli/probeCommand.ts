import type { GenerationParams } from '../core/conversation/generationSettings';
import { PROBE_DEFAULTS, PROBE_LIMITS, runProbe, splitOffsets } from '../core/reproducibility/prefillProbe';
import { summarizeProbe, type ProbeSummary } from '../core/reproducibility/probeReport';
import type { SplitMode } from '../core/reproducibility/probeSplitPoints';
import type { TokenLogprob } from '../core/providers/tokenLogprobs';
import type { ProbeVerdict } from '../core/reproducibility/probeVerdict';
import type { TokenUsage } from '../core/shared/tokenUsage';
import { isSetupProblem, prefillAsSent, setUpGeneration, type SetupProblem } from './generationSetup';
import type { CliOptions, ProbeCliOptions } from './options';

/** The probe command's options once checked. */
export interface ProbeSettings {
  completionFile: string;
  split: SplitMode;
  samples: number;
  probeTokens: number;
  maxPoints?: number;
}

/** The JSON the `probe` command prints: one entry per split point, for batch runs and bug reports. */
export interface ProbeCliReport {
  status: 'completed' | 'cancelled' | 'invalid';
  model?: string;
  params?: GenerationParams;
  split: SplitMode;
  samples: number;
  probeTokens: number;
  points: Array<{
    offset: number;
    expected: string;
    got: string[];
    consistent: boolean[];
    verdict: ProbeVerdict;
    divergesAt?: number;
    /** Per sample, why its request failed (null for those that answered); only when one did. */
    errors?: Array<string | null>;
  }>;
  summary: ProbeSummary;
  usage: TokenUsage;
  costUsd: number | null;
  error?: SetupProblem;
}


/** Checks the probe's own options; a bad one throws with a message naming it. */
export function parseProbeSettings(raw: ProbeCliOptions): ProbeSettings {
  const completionFile = raw['completion-file'];
  if (!completionFile) throw new Error('probe needs --completion-file FILE: the completion to probe');
  const split = raw.split ?? 'word';
  if (split !== 'word' && split !== 'char' && split !== 'token') throw new Error(`--split must be word, char or token (got "${split}")`);
  const settings: ProbeSettings = {
    completionFile,
    split,
    samples: wholeNumber('--samples', raw.samples, 1, PROBE_LIMITS.samples) ?? PROBE_DEFAULTS.samples,
    probeTokens: wholeNumber('--probe-tokens', raw['probe-tokens'], 1, PROBE_LIMITS.probeTokens) ?? PROBE_DEFAULTS.probeTokens,
  };
  const maxPoints = wholeNumber('--max-points', raw['max-points'], 1, Number.MAX_SAFE_INTEGER);
  if (maxPoints !== undefined) settings.maxPoints = maxPoints;
  return settings;
}

function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${flag} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`} (got "${value}")`);
  }
  return n;
}

/** The completion to probe, and with `--split token` the tokens it was generated with. */
export interface ProbedCompletion {
  text: string;
  tokens?: TokenLogprob[];
}

/**
 * Reads the completion file: its text, or with `--split token` the JSON that `prefill-loom continue
 * --logprobs N` prints (its "text" and "tokens"), since token boundaries are the model's and only a
 * generation with probabilities records them. A file that is not such JSON throws, naming the next step.
 */
export function readProbedCompletion(fileText: string, split: SplitMode, file: string): ProbedCompletion {
  if (split !== 'token') return { text: fileText };
  let report: unknown;
  try {
    report = JSON.parse(fileText);
  } catch {
    report = undefined;
  }
  const { text, tokens } = (typeof report === 'object' && report !== null ? report : {}) as { text?: unknown; tokens?: unknown };
  if (typeof text !== 'string' || !Array.isArray(tokens) || !tokens.every(isTokenLogprob)) {
    throw new Error(
      `--split token needs --completion-file to be the JSON that "prefill-loom continue --logprobs N" prints (its "text" and "tokens"); ${file} is not. ` +
        'Generate the completion with --api completions or chat and --logprobs 0 (or more), save that output, and probe it.',
    );
  }
  return { text, tokens };
}

function isTokenLogprob(value: unknown): value is TokenLogprob {
  const t = value as TokenLogprob | null;
  return typeof t === 'object' && t !== null && typeof t.text === 'string' && typeof t.logprob === 'number' && Array.isArray(t.top);
}

/**
 * Probes a completion for the command line: the prefill (header and all, as for `continue`) is
 * sent as the original generation sent it (on Anthropic without its trailing whitespace), and the
 * completion is what followed.
 */
export async function runProbeCommand(
  options: CliOptions,
  settings: ProbeSettings,
  prefillText: string,
  completion: ProbedCompletion,
  signal: AbortSignal,
): Promise<ProbeCliReport> {
  const setup = setUpGeneration(options, prefillText);
  if (isSetupProblem(setup)) return invalid(settings, setup);
  const split = { nodeText: completion.text, split: settings.split, tokens: completion.tokens };
  if (settings.split === 'token' && !completion.tokens?.length) {
    return invalid(settings, { cause: 'The completion file lists no tokens.', next_step: 'Generate the completion with --logprobs 0 (or more) on --api completions or chat.' });
  }
  let offsets: number[];
  try {
    offsets = splitOffsets(split);
  } catch {
    return invalid(settings, { cause: 'The tokens in the completion file do not make up its text.', next_step: 'Probe the output of prefill-loom continue --logprobs N unchanged.' });
  }
  if (offsets.length === 0) {
    return invalid(settings, { cause: `The completion has no point to split at (--split ${settings.split}).`, next_step: 'Probe a longer completion, or use --split char.' });
  }
  const report = await runProbe({
    client: setup.client,
    params: setup.params,
    basePrefill: prefillAsSent(setup),
    ...split,
    samples: settings.samples,
    probeTokens: settings.probeTokens,
    maxPoints: settings.maxPoints,
    concurrency: setup.connection.concurrency,
    signal,
  });
  return {
    status: report.cancelled ? 'cancelled' : 'completed',
    model: report.model,
    params: report.params,
    split: report.split,
    samples: report.samples,
    probeTokens: report.probeTokens,
    points: report.points.map((point) => ({
      offset: point.offset,
      expected: point.expected,
      got: point.samples.map((s) => s.text),
      consistent: point.samples.map((s) => s.consistent),
      verdict: point.verdict,
      ...(point.divergesAt === undefined ? {} : { divergesAt: point.divergesAt }),
      ...(point.samples.some((s) => s.error !== undefined) ? { errors: point.samples.map((s) => s.error ?? null) } : {}),
    })),
    summary: summarizeProbe(report.points),
    usage: report.usage,
    costUsd: report.costUsd ?? null,
  };
}

function invalid(settings: ProbeSettings, error: SetupProblem): ProbeCliReport {
  return {
    status: 'invalid',
    split: settings.split,
    samples: settings.samples,
    probeTokens: settings.probeTokens,
    points: [],
    summary: summarizeProbe([]),
    usage: { input_tokens: 0, output_tokens: 0 },
    costUsd: null,
    error,
  };
}
