import type { TextModel } from './openai/textModel';
import type { Responder } from './responder';
import { STORY, storyTokens } from './storyResponder';

/** `count` tokens of the story, over and over (paragraph breaks between the rounds). */
export function fillTokens(count: number): string[] {
  const story = storyTokens(`\n\n${STORY}`);
  return Array.from({ length: count }, (_, i) => story[i % story.length]);
}

/**
 * Replies with max_tokens − 1 tokens (see fillTokens), whatever was asked: a reply of exactly the
 * length the client picks that still ends by itself (end_turn), for benchmarks.
 */
export function createFillResponder(): Responder {
  return (request) => ({ tokens: fillTokens(Math.max(0, request.max_tokens - 1)), naturalStop: 'end_turn' });
}

/**
 * The same for the OpenAI-style routes: max_tokens − 1 fill tokens, one chunk each, ending by
 * itself, whatever the prompt: the wire cost alone.
 */
export function createFillTextModel(): TextModel {
  return (_prompt, sampling) => ({
    tokens: fillTokens(Math.max(0, sampling.maxTokens - 1)).map((text) => ({ text, bytes: [...Buffer.from(text)], logprob: -0.5, top: [] })),
    ended: true,
    promptTokens: 8,
  });
}
