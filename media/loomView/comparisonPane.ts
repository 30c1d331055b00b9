import type { ComparisonRun, ComparisonView } from '../../src/webviews/webviewProtocol';
import { textPieces } from './displayText';
import { barButton } from './textElements';

/** What the pane's buttons ask for. */
export interface ComparisonActions {
  show(id: string): void;
  close(): void;
}

/**
 * The pane under the tree that shows a regeneration against the node it generates again: text only
 * the original has struck through, text only the regeneration has underlined, in reading order. Every
 * run goes into the DOM as text nodes, with whitespace and invisible characters as visible stand-ins,
 * since a divergence is often just a space.
 */
export class ComparisonPane {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private shown: ComparisonView | undefined;

  constructor(actions: ComparisonActions) {
    this.element = document.createElement('section');
    this.element.className = 'comparison';
    this.element.setAttribute('aria-label', 'Comparison of a regeneration with its original');
    const header = document.createElement('div');
    header.className = 'comparison-header';
    this.summary = document.createElement('span');
    this.summary.className = 'comparison-summary';
    header.append(
      this.summary,
      barButton('Show the original in the editor', () => this.shown && actions.show(this.shown.originalId), 'Original'),
      barButton('Show the regeneration in the editor', () => this.shown && actions.show(this.shown.regenerationId), 'Regeneration'),
      barButton('Close the comparison', () => actions.close(), '×'),
    );
    this.body = document.createElement('div');
    this.body.className = 'comparison-body';
    this.element.append(header, this.body);
    this.show(undefined);
  }

  /** The comparison on display, if any. */
  get comparison(): ComparisonView | undefined {
    return this.shown;
  }

  show(comparison: ComparisonView | undefined): void {
    this.shown = comparison;
    this.element.hidden = !comparison;
    this.body.replaceChildren();
    if (!comparison) {
      return;
    }
    this.summary.textContent = summaryOf(comparison);
    for (const run of comparison.runs) {
      this.body.append(runElement(run));
    }
  }
}

function summaryOf(comparison: ComparisonView): string {
  if (comparison.firstDivergence === null) {
    return 'Regeneration: identical to the original';
  }
  const places = comparison.divergenceCount === 1 ? '1 place' : `${comparison.divergenceCount} places`;
  return `Regeneration: differs from character ${comparison.firstDivergence + 1} on, in ${places}`;
}

function runElement(run: ComparisonRun): HTMLElement {
  if (run.kind === 'elided') {
    const gap = document.createElement('span');
    gap.className = 'diff-elided';
    gap.textContent = ` … ${run.length} characters not shown … `;
    return gap;
  }
  const element = document.createElement(run.kind === 'removed' ? 'del' : run.kind === 'added' ? 'ins' : 'span');
  element.className = `diff-${run.kind}`;
  if (run.kind !== 'same') {
    element.title = run.kind === 'removed' ? 'Only in the original' : 'Only in the regeneration';
  }
  for (const piece of textPieces(run.text)) {
    if (piece.kind === 'text') {
      element.append(document.createTextNode(piece.text));
    } else {
      const standIn = document.createElement('span');
      standIn.className = piece.kind === 'space' ? 'ws' : 'ctl';
      standIn.textContent = piece.text;
      element.append(standIn);
    }
  }
  return element;
}
