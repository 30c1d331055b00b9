/**
 * An edit at the insertion point: delete `replace` characters just before it (the prefill's trailing
 * whitespace, once), then insert `text`. Edits only ever append after the first one, so what the
 * document shows is always a prefix of the final continuation.
 */
export interface ContinuationEdit {
  replace: number;
  text: string;
}

/**
 * Turns streamed deltas into document edits. Trailing whitespace is held back until something
 * follows it, because if the response stops at `max_tokens` the next request must prefill without it
 * (the API rejects trailing whitespace) and the continuation replaces it; holding it back means the
 * editor never shows text that later disappears.
 */
export class ContinuationText {
  private shown = '';
  private held = '';
  private heldIsStale = false;
  private replacedWhitespace = '';

  /** @param documentTrailing whitespace after the sent prefill that is already in the document. */
  constructor(
    private documentTrailing: string,
    private readonly emit: (edit: ContinuationEdit) => void,
  ) {}

  /** The continuation as the document shows it. */
  get text(): string {
    return this.shown;
  }

  /** The prefill's whitespace that the continuation replaced ('' until text arrives). */
  get replaced(): string {
    return this.replacedWhitespace;
  }

  /** Adds a text delta from the model. */
  append(delta: string): void {
    if (delta.length === 0) return;
    if (this.heldIsStale) {
      this.held = '';
      this.heldIsStale = false;
    }
    const combined = this.held + delta;
    const body = combined.trimEnd();
    this.held = combined.slice(body.length);
    if (body.length > 0) this.show(body);
  }

  /**
   * Marks the start of a follow-up request that continues from {@link text}: whitespace held from
   * the previous response is superseded by whatever the new response says.
   */
  continueWithNextResponse(): void {
    this.heldIsStale = true;
  }

  /** Ends the generation, showing any whitespace that was held back. */
  finish(): void {
    if (this.held.length > 0) this.show(this.held);
    this.held = '';
  }

  private show(text: string): void {
    const replace = this.documentTrailing.length;
    if (replace > 0) {
      this.replacedWhitespace = this.documentTrailing;
      this.documentTrailing = '';
    }
    this.shown += text;
    this.emit({ replace, text });
  }
}
