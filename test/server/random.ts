/** Seeded randomness, so sampled replies can be replayed exactly. */

/** FNV-1a over the UTF-16 code units of `text`: a cheap, stable 32-bit fingerprint of a request. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

/** Folds a counter into a seed so that identical requests sent side by side still sample differently. */
export function mixSeed(seed: number, counter: number): number {
  return (Math.imul(seed ^ counter, 0x9e3779b1) + counter) >>> 0;
}

/** The seed of the k-th (from 0) request of a run seeded with `seed`. */
export function sequenceSeed(seed: number, k: number): number {
  return mixSeed(seed, k);
}

/** mulberry32: a tiny PRNG with good enough statistics for picking tokens; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
