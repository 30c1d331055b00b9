/**
 * One choice of a reply once `max_tokens` and `stop` have had their say, token by token, so that
 * text and logprobs stay aligned.
 */
import { findStop } from '../completion';
import type { ModelReply, ModelToken } from './textModel';

export type FinishReason = 'stop' | 'length';

export interface Choice {
  /** The tokens sent, the last one's text cut short where a stop string begins in it. */
  tokens: ModelToken[];
  finishReason: FinishReason;
  /** Tokens generated, including the ones that made up a stop string (not sent). */
  completionTokens: number;
}

export function choiceText(choice: Choice): string {
  return choice.tokens.map((token) => token.text).join('');
}

/**
 * Applies the stop strings: generation ends at the token that completes one; the text before it is
 * sent and the stop string itself is not (as OpenAI and vLLM do, unlike llama.cpp's `stopping_word`).
 * A reply that used all of `maxTokens` without ending stops with `length`.
 */
export function finishChoice(reply: ModelReply, maxTokens: number, stop: readonly string[]): Choice {
  let text = '';
  for (const [index, token] of reply.tokens.entries()) {
    const extended = text + token.text;
    const hit = findStop(extended, text.length, stop);
    if (hit) {
      return { tokens: tokensBefore(reply.tokens.slice(0, index + 1), hit.index), finishReason: 'stop', completionTokens: index + 1 };
    }
    text = extended;
  }
  const length = !reply.ended && reply.tokens.length >= maxTokens;
  return { tokens: reply.tokens, finishReason: length ? 'length' : 'stop', completionTokens: reply.tokens.length };
}

/** The tokens whose text starts before `end`, the last one cut to end there. */
function tokensBefore(tokens: readonly ModelToken[], end: number): ModelToken[] {
  const kept: ModelToken[] = [];
  let start = 0;
  for (const token of tokens) {
    if (start >= end) break;
    kept.push(start + token.text.length > end ? { ...token, text: token.text.slice(0, end - start) } : token);
    start += token.text.length;
  }
  return kept;
}
