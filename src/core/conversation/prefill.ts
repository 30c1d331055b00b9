/**
 * The Messages API rejects a final assistant message that ends in whitespace, so a prefill is sent
 * without it and the continuation takes its place: the document then reads exactly
 * `sent + continuation`, never with a doubled or lost space.
 */
export interface PrefillSplit {
  /** What goes into the final assistant message. */
  sent: string;
  /** The whitespace the continuation replaces (it stays in the document until text arrives). */
  trailingWhitespace: string;
}

/** Splits a prefill into what the API accepts and the trailing whitespace it would reject. */
export function splitTrailingWhitespace(text: string): PrefillSplit {
  const sent = text.trimEnd();
  return { sent, trailingWhitespace: text.slice(sent.length) };
}
