/**
 * `POST /v1/chat/completions`: system, user and assistant turns; a final assistant message is
 * continued or not according to the server's prefill profile (chatPrefill.ts). The reply holds only
 * the new text, never the prefill, as vLLM, DeepSeek and llama.cpp send it.
 */
import { chatPrompt, type ChatPrefillProfile } from './chatPrefill';
import { choiceText, type Choice } from './choices';
import { usageOf, type ChoiceShape, type ReplyMeta } from './chunks';
import { generateChoices, type Generated } from './generate';
import { chatLogprobs } from './logprobs';
import type { ChatRequest } from './requests';
import type { TextModel } from './textModel';

/** What the simulator allows when a chat request names no limit (real servers: the context window). */
export const CHAT_DEFAULT_MAX_TOKENS = 512;

export function generateChat(model: TextModel, request: ChatRequest, profile: ChatPrefillProfile, seed: number): Generated {
  return generateChoices(model, chatPrompt(request, profile), request, {
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? CHAT_DEFAULT_MAX_TOKENS,
    topLogprobs: request.logprobs === true ? (request.top_logprobs ?? 0) : 0,
    seed,
  });
}

export function chatShape(request: ChatRequest): ChoiceShape {
  const withLogprobs = request.logprobs === true;
  return {
    opening: (index) => ({ index, delta: { role: 'assistant', content: '' }, logprobs: null }),
    token: (index, token, _before, text) => ({ index, delta: { content: text }, logprobs: withLogprobs ? chatLogprobs([token]) : null }),
    finish: (index) => ({ index, delta: {}, logprobs: null }),
  };
}

export function chatMeta(id: string, model: string, streaming: boolean): ReplyMeta {
  return { id, object: streaming ? 'chat.completion.chunk' : 'chat.completion', created: Math.floor(Date.now() / 1000), model };
}

export function chatBody(meta: ReplyMeta, request: ChatRequest, generated: Generated): object {
  const choice = (c: Choice, index: number): object => ({
    index,
    message: { role: 'assistant', content: choiceText(c), refusal: null },
    logprobs: request.logprobs === true ? chatLogprobs(c.tokens) : null,
    finish_reason: c.finishReason,
  });
  return { ...meta, choices: generated.choices.map(choice), usage: usageOf(generated.promptTokens, generated.choices) };
}
