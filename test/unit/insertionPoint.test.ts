import * as assert from 'node:assert/strict';
import { shiftedOffset } from '../../src/core/generation/insertionPoint';

describe('shiftedOffset', () => {
  const at = 10;
  it('moves with an insertion before the point', () => {
    assert.equal(shiftedOffset(at, { rangeOffset: 3, rangeLength: 0, text: 'abc' }), 13);
  });
  it('moves back with a deletion before the point', () => {
    assert.equal(shiftedOffset(at, { rangeOffset: 2, rangeLength: 4, text: '' }), 6);
  });
  it('moves with a replacement that ends exactly at the point', () => {
    assert.equal(shiftedOffset(at, { rangeOffset: 8, rangeLength: 2, text: 'xyz' }), 11);
  });
  it('stays put for an insertion exactly at the point, so the stream stays in one piece', () => {
    assert.equal(shiftedOffset(at, { rangeOffset: 10, rangeLength: 0, text: 'typed' }), 10);
  });
  it('stays put for edits after the point', () => {
    assert.equal(shiftedOffset(at, { rangeOffset: 11, rangeLength: 3, text: 'q' }), 10);
    assert.equal(shiftedOffset(at, { rangeOffset: 10, rangeLength: 3, text: 'q' }), 10);
  });
  it('collapses to the start of a deletion that spans the point', () => {
    assert.equal(shiftedOffset(at, { rangeOffset: 7, rangeLength: 6, text: 'new' }), 7);
  });
});
