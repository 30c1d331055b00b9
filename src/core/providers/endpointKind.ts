/**
 * The three wire protocols a model can be reached through. `anthropic` is the Messages API (the
 * prefill is the final assistant message, without trailing whitespace); `completions` is the
 * OpenAI-style text completions API (the prompt is the text exactly as written, for base models);
 * `chat` is the OpenAI-style chat API with the prefill as a final assistant message that the
 * server continues, marked in the server's {@link PrefillStyle}.
 */
export const ENDPOINT_KINDS = ['anthropic', 'completions', 'chat'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

/**
 * How a chat server is told to continue the final assistant message instead of answering it:
 * `continue_final_message` (vLLM, SGLang: body fields), `prefix` (DeepSeek beta, Mistral: a flag on
 * the message), `partial` (Qwen/DashScope, Moonshot: a flag on the message), `plain` (nothing extra:
 * the server continues a trailing assistant message by itself — llama.cpp, Ollama, OpenRouter, Groq).
 */
export const PREFILL_STYLES = ['continue_final_message', 'prefix', 'partial', 'plain'] as const;
export type PrefillStyle = (typeof PREFILL_STYLES)[number];

export function isEndpointKind(value: unknown): value is EndpointKind {
  return (ENDPOINT_KINDS as readonly unknown[]).includes(value);
}

export function isPrefillStyle(value: unknown): value is PrefillStyle {
  return (PREFILL_STYLES as readonly unknown[]).includes(value);
}

/** The most alternatives per token OpenAI-style servers commonly accept (OpenAI caps completions at 5, chat at 20). */
export const MAX_TOP_LOGPROBS = 20;

/**
 * The most alternatives per token the OpenAI-style API documents for a kind: `logprobs` up to 5 on
 * completions, `top_logprobs` up to 20 on chat. Asking a server for more than it allows is a 400, so a
 * one-off request for the widest view asks for exactly this.
 */
export function documentedTopLogprobs(kind: 'completions' | 'chat'): number {
  return kind === 'completions' ? 5 : 20;
}

/**
 * Whether a response stopped because it reached its `max_tokens`: Anthropic says `max_tokens`, the
 * OpenAI-style APIs `length`. Such a response is cut, not finished, so it may be continued.
 */
export function isLengthStop(reason: string | null): boolean {
  return reason === 'max_tokens' || reason === 'length';
}
