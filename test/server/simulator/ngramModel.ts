/**
 * A count-based n-gram model over token ids with "longest seen context" backoff. It predicts from
 * ids, never from text, which is the whole point: the same string reached through different token
 * sequences lands in different contexts, so a prefill and a generation of the same text can diverge.
 */
export interface NgramModel {
  /** How many ids an n-gram spans; the model looks at the last `order - 1` ids of the context. */
  readonly order: number;
  /**
   * Counts of the ids that followed the longest suffix of `context` seen in training
   * (down to the empty suffix, i.e. unigram counts, when nothing matches).
   */
  continuations(context: readonly number[]): ReadonlyMap<number, number>;
}

/** Every id in the vocabulary fits in 16 bits (Claude's legacy BPE has 64,739), so a context packs exactly into a double. */
const ID_SPAN = 65536;

function contextKey(ids: readonly number[], start: number, end: number): number {
  let key = 0;
  for (let i = start; i < end; i++) {
    key = key * ID_SPAN + ids[i];
  }
  return key;
}

function increment(table: Map<number, Map<number, number>>, key: number, next: number): void {
  let counts = table.get(key);
  if (!counts) {
    counts = new Map();
    table.set(key, counts);
  }
  counts.set(next, (counts.get(next) ?? 0) + 1);
}

/**
 * Counts every n-gram of every order up to `order` in `sequences` (each one a training text,
 * already wrapped in its start and end ids). `order` is at most 4 so packed keys stay below 2^53.
 */
export function trainNgramModel(sequences: readonly (readonly number[])[], order: number): NgramModel {
  // tables[k] maps a packed context of k ids to the counts of the id that followed it.
  const tables = Array.from({ length: order }, () => new Map<number, Map<number, number>>());
  for (const ids of sequences) {
    for (let i = 1; i < ids.length; i++) {
      for (let k = 0; k < order && k <= i; k++) {
        increment(tables[k], contextKey(ids, i - k, i), ids[i]);
      }
    }
  }
  return {
    order,
    continuations(context) {
      for (let k = Math.min(order - 1, context.length); k > 0; k--) {
        const counts = tables[k].get(contextKey(context, context.length - k, context.length));
        if (counts) {
          return counts;
        }
      }
      return tables[0].get(0) ?? new Map();
    },
  };
}
