import type { TokenUsage } from '../shared/tokenUsage';

/** What a generation that returned no text reports about itself. */
export interface EmptyResult {
  /** As the API named it (Anthropic's `end_turn`…, or the OpenAI-style `stop`, `length`…). */
  stopReason: string | null;
  usage: TokenUsage;
}

/**
 * Says what happened when generations came back without text, and the likely reason, so an empty
 * result is never silent: `empty` of `total` generations (one Continue, or a set of alternatives).
 */
export function describeEmptyResults(empty: readonly EmptyResult[], total: number): string | undefined {
  const first = empty[0];
  if (!first) return undefined;
  const who = total === 1 ? 'The model returned no text' : `${empty.length} of ${total} alternatives returned no text`;
  const tokens = `${first.usage.output_tokens} output tokens`;
  return `Prefill Loom: ${who}: ${likelyReason(first.stopReason ?? 'none', tokens)}`;
}

function likelyReason(stopReason: string, tokens: string): string {
  switch (stopReason) {
    case 'end_turn':
    case 'stop':
      return `the model ended its turn at once (end_turn, ${tokens}). The text before the cursor probably reads as a finished answer: write the start of what should come next, or put the cursor earlier.`;
    case 'stop_sequence':
      return `a stop sequence matched at once (stop_sequence, ${tokens}). The continuation starts with one of the header's stop_sequences: change them, or the text before the cursor.`;
    case 'max_tokens':
    case 'length':
      return `the output budget ran out before any text (${stopReason}, ${tokens}). Raise max_tokens in the header or prefillLoom.maxTokens.`;
    default:
      return `the response held no text (stop reason ${stopReason}, ${tokens}). Show Last Request has the exact request.`;
  }
}
