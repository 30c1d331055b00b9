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
  /** Each tuple's JSON text, in file order, read from the file only when asked for. */
  readonly tuples: readonly (() => string)[];
}

/**
 * A tree file as text or as its UTF-8 bytes. From the bytes, the tuples are not even decoded at
 * load (decoding 40 MB of them to a string was the larger part of what was left): quotes,
 * backslashes, commas and line breaks are single bytes in UTF-8, never inside a longer character,
 * so the scan finds the same places in either.
 */
export type TreeFileContent = string | Uint8Array;

interface Scanned {
  readonly length: number;
  at(i: number): number;
  find(needle: string, from: number): number;
  text(start: number, end: number): string;
}

function scanned(content: TreeFileContent): Scanned {
  if (typeof content === 'string') {
    return { length: content.length, at: (i) => content.charCodeAt(i), find: (n, from) => content.indexOf(n, from), text: (a, b) => content.slice(a, b) };
  }
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  // A one-byte needle as a number: Buffer's search for a string of one character is many times slower.
  const find = (n: string, from: number) => (n.length === 1 ? bytes.indexOf(n.charCodeAt(0), from) : bytes.indexOf(n, from, 'latin1'));
  return { length: bytes.length, at: (i) => bytes[i], find, text: (a, b) => bytes.toString('utf8', a, b) };
}

/** The whole content as text (a UTF-8 byte order mark dropped). */
export function contentText(content: TreeFileContent): string {
  const text = typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const KEY = '"tokens":["';
const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;

export function setTokensAside(content: TreeFileContent): TokensAside {
  const source = scanned(content);
  const pieces: string[] = [];
  const tuples: (() => string)[] = [];
  let copied = 0;
  for (let at = source.find(KEY, 0); at !== -1; ) {
    const start = at + KEY.length - 2;
    const end = isKeyStart(source, at) ? tupleEnd(source, start) : -1;
    if (end === -1) {
      at = source.find(KEY, at + 1);
      continue;
    }
    pieces.push(source.text(copied, start), String(tuples.length));
    tuples.push(() => source.text(start, end));
    copied = end;
    at = source.find(KEY, end);
  }
  pieces.push(source.text(copied, source.length));
  const text = pieces.join('');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, tuples };
}

/**
 * The tuples set aside, handed out to the generations whose `tokens` hold their numbers. The fast
 * path stands only if every tuple went to exactly one generation (a tuple-like value elsewhere, say
 * in hand-edited parameters, or a hand-written number, sends the file to the whole parse).
 */
export class AsideTuples {
  private readonly claimed: Uint8Array;
  private claims = 0;
  /** Generations whose `tokens` was a number: one written by hand can take a tuple before its owner asks. */
  private numbered = 0;

  constructor(private readonly tuples: readonly (() => string)[]) {
    this.claimed = new Uint8Array(tuples.length);
  }

  /** Gives `generation` its tuple, read the first time its tokens are asked for; false when `tokens` names none (or one already given). */
  attach(generation: Record<string, unknown>): boolean {
    const n = generation.tokens;
    if (typeof n !== 'number') return false;
    this.numbered++;
    if (!(n >= 0 && n < this.tuples.length) || this.claimed[n]) return false;
    this.claimed[n] = 1;
    this.claims++;
    const tuple = this.tuples[n];
    tokensWhenAsked(generation, () => parseTuple(tuple()));
    return true;
  }

  /** Every tuple went to exactly one generation, and every number named a tuple of its own. */
  get eachGivenOnce(): boolean {
    return this.claims === this.tuples.length && this.numbered === this.claims;
  }
}

/**
 * Makes `holder[key]` computed by `read` the first time it is asked for, and a plain property from
 * then on (reading `undefined` removes the key). One getter per key, shared by every holder: a getter
 * made per object gave each its own kind of property, and V8 turned every such object into a slow
 * dictionary (at 20,000 imported generations, a fifth of the import's own time). Where `key` is not
 * yet a key of `holder`, it goes last: an object made without it, with this call where it goes among
 * the keys, stays fast. The reader waits under a symbol, not enumerable: no save, export, spread or
 * comparison sees it.
 */
export function whenAsked(holder: object, key: string, read: () => unknown): void {
  const lazy = lazyKey(key);
  Object.defineProperty(holder, key, lazy.descriptor);
  Object.defineProperty(holder, lazy.reader, { value: read, writable: true });
}

interface LazyKey {
  readonly descriptor: PropertyDescriptor;
  readonly reader: symbol;
}

const lazyKeys = new Map<string, LazyKey>();

function lazyKey(key: string): LazyKey {
  let lazy = lazyKeys.get(key);
  if (lazy === undefined) {
    const reader = Symbol(`reader of ${key}`);
    const descriptor: PropertyDescriptor = {
      configurable: true,
      enumerable: true,
      get(this: Record<string | symbol, unknown>): unknown {
        const read = this[reader] as () => unknown;
        this[reader] = undefined;
        const value = read();
        if (value === undefined) delete this[key];
        else Object.defineProperty(this, key, { value, configurable: true, enumerable: true, writable: true });
        return value;
      },
    };
    lazy = { descriptor, reader };
    lazyKeys.set(key, lazy);
  }
  return lazy;
}

/**
 * `generation.tokens`, read when first asked for. Tree files set their tuples aside this way, and an
 * import from another loom packs the tokens it read only when they are asked for (by the view, a
 * save or an export), not while the file is being read.
 */
export function tokensWhenAsked(generation: object, read: () => PackedTokens | undefined): void {
  whenAsked(generation, 'tokens', read);
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
function isKeyStart(source: Scanned, at: number): boolean {
  const before = source.at(at - 1);
  return before === COMMA || before === 0x7b;
}

/**
 * Where the tuple `["…","…","…",4]` (or `8`) that opens at `start` ends, or -1. It must end on its
 * own line (the serializer writes a node per line), so a damaged string cannot take in other nodes.
 */
function tupleEnd(source: Scanned, start: number): number {
  let i = start + 1;
  for (let k = 0; k < 3; k++) {
    if (source.at(i) !== QUOTE) return -1;
    i = stringEnd(source, i + 1);
    if (i === -1 || source.at(i) !== COMMA) return -1;
    i++;
  }
  const width = source.at(i);
  if ((width !== 0x34 && width !== 0x38) || source.at(i + 1) !== 0x5d) return -1;
  const lineEnd = source.find('\n', start);
  return lineEnd === -1 || lineEnd > i + 1 ? i + 2 : -1;
}

/** Just after the closing quote of the JSON string whose characters start at `i`, or -1. */
function stringEnd(source: Scanned, i: number): number {
  for (let q = source.find('"', i); q !== -1; q = source.find('"', q + 1)) {
    let backslashes = 0;
    while (source.at(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
  return -1;
}
