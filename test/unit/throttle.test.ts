import * as assert from 'node:assert/strict';
import { throttle, type ThrottleClock } from '../../src/core/shared/throttle';
import { eventually } from '../harness/eventually';

/** A clock the test moves by hand: timers fire only when `advance` passes their time. */
function manualClock(): ThrottleClock & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let timers: Array<{ at: number; callback: () => void; handle: number }> = [];
  let nextHandle = 0;
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const handle = ++nextHandle;
      timers.push({ at: now + ms, callback, handle });
      return handle;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.handle !== handle);
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.callback();
    },
    pending: () => timers.length,
  };
}

describe('throttle: progress shown at most once per interval, the last change never left behind', () => {
  it('shows the first change at once and gathers the changes within the interval into one showing at its end', () => {
    const clock = manualClock();
    const shown: number[] = [];
    let value = 0;
    const update = throttle(() => shown.push(value), 100, clock);
    value = 1;
    update.changed();
    assert.deepEqual(shown, [1]);
    for (const v of [2, 3, 4]) {
      clock.advance(10);
      value = v;
      update.changed();
    }
    assert.deepEqual(shown, [1], 'nothing more within the interval');
    assert.equal(clock.pending(), 1, 'one wait, however many changes');
    clock.advance(69);
    assert.deepEqual(shown, [1]);
    clock.advance(1);
    assert.deepEqual(shown, [1, 4], 'the latest value, once, when the interval is over');
    assert.equal(clock.pending(), 0);
  });

  it('shows at once again after a quiet interval', () => {
    const clock = manualClock();
    let count = 0;
    const update = throttle(() => count++, 100, clock);
    update.changed();
    clock.advance(250);
    update.changed();
    assert.equal(count, 2);
    assert.equal(clock.pending(), 0);
    clock.advance(100);
    update.changed();
    assert.equal(count, 3, 'exactly one interval after the last showing is not within it');
    assert.equal(clock.pending(), 0);
  });

  it('flush shows a pending change now and cancels the wait; with nothing pending it shows nothing', () => {
    const clock = manualClock();
    const shown: number[] = [];
    let value = 1;
    const update = throttle(() => shown.push(value), 100, clock);
    update.flush();
    assert.deepEqual(shown, [], 'nothing changed yet, nothing to show');
    update.changed();
    value = 2;
    update.changed();
    update.flush();
    assert.deepEqual(shown, [1, 2]);
    assert.equal(clock.pending(), 0, 'no showing left scheduled after the end');
    update.flush();
    clock.advance(1000);
    assert.deepEqual(shown, [1, 2]);
  });

  it('on the real clock (the one the extension uses): a change gathered within the interval is shown when it ends', async () => {
    let shown = 0;
    const update = throttle(() => shown++, 20);
    update.changed();
    update.changed();
    assert.equal(shown, 1, 'the first at once, the second gathered');
    await eventually(() => shown === 2, 'the gathered change shown', 2000, 5);
  });
});
