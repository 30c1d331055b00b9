/** The JSON the Messages API sends: the message object and the payload of each streaming event. */
import type { Completion } from './completion';
import type { EventPayload } from './sse';

/** What identifies a reply before any of it is generated. */
export interface MessageMeta {
  id: string;
  model: string;
  inputTokens: number;
}

function usage(inputTokens: number, outputTokens: number): object {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function messageObject(meta: MessageMeta, content: object[], completion: Completion | undefined, outputTokens: number): object {
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content,
    stop_reason: completion?.stopReason ?? null,
    stop_sequence: completion?.stopSequence ?? null,
    stop_details: null,
    container: null,
    usage: usage(meta.inputTokens, outputTokens),
  };
}

/**
 * The full message of a non-streaming reply. An empty reply (a prefill that was already complete, or
 * a stop sequence right away) has no content block at all, as with the real API.
 */
export function fullMessage(meta: MessageMeta, completion: Completion): object {
  const text = completion.pieces.join('');
  const content = text === '' ? [] : [{ type: 'text', text }];
  return messageObject(meta, content, completion, completion.outputTokens);
}

/** `message_start`: the message with empty content; the API reports the first output token here. */
export function messageStart(meta: MessageMeta): EventPayload {
  return { type: 'message_start', message: messageObject(meta, [], undefined, 1) };
}

export function contentBlockStart(): EventPayload {
  return { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
}

export function ping(): EventPayload {
  return { type: 'ping' };
}

export function textDelta(text: string): EventPayload {
  return { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } };
}

export function contentBlockStop(): EventPayload {
  return { type: 'content_block_stop', index: 0 };
}

/** `message_delta`: the stop reason and the cumulative usage. */
export function messageDelta(meta: MessageMeta, completion: Completion): EventPayload {
  return {
    type: 'message_delta',
    delta: { stop_reason: completion.stopReason, stop_sequence: completion.stopSequence },
    usage: {
      input_tokens: meta.inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: completion.outputTokens,
    },
  };
}

export function messageStop(): EventPayload {
  return { type: 'message_stop' };
}
