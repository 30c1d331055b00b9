import { groupTexts, type TextGroup } from './grouping';

/** Where a sample's first unit came from: the endpoint's own tokens, or the first word of its text. */
export type FirstUnit = 'token' | 'word';

const WORDS = new Intl.Segmenter(undefined, { granularity: 'word' });

/**
 * The first word of a text with the whitespace before it: the first segment that is not
 * whitespace, by Unicode word boundaries (so Chinese, written without spaces, still splits).
 */
export function firstWord(text: string): string {
  let end = 0;
  for (const { segment, index } of WORDS.segment(text)) {
    end = index + segment.length;
    if (segment.trim() !== '') break;
  }
  return text.slice(0, end);
}

/** A sample's first token where the endpoint gave tokens, else its first word. */
export function firstUnit(sample: { text: string; tokens?: ReadonlyArray<{ text: string }> }): { text: string; unit: FirstUnit } {
  const token = sample.tokens?.[0];
  return token ? { text: token.text, unit: 'token' } : { text: firstWord(sample.text), unit: 'word' };
}

/** The distribution of first tokens (or words, see {@link firstUnit}) over samples, grouped exactly, most frequent first. */
export function firstUnitDistribution(units: ReadonlyArray<{ index: number; text: string; unit: FirstUnit }>): {
  unit: FirstUnit;
  groups: TextGroup[];
} {
  return {
    unit: units.length > 0 && units.every((u) => u.unit === 'token') ? 'token' : 'word',
    groups: groupTexts(units, 'exact'),
  };
}

/**
 * The text without its last word-boundary segment that is not whitespace (a word or a punctuation
 * mark), and without the whitespace after it: " OK," becomes " OK", the comparison the seed
 * experiment makes.
 */
export function withoutLastWord(text: string): string {
  let start = 0;
  for (const { segment, index } of WORDS.segment(text)) {
    if (segment.trim() !== '') start = index;
  }
  return text.slice(0, start);
}
