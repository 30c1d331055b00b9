import * as assert from 'node:assert/strict';
import { quoteExactly } from '../../src/core/reproducibility/exactQuote';

describe('quoteExactly', () => {
  it('quotes model text without escaping, whitespace at the edges and line breaks visible', () => {
    assert.equal(quoteExactly(' she said "no"\nand left '), '“·she said "no"⏎and left·”');
    assert.equal(quoteExactly('a\tb'), '“a→b”');
    assert.equal(quoteExactly('abcdef', 3), '“abc…”');
    assert.equal(quoteExactly(''), '“”');
  });
});
