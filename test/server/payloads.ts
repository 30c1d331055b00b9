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
export function messageStart(meta: MessageMeta, outputTokens = 1): EventPayload {
  return { type: 'message_start', message: messageObject(meta, [], undefined, outputTokens) };
}

export function contentBlockStart(index = 0): EventPayload {
  return { type: 'content_block_start', index, content_block: { type: 'text', text: '' } };
}

export function ping(): EventPayload {
  return { type: 'ping' };
}

export function textDelta(text: string, index = 0): EventPayload {
  return { type: 'content_block_delta', index, delta: { type: 'text_delta', text } };
}

export function contentBlockStop(index = 0): EventPayload {
  return { type: 'content_block_stop', index };
}

/** A whole thinking block at `index`, as extended thinking streams it before the text. */
export function thinkingBlock(index: number): EventPayload[] {
  return [
    { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } },
    { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: 'Let me think about how the story goes on.' } },
    { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' } },
    contentBlockStop(index),
  ];
}

/** A citation attached to the text block at `index`, which carries no text of its own. */
export function citationsDelta(index: number): EventPayload {
  return {
    type: 'content_block_delta',
    index,
    delta: { type: 'citations_delta', citation: { type: 'char_location', cited_text: 'a quote', document_index: 0, document_title: null, start_char_index: 0, end_char_index: 7 } },
  };
}

/** How a reply's usage is reported; by default as the API does. */
export interface UsageReport {
  outputTokens?: number;
  inputOnlyInStart?: boolean;
}

/** `message_delta`: the stop reason and the cumulative usage. */
export function messageDelta(meta: MessageMeta, completion: Completion, report: UsageReport = {}): EventPayload {
  return {
    type: 'message_delta',
    delta: { stop_reason: completion.stopReason, stop_sequence: completion.stopSequence },
    usage: {
      ...(report.inputOnlyInStart ? {} : { input_tokens: meta.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }),
      output_tokens: report.outputTokens ?? completion.outputTokens,
    },
  };
}

export function messageStop(): EventPayload {
  return { type: 'message_stop' };
}
