/**
 * `POST /v1/completions`, the text completions API base models are served with (vLLM, llama.cpp,
 * Ollama, LM Studio, OpenRouter, Together…): the prompt is continued exactly as sent, trailing
 * whitespace and all, so where the prompt ends in the middle of a token the model sees that.
 */
import { choiceText, type Choice } from './choices';
import { usageOf, type ChoiceShape, type ReplyMeta, type Usage } from './chunks';
import { generateChoices, type Generated } from './generate';
import { codePoints, completionsLogprobs } from './logprobs';
import type { CompletionsRequest } from './requests';
import type { TextModel } from './textModel';

/** OpenAI's (and vLLM's) default when a completions request names no `max_tokens`. */
export const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

export function generateCompletion(model: TextModel, request: CompletionsRequest, seed: number): Generated {
  return generateChoices(model, { kind: 'text', text: request.prompt }, request, {
    maxTokens: request.max_tokens ?? COMPLETIONS_DEFAULT_MAX_TOKENS,
    topLogprobs: request.logprobs ?? 0,
    seed,
  });
}

export function completionsShape(request: CompletionsRequest): ChoiceShape {
  const withLogprobs = request.logprobs !== undefined;
  // Offsets count from the start of the prompt; a chunk's token starts where the text so far ends.
  const start = codePoints(request.prompt);
  return {
    opening: () => undefined,
    token: (index, token, before, text) => ({
      index,
      text,
      logprobs: withLogprobs ? completionsLogprobs([token], start + codePoints(before)) : null,
    }),
    finish: (index) => ({
      index,
      text: '',
      logprobs: withLogprobs ? { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] } : null,
    }),
  };
}

export function completionsMeta(id: string, model: string): ReplyMeta {
  return { id, object: 'text_completion', created: Math.floor(Date.now() / 1000), model };
}

export function completionsBody(meta: ReplyMeta, request: CompletionsRequest, generated: Generated): object {
  const start = codePoints(request.prompt);
  const choice = (c: Choice, index: number): object => ({
    index,
    text: choiceText(c),
    logprobs: request.logprobs === undefined ? null : completionsLogprobs(c.tokens, start),
    finish_reason: c.finishReason,
  });
  const usage: Usage = usageOf(generated.promptTokens, generated.choices);
  return { ...meta, choices: generated.choices.map(choice), usage };
}
