import type Anthropic from '@anthropic-ai/sdk';
import type { GenerationParams } from '../conversation/generationSettings';
import { buildMessagesRequest, type MessagesRequestBody } from '../conversation/messagesRequest';
import { OpenAIStyleClient } from './openaiClient';
import { buildChatRequest, buildCompletionsRequest, type ChatRequestBody, type CompletionsRequestBody } from './openaiRequests';

export type OpenAIRequestBody = CompletionsRequestBody | ChatRequestBody;

/** The body of one request of any endpoint kind, exactly as it is sent. */
export type RequestBody = MessagesRequestBody | OpenAIRequestBody;

/** Only the OpenAI-style bodies ask for usage in the stream, which tells them from a Messages body. */
export function isOpenAIRequestBody(body: RequestBody): body is OpenAIRequestBody {
  return 'stream_options' in body;
}

/**
 * Builds the request of one step of a generation for the client's endpoint kind, with what the
 * model is asked to continue (the final assistant message, or the completions prompt).
 */
export function buildRequest(
  client: Anthropic | OpenAIStyleClient,
  params: GenerationParams,
  prefill: string,
  maxTokens: number,
): { body: RequestBody; prefillSent: string } {
  if (!(client instanceof OpenAIStyleClient)) {
    return { body: buildMessagesRequest(params, prefill, maxTokens), prefillSent: prefill };
  }
  const { kind, prefillStyle, logprobs } = client.options;
  const body = kind === 'completions'
    ? buildCompletionsRequest(params, prefill, maxTokens, logprobs)
    : buildChatRequest(params, prefill, maxTokens, prefillStyle, logprobs);
  return { body, prefillSent: prefill };
}
