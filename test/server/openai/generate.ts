/** Runs a text model for each of a request's `n` choices, with the sampling the request asks for. */
import { mixSeed } from '../random';
import { finishChoice, type Choice } from './choices';
import type { SamplingRequest } from './requests';
import type { ModelPrompt, TextModel } from './textModel';

export interface Generated {
  choices: Choice[];
  promptTokens: number;
}

/** Choice 0 uses the seed itself, so `n: 1` with `seed: s` is reproducible from `s` alone. */
export function choiceSeed(seed: number, index: number): number {
  return index === 0 ? seed >>> 0 : mixSeed(seed >>> 0, index);
}

export function stopList(stop: string | string[] | undefined): string[] {
  return stop === undefined ? [] : typeof stop === 'string' ? [stop] : stop;
}

/** `temperature` defaults to 1, as on every OpenAI-style server. */
export function generateChoices(
  model: TextModel,
  prompt: ModelPrompt,
  request: SamplingRequest,
  settings: { maxTokens: number; topLogprobs: number; seed: number },
): Generated {
  let promptTokens = 0;
  const choices = Array.from({ length: request.n ?? 1 }, (_, index) => {
    const reply = model(prompt, {
      maxTokens: settings.maxTokens,
      temperature: request.temperature ?? 1,
      topP: request.top_p,
      seed: choiceSeed(settings.seed, index),
      topLogprobs: settings.topLogprobs,
    });
    promptTokens = reply.promptTokens;
    return finishChoice(reply, settings.maxTokens, stopList(request.stop));
  });
  return { choices, promptTokens };
}
