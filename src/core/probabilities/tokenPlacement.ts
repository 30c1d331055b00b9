import { unpackTokens, type PackedTokens, type TokenLogprob } from '../providers/tokenLogprobs';
import { isPartialCharacter, partialCharacterBytes } from './tokenText';

/** Where one generated token lies in a node's text (UTF-16 offsets, end exclusive). */
export interface TokenSpan {
  readonly start: number;
  readonly end: number;
  readonly token: TokenLogprob;
}

/**
 * A generation's tokens placed in a text: the one placement the editor's shading, the loom view's
 * statistics and the probe's token boundaries all read, so they never disagree on where a token is.
 */
export interface TokenPlacement {
  /** In order; a token straddling the text's start keeps the part inside. */
  readonly spans: readonly TokenSpan[];
  /** The first span is such a straddling token: only part of its text is in the text. */
  readonly cut: boolean;
}

/**
 * Places a generation's tokens in a text that is the generated text or its end (a node's text, or a
 * split head's text followed by its tails'). Its line breaks are the document's, whatever the model
 * sent. A token holding only part of a character (named `bytes:\xe6\x88`, as vLLM and OpenAI name
 * them) gets an empty span before the character, which goes to the token that completes it. Tokens
 * wholly before the text are left out. Undefined when the text is not what the tokens produced (the
 * record and the text disagree: show nothing rather than marks in the wrong places).
 */
export function placeTokens(tokens: readonly TokenLogprob[], text: string): TokenPlacement | undefined {
  return place(decodedOf(tokens), text);
}

/** {@link placeTokens} for a node's record, remembered per packing and text (the view and the shading ask again on every change). */
export function placedTokens(packed: PackedTokens | undefined, text: string): TokenPlacement | undefined {
  if (!packed) return undefined;
  let entry = placements.get(packed);
  if (!entry) {
    const tokens = unpackTokens(packed);
    entry = { decoded: tokens && decodedOf(tokens), byText: new Map() };
    placements.set(packed, entry);
  }
  if (entry.byText.has(text)) return entry.byText.get(text);
  const placement = entry.decoded && place(entry.decoded, text);
  // A record is read against a few texts at most (its node, the split head above it, a node being typed into).
  if (entry.byText.size >= TEXTS_PER_RECORD) entry.byText.delete(entry.byText.keys().next().value!);
  entry.byText.set(text, placement);
  return placement;
}

/** The spans of {@link placeTokens}. */
export function tokenSpans(tokens: readonly TokenLogprob[], text: string): readonly TokenSpan[] | undefined {
  return placeTokens(tokens, text)?.spans;
}

/** A node's token spans from its generation record (through the shared cache). */
export function nodeSpans(generation: { readonly tokens?: PackedTokens } | undefined, nodeText: string): readonly TokenSpan[] | undefined {
  return placedTokens(generation?.tokens, nodeText)?.spans;
}

const TEXTS_PER_RECORD = 4;

/** The decoded tokens and their generated text in each line ending, computed once per packing. */
interface Decoded {
  readonly tokens: readonly TokenLogprob[];
  /** The generated text as the tokens produce it, then with \r\n and with \n line breaks (made when first asked for). */
  readonly variants: Map<LineEnding, { text: string; ends: number[] }>;
  /** What the bytes of a character the generation stopped inside decode to (U+FFFD), else ''. */
  readonly unfinished: string;
}

type LineEnding = 'asSent' | '\r\n' | '\n';
const LINE_ENDINGS: readonly LineEnding[] = ['asSent', '\r\n', '\n'];

/** Packings never change (a node's record gets a new one), so they key the cache. */
const placements = new WeakMap<PackedTokens, { decoded: Decoded | undefined; byText: Map<string, TokenPlacement | undefined> }>();

function decodedOf(tokens: readonly TokenLogprob[]): Decoded {
  const { text, ends, unfinished } = decodeTokens(tokens);
  return { tokens, variants: new Map([['asSent', { text, ends }]]), unfinished };
}

