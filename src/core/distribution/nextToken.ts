import { runGeneration, type GenerationClient, type GenerationOutcome } from '../generation/generation';
import type { GenerationParams } from '../conversation/generationSettings';
import { documentedTopLogprobs } from '../providers/endpointKind';
import { OpenAIStyleClient } from '../providers/openaiClient';
import { probabilityOf } from '../probabilities/tokenShading';

/** The model's own probabilities for the next token at the point, as the endpoint reported them, most likely first. */
export interface NextTokenDistribution {
  alternatives: Array<{ text: string; probability: number; logprob: number }>;
}

export interface NextTokenInput {
  client: GenerationClient;
  params: GenerationParams;
  prefill: string;
  signal?: AbortSignal;
}

/**
 * Asks for one token with the most alternatives the endpoint's kind allows, through the one
 * generation path (same endpoint, model, parameters and prefill rules; the request is captured like
 * any other). `distribution` is undefined when the request did not complete or the server sent no
 * probabilities.
 */
export async function requestNextToken(input: NextTokenInput & { client: OpenAIStyleClient }): Promise<{ outcome: GenerationOutcome; distribution?: NextTokenDistribution }> {
  const client = new OpenAIStyleClient(input.client.openai, { ...input.client.options, logprobs: documentedTopLogprobs(input.client.kind) });
  const outcome = await runGeneration({ client, params: { ...input.params, max_tokens: 1 }, prefill: input.prefill, maxTotalTokens: 1, signal: input.signal });
  const first = outcome.tokens?.[0];
  if (outcome.status !== 'completed' || !first || first.top.length === 0) return { outcome };
  const alternatives = [...first.top].sort((a, b) => b.logprob - a.logprob).map((t) => ({ text: t.text, probability: probabilityOf(t.logprob), logprob: t.logprob }));
  return { outcome, distribution: { alternatives } };
}

/**
 * The next-token distribution, or undefined where the endpoint gives no probabilities (Anthropic) or
 * the request did not complete: the empirical shares then stand alone rather than beside a guess.
 */
export async function nextTokenDistribution(input: NextTokenInput): Promise<NextTokenDistribution | undefined> {
  if (!(input.client instanceof OpenAIStyleClient)) return undefined;
  return (await requestNextToken({ ...input, client: input.client })).distribution;
}
