import { alignGroups, type AlignedGroup } from '../core/distribution/comparison';
import { summarizeSamples, type Distribution } from '../core/distribution/distribution';
import type { TextGroup } from '../core/distribution/grouping';
import { runSamples, type Sample } from '../core/distribution/sampleRun';
import { outputTokenBudget } from '../core/providers/connectionSettings';
import { isSetupProblem, prefillAsSent, setUpGeneration, type GenerationSetup, type SetupProblem } from './generationSetup';
import type { CliOptions } from './options';

/** Most samples one command runs; more is almost surely a typo, and it would cost money. */
export const MAX_SAMPLES = 10_000;
/** How much of the prefill's end the report repeats, so a reader sees the point sampled. */
const PREFILL_TAIL = 80;

/** The `sample` command's own options, checked. */
export interface SampleSettings {
  count: number;
  compareFile?: string;
}

/** Checks `--n`; throws a message naming the flag. */
export function parseSampleSettings(raw: { n?: string; 'compare-prefill-file'?: string }): SampleSettings {
  const n = Number(raw.n);
  if (raw.n === undefined) throw new Error('sample needs --n N, the number of samples');
  if (raw.n.trim() === '' || !Number.isInteger(n) || n < 1 || n > MAX_SAMPLES) throw new Error(`--n must be a whole number from 1 to ${MAX_SAMPLES} (got "${raw.n}")`);
  return { count: n, ...(raw['compare-prefill-file'] !== undefined ? { compareFile: raw['compare-prefill-file'] } : {}) };
}

interface RunReport {
  request: { api: string; model: string; temperature: number | null; max_tokens: number; concurrency: number; prefill_tail: string };
  samples: Array<{ index: number; status: Sample['status']; text: string; stop_reason: string | null; usage: Sample['usage']; error?: { cause: string; next_step: string } }>;
  /** The samples that failed, by index, so none is dropped silently. */
  failed: Array<{ index: number; cause: string; next_step: string }>;
  groups: GroupRow[];
  loose_groups: GroupRow[];
  first_tokens: { unit: Distribution['firstUnit']; groups: GroupRow[] };
  scripts: Record<string, number>;
  totals: Distribution['totals'];
}

interface GroupRow {
  text: string;
  count: number;
  share: number;
}

/** The JSON the `sample` command prints. */
export interface SampleReport extends Partial<RunReport> {
  status: 'completed' | 'failed' | 'cancelled' | 'invalid';
  /** With --compare-prefill-file: the same run for that prefill, and each exact group's share in both. */
  compare?: RunReport & { aligned: Array<Omit<AlignedGroup, 'countA' | 'countB' | 'shareA' | 'shareB'> & { share: number; compare_share: number }> };
  error?: { cause: string; next_step: string };
}

/** Runs N samples at the point (and as many at the compared prefill), sharing every rule with `continue`. */
export async function runSampleCommand(
  options: CliOptions,
  settings: SampleSettings,
  prefillText: string,
  comparePrefill: string | undefined,
  signal: AbortSignal,
): Promise<SampleReport> {
  const setup = setUpGeneration(options, prefillText);
  if (isSetupProblem(setup)) return invalid(setup);
  const compareSetup = comparePrefill === undefined ? undefined : setUpGeneration(options, comparePrefill);
  if (compareSetup && isSetupProblem(compareSetup)) return invalid(compareSetup);
  const main = await sampleAt(setup, settings.count, signal);
  const report: SampleReport = { status: statusOf(main.report), ...main.report };
  if (compareSetup) {
    const other = await sampleAt(compareSetup, settings.count, signal);
    const aligned = alignGroups(main.exact, other.exact, 'exact').map(({ text, shareA, shareB, difference }) => ({
      text,
      share: shareA,
      compare_share: shareB,
      difference,
    }));
    report.compare = { ...other.report, aligned };
    report.status = worst(report.status, statusOf(other.report));
  }
  return report;
}

async function sampleAt(setup: GenerationSetup, count: number, signal: AbortSignal): Promise<{ report: RunReport; exact: TextGroup[] }> {
  const run = await runSamples({
    client: setup.client,
    params: setup.params,
    prefill: setup.prefill,
    maxTotalTokens: outputTokenBudget(setup.connection, setup.params.max_tokens),
    count,
    concurrency: setup.connection.concurrency,
    signal,
  });
  const summary = summarizeSamples(run.samples, { model: setup.params.model, requested: count });
  const report: RunReport = {
    request: {
      api: setup.kind,
      model: setup.params.model,
      temperature: setup.params.temperature ?? null,
      max_tokens: setup.params.max_tokens,
      concurrency: setup.connection.concurrency,
      prefill_tail: prefillAsSent(setup).slice(-PREFILL_TAIL),
    },
    samples: run.samples.map((s) => ({
      index: s.index,
      status: s.status,
      text: s.text,
      stop_reason: s.stopReason,
      usage: s.usage,
      ...(s.error ? { error: { cause: s.error.cause, next_step: s.error.nextStep } } : {}),
    })),
    failed: run.samples.flatMap((s) => (s.error ? [{ index: s.index, cause: s.error.cause, next_step: s.error.nextStep }] : [])),
    groups: rows(summary.exact),
    loose_groups: rows(summary.loose),
    first_tokens: { unit: summary.firstUnit, groups: rows(summary.firstUnits) },
    scripts: Object.fromEntries(summary.scripts.map((s) => [s.script, s.share])),
    totals: summary.totals,
  };
  return { report, exact: summary.exact };
}

function rows(groups: readonly TextGroup[]): GroupRow[] {
  return groups.map(({ text, count, share }) => ({ text, count, share }));
}

function statusOf(run: RunReport): SampleReport['status'] {
  if (run.totals.cancelled > 0 || run.totals.notStarted > 0) return 'cancelled';
  return run.totals.failed > 0 ? 'failed' : 'completed';
}

const SEVERITY: ReadonlyArray<SampleReport['status']> = ['completed', 'failed', 'cancelled'];

function worst(a: SampleReport['status'], b: SampleReport['status']): SampleReport['status'] {
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
}

function invalid(problem: SetupProblem): SampleReport {
  return { status: 'invalid', error: problem };
}
