import * as assert from 'node:assert/strict';
import { concurrencyLimit } from '../../src/core/shared/concurrencyLimit';

describe('concurrencyLimit', () => {
  it('never runs more than the limit at once, runs every task, and keeps the order of starts', async () => {
    const limited = concurrencyLimit(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limited(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5 + (i % 3)));
          running--;
          return i * 2;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.deepEqual(results, Array.from({ length: 10 }, (_, i) => i * 2));
    assert.deepEqual(started, [...started].sort((a, b) => a - b));
  });

  it('frees a slot when a task fails', async () => {
    const limited = concurrencyLimit(1);
    await assert.rejects(limited(async () => Promise.reject(new Error('boom'))));
    assert.equal(await limited(async () => 'next'), 'next');
  });
});
