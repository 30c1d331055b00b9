import { diffWordsWithSpace, type ChangeObject } from 'diff';

/** One run of a comparison, in order: text both share, text only the original has, text only the other has. */
export interface DiffSpan {
  readonly kind: 'same' | 'removed' | 'added';
  readonly text: string;
}

/** One place where the texts differ: a range of the original and what the other text has there instead. */
export interface Divergence {
  /** UTF-16 offsets into the original, end exclusive; equal when the other text only inserts here. */
  readonly originalStart: number;
  readonly originalEnd: number;
  /** UTF-16 offsets into the other text, end exclusive; equal when the other text only deletes here. */
  readonly otherStart: number;
  readonly otherEnd: number;
  readonly originalText: string;
  readonly otherText: string;
}

export interface TextComparison {
  readonly identical: boolean;
  /** Offset (UTF-16, in both texts) of the first character where they differ: the common prefix length; null when identical. */
  readonly firstDivergence: number | null;
  /** Concatenating the 'same' and 'removed' spans gives the original; 'same' and 'added' give the other. */
  readonly spans: readonly DiffSpan[];
  /** Each maximal group of removed/added spans between two 'same' runs, in order. */
  readonly divergences: readonly Divergence[];
}

/**
 * Past this many edits (or this much time) the word diff gives up, and everything between the
 * common prefix and suffix is reported as one divergence: two unrelated megabyte texts must not
 * freeze the editor, and a diff that long would not be read span by span anyway.
 */
const MAX_EDIT_LENGTH = 4000;
const DIFF_TIMEOUT_MS = 250;

/**
 * Compares two texts word by word (words, whitespace runs and single punctuation marks are the
 * units), so a change at a token boundary reads as a whole-word span, while `firstDivergence` is
 * exact to the character.
 */
export function compareTexts(original: string, other: string): TextComparison {
  if (original === other) {
    return { identical: true, firstDivergence: null, spans: original === '' ? [] : [{ kind: 'same', text: original }], divergences: [] };
  }
  const firstDivergence = commonPrefixLength(original, other);
  const spans = mergeSpans(absorbCoincidences(diffSpans(original, other, firstDivergence)));
  return { identical: false, firstDivergence, spans, divergences: divergencesOf(spans) };
}

/**
 * How many leading UTF-16 units two texts share, never ending between the halves of a surrogate
 * pair of either text (two emoji can share their high surrogate and still be different characters).
 * The scan stops at the first difference: charCodeAt past either end is NaN, which equals nothing.
 */
export function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (a.charCodeAt(n) === b.charCodeAt(n)) n++;
  const splitsPair = isHighSurrogate(a.charCodeAt(n - 1)) && (isLowSurrogate(a.charCodeAt(n)) || isLowSurrogate(b.charCodeAt(n)));
  return splitsPair ? n - 1 : n;
}

