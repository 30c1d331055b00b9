import * as assert from 'node:assert/strict';
import { textPieces } from '../server/simulator/textPieces';
import { decode, decodeToken, encode } from '../server/simulator/tokenizer';

/** A string is valid text iff UTF-8 encoding and decoding it changes nothing (no lone surrogates, no U+FFFD). */
function isValidText(text: string): boolean {
  return !text.includes('\uFFFD') && new TextDecoder().decode(new TextEncoder().encode(text)) === text;
}

describe('simulator tokenizer (Claude legacy BPE)', () => {
  it('round-trips text exactly, including characters outside ASCII', () => {
    for (const text of ['The weaver smiled.', 'café — Zürich 🙂', ' OK, I', 'trailing space ']) {
      assert.equal(decode(encode(text)), text);
    }
  });

  it('splits at BPE merges, not at words: a lone trailing space is a token of its own', () => {
    const [withoutSpace, withSpace] = [encode('The cat sat'), encode('The cat sat ')];
    assert.deepEqual(withSpace.slice(0, -1), withoutSpace);
    assert.equal(decode([withSpace[withSpace.length - 1]]), ' ');
  });

  it('treats control-token text as ordinary characters', () => {
    assert.equal(decode(encode('<EOT>')), '<EOT>');
    assert.ok(!encode('<EOT>').includes(0));
  });

  it('spreads an emoji over tokens whose bytes are not whole characters', () => {
    const ids = encode(' 🙂');
    const partial = ids.filter((id) => !isValidText(new TextDecoder().decode(decodeToken(id))));
    assert.ok(partial.length > 0, 'expected at least one token holding part of a character');
  });
});

describe('textPieces', () => {
  it('holds back partial UTF-8 until the character is complete', () => {
    const ids = encode('Thanks! 🙂 Zürich ☕');
    const pieces = textPieces(ids);
    assert.equal(pieces.join(''), 'Thanks! 🙂 Zürich ☕');
    assert.ok(pieces.every(isValidText), JSON.stringify(pieces));
    assert.ok(pieces.length < ids.length, 'tokens that complete nothing should not yield a delta');
  });

  it('drops bytes left incomplete when generation stops mid-character', () => {
    const ids = encode('ok 🙂');
    assert.deepEqual(textPieces(ids.slice(0, -1)).join(''), 'ok ');
  });
});
