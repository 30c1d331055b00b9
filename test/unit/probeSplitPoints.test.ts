import * as assert from 'node:assert/strict';
import { probeSplitPoints } from '../../src/core/reproducibility/probeSplitPoints';
import { seededRandom } from '../server/random';

const ALPHABET = ['a', 'B', '7', ' ', '\n', '\t', ',', '.', '"', "'", '(', ')', '😀', 'é', 'e\u0301', '❤\uFE0F', '—'];

function randomText(random: () => number): string {
  let text = '';
  for (let n = Math.floor(random() * 16); n > 0; n--) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

const cuts = (text: string, offsets: number[]) => offsets.map((k) => text.slice(0, k));

describe('probeSplitPoints', () => {
  it('cuts after each word and each punctuation run, never after a space', () => {
    const text = 'Hello, world! "Yes." she said (it was late),\nand';
    assert.deepEqual(cuts(text, probeSplitPoints(text, 'word')), [
      'Hello',
      'Hello,',
      'Hello, world',
      'Hello, world!',
      'Hello, world! "',
      'Hello, world! "Yes',
      'Hello, world! "Yes."',
      'Hello, world! "Yes." she',
      'Hello, world! "Yes." she said',
      'Hello, world! "Yes." she said (',
      'Hello, world! "Yes." she said (it',
      'Hello, world! "Yes." she said (it was',
      'Hello, world! "Yes." she said (it was late',
      'Hello, world! "Yes." she said (it was late),',
    ]);
  });

  it('cuts after every character but whitespace in char mode', () => {
    assert.deepEqual(probeSplitPoints(' OK, I', 'char'), [2, 3, 4]);
    assert.deepEqual(probeSplitPoints('a\n\nb c', 'char'), [1, 4]);
  });

  it('never cuts inside a surrogate pair or before a combining mark in a word', () => {
    assert.deepEqual(probeSplitPoints('a😀b', 'char'), [1, 3]);
    assert.deepEqual(probeSplitPoints('hi 😀😀!', 'word'), [2]);
    assert.deepEqual(cuts('cafe\u0301, ok', probeSplitPoints('cafe\u0301, ok', 'word')), ['cafe\u0301', 'cafe\u0301,']);
    assert.deepEqual(cuts('I ❤\uFE0F it', probeSplitPoints('I ❤\uFE0F it', 'word')), ['I', 'I ❤\uFE0F']);
    assert.deepEqual(probeSplitPoints('\u0301ab', 'word'), [1], 'a mark with nothing before it is a character of its own');
  });

  it('gives nothing for text too short to cut', () => {
    assert.deepEqual(probeSplitPoints('', 'word'), []);
    assert.deepEqual(probeSplitPoints('x', 'char'), []);
    assert.deepEqual(probeSplitPoints('word', 'word'), []);
  });

  it('only ever proposes prefills the API accepts, on seeded random text', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 2000; i++) {
      const text = randomText(random);
      const chars = probeSplitPoints(text, 'char');
      const words = probeSplitPoints(text, 'word');
      const expectedChars = [...text.matchAll(/[^]/gu)].map((m) => m.index + m[0].length).filter((k) => k < text.length && /\S/.test(text[k - 1]));
      assert.deepEqual(chars, expectedChars, JSON.stringify(text));
      assert.ok(words.every((k) => chars.includes(k)), JSON.stringify(text));
      for (const k of words) {
        assert.ok(!/\s$/.test(text.slice(0, k)) && !/[\uDC00-\uDFFF]/.test(text[k]), JSON.stringify({ text, k }));
      }
    }
  });
});
