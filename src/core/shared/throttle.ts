/** The clock a throttle reads and sets its timer on; tests pass their own. */
export interface ThrottleClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttle {
  /** Something changed: shown at once if the last showing was `intervalMs` ago or more, else when it will be. */
  changed(): void;
  /** Shows any change not yet shown, now, and stops waiting: the last figures are never left behind. */
  flush(): void;
}

/**
 * Calls `show` at most once per `intervalMs` however often things change: a progress line or a
 * status bar redrawn for each of hundreds of fast replies costs the window more than the replies.
 */
export function throttle(show: () => void, intervalMs: number, clock: ThrottleClock = systemClock): Throttle {
  let pending = false;
  let shownAt = -Infinity;
  let timer: unknown;
  const showNow = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    pending = false;
    shownAt = clock.now();
    show();
  };
  return {
    changed() {
      pending = true;
      if (timer !== undefined) return;
      const wait = shownAt + intervalMs - clock.now();
      if (wait <= 0) showNow();
      else timer = clock.setTimeout(showNow, wait);
    },
    flush: showNow,
  };
}
