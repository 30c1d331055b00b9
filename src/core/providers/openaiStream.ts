import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Completion } from 'openai/resources/completions';
import type { TokenUsage } from '../shared/tokenUsage';
import type { ChatRequestBody, CompletionsRequestBody } from './openaiRequests';
import type { OpenAIStyleClient } from './openaiClient';
import type { TokenAlternative, TokenLogprob } from './tokenLogprobs';

/** What one streamed chunk of an OpenAI-style response contributes, whichever route sent it. */
export type OpenAIStreamEvent =
  | { type: 'text'; text: string; tokens: TokenLogprob[] }
  | { type: 'usage'; usage: TokenUsage }
  | { type: 'stop'; reason: string };

/**
 * Streams one request through the `openai` package, which parses the SSE (skipping `: comment`
 * lines, stopping at `data: [DONE]`, throwing on an `error` payload) and retries as configured.
 * Chunks are read defensively: real servers send the finish reason on an extra empty chunk, usage on
 * a chunk with `choices: []`, and `null` where a field has nothing to say.
 */
export async function* streamOpenAIStyle(
  client: OpenAIStyleClient,
  body: CompletionsRequestBody | ChatRequestBody,
  signal: AbortSignal | undefined,
): AsyncGenerator<OpenAIStreamEvent> {
  // Fields outside the package's types (top_k, continue_final_message, prefix…) go in the params
  // object itself: the package sends them as they are (its README, "Undocumented request params").
  if ('prompt' in body) {
    const stream = await client.openai.completions.create(body as unknown as Parameters<typeof client.openai.completions.create>[0] & { stream: true }, { signal });
    for await (const chunk of stream) yield* completionEvents(chunk);
  } else {
    const stream = await client.openai.chat.completions.create(body as unknown as Parameters<typeof client.openai.chat.completions.create>[0] & { stream: true }, { signal });
    for await (const chunk of stream) yield* chatEvents(chunk);
  }
}

function* completionEvents(chunk: Completion): Generator<OpenAIStreamEvent> {
  const choice = chunk.choices?.[0];
  if (choice) {
    const text = choice.text ?? '';
    const tokens = completionTokens(choice.logprobs);
    // A token that completes no character yet (half of a UTF-8 sequence) comes with empty text.
    if (text.length > 0 || tokens.length > 0) yield { type: 'text', text, tokens };
    if (choice.finish_reason) yield { type: 'stop', reason: choice.finish_reason };
  }
  if (chunk.usage) yield { type: 'usage', usage: toUsage(chunk.usage) };
}

function* chatEvents(chunk: ChatCompletionChunk): Generator<OpenAIStreamEvent> {
  const choice = chunk.choices?.[0];
  if (choice) {
    const text = choice.delta?.content ?? '';
    const tokens = chatTokens(choice.logprobs);
    if (text.length > 0 || tokens.length > 0) yield { type: 'text', text, tokens };
    if (choice.finish_reason) yield { type: 'stop', reason: choice.finish_reason };
  }
  if (chunk.usage) yield { type: 'usage', usage: toUsage(chunk.usage) };
}

function toUsage(usage: { prompt_tokens?: number | null; completion_tokens?: number | null }): TokenUsage {
  return { input_tokens: usage.prompt_tokens ?? 0, output_tokens: usage.completion_tokens ?? 0 };
}

/** A missing or non-numeric log-probability (some servers send null) is stored as vLLM's "impossible". */
const UNKNOWN_LOGPROB = -9999;

function logprobOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : UNKNOWN_LOGPROB;
}

/** Completions: parallel arrays, alternatives as `{token: logprob}` objects. */
function completionTokens(logprobs: Completion['choices'][number]['logprobs'] | undefined): TokenLogprob[] {
  if (!logprobs?.tokens) return [];
  return logprobs.tokens.map((text, i) => ({
    text,
    logprob: logprobOf(logprobs.token_logprobs?.[i]),
    top: Object.entries(logprobs.top_logprobs?.[i] ?? {}).map(([alt, lp]) => ({ text: alt, logprob: logprobOf(lp) })),
  }));
}

/** Chat: one object per token, alternatives as a list. */
function chatTokens(logprobs: ChatCompletionChunk['choices'][number]['logprobs'] | undefined): TokenLogprob[] {
  if (!logprobs?.content) return [];
  return logprobs.content.map((t) => ({
    text: t.token,
    logprob: logprobOf(t.logprob),
    top: (t.top_logprobs ?? []).map((alt): TokenAlternative => ({ text: alt.token, logprob: logprobOf(alt.logprob) })),
  }));
}
