/** One alternative the model weighed for a token position. */
export interface TokenAlternative {
  readonly text: string;
  readonly logprob: number;
}

/**
 * One generated token with its log-probability and the top alternatives, as the server gave them
 * (the chosen token included where the server lists it). The texts of a generation's tokens, joined,
 * are the text it produced. This is the shape later features (probability display, distributions)
 * read from a node.
 */
export interface TokenLogprob {
  readonly text: string;
  readonly logprob: number;
  readonly top: readonly TokenAlternative[];
}

/**
 * The compact, exact form of a token in a tree file: `[text, logprob, alt1, lp1, alt2, lp2, …]`.
 * Flat arrays without key names keep a tree with probabilities small and fast to parse; numbers
 * round-trip exactly through JSON.
 */
export type PackedToken = [string, number, ...Array<string | number>];

export function packTokens(tokens: readonly TokenLogprob[]): PackedToken[] {
  return tokens.map((t) => {
    const packed: PackedToken = [t.text, t.logprob];
    for (const alt of t.top) packed.push(alt.text, alt.logprob);
    return packed;
  });
}

/** Reads packed tokens back; undefined when the value is not a well-formed list of them. */
export function unpackTokens(value: unknown): TokenLogprob[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const tokens: TokenLogprob[] = [];
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length % 2 !== 0 || !isPair(entry[0], entry[1])) return undefined;
    const top: TokenAlternative[] = [];
    for (let i = 2; i < entry.length; i += 2) {
      if (!isPair(entry[i], entry[i + 1])) return undefined;
      top.push({ text: entry[i] as string, logprob: entry[i + 1] as number });
    }
    tokens.push({ text: entry[0] as string, logprob: entry[1] as number, top });
  }
  return tokens;
}

/** Whether a value is a well-formed list of packed tokens; checks without building objects, for fast loads. */
export function arePackedTokens(value: unknown): value is PackedToken[] {
  if (!Array.isArray(value)) return false;
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length % 2 !== 0) return false;
    for (let i = 0; i < entry.length; i += 2) if (!isPair(entry[i], entry[i + 1])) return false;
  }
  return true;
}

function isPair(text: unknown, logprob: unknown): boolean {
  return typeof text === 'string' && typeof logprob === 'number' && Number.isFinite(logprob);
}

/** A node's token probabilities, when its generation recorded them. */
export function nodeTokens(generation: { readonly tokens?: readonly PackedToken[] } | undefined): TokenLogprob[] | undefined {
  return generation?.tokens && unpackTokens(generation.tokens);
}
