import type Anthropic from '@anthropic-ai/sdk';
import { APIUserAbortError } from '@anthropic-ai/sdk';
import { APIUserAbortError as OpenAIUserAbortError } from 'openai';
import { ContinuationText, type ContinuationEdit } from './continuationText';
import type { GenerationParams } from '../conversation/generationSettings';
import { splitTrailingWhitespace } from '../conversation/prefill';
import { isLengthStop } from '../providers/endpointKind';
import { OpenAIStyleClient } from '../providers/openaiClient';
import { streamOpenAIStyle } from '../providers/openaiStream';
import { buildRequest, isOpenAIRequestBody, type RequestBody } from '../providers/requestBody';
import type { TokenLogprob } from '../providers/tokenLogprobs';
import { estimateTokens } from '../shared/tokenEstimate';
import { redactSecrets } from '../providers/secretRedaction';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../shared/tokenUsage';

/** What a generation talks through: the Anthropic SDK, or the `openai` package bound to an OpenAI-style endpoint. */
export type GenerationClient = Anthropic | OpenAIStyleClient;

/** What one API request of a generation asked for and got. */
export interface RequestRecord {
  body: RequestBody;
  /** What the model was asked to continue: the final assistant message, or the completions prompt ('' when none). */
  prefillSent: string;
  /** As the API named it: `max_tokens`, `end_turn`… (Anthropic), `length`, `stop`… (OpenAI-style). */
  stopReason: string | null;
  usage: TokenUsage;
  /** The text this request produced, as received. */
  text: string;
  /** Every token of {@link text} with its log-probability, when the endpoint was asked for them and gave them. */
  tokens?: TokenLogprob[];
  startedAt: number;
  durationMs: number;
  /** Set when this request failed or was cancelled. */
  error?: string;
}

export type GenerationStatus = 'completed' | 'cancelled' | 'failed';

export interface GenerationOutcome {
  status: GenerationStatus;
  /** The continuation; the document reads `prefill.trimEnd() + text` (or the prefill unchanged if text is ''). */
  text: string;
  /** The prefill's trailing whitespace that {@link text} replaced. */
  replaced: string;
  requests: RequestRecord[];
  /** The stop reason of the last request that finished. */
  stopReason: string | null;
  usage: TokenUsage;
  /** Every generated token across all requests, when probabilities were asked for and given; joined, their texts are the text received. */
  tokens?: TokenLogprob[];
  error?: unknown;
}

export interface GenerationInput {
  client: GenerationClient;
  params: GenerationParams;
  /** The text before the cursor, header excluded, exactly as the user wrote it. */
  prefill: string;
  /**
   * The output-token budget across all requests. While a response stops at `max_tokens` and the
   * budget allows, the generation continues by prefilling with everything so far.
   */
  maxTotalTokens: number;
  signal?: AbortSignal;
  onEdit?: (edit: ContinuationEdit) => void;
  onRequestStart?: (record: RequestRecord) => void;
  onRequestEnd?: (record: RequestRecord) => void;
}

/**
 * Runs a generation: one request, plus follow-ups past `max_tokens` (`length`) within the budget.
 * Only the Anthropic path holds back the prefill's trailing whitespace (its API rejects it); the
 * OpenAI-style kinds send the text exactly as written and continue from exactly what they received.
 */
export async function runGeneration(input: GenerationInput): Promise<GenerationOutcome> {
  const exact = input.client instanceof OpenAIStyleClient;
  const { sent, trailingWhitespace } = exact ? { sent: input.prefill, trailingWhitespace: '' } : splitTrailingWhitespace(input.prefill);
  const continuation = new ContinuationText(trailingWhitespace, (edit) => input.onEdit?.(edit), { holdWhitespace: !exact });
  let received = '';
  const requests: RequestRecord[] = [];
  let usage = ZERO_USAGE;
  let status: GenerationStatus = 'completed';
  let error: unknown;

  for (;;) {
    const budget = input.maxTotalTokens - usage.output_tokens;
    const maxTokens = Math.min(input.params.max_tokens, budget);
    if (maxTokens <= 0) break;
    const record = newRecord(buildRequest(input.client, input.params, sent + (exact ? received : continuation.text), maxTokens));
    requests.push(record);
    input.onRequestStart?.(record);
    try {
      await streamInto(input, record, continuation);
    } catch (e) {
      status = isAbort(e, input.signal) ? 'cancelled' : 'failed';
      error = status === 'failed' ? e : undefined;
      record.error = status === 'cancelled' ? 'cancelled' : errorText(e);
    }
    record.durationMs = Date.now() - record.startedAt;
    received += record.text;
    usage = addUsage(usage, record.usage);
    input.onRequestEnd?.(record);
    if (status !== 'completed' || !shouldContinue(record, input)) break;
    continuation.continueWithNextResponse();
  }

  continuation.finish();
  return {
    status,
    text: continuation.text,
    replaced: continuation.replaced,
    requests,
    stopReason: [...requests].reverse().find((r) => r.stopReason !== null)?.stopReason ?? null,
    usage,
    ...(requests.some((r) => r.tokens) ? { tokens: requests.flatMap((r) => r.tokens ?? []) } : {}),
    error,
  };
}

