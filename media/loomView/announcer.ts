import type { NodeSummary } from '../../src/webviews/webviewProtocol';

/**
 * A polite live region: a screen reader hears when a generation starts, how it ended (characters and
 * stop reason) and when it failed, without the focus leaving the tree.
 */
export class Announcer {
  readonly element = document.createElement('div');

  constructor() {
    this.element.className = 'visually-hidden';
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
  }

  say(message: string): void {
    this.element.textContent = message;
  }

  /** Announces what changed between a node's last summary (undefined: new) and this one. */
  observe(before: NodeSummary | undefined, after: NodeSummary): void {
    const message = announcement(before, after);
    if (message !== undefined) this.element.textContent = message;
  }
}

function announcement(before: NodeSummary | undefined, after: NodeSummary): string | undefined {
  if (after.status === before?.status) return undefined;
  const model = after.model !== undefined ? ` with ${after.model}` : '';
  switch (after.status) {
    case 'streaming':
      return `Generating${model}`;
    case 'failed':
      return `Generation${model} failed after ${after.textLength.toLocaleString('en-US')} characters`;
    case 'cancelled':
      return `Generation stopped after ${after.textLength.toLocaleString('en-US')} characters`;
    case 'completed':
      // A node loaded already finished has nothing to announce: only a finish seen live does.
      return before === undefined ? undefined : `Generated ${after.textLength.toLocaleString('en-US')} characters${model}${after.stopReason !== undefined ? `, stop reason ${after.stopReason}` : ''}`;
    default:
      return undefined;
  }
}
