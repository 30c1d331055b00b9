import * as assert from 'node:assert/strict';
import { quoteExactly } from '../../src/core/reproducibility/exactQuote';

describe('quoteExactly', () => {
  it('quotes model text without escaping, whitespace at the edges and line breaks visible', () => {
    assert.equal(quoteExactly(' she said "no"\nand left '), '“·she said "no"⏎and left·”');
    assert.equal(quoteExactly('a\tb'), '“a→b”');
    assert.equal(quoteExactly('abcdef', 3), '“abc…”');
    assert.equal(quoteExactly(''), '“”');
  });

  it('marks every space at either edge and none inside, and each line break once, whatever its kind', () => {
    assert.equal(quoteExactly('  a  b  '), '“··a  b··”');
    assert.equal(quoteExactly('a\r\nb\rc\u2028d\u2029e'), '“a⏎b⏎c⏎d⏎e”');
  });

  it('cuts only past the limit', () => {
    assert.equal(quoteExactly('abc', 3), '“abc”');
  });
});