function variant(decoded: Decoded, lineEnding: LineEnding): { text: string; ends: number[] } {
  let found = decoded.variants.get(lineEnding);
  if (!found) {
    found = withLineEnding(decoded.variants.get('asSent')!, lineEnding as '\n' | '\r\n');
    decoded.variants.set(lineEnding, found);
  }
  return found;
}

function place(decoded: Decoded, nodeText: string): TokenPlacement | undefined {
  for (const lineEnding of LINE_ENDINGS) {
    const { text, ends } = variant(decoded, lineEnding);
    // A generation stopped inside a character: servers drop the unfinished character, or send U+FFFD for it.
    const generated = text.endsWith(nodeText) ? text : text + decoded.unfinished;
    if (!generated.endsWith(nodeText)) continue;
    const cutAt = generated.length - nodeText.length;
    const spans: TokenSpan[] = [];
    let cut = false;
    decoded.tokens.forEach((token, i) => {
      const start = i === 0 ? 0 : ends[i - 1];
      if (ends[i] > cutAt || (start === ends[i] && start >= cutAt)) {
        if (start < cutAt) cut = true;
        spans.push({ start: Math.max(start, cutAt) - cutAt, end: ends[i] - cutAt, token });
      }
    });
    return { spans, cut };
  }
  return undefined;
}

const encoder = new TextEncoder();

/** The bytes a token stands for: its `bytes:\x..` name read back, or its text in UTF-8. */
function tokenBytes(text: string): Uint8Array {
  return partialCharacterBytes(text) ?? encoder.encode(text);
}

/** The text the tokens produce, where each token's text ends in it, and what a character they leave unfinished decodes to. */
function decodeTokens(tokens: readonly TokenLogprob[]): { text: string; ends: number[]; unfinished: string } {
  if (!tokens.every(isWholeCharacters)) return decodedBytes(tokens);
  const whole = joined(tokens);
  return whole.text.startsWith('\uFEFF') ? decodedBytes(tokens) : { ...whole, unfinished: '' };
}

/**
 * Most tokens are whole characters, and then their texts joined are what decoding their bytes
 * gives: a decoder only changes `bytes:` names, lone surrogates and a byte order mark at the start.
 * Encoding and decoding every token was most of the cost of placing them.
 */
function isWholeCharacters(token: TokenLogprob): boolean {
  return !LONE_SURROGATE.test(token.text) && !isPartialCharacter(token.text);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function joined(tokens: readonly TokenLogprob[]): { text: string; ends: number[] } {
  let text = '';
  const ends = tokens.map((token) => (text += token.text).length);
  return { text, ends };
}

function decodedBytes(tokens: readonly TokenLogprob[]): { text: string; ends: number[]; unfinished: string } {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  const ends = tokens.map((token) => {
    text += decoder.decode(tokenBytes(token.text), { stream: true });
    return text.length;
  });
  return { text, ends, unfinished: decoder.decode() };
}

/** The same text with every line break (\r\n, \r, \n) written as `lineEnding`, ends moved along. */
function withLineEnding(decoded: { text: string; ends: number[] }, lineEnding: '\n' | '\r\n'): { text: string; ends: number[] } {
  const moved: number[] = new Array<number>(decoded.text.length + 1);
  let text = '';
  const source = decoded.text;
  for (let i = 0; i < source.length; ) {
    moved[i] = text.length;
    const breakLength = source.startsWith('\r\n', i) ? 2 : source[i] === '\r' || source[i] === '\n' ? 1 : 0;
    if (breakLength === 0) {
      text += source[i++];
      continue;
    }
    if (breakLength === 2) moved[i + 1] = text.length;
    text += lineEnding;
    i += breakLength;
  }
  moved[source.length] = text.length;
  return { text, ends: decoded.ends.map((end) => moved[end]) };
}
