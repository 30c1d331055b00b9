import type { ProbePoint, ProbeReport } from './prefillProbe';
import { formatUsd } from '../shared/pricing';

/** How many points got each verdict. */
export interface ProbeSummary {
  readonly points: number;
  readonly consistent: number;
  readonly divergent: number;
  readonly mixed: number;
  readonly failed: number;
}

export function summarizeProbe(points: readonly ProbePoint[]): ProbeSummary {
  const count = (verdict: ProbePoint['verdict']) => points.filter((p) => p.verdict === verdict).length;
  return { points: points.length, consistent: count('consistent'), divergent: count('divergent'), mixed: count('mixed'), failed: count('failed') };
}

/** How much of the prefill's end a table row shows, so a reader sees what the cut follows. */
const TAIL_CHARS = 24;

/** The last few characters of the probed text before split point `offset`: what the prefill ends with. */
export function prefillTail(nodeText: string, offset: number): string {
  return nodeText.slice(Math.max(0, offset - TAIL_CHARS), offset);
}

/** {@link prefillTail} as a table cell shows it: when cut, from the space before a word, after `…`. */
export function prefillTailCell(nodeText: string, offset: number): string {
  const tail = prefillTail(nodeText, offset);
  if (tail.length === offset) return tail;
  const wordStart = tail.search(/(?<=\s)\S/);
  return `…${wordStart > 0 ? tail.slice(wordStart - 1) : tail}`;
}

/**
 * The probe as Markdown a user can paste into a bug report: what was asked (model, parameters,
 * split, samples), the summary, and one table row per split point. Texts are shown as JSON strings
 * in code spans, so leading spaces and newlines, the very things that differ, stay visible.
 */
export function probeReportMarkdown(report: ProbeReport): string {
  const summary = summarizeProbe(report.points);
  const { user, system, model: _model, ...sampling } = report.params;
  const lines = [
    '# Prefill-consistency probe',
    '',
    `- Model: ${codeSpan(report.model)}`,
    `- Parameters: ${codeSpan(JSON.stringify(sampling))}`,
    ...(system === undefined ? [] : [`- System: ${codeSpan(JSON.stringify(system))}`]),
    `- User turn: ${codeSpan(JSON.stringify(user))}`,
    `- Prefill before the probed text: ${report.basePrefillLength} characters; probed text: ${report.nodeText.length} characters`,
    `- Split: ${report.split}; samples per point: ${report.samples}; probe tokens: ${report.probeTokens}`,
    `- Result: ${summary.points} points: ${summary.consistent} consistent, ${summary.divergent} divergent, ${summary.mixed} mixed, ${summary.failed} failed${report.cancelled ? ' (cancelled before the end)' : ''}`,
    `- Usage: ${report.usage.input_tokens} input, ${report.usage.output_tokens} output tokens${report.costUsd === undefined ? '' : ` (${formatUsd(report.costUsd)} at list price)`}`,
    '',
    '| Offset | Prefill ends | Expected | Got | Verdict |',
    '| ---: | --- | --- | --- | --- |',
    ...report.points.map((point) => row(report.nodeText, point)),
  ];
  return `${lines.join('\n')}\n`;
}

function row(nodeText: string, point: ProbePoint): string {
  const tail = (point.offset > TAIL_CHARS ? '…' : '') + codeSpan(JSON.stringify(prefillTail(nodeText, point.offset)));
  const got = distinctSamples(point)
    .map(([text, n]) => text + (n > 1 ? ` ×${n}` : ''))
    .join('<br>');
  return `| ${point.offset} | ${tail} | ${codeSpan(JSON.stringify(point.expected))} | ${got} | ${point.verdict} |`;
}

/** Each different outcome once, with how many samples had it, in the order first seen. */
function distinctSamples(point: ProbePoint): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const sample of point.samples) {
    const shown = sample.error === undefined ? codeSpan(JSON.stringify(sample.text)) : `failed: ${sample.error.replace(/\|/g, '\\|').replace(/\s+/g, ' ')}`;
    counts.set(shown, (counts.get(shown) ?? 0) + 1);
  }
  return [...counts];
}

/**
 * Text in a Markdown code span inside a table cell: the fence is longer than any run of backticks
 * inside, and pipes are escaped, as GitHub's tables require even within code.
 */
function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}
