import type { NodeSummary } from '../../src/webviews/webviewProtocol';
import { previewString } from './displayText';

/** The hover text of a row: the preview, then how the node was made. Set as a `title`, so inert. */
export function rowTooltip(node: NodeSummary, depth: number): string {
  const lines = [previewString(node.preview, node.textLength > node.preview.length), ''];
  lines.push(`${describeOrigin(node)} · ${thousands(node.textLength)} characters · level ${depth + 1}`);
  if (node.model !== undefined) {
    lines.push(`model: ${node.model}${node.temperature !== undefined ? ` · temperature ${node.temperature}` : ''}`);
  } else if (node.temperature !== undefined) {
    lines.push(`temperature ${node.temperature}`);
  }
  if (node.inputTokens !== undefined || node.outputTokens !== undefined) {
    lines.push(`tokens: ${count(node.inputTokens)} in · ${count(node.outputTokens)} out`);
  }
  if (node.stopReason !== undefined) {
    lines.push(`stop_reason: ${node.stopReason}`);
  }
  if (node.tokens) {
    const { lowest, lowestProbability, meanLogprob, count: n } = node.tokens;
    lines.push(`probabilities: lowest token ${previewString(lowest)} ${percent(lowestProbability)} · mean logprob ${meanLogprob.toFixed(3)} (${percent(Math.exp(meanLogprob))} per token) over ${thousands(n)} tokens`);
  }
  if (node.status !== undefined && node.status !== 'completed') {
    lines.push(`status: ${node.status}`);
  }
  const when = [node.durationMs !== undefined ? `took ${seconds(node.durationMs)}` : '', node.createdAt !== undefined ? dateTime(node.createdAt) : ''].filter(Boolean);
  if (when.length > 0) {
    lines.push(`time: ${when.join(' · ')}`);
  }
  return lines.join('\n');
}

/**
 * The accessible name of a row: who wrote it (and which model), how long it is, the marks a sighted
 * user sees, then the preview as shown.
 */
export function rowLabel(node: NodeSummary, current: boolean, preview: string, matched = false): string {
  const marks = [current ? 'current' : '', node.bookmarked ? 'bookmarked' : '', node.status === 'streaming' || node.status === 'failed' || node.status === 'cancelled' ? node.status : '', matched ? 'find match' : ''].filter(Boolean);
  const origin = `${describeOrigin(node)}${node.model !== undefined ? ` by ${node.model}` : ''}, ${thousands(node.textLength)} characters`;
  // The tags come last, just before the preview: the row shows their chips there, and a name that
  // reads the visible text in its order is what voice control matches.
  const tags = node.tags && node.tags.length > 0 ? `, tagged ${node.tags.join(', ')}` : '';
  const probabilities = node.tokens ? `, lowest token ${previewString(node.tokens.lowest)} ${percent(node.tokens.lowestProbability)}, mean log-probability ${node.tokens.meanLogprob.toFixed(2)}` : '';
  return `${origin}${marks.length > 0 ? `, ${marks.join(', ')}` : ''}${probabilities}${tags}: ${preview}`;
}

/** 31.2%, or <0.1% for what would round to nothing. */
function percent(probability: number): string {
  return probability > 0 && probability < 0.0005 ? '<0.1%' : `${(probability * 100).toFixed(1)}%`;
}

function describeOrigin(node: NodeSummary): string {
  if (node.kind === 'root') {
    return 'prefill';
  }
  if (node.author === 'user') {
    return 'written';
  }
  if (node.sample) {
    return `sampled (sample ${node.sample.index + 1} of ${node.sample.of})`;
  }
  return node.kind === 'regeneration' ? 'regenerated' : 'generated';
}

function count(tokens: number | undefined): string {
  return tokens === undefined ? '?' : thousands(tokens);
}

/** 12,345 — without Intl, whose first use costs more than rendering a screen of rows. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Local date and time as YYYY-MM-DD HH:MM:SS. */
function dateTime(epochMs: number): string {
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
