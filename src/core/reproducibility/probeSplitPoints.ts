/**
 * Where a probe cuts a node's text: after every word or punctuation run, after every character, or
 * between the model's own tokens (from the probabilities recorded with the text: the experiment of
 * prefilling its first n tokens).
 */
export type SplitMode = 'word' | 'char' | 'token';

type CharClass = 'word' | 'space' | 'punct';

const WORD = /[\p{L}\p{N}_]/u;
const SPACE = /\s/u;
/** Combining marks, joiners and variation selectors belong to the character before them, never start a new run. */
const JOINER = /[\p{M}\u200C\u200D\uFE00-\uFE0F]/u;

function charClass(char: string): CharClass {
  return WORD.test(char) ? 'word' : SPACE.test(char) ? 'space' : 'punct';
}

/**
 * Offsets k in `text` (0 < k < text.length) at which to prefill `basePrefill + text.slice(0, k)`.
 * Never a k after whitespace, as the API rejects a prefill that ends in it, and never inside a
 * surrogate pair. 'word': where the class word/space/punctuation changes after a non-space, i.e.
 * the ends of words and of punctuation runs. 'char': after every non-whitespace character.
 */
export function probeSplitPoints(text: string, mode: 'word' | 'char'): number[] {
  const offsets: number[] = [];
  let k = 0;
  let previous: { char: string; runClass: CharClass } | undefined;
  for (const char of text) {
    const runClass = previous && JOINER.test(char) ? previous.runClass : charClass(char);
    if (previous && !SPACE.test(previous.char) && (mode === 'char' || runClass !== previous.runClass)) offsets.push(k);
    k += char.length;
    previous = { char, runClass };
  }
  return offsets;
}
