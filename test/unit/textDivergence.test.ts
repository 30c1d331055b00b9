import * as assert from 'node:assert/strict';
import { commonPrefixLength, compareTexts, diffWindow, type TextComparison } from '../../src/core/reproducibility/textDivergence';
import { seededRandom } from '../server/random';

/** Word-ish pieces, so random texts share words, differ at token boundaries and carry emoji and newlines. */
const PIECES = ['the', ' ', 'cat', ',', ' sat', '\n', 'mat', '😀', '😁', '🈀', 'é', '"', 'a', 'b', '  '];

function randomText(random: () => number, pieces: number): string {
  let text = '';
  for (let n = pieces; n > 0; n--) text += PIECES[Math.floor(random() * PIECES.length)];
  return text;
}

/** Edits a text a few times, so the pair shares a lot and differs in places, as a regeneration does. */
function mutate(random: () => number, text: string): string {
  let result = text;
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const cut = Math.floor(random() * (result.length + 1));
    const at = cut > 0 && /[\uDC00-\uDFFF]/.test(result[cut] ?? '') ? cut - 1 : cut;
    const drop = Math.floor(random() * 4);
    const end = /[\uDC00-\uDFFF]/.test(result[at + drop] ?? '') ? at + drop + 1 : at + drop;
    result = result.slice(0, at) + randomText(random, Math.floor(random() * 3)) + result.slice(end);
  }
  return result;
}

/** A start of a word-diff unit: a non-space after a space, or either end of the text. */
function isWordStart(text: string, i: number): boolean {
  return i === 0 || i === text.length || (/\s/.test(text[i - 1]) && !/\s/.test(text[i]));
}

function checkInvariants(original: string, other: string, comparison: TextComparison): void {
  const context = JSON.stringify({ original, other });
  const join = (kinds: string[]) => comparison.spans.filter((s) => kinds.includes(s.kind)).map((s) => s.text).join('');
  assert.equal(join(['same', 'removed']), original, context);
  assert.equal(join(['same', 'added']), other, context);
  assert.ok(comparison.spans.every((s) => s.text.length > 0), context);
  assert.ok(comparison.spans.every((s) => !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(s.text)), `${context}: a span cuts a surrogate pair`);
  assert.equal(comparison.identical, original === other, context);
  for (const d of comparison.divergences) {
    assert.equal(original.slice(d.originalStart, d.originalEnd), d.originalText, context);
    assert.equal(other.slice(d.otherStart, d.otherEnd), d.otherText, context);
    assert.ok(d.originalText !== d.otherText, context);
  }
  assert.equal(comparison.divergences.length === 0, original === other, context);
  if (comparison.firstDivergence === null) {
    assert.equal(original, other);
    return;
  }
  const k = comparison.firstDivergence;
  assert.equal(original.slice(0, k), other.slice(0, k), context);
  const nextDiffers = original.codePointAt(k) !== other.codePointAt(k) || k === Math.min(original.length, other.length);
  assert.ok(nextDiffers, `${context}: the character at ${k} is shared`);
  assert.ok(comparison.divergences[0].originalStart <= k && comparison.divergences[0].otherStart <= k, context);
}

