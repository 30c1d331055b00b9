import * as assert from 'node:assert/strict';
import { compareTexts, type TextComparison } from '../../src/core/reproducibility/textDivergence';
import { seededRandom } from '../server/random';

/** Word-ish pieces, so random texts share words, differ at token boundaries and carry emoji and newlines. */
const PIECES = ['the', ' ', 'cat', ',', ' sat', '\n', 'mat', '😀', '😁', 'é', '"', 'a', 'b', '  '];

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

function checkInvariants(original: string, other: string, comparison: TextComparison): void {
  const context = JSON.stringify({ original, other });
  const join = (kinds: string[]) => comparison.spans.filter((s) => kinds.includes(s.kind)).map((s) => s.text).join('');
  assert.equal(join(['same', 'removed']), original, context);
  assert.equal(join(['same', 'added']), other, context);
  assert.ok(comparison.spans.every((s) => s.text.length > 0), context);
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

  it('keeps its invariants on seeded random pairs', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 1500; i++) {
      const original = randomText(random, Math.floor(random() * 13));
      const other = random() < 0.7 ? mutate(random, original) : randomText(random, Math.floor(random() * 13));
      checkInvariants(original, other, compareTexts(original, other));
    }
  });

  it('answers quickly for megabyte texts, falling back to one divergence when they differ throughout', function () {
    this.timeout(20_000);
    const random = seededRandom(9);
    const big = randomText(random, 600_000);
    assert.ok(big.length > 1_000_000);
    const other = randomText(random, 600_000);
    const started = Date.now();
    const unrelated = compareTexts(big, other);
    checkInvariants(big, other, unrelated);
    const edited = big.slice(0, 600_000) + ' changed ' + big.slice(600_010);
    const local = compareTexts(big, edited);
    checkInvariants(big, edited, local);
    assert.ok(Date.now() - started < 8_000, `took ${Date.now() - started} ms`);
    assert.equal(unrelated.divergences.length, 1);
    assert.equal(unrelated.divergences[0].originalStart, unrelated.firstDivergence);
    assert.ok(local.divergences.length >= 1 && local.divergences.every((d) => d.originalStart > 599_000 && d.originalEnd < 601_000));
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
