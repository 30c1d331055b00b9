/** What a prompt does with its input. */
export interface PromptHandlers {
  /** Every change of the text, as typed. */
  input?(value: string): void;
  /** Enter. */
  submit(value: string): void;
  /** Arrow keys in the input (find moves between matches with them). */
  step?(delta: 1 | -1): void;
  /** Escape, or the close button. */
  cancel(): void;
}

/**
 * The one-line input above the tree: find, a node's tags, the tag filter. It takes the keyboard while
 * it is open; the tree stays the page's single tab stop otherwise. Its status line is a polite live
 * region, so match counts are heard without leaving the input.
 */
export class PromptBar {
  readonly element: HTMLElement;
  private readonly label: HTMLLabelElement;
  private readonly input: HTMLInputElement;
  private readonly status: HTMLElement;
  private handlers: PromptHandlers | undefined;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'prompt-bar';
    this.label = document.createElement('label');
    this.label.className = 'prompt-label';
    this.input = document.createElement('input');
    this.input.type = 'text';
    this.input.id = 'loom-prompt-input';
    this.input.spellcheck = false;
    this.label.htmlFor = this.input.id;
    this.status = document.createElement('span');
    this.status.className = 'prompt-status';
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.element.append(this.label, this.input, this.status);
    this.input.addEventListener('input', () => this.handlers?.input?.(this.input.value));
    this.input.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.element.hidden = true;
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Which prompt is open ('find', 'tags', 'filter'), or undefined. */
  get mode(): string | undefined {
    return this.isOpen ? this.element.dataset.mode : undefined;
  }

  /** Opens the bar (or switches it to another prompt) and puts the keyboard in its input. */
  open(mode: string, label: string, value: string, placeholder: string, handlers: PromptHandlers): void {
    this.element.dataset.mode = mode;
    this.label.textContent = label;
    this.input.value = value;
    this.input.placeholder = placeholder;
    this.status.textContent = '';
    this.handlers = handlers;
    this.element.hidden = false;
    this.input.focus();
    this.input.select();
  }

  /** Puts the keyboard back in the open input. */
  focus(): void {
    this.input.focus();
    this.input.select();
  }

  close(): void {
    this.element.hidden = true;
    this.handlers = undefined;
  }

  /** The status line: plain text, then optionally the match itself, marked. */
  setStatus(text: string, match?: { before: string; match: string; after: string }): void {
    if (!match) {
      this.status.textContent = text;
      return;
    }
    const mark = document.createElement('mark');
    mark.textContent = oneLine(match.match);
    this.status.replaceChildren(document.createTextNode(`${text}: …${oneLine(match.before)}`), mark, document.createTextNode(`${oneLine(match.after)}…`));
  }

  private onKeyDown(e: KeyboardEvent): void {
    const handlers = this.handlers;
    if (!handlers || e.isComposing) return;
    const action = { Enter: () => handlers.submit(this.input.value), Escape: () => handlers.cancel(), ArrowDown: () => handlers.step?.(1), ArrowUp: () => handlers.step?.(-1) }[e.key];
    if (action) {
      e.preventDefault();
      e.stopPropagation();
      action();
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}
