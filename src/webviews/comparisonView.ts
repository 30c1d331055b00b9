import type { TextComparison } from '../core/reproducibility/textDivergence';
import type { ComparisonRun, ComparisonView } from './webviewProtocol';

/** Shared text longer than this is shown as its two ends around a gap, so the pane stays readable. */
const MAX_SAME_RUN = 240;
/** Characters kept at each end of a shortened shared run: enough context to read a divergence. */
const SAME_CONTEXT = 80;
/** A comparison bigger than this (in characters sent) ends with one gap for the rest. */
const MAX_RUN_CHARS = 50_000;

/** What the loom view's comparison pane shows of a comparison: its runs, long shared stretches cut. */
export function comparisonView(rootId: string, originalId: string, regenerationId: string, comparison: TextComparison): ComparisonView {
  const runs: ComparisonRun[] = [];
  let sent = 0;
  comparison.spans.forEach((span, i) => {
    if (sent > MAX_RUN_CHARS) {
      runs.push({ kind: 'elided', length: span.text.length });
      return;
    }
    if (span.kind === 'same' && span.text.length > MAX_SAME_RUN) {
      // The first run needs no leading context, nor the last a trailing one.
      const head = i === 0 ? '' : span.text.slice(0, pairSafe(span.text, SAME_CONTEXT));
      const tail = i === comparison.spans.length - 1 ? '' : span.text.slice(pairSafe(span.text, span.text.length - SAME_CONTEXT));
      if (head) runs.push({ kind: 'same', text: head });
      runs.push({ kind: 'elided', length: span.text.length - head.length - tail.length });
      if (tail) runs.push({ kind: 'same', text: tail });
      sent += head.length + tail.length;
      return;
    }
    runs.push({ kind: span.kind, text: span.text });
    sent += span.text.length;
  });
  return { rootId, originalId, regenerationId, firstDivergence: comparison.firstDivergence, divergenceCount: comparison.divergences.length, runs: mergeGaps(runs) };
}

/** `at`, or one less when `at` would split a surrogate pair. */
function pairSafe(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/** Consecutive gaps (a cut run after the size limit) read as one. */
function mergeGaps(runs: ComparisonRun[]): ComparisonRun[] {
  const merged: ComparisonRun[] = [];
  for (const run of runs) {
    const last = merged[merged.length - 1];
    if (run.kind === 'elided' && last?.kind === 'elided') merged[merged.length - 1] = { kind: 'elided', length: last.length + run.length };
    else merged.push(run);
  }
  return merged;
}
