import * as assert from 'node:assert/strict';
import { markFrom } from '../../src/core/reproducibility/markNavigation';

describe('moving between divergence marks', () => {
  const marks = [{ start: 40, end: 45 }, { start: 10, end: 12 }, { start: 25, end: 30 }];

  it('goes to the next mark after the cursor, wrapping to the first', () => {
    assert.equal(markFrom(marks, 0, 'next')?.start, 10);
    assert.equal(markFrom(marks, 10, 'next')?.start, 25);
    assert.equal(markFrom(marks, 40, 'next')?.start, 10);
  });

  it('goes to the previous mark before the cursor, wrapping to the last', () => {
    assert.equal(markFrom(marks, 26, 'previous')?.start, 25);
    assert.equal(markFrom(marks, 25, 'previous')?.start, 10);
    assert.equal(markFrom(marks, 5, 'previous')?.start, 40);
  });

  it('has nowhere to go without marks', () => {
    assert.equal(markFrom([], 3, 'next'), undefined);
  });

  it('takes marks that start together in the order they end', () => {
    const nested = [{ start: 10, end: 20 }, { start: 10, end: 12 }];
    assert.equal(markFrom(nested, 0, 'next')?.end, 12);
    assert.equal(markFrom(nested, 15, 'previous')?.end, 20);
  });
});
