/**
 * The writing systems a sample is sorted into, by Unicode Script property names. The property
 * tables come with the JavaScript engine, so no character ranges are kept here.
 */
export const SCRIPTS: readonly string[] = [
  'Latin', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Cyrillic', 'Greek', 'Arabic', 'Hebrew',
  'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Tamil', 'Telugu', 'Kannada', 'Malayalam',
  'Sinhala', 'Thai', 'Lao', 'Khmer', 'Myanmar', 'Tibetan', 'Georgian', 'Armenian', 'Ethiopic',
  'Mongolian', 'Thaana', 'Syriac',
];

/** A sample with letters of no script in {@link SCRIPTS}. */
export const OTHER_SCRIPT = 'Other';
/** A sample with no letters at all (empty, digits, punctuation, emoji). */
export const NO_SCRIPT = 'None';

const SCRIPT_PATTERNS = SCRIPTS.map((s) => new RegExp(`^\\p{Script=${s}}$`, 'u'));
const LETTER = /^\p{L}$/u;
/** A sample has a few hundred characters from a few dozen distinct ones: each is looked up once. */
const scriptOfCharacter = new Map<string, string | undefined>();
const MAX_REMEMBERED = 10_000;

/** The listed script of a character, {@link OTHER_SCRIPT} for a letter of another, undefined when it counts for none. */
function characterScript(character: string): string | undefined {
  if (scriptOfCharacter.has(character)) return scriptOfCharacter.get(character);
  const listed = SCRIPT_PATTERNS.findIndex((pattern) => pattern.test(character));
  const script = listed >= 0 ? SCRIPTS[listed] : LETTER.test(character) ? OTHER_SCRIPT : undefined;
  if (scriptOfCharacter.size >= MAX_REMEMBERED) scriptOfCharacter.clear();
  scriptOfCharacter.set(character, script);
  return script;
}

/** Characters of each script in `text` (letters of unlisted scripts count as {@link OTHER_SCRIPT}). */
export function scriptCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const character of text) {
    const script = characterScript(character);
    if (script !== undefined) counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  return counts;
}

/**
 * The writing system of a text: the script most of its characters are written in (ties go to the
 * one listed first), {@link NO_SCRIPT} when it has no letters.
 */
export function writingSystem(text: string): string {
  let best = NO_SCRIPT;
  let bestCount = 0;
  for (const [script, count] of scriptCounts(text)) {
    if (count > bestCount || (count === bestCount && rank(script) < rank(best))) {
      best = script;
      bestCount = count;
    }
  }
  return best;
}

function rank(script: string): number {
  const i = SCRIPTS.indexOf(script);
  return i < 0 ? SCRIPTS.length : i;
}

/** The share of each writing system among texts' ({@link writingSystem}), largest first; the shares add up to 1. */
export function systemShares(systems: readonly string[]): Array<{ script: string; count: number; share: number }> {
  const counts = new Map<string, number>();
  for (const script of systems) counts.set(script, (counts.get(script) ?? 0) + 1);
  return [...counts.entries()]
    .map(([script, count]) => ({ script, count, share: count / systems.length }))
    .sort((a, b) => b.count - a.count || rank(a.script) - rank(b.script));
}
