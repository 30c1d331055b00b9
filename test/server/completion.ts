import type { ReplyPlan } from './responder';

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence';

/** What the model actually emits once `max_tokens` and `stop_sequences` have had their say. */
export interface Completion {
  /** The text deltas, in order; joined, they are the reply's text. */
  pieces: string[];
  stopReason: StopReason;
  stopSequence: string | null;
  /** Tokens generated, including one whose text a stop sequence cut away. */
  outputTokens: number;
}

export interface StopHit {
  index: number;
  sequence: string;
}

/** The earliest stop sequence in `text` that ends after `newFrom` (earlier ones were already checked). */
export function findStop(text: string, newFrom: number, stopSequences: readonly string[]): StopHit | undefined {
  let best: StopHit | undefined;
  for (const sequence of stopSequences) {
    if (sequence === '') {
      continue;
    }
    const index = text.indexOf(sequence, Math.max(0, newFrom - sequence.length + 1));
    if (index !== -1 && (best === undefined || index < best.index)) {
      best = { index, sequence };
    }
  }
  return best;
}

/** The first `length` characters of the pieces' text, cut at the same boundaries. */
function truncatePieces(pieces: readonly string[], length: number): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const piece of pieces) {
    if (used + piece.length > length) {
      const head = piece.slice(0, length - used);
      if (head !== '') {
        kept.push(head);
      }
      break;
    }
    kept.push(piece);
    used += piece.length;
  }
  return kept;
}

/**
 * Applies the request's limits to a responder's tokens. A stop sequence can span tokens; the text
 * before it is emitted and the sequence itself is not. A reply exactly `max_tokens` long stops with
 * `max_tokens`, as the real model does: it never got to generate its end-of-turn token.
 */
export function complete(plan: ReplyPlan, maxTokens: number, stopSequences: readonly string[] = []): Completion {
  const pieces: string[] = [];
  let text = '';
  let outputTokens = 0;
  for (const token of plan.tokens) {
    if (outputTokens === maxTokens) {
      break;
    }
    outputTokens += 1;
    const extended = text + token;
    const hit = findStop(extended, text.length, stopSequences);
    if (hit) {
      // The API holds back text that may start a stop sequence, so none of the sequence is ever sent,
      // even the part that arrived in earlier tokens.
      const kept = truncatePieces([...pieces, token], hit.index);
      return { pieces: kept, stopReason: 'stop_sequence', stopSequence: hit.sequence, outputTokens };
    }
    pieces.push(token);
    text = extended;
  }
  const stopReason = outputTokens === maxTokens ? 'max_tokens' : (plan.naturalStop ?? 'end_turn');
  return { pieces, stopReason, stopSequence: null, outputTokens };
}