function newRecord({ body, prefillSent }: { body: RequestBody; prefillSent: string }): RequestRecord {
  return {
    body,
    prefillSent,
    stopReason: null,
    usage: ZERO_USAGE,
    text: '',
    startedAt: Date.now(),
    durationMs: 0,
  };
}

/** A follow-up is only worth sending when the last response was cut by `max_tokens` and made progress. */
function shouldContinue(record: RequestRecord, input: GenerationInput): boolean {
  return isLengthStop(record.stopReason) && record.text.length > 0 && !input.signal?.aborted;
}

async function streamInto(input: GenerationInput, record: RequestRecord, continuation: ContinuationText): Promise<void> {
  if (input.client instanceof OpenAIStyleClient) return streamOpenAIInto(input.client, input.signal, record, continuation);
  if (isOpenAIRequestBody(record.body)) throw new Error('An Anthropic client was given a request of another kind.');
  const stream = await input.client.messages.create(record.body, { signal: input.signal });
  let sawStop = false;
  for await (const event of stream) {
    switch (event.type) {
      case 'message_start':
        record.usage = { input_tokens: event.message.usage.input_tokens, output_tokens: event.message.usage.output_tokens };
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') {
          record.text += event.delta.text;
          continuation.append(event.delta.text);
        }
        break;
      case 'message_delta':
        record.stopReason = event.delta.stop_reason;
        record.usage = {
          input_tokens: event.usage.input_tokens ?? record.usage.input_tokens,
          output_tokens: event.usage.output_tokens,
        };
        break;
      case 'message_stop':
        sawStop = true;
        break;
      default:
        break;
    }
  }
  if (!sawStop) throw new IncompleteResponseError();
}

/**
 * One OpenAI-style request. A stream that ends without a finish reason was cut (like a Messages
 * stream without `message_stop`). A server that reports no usage is charged, for the budget, with
 * the whole request when it stopped for length and an estimate otherwise, so auto-continue still ends.
 */
async function streamOpenAIInto(client: OpenAIStyleClient, signal: AbortSignal | undefined, record: RequestRecord, continuation: ContinuationText): Promise<void> {
  let sawUsage = false;
  const wantsTokens = client.options.logprobs !== undefined;
  if (!isOpenAIRequestBody(record.body)) throw new Error('An OpenAI-style client was given a Messages request.');
  for await (const event of streamOpenAIStyle(client, record.body, signal)) {
    if (event.type === 'text') {
      record.text += event.text;
      if (wantsTokens) (record.tokens ??= []).push(...event.tokens);
      continuation.append(event.text);
    } else if (event.type === 'usage') {
      record.usage = event.usage;
      sawUsage = true;
    } else {
      record.stopReason = event.reason;
    }
  }
  if (!sawUsage) {
    const output = isLengthStop(record.stopReason) ? record.body.max_tokens : estimateTokens(record.text.length);
    record.usage = { input_tokens: estimateTokens(record.prefillSent.length), output_tokens: output };
  }
  if (record.stopReason === null) throw new IncompleteResponseError();
}

/** The stream closed without `message_stop`: the connection was cut somewhere between us and the model. */
export class IncompleteResponseError extends Error {
  constructor() {
    super('The response stream ended before the message was complete.');
    this.name = 'IncompleteResponseError';
  }
}

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return e instanceof APIUserAbortError || e instanceof OpenAIUserAbortError || (signal?.aborted ?? false);
}

function errorText(e: unknown): string {
  return redactSecrets(e instanceof Error ? e.message : String(e));
}
