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
 * editor never shows text that later disappears. The high half of a surrogate pair split between
 * deltas is held back too, so the document never holds half a character. Line breaks are shown in
 * the document's own line ending when one is given: the editor rewrites every inserted break to it,
 * and text that changed length on the way in would put the next edit in the wrong place.
 */
export class ContinuationText {
  private shown = '';
  private held = '';
  private heldIsStale = false;
  private replacedWhitespace = '';

  /**
   * @param documentTrailing whitespace after the sent prefill that is already in the document.
   * @param lineEnding the document's line ending, which every line break becomes; none: kept as sent.
   */
  constructor(
    private documentTrailing: string,
    private readonly emit: (edit: ContinuationEdit) => void,
    private readonly lineEnding?: LineEnding,
    /**
     * False for endpoints that take a prefill exactly as written: the next request continues from
     * every character received, so no whitespace is ever superseded and none is held back.
     */
    private readonly holdWhitespace = true,
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
    const body = withoutHeldTail(combined, this.holdWhitespace);
    this.held = combined.slice(body.length);
    if (body.length > 0) this.show(body);
  }

  /**
   * Marks the start of a follow-up request that continues from {@link text}: whitespace held from
   * the previous response is superseded by whatever the new response says.
   */
  continueWithNextResponse(): void {
    this.heldIsStale = this.holdWhitespace;
  }

  /**
   * Ends the generation, showing any whitespace that was held back. A high surrogate whose low half
   * never came is dropped: half a character cannot be shown, and would be saved as U+FFFD.
   */
  finish(): void {
    const held = endsInHighSurrogate(this.held) ? this.held.slice(0, -1) : this.held;
    if (held.length > 0) this.show(held);
    this.held = '';
  }

  private show(raw: string): void {
    // A `\r` that ends a delta is trailing whitespace, held until the next one, so a `\r\n` split
    // between deltas arrives here whole and becomes one line break, not two.
    const text = this.lineEnding === undefined ? raw : raw.replace(LINE_BREAK, this.lineEnding);
    const replace = this.documentTrailing.length;
    if (replace > 0) {
      this.replacedWhitespace = this.documentTrailing;
      this.documentTrailing = '';
    }
    this.shown += text;
    this.emit({ replace, text });
  }
}

export type LineEnding = '\n' | '\r\n';

/** Every line break the editor recognises, as it splits lines. */
const LINE_BREAK = /\r\n|\r|\n/g;

/** `text` without what must wait for the next delta: trailing whitespace and a trailing high surrogate. */
function withoutHeldTail(text: string, holdWhitespace: boolean): string {
  const trim = (t: string): string => (holdWhitespace ? t.trimEnd() : t);
  let body = trim(text);
  while (endsInHighSurrogate(body)) body = trim(body.slice(0, -1));
  return body;
}

function endsInHighSurrogate(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
}
