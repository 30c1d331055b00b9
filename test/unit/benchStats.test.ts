import * as assert from 'node:assert/strict';
import { median, percentile, spread } from '../bench/stats';

describe('bench statistics', () => {
  it('takes the nearest-rank percentile of unsorted samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(samples, 0.95), 95);
    assert.equal(percentile(samples, 1), 100);
    assert.equal(percentile(samples, 0), 1);
    assert.equal(median([3, 1, 2]), 2);
    assert.ok(Number.isNaN(median([])));
  });

  it('summarises samples as median, p95 and their count', () => {
    assert.deepEqual(spread([5, 1, 4, 2, 3]), { median: 3, p95: 5, samples: 5 });
  });
});
