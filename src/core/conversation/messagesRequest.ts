import { conversationTurns, type ConversationTurn } from './conversationTurns';
import type { GenerationParams } from './generationSettings';

/** The body of one streaming `POST /v1/messages`, exactly as it is sent. */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  system?: string;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  messages: ConversationTurn[];
  stream: true;
}

/**
 * Builds the request for one step of a generation. An empty prefill sends no assistant turn at all,
 * so the model starts its answer from scratch rather than continuing an empty message.
 */
export function buildMessagesRequest(params: GenerationParams, prefill: string, maxTokens: number): MessagesRequestBody {
  const body: MessagesRequestBody = {
    model: params.model,
    max_tokens: maxTokens,
    messages: conversationTurns(params),
    stream: true,
  };
  if (params.system !== undefined) body.system = params.system;
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.top_p !== undefined) body.top_p = params.top_p;
  if (params.top_k !== undefined) body.top_k = params.top_k;
  if (params.stop_sequences !== undefined && params.stop_sequences.length > 0) body.stop_sequences = params.stop_sequences;
  if (prefill.length > 0) body.messages.push({ role: 'assistant', content: prefill });
  return body;
}
