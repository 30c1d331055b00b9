import type { ContentParam, MessagesRequestBody } from '../responder';
import { encode, END_OF_TEXT, START_OF_TEXT } from './tokenizer';

export interface PromptContext {
  /** The whole conversation as ids, ending with `<SOS>` and the prefill tokenized as a whole. */
  contextIds: number[];
  /** Just the prefill's ids (empty when the last message is the user's). */
  prefillIds: number[];
  /** Tokens of the system prompt and every message, prefill included, by the real tokenizer. */
  inputTokens: number;
}

function contentText(content: ContentParam): string {
  return typeof content === 'string' ? content : content.map((block) => block.text).join('');
}

/**
 * Lays a request out as the model sees it: each earlier turn's ids closed by `<EOT>`, then `<SOS>`
 * opening the assistant's turn, then the prefill. The prefill is encoded in one piece, as the API
 * does, however the text was originally produced.
 */
export function promptContext(request: MessagesRequestBody): PromptContext {
  const last = request.messages[request.messages.length - 1];
  const hasPrefill = last !== undefined && last.role === 'assistant';
  const turns = (hasPrefill ? request.messages.slice(0, -1) : request.messages).map((m) => contentText(m.content));
  const system = request.system === undefined ? [] : [contentText(request.system)];
  return turnsContext([...system, ...turns], hasPrefill ? contentText(last.content) : undefined);
}

/**
 * The same layout from plain texts: `earlierTurns` in order (system prompts included), each closed by
 * `<EOT>`, then `<SOS>` and the prefill (none: the assistant's turn starts empty).
 */
export function turnsContext(earlierTurns: readonly string[], prefill: string | undefined): PromptContext {
  const earlier = earlierTurns.map(encode);
  const prefillIds = prefill === undefined ? [] : encode(prefill);
  return {
    contextIds: [...earlier.flatMap((ids) => [...ids, END_OF_TEXT]), START_OF_TEXT, ...prefillIds],
    prefillIds,
    inputTokens: earlier.reduce((sum, ids) => sum + ids.length, 0) + prefillIds.length,
  };
}