/** Like {@link commonPrefixLength} from the end, never reaching into the first `limit` units. */
function commonSuffixLength(a: string, b: string, limit: number): number {
  const max = Math.min(a.length, b.length) - limit;
  let n = 0;
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  const splitsPair = isLowSurrogate(a.charCodeAt(a.length - n)) && (isHighSurrogate(a.charCodeAt(a.length - 1 - n)) || isHighSurrogate(b.charCodeAt(b.length - 1 - n)));
  return splitsPair ? n - 1 : n;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * What the word diff is given: the texts without `head` leading and `tail` trailing characters that
 * both share. Cutting them off keeps the diff small however long the texts are; the cuts sit at word
 * starts so the diff still sees whole words. `suffix` is the exact common suffix.
 */
export interface DiffWindow {
  readonly head: number;
  readonly tail: number;
  readonly suffix: number;
}

export function diffWindow(original: string, other: string, prefix: number): DiffWindow {
  const suffix = commonSuffixLength(original, other, prefix);
  return {
    head: wordStartAtOrBefore(original, prefix),
    tail: original.length - wordStartAtOrAfter(original, original.length - suffix),
    suffix,
  };
}

function diffSpans(original: string, other: string, prefix: number): DiffSpan[] {
  const { head, tail, suffix } = diffWindow(original, other, prefix);
  const originalMiddle = original.slice(head, original.length - tail);
  const otherMiddle = other.slice(head, other.length - tail);
  const changes = diffWordsWithSpace(originalMiddle, otherMiddle, { maxEditLength: MAX_EDIT_LENGTH, timeout: DIFF_TIMEOUT_MS });
  const middle = changes ? changes.map(toSpan) : wholeMiddle(original, other, prefix, suffix, head, tail);
  return [{ kind: 'same', text: original.slice(0, head) }, ...middle, { kind: 'same', text: original.slice(original.length - tail) }];
}

/** The diff gave up: everything between the exact common prefix and suffix differs, as one divergence. */
function wholeMiddle(original: string, other: string, prefix: number, suffix: number, head: number, tail: number): DiffSpan[] {
  return [
    { kind: 'same', text: original.slice(head, prefix) },
    { kind: 'removed', text: original.slice(prefix, original.length - suffix) },
    { kind: 'added', text: other.slice(prefix, other.length - suffix) },
    { kind: 'same', text: original.slice(original.length - suffix, original.length - tail) },
  ];
}

/**
 * The start of the word-diff unit that contains `offset`, found inside the shared text: a
 * non-space character after a space always starts a unit, whatever precedes it.
 */
function wordStartAtOrBefore(text: string, offset: number): number {
  for (let i = offset - 1; i > 0; i--) {
    if (/\s/.test(text[i - 1]) && !/\s/.test(text[i])) return i;
  }
  return 0;
}

/** The first unit start at or after `offset`, looking only at the shared tail from `offset` on. */
function wordStartAtOrAfter(text: string, offset: number): number {
  for (let i = offset + 1; i < text.length; i++) {
    if (/\s/.test(text[i - 1]) && !/\s/.test(text[i])) return i;
  }
  return text.length;
}

function toSpan(change: ChangeObject<string>): DiffSpan {
  return { kind: change.added ? 'added' : change.removed ? 'removed' : 'same', text: change.value };
}

/** Shared text between two changes needs this many words to count as agreement. */
const MIN_AGREEMENT_WORDS = 2;

/**
 * Once two texts stop sharing structure, a word diff still pairs up the common words they happen to
 * both use ("on", "that", "the") and reports the rest as many small changes: agreement that is not
 * there. Shared text between two changes that is only whitespace or a single word becomes part of
 * the change around it, so unrelated text reads as one divergence and real agreement still shows.
 */
function absorbCoincidences(spans: readonly DiffSpan[]): DiffSpan[] {
  const changed = (span: DiffSpan | undefined): boolean => span !== undefined && span.kind !== 'same';
  const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
  return spans.flatMap((span, i): DiffSpan[] =>
    span.kind === 'same' && words(span.text) < MIN_AGREEMENT_WORDS && changed(spans[i - 1]) && changed(spans[i + 1])
      ? [
          { kind: 'removed', text: span.text },
          { kind: 'added', text: span.text },
        ]
      : [span],
  );
}

/**
 * Drops empty spans, joins neighbours of the same kind, and within each group of changes puts all
 * the removed text before all the added text, so every group is exactly one removed/added pair.
 */
function mergeSpans(spans: readonly DiffSpan[]): DiffSpan[] {
  const merged: DiffSpan[] = [];
  let removed = '';
  let added = '';
  const flushChanges = (): void => {
    if (removed) merged.push({ kind: 'removed', text: removed });
    if (added) merged.push({ kind: 'added', text: added });
    removed = added = '';
  };
  for (const span of spans) {
    if (span.kind === 'removed') removed += span.text;
    else if (span.kind === 'added') added += span.text;
    else if (span.text) {
      flushChanges();
      const last = merged[merged.length - 1];
      if (last?.kind === 'same') merged[merged.length - 1] = { kind: 'same', text: last.text + span.text };
      else merged.push(span);
    }
  }
  flushChanges();
  return merged;
}

function divergencesOf(spans: readonly DiffSpan[]): Divergence[] {
  const divergences: Divergence[] = [];
  let originalAt = 0;
  let otherAt = 0;
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    if (span.kind === 'same') {
      originalAt += span.text.length;
      otherAt += span.text.length;
      continue;
    }
    const originalText = span.kind === 'removed' ? span.text : '';
    const otherText = span.kind === 'added' ? span.text : spans[i + 1]?.kind === 'added' ? spans[++i].text : '';
    divergences.push({
      originalStart: originalAt,
      originalEnd: originalAt + originalText.length,
      otherStart: otherAt,
      otherEnd: otherAt + otherText.length,
      originalText,
      otherText,
    });
    originalAt += originalText.length;
    otherAt += otherText.length;
  }
  return divergences;
}
