import type { Distribution } from './distribution';
import type { Sample } from './sampleRun';

/** What was asked at the point, as exports and the panel name it. */
export interface DistributionRequest {
  endpoint: string;
  model: string;
  temperature: number | null;
  maxTokens: number;
  concurrency: number;
  /** The end of the prefill, so a reader sees the point sampled. */
  prefillTail: string;
}

/** One run: what was asked, every sample, and its summary. */
export interface DistributionRun {
  request: DistributionRequest;
  samples: Sample[];
  summary: Distribution;
}

/** The whole run as JSON: every sample with its request and usage. */
export function distributionJson(run: DistributionRun): string {
  const samples = run.samples.map(({ index, status, text, stopReason, usage, error }) => ({ index, status, text, stopReason, usage, ...(error ? { error } : {}) }));
  const { exact, loose, firstUnit, firstUnits, scripts, totals } = run.summary;
  const groups = (gs: typeof exact) => gs.map(({ text, count, share, members }) => ({ text, count, share, samples: members }));
  return `${JSON.stringify({ request: run.request, samples, groups: groups(exact), looseGroups: groups(loose), firstUnit, firstUnits: groups(firstUnits), scripts, totals }, null, 2)}\n`;
}

/** One row per sample; fields quoted as RFC 4180 asks, so any text (commas, quotes, line breaks) survives. */
export function distributionCsv(run: DistributionRun): string {
  const header = ['index', 'status', 'text', 'stop_reason', 'input_tokens', 'output_tokens', 'error'];
  const rows = run.samples.map((s) => [s.index, s.status, s.text, s.stopReason ?? '', s.usage.input_tokens, s.usage.output_tokens, s.error?.cause ?? '']);
  return [header, ...rows].map((row) => row.map((v) => csvField(String(v))).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The grouped table in Markdown, with the request, writing systems and totals. */
export function distributionMarkdown(run: DistributionRun): string {
  const { request, summary } = run;
  const lines = [
    `# Distribution at the point: ${summary.totals.completed} samples`,
    '',
    `- Endpoint: ${request.endpoint}; model: ${request.model}; temperature: ${request.temperature ?? 'API default'}; max_tokens: ${request.maxTokens}`,
    `- Prefill ends: ${inlineCode(request.prefillTail)}`,
    `- Writing systems: ${summary.scripts.map((s) => `${s.script} ${percent(s.share)}`).join(', ') || 'none'}`,
    `- Totals: ${summary.totals.usage.input_tokens} input / ${summary.totals.usage.output_tokens} output tokens${summary.totals.costUsd === null ? '' : `, $${summary.totals.costUsd.toFixed(6)}`}; ${summary.totals.failed} failed, ${summary.totals.cancelled + summary.totals.notStarted} cancelled`,
    '',
    '| Count | Share | Text |',
    '| ---: | ---: | --- |',
    ...summary.exact.map((g) => `| ${g.count} | ${percent(g.share)} | ${inlineCode(g.text)} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/**
 * Model text as a code span (spaces at its ends shown), pipes and line breaks escaped so the table
 * keeps its shape: a CR alone ends a Markdown line too, and each is shown as written.
 */
function inlineCode(text: string): string {
  const flat = text.replace(/\|/g, '\\|').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  const fence = '`'.repeat((flat.match(/`+/g) ?? ['']).reduce((m, r) => Math.max(m, r.length), 0) + 1);
  return `${fence} ${flat} ${fence}`;
}