describe('compareTexts', () => {
  it('finds the first divergence to the character and shows the changed words as spans', () => {
    const comparison = compareTexts('The old woman nodded, and I have a fiver', 'The old woman nodded, and the weaver said');
    assert.equal(comparison.firstDivergence, 'The old woman nodded, and '.length);
    assert.deepEqual(comparison.spans, [
      { kind: 'same', text: 'The old woman nodded, and ' },
      { kind: 'removed', text: 'I have a fiver' },
      { kind: 'added', text: 'the weaver said' },
    ]);
    assert.deepEqual(comparison.divergences, [
      {
        originalStart: 26,
        originalEnd: 40,
        otherStart: 26,
        otherEnd: 41,
        originalText: 'I have a fiver',
        otherText: 'the weaver said',
      },
    ]);
  });

  it('reports a change inside a word as the whole word, while firstDivergence points inside it', () => {
    const comparison = compareTexts('she said hello there', 'she said help there');
    assert.equal(comparison.firstDivergence, 'she said hel'.length);
    assert.deepEqual(
      comparison.divergences.map((d) => [d.originalText, d.otherText]),
      [['hello', 'help']],
    );
  });

  it('finds every separate divergence', () => {
    const comparison = compareTexts('one two three four five', 'one too three four fives');
    assert.deepEqual(
      comparison.divergences.map((d) => [d.originalText, d.otherText]),
      [
        ['two', 'too'],
        ['five', 'fives'],
      ],
    );
  });

  it('handles pure insertions, deletions and the token-boundary case " " versus " I"', () => {
    const inserted = compareTexts(' OK,', ' OK, I');
    assert.equal(inserted.firstDivergence, 4);
    assert.deepEqual(inserted.divergences, [{ originalStart: 4, originalEnd: 4, otherStart: 4, otherEnd: 6, originalText: '', otherText: ' I' }]);
    const deleted = compareTexts(' OK, I', ' OK,');
    assert.deepEqual(deleted.divergences, [{ originalStart: 4, originalEnd: 6, otherStart: 4, otherEnd: 4, originalText: ' I', otherText: '' }]);
    const space = compareTexts(', I', ', ');
    assert.equal(space.firstDivergence, 2);
    checkInvariants(', I', ', ', space);
  });

  it('reports identical texts, empty ones included, as identical', () => {
    assert.deepEqual(compareTexts('same', 'same'), { identical: true, firstDivergence: null, spans: [{ kind: 'same', text: 'same' }], divergences: [] });
    assert.deepEqual(compareTexts('', ''), { identical: true, firstDivergence: null, spans: [], divergences: [] });
    checkInvariants('', 'x', compareTexts('', 'x'));
    checkInvariants('x', '', compareTexts('x', ''));
  });

  it('never puts the first divergence between the halves of a surrogate pair', () => {
    // 😀 and 😁 share their high surrogate.
    const comparison = compareTexts('a😀b', 'a😁b');
    assert.equal(comparison.firstDivergence, 1);
    assert.deepEqual(comparison.divergences.map((d) => [d.originalText, d.otherText]), [['😀', '😁']]);
  });

  it('never ends the shared head or tail inside a surrogate pair of either text', () => {
    // U+10000 is D800 DC00 and U+10400 D801 DC00 (same low half); U+10FFFF is DBFF DFFF, U+10FBFF DBFE DFFF.
    const prefixes: [string, string, number][] = [
      ['a\u{10000}b', 'a\u{10001}b', 1],
      ['a\u{10FFFF}b', 'a\u{10FFFE}b', 1],
      ['a\u{10FFFE}b', 'a\u{10FFFE}c', 3],
      // A lone high surrogate that the other text completes into 😀: that pair is not cut either.
      ['a\uD83D', 'a😀', 1],
      ['a😀', 'a\uD83D', 1],
      // Identical texts ending in half a pair share all of it: no pair is cut.
      ['a\uD83D', 'a\uD83D', 2],
      // A lone low half after a shared ordinary character cuts no pair.
      ['ab\uDE00', 'ab\uDE01', 2],
      // Nor after a shared whole pair, or a shared character above the surrogates.
      ['a😀\uDE00', 'a😀\uDE01', 3],
      ['a\uFF41\uDE00', 'a\uFF41\uDE01', 2],
    ];
    for (const [a, b, n] of prefixes) assert.equal(commonPrefixLength(a, b), n, `prefix of ${JSON.stringify([a, b])}`);
    const suffixes: [string, string, number, number][] = [
      ['a\u{10000}b', 'a\u{10400}b', 1, 1],
      ['a\u{10FFFF}b', 'a\u{10FBFF}b', 1, 1],
      ['a\u{10FFFF}b', 'c\u{10FFFF}b', 0, 3],
      ['\uDE00a', '😀a', 0, 1],
      ['😀a', '\uDE00a', 0, 1],
      // The shared tail never reaches back into the shared head, however much the texts share.
      ['abab', 'ab', 2, 0],
      ['ab', 'abab', 2, 0],
      // Half pairs that pair with nothing shared: a lone low half after different ordinary characters,
      // ordinary characters (below and above the surrogates) after different lone high halves.
      ['x\uDE00a', 'y\uDE00a', 0, 2],
      ['\uD83Da', '\uD83Ea', 0, 1],
      ['\uD83D\uFF41', '\uD83E\uFF41', 0, 1],
    ];
    for (const [a, b, prefix, n] of suffixes) assert.equal(diffWindow(a, b, prefix).suffix, n, `suffix of ${JSON.stringify([a, b])}`);
  });

  it('reports a changed whitespace run as the whole run, also when the texts part just after a space', () => {
    assert.deepEqual(compareTexts('x I', 'x  I').spans, [
      { kind: 'same', text: 'x' },
      { kind: 'removed', text: ' ' },
      { kind: 'added', text: '  ' },
      { kind: 'same', text: 'I' },
    ]);
  });

  it('keeps a shared leading space out of the change, and joins rewritten words around a double space', () => {
    assert.deepEqual(compareTexts(' x', ' y').spans, [
      { kind: 'same', text: ' ' },
      { kind: 'removed', text: 'x' },
      { kind: 'added', text: 'y' },
    ]);
    assert.deepEqual(compareTexts('one  two', 'uno  dos').divergences.map((d) => [d.originalText, d.otherText]), [['one  two', 'uno  dos']]);
  });

  it('cuts the shared head and tail at the word starts outside the change', () => {
    // Shared: "a b " and " d"; the diff sees "b c " and "b x ".
    assert.deepEqual(diffWindow('a b c d', 'a b x d', 4), { head: 2, tail: 1, suffix: 2 });
    assert.deepEqual(diffWindow('ab cd ef', 'ab cx ef', 4), { head: 3, tail: 2, suffix: 3 });
  });

  it('keeps its invariants on seeded random pairs', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 1500; i++) {
      const original = randomText(random, Math.floor(random() * 13));
      const other = random() < 0.7 ? mutate(random, original) : randomText(random, Math.floor(random() * 13));
      checkInvariants(original, other, compareTexts(original, other));
    }
  });

  it('diffs only the words around a local edit of a megabyte text', function () {
    // Building and comparing a megabyte is slow on a busy machine; no time is judged here.
    this.timeout(30_000);
    const random = seededRandom(9);
    const big = randomText(random, 600_000);
    assert.ok(big.length > 1_000_000);
    const edited = big.slice(0, 600_000) + ' changed ' + big.slice(600_010);
    const prefix = commonPrefixLength(big, edited);
    const { head, tail, suffix } = diffWindow(big, edited, prefix);
    assert.equal(big.slice(big.length - suffix), edited.slice(edited.length - suffix));
    assert.ok(big.length - suffix <= 600_010 && prefix >= 599_990, 'the exact shared head and tail reach the edit');
    // The cuts sit at the word starts just outside the edit, so the diff sees a few words, not a megabyte.
    assert.ok(head <= prefix && prefix - head < 40, `head ${head}, prefix ${prefix}`);
    assert.ok(tail <= suffix && suffix - tail < 40, `tail ${tail}, suffix ${suffix}`);
    assert.ok(isWordStart(big, head) && isWordStart(big, big.length - tail), 'cuts at word starts');
    const local = compareTexts(big, edited);
    checkInvariants(big, edited, local);
    assert.ok(local.divergences.length >= 1 && local.divergences.every((d) => d.originalStart >= head && d.originalEnd <= big.length - tail));
  });

  it('gives up on a long diff and reports everything between the shared head and tail as one divergence', () => {
    const random = seededRandom(9);
    const ending = ' and that was the end of it. 😀';
    const original = 'Once ' + randomText(random, 60_000) + ending;
    const other = 'Once ' + randomText(random, 60_000) + ending;
    assert.ok(original.length > 100_000 && other.length > 100_000);
    const comparison = compareTexts(original, other);
    checkInvariants(original, other, comparison);
    const suffix = diffWindow(original, other, comparison.firstDivergence!).suffix;
    assert.ok(suffix >= ending.length);
    assert.deepEqual(comparison.divergences, [
      {
        originalStart: comparison.firstDivergence,
        originalEnd: original.length - suffix,
        otherStart: comparison.firstDivergence,
        otherEnd: other.length - suffix,
        originalText: original.slice(comparison.firstDivergence!, original.length - suffix),
        otherText: other.slice(comparison.firstDivergence!, other.length - suffix),
      },
    ]);
    assert.deepEqual(comparison.spans.at(-1), { kind: 'same', text: original.slice(original.length - suffix) });
    assert.deepEqual(comparison.spans[0], { kind: 'same', text: original.slice(0, comparison.firstDivergence!) });
  });

  it('never ends the shared tail between the halves of a surrogate pair when giving up', () => {
    // 😀 (D83D DE00) and 🈀 (D83C DE00) share their low surrogate.
    const random = seededRandom(3);
    const original = randomText(random, 60_000) + '😀 end';
    const other = randomText(random, 60_000) + '🈀 end';
    const comparison = compareTexts(original, other);
    checkInvariants(original, other, comparison);
    assert.equal(comparison.divergences.length, 1);
    assert.ok(comparison.divergences[0].originalText.endsWith('😀') && comparison.divergences[0].otherText.endsWith('🈀'));
  });
});

describe('compareTexts on texts that stopped sharing structure', () => {
  it('does not pair up the common words of unrelated continuations', () => {
    // The simulator's worked example: the original after ", " and its regeneration from there.
    const original = ' and I have a fiver on it that the bird I ate is country bred."';
    const other = ' when my way led me through Baker Street. It is a twill in three colours — plum, ochre and a soft white — and it changes direction in the middle of the panel with a tack. Here it is, to be sure!"';
    const comparison = compareTexts(original, other);
    const pairs = comparison.divergences.map((d) => [d.originalText, d.otherText]);
    assert.equal(comparison.divergences.length, 1, JSON.stringify(pairs));
  });
});
