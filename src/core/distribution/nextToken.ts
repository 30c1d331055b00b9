import { runGeneration, type GenerationClient } from '../generation/generation';
import type { GenerationParams } from '../conversation/generationSettings';
import { MAX_TOP_LOGPROBS } from '../providers/endpointKind';
import { OpenAIStyleClient } from '../providers/openaiClient';

/** The model's own probabilities for the next token at the point, as the endpoint reported them. */
export interface NextTokenDistribution {
  alternatives: Array<{ text: string; probability: number }>;
}

/**
 * Asks for one token with the most alternatives the endpoint allows. Undefined where the endpoint
 * gives no probabilities (Anthropic) or the request did not complete: the empirical shares then
 * stand alone rather than beside a guess.
 */
export async function nextTokenDistribution(input: {
  client: GenerationClient;
  params: GenerationParams;
  prefill: string;
  signal?: AbortSignal;
}): Promise<NextTokenDistribution | undefined> {
  if (!(input.client instanceof OpenAIStyleClient)) return undefined;
  const client = new OpenAIStyleClient(input.client.openai, { ...input.client.options, logprobs: MAX_TOP_LOGPROBS });
  const outcome = await runGeneration({ client, params: { ...input.params, max_tokens: 1 }, prefill: input.prefill, maxTotalTokens: 1, signal: input.signal });
  const first = outcome.tokens?.[0];
  if (outcome.status !== 'completed' || !first) return undefined;
  return {
    alternatives: [...first.top]
      .sort((a, b) => b.logprob - a.logprob)
      .map((t) => ({ text: t.text, probability: Math.exp(t.logprob) })),
  };
}
