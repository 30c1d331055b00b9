import { costUsd, formatUsd } from '../shared/pricing';
import { estimateTokens } from '../shared/tokenEstimate';

/** Up to this many alternatives go without asking; more is more likely a slip than a plan. */
export const ALTERNATIVES_WITHOUT_ASKING = 16;

export interface AlternativesRequest {
  count: number;
  model: string;
  /** Characters of prefill (and conversation) sent with each request. */
  promptChars: number;
  /** The most output tokens one alternative may take, auto-continue included. */
  outputTokensEach: number;
  /** What is counted: `alternatives` (default) or `samples`. */
  noun?: string;
}

/** The question to ask before sending `count` alternatives, or undefined when there is none to ask. */
export function alternativesQuestion(request: AlternativesRequest): { message: string; detail: string; confirm: string } | undefined {
  const { count, model, promptChars, outputTokensEach, noun = 'alternatives' } = request;
  if (count <= ALTERNATIVES_WITHOUT_ASKING) return undefined;
  const many = count.toLocaleString('en-US');
  const inputTokens = count * estimateTokens(promptChars);
  const outputTokens = count * outputTokensEach;
  const cost = costUsd(model, { input_tokens: inputTokens, output_tokens: outputTokens });
  const price = cost === undefined ? `at a price unknown for ${model}` : `up to about ${formatUsd(cost)} at list price`;
  return {
    message: `Prefill Loom: generate ${many} ${noun}? That is ${many} requests or more, ${price}.`,
    detail: `Each may write up to ${outputTokensEach.toLocaleString('en-US')} output tokens with ${model}. To ask for fewer, choose a smaller number.`,
    confirm: `Generate ${many}`,
  };
}
