import { isPackedShape, type PackedTokens } from '../providers/tokenLogprobs';

/**
 * Packed token probabilities are most of a tree file's bytes when they are recorded (about three
 * quarters with five alternatives per token), and `JSON.parse` copying every one of them made a
 * 10,000-node tree miss its load target while almost no node's tokens are ever looked at. So the
 * loader takes each `"tokens":[…]` tuple out of the text before parsing, leaves its number in its
 * place, and a node reads its tuple the first time its tokens are asked for. The file format is
 * unchanged: the tuples stay where they are, and a file the fast path cannot vouch for is parsed
 * whole, as before.
 */
export interface TokensAside {
  /** The file's text with every tuple set aside replaced by its number in `tuples`. */
  readonly text: string;
  /** The tuples' JSON text, in file order. */
  readonly tuples: readonly string[];
}

const KEY = '"tokens":["';
const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;

export function setTokensAside(text: string): TokensAside {
  const pieces: string[] = [];
  const tuples: string[] = [];
  let copied = 0;
  for (let at = text.indexOf(KEY); at !== -1; ) {
    const start = at + KEY.length - 2;
    const end = isKeyStart(text, at) ? tupleEnd(text, start) : -1;
    if (end === -1) {
      at = text.indexOf(KEY, at + 1);
      continue;
    }
    pieces.push(text.slice(copied, start), String(tuples.length));
    tuples.push(text.slice(start, end));
    copied = end;
    at = text.indexOf(KEY, end);
  }
  if (tuples.length === 0) return { text, tuples };
  pieces.push(text.slice(copied));
  return { text: pieces.join(''), tuples };
}

/**
 * The tuples set aside, handed out to the generations whose `tokens` hold their numbers. The fast
 * path stands only if every tuple went to exactly one generation (a tuple-like value elsewhere, say
 * in hand-edited parameters, or a hand-written number, sends the file to the whole parse).
 */
export class AsideTuples {
  private readonly claimed: Uint8Array;
  private claims = 0;

  constructor(private readonly tuples: readonly string[]) {
    this.claimed = new Uint8Array(tuples.length);
  }

  /** Gives `generation` its tuple, read the first time its tokens are asked for; false when `tokens` names none (or one already given). */
  attach(generation: Record<string, unknown>): boolean {
    const n = generation.tokens;
    if (typeof n !== 'number' || !(n >= 0 && n < this.tuples.length) || this.claimed[n]) return false;
    this.claimed[n] = 1;
    this.claims++;
    readTokensWhenAsked(generation, this.tuples[n]);
    return true;
  }

  get eachGivenOnce(): boolean {
    return this.claims === this.tuples.length;
  }
}

// Then `tokens` is a plain property; a tuple that is not a readable packing reads as no tokens.
function readTokensWhenAsked(generation: Record<string, unknown>, tuple: string): void {
  Object.defineProperty(generation, 'tokens', {
    configurable: true,
    enumerable: true,
    get(): PackedTokens | undefined {
      const value = parseTuple(tuple);
      if (value === undefined) delete generation.tokens;
      else Object.defineProperty(generation, 'tokens', { value, configurable: true, enumerable: true, writable: true });
      return value;
    },
  });
}

function parseTuple(tuple: string): PackedTokens | undefined {
  try {
    const value: unknown = JSON.parse(tuple);
    return isPackedShape(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

// Inside a JSON string every quote follows a backslash, so a key quote after `,` or `{` is outside any string.
function isKeyStart(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  return before === COMMA || before === 0x7b;
}

/**
 * Where the tuple `["…","…","…",4]` (or `8`) that opens at `start` ends, or -1. It must end on its
 * own line (the serializer writes a node per line), so a damaged string cannot take in other nodes.
 */
function tupleEnd(text: string, start: number): number {
  let i = start + 1;
  for (let k = 0; k < 3; k++) {
    if (text.charCodeAt(i) !== QUOTE) return -1;
    i = stringEnd(text, i + 1);
    if (i === -1 || text.charCodeAt(i) !== COMMA) return -1;
    i++;
  }
  const width = text[i];
  if ((width !== '4' && width !== '8') || text[i + 1] !== ']') return -1;
  const lineEnd = text.indexOf('\n', start);
  return lineEnd === -1 || lineEnd > i + 1 ? i + 2 : -1;
}

/** Just after the closing quote of the JSON string whose characters start at `i`, or -1. */
function stringEnd(text: string, i: number): number {
  for (let q = text.indexOf('"', i); q !== -1; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
  return -1;
}
