import type { GenerationParams } from '../conversation/generationSettings';
import { conversationTurns } from '../conversation/conversationTurns';
import type { PrefillStyle } from './endpointKind';

/** Usage arrives in one last chunk only when asked for; without it the output budget cannot be counted. */
const STREAM_OPTIONS = { include_usage: true } as const;

/** The sampling fields both OpenAI-style kinds share, named as they are sent. */
interface SamplingFields {
  model: string;
  max_tokens: number;
  temperature?: number;
  top_p?: number;
  /** Not in OpenAI's own API, but vLLM, SGLang, llama.cpp and Ollama read it; sent only when set. */
  top_k?: number;
  stop?: string[];
  stream: true;
  stream_options: typeof STREAM_OPTIONS;
}

/** The body of one streaming `POST {baseUrl}/completions`, exactly as it is sent. */
export interface CompletionsRequestBody extends SamplingFields {
  /** The document's body up to the cursor, exactly as written (trailing whitespace included). */
  prompt: string;
  logprobs?: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** The `prefix` and `partial` prefill styles mark the final assistant message with these. */
  prefix?: true;
  partial?: true;
}

/** The body of one streaming `POST {baseUrl}/chat/completions`, exactly as it is sent. */
export interface ChatRequestBody extends SamplingFields {
  messages: ChatMessage[];
  logprobs?: true;
  top_logprobs?: number;
  /** The `continue_final_message` style (vLLM, SGLang); `add_generation_prompt` defaults to true there and must be turned off. */
  continue_final_message?: true;
  add_generation_prompt?: false;
}

function samplingFields(params: GenerationParams, maxTokens: number): SamplingFields {
  const body: SamplingFields = { model: params.model, max_tokens: maxTokens, stream: true, stream_options: STREAM_OPTIONS };
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.top_p !== undefined) body.top_p = params.top_p;
  if (params.top_k !== undefined) body.top_k = params.top_k;
  if (params.stop_sequences !== undefined && params.stop_sequences.length > 0) body.stop = params.stop_sequences;
  return body;
}

/**
 * A completions request: the prompt is the text before the cursor exactly as written, with no
 * system or user turn (a base model continues text, it does not converse). `logprobs` asks for that
 * many alternatives per token; undefined asks for no probabilities.
 */
export function buildCompletionsRequest(params: GenerationParams, prompt: string, maxTokens: number, logprobs?: number): CompletionsRequestBody {
  const body: CompletionsRequestBody = { ...samplingFields(params, maxTokens), prompt };
  if (logprobs !== undefined) body.logprobs = logprobs;
  return body;
}

/**
 * A chat request: system, the conversation's turns, then the prefill as the final assistant message,
 * marked so the server continues it rather than answering after it. An empty prefill sends no
 * assistant message (and no marking: a server told to continue a user turn rejects the request).
 */
export function buildChatRequest(params: GenerationParams, prefill: string, maxTokens: number, style: PrefillStyle, logprobs?: number): ChatRequestBody {
  const messages: ChatMessage[] = [];
  if (params.system !== undefined) messages.push({ role: 'system', content: params.system });
  messages.push(...conversationTurns(params));
  const body: ChatRequestBody = { ...samplingFields(params, maxTokens), messages };
  if (prefill.length > 0) {
    const last: ChatMessage = { role: 'assistant', content: prefill };
    if (style === 'prefix') last.prefix = true;
    if (style === 'partial') last.partial = true;
    messages.push(last);
    if (style === 'continue_final_message') {
      body.continue_final_message = true;
      body.add_generation_prompt = false;
    }
  }
  if (logprobs !== undefined) {
    body.logprobs = true;
    body.top_logprobs = logprobs;
  }
  return body;
}
