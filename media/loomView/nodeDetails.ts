/**
 * How the focused node was made (model, temperature, tokens, stop reason, time), shown below the
 * tree on request: the same text as a row's hover, reachable from the keyboard (i) and announced to
 * screen readers as it follows the focus. Set as text, so inert.
 */
export class NodeDetails {
  readonly element: HTMLElement;
  private shown = false;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'node-details';
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
    this.element.hidden = true;
  }

  toggle(): void {
    this.shown = !this.shown;
    this.element.hidden = !this.shown;
  }

  /** Shows `text` (the focused node's details) if the details are open. */
  update(text: string | undefined): void {
    if (!this.shown || this.element.textContent === (text ?? '')) return;
    this.element.textContent = text ?? '';
  }
}
