import type Anthropic from '@anthropic-ai/sdk';
import { APIUserAbortError } from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { APIUserAbortError as OpenAIUserAbortError } from 'openai';
import { ContinuationText, type ContinuationEdit, type LineEnding } from './continuationText';
import type { GenerationParams } from '../conversation/generationSettings';
import { splitTrailingWhitespace } from '../conversation/prefill';
import { isLengthStop } from '../providers/endpointKind';
import { OpenAIStyleClient } from '../providers/openaiClient';
import { streamOpenAIStyle } from '../providers/openaiStream';
import { buildRequest, isOpenAIRequestBody, type RequestBody } from '../providers/requestBody';
import type { TokenLogprob } from '../providers/tokenLogprobs';
import { redactSecrets } from '../providers/secretRedaction';
import { estimateTokens } from '../shared/tokenEstimate';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../shared/tokenUsage';

/**
 * A backstop whatever the counts say: a generation that has sent this many requests is stopped. An
 * honest server needs at most budget / max_tokens of them.
 */
export const MAX_REQUESTS_PER_GENERATION = 500;

/** What a generation talks through: the Anthropic SDK, or the `openai` package bound to an OpenAI-style endpoint. */
export type GenerationClient = Anthropic | OpenAIStyleClient;

/** What one API request of a generation asked for and got. */
export interface RequestRecord {
  body: RequestBody;
  /** What the model was asked to continue: the final assistant message, or the completions prompt ('' when none). */
  prefillSent: string;
  /** As the API named it: `max_tokens`, `end_turn`… (Anthropic), `length`, `stop`… (OpenAI-style). */
  stopReason: string | null;
  /** Every token of {@link text} with its log-probability, when the endpoint was asked for them and gave them. */
  tokens?: TokenLogprob[];
  /** As the server reported it. */
  usage: TokenUsage;
  /** What the output budget was charged: the reported count unless it could not be true. */
  countedOutputTokens: number;
  /** The text this request produced, as received. */
  text: string;
  startedAt: number;
  durationMs: number;
  /** Set when this request failed or was cancelled. */
  error?: string;
  /** Events the server sent after `message_stop` that had arrived when the connection was closed. */
  ignoredAfterStop?: number;
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
  /** Why the generation stopped or was counted other than the user would expect, in words for them. */
  warnings: string[];
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
  /** At most this many requests; default {@link MAX_REQUESTS_PER_GENERATION}. */
  maxRequests?: number;
  /** The line ending the continuation's line breaks become (the document's); none: kept as sent. */
  lineEnding?: LineEnding;
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
  const continuation = new ContinuationText(trailingWhitespace, (edit) => input.onEdit?.(edit), input.lineEnding, !exact);
  let received = '';
  const requests: RequestRecord[] = [];
  const maxRequests = input.maxRequests ?? MAX_REQUESTS_PER_GENERATION;
  let stoppedAtCap = false;
  let usage = ZERO_USAGE;
  let counted = 0;
  let status: GenerationStatus = 'completed';
  let error: unknown;

  for (;;) {
    const maxTokens = Math.min(input.params.max_tokens, input.maxTotalTokens - counted);
    if (maxTokens <= 0) break;
    if (requests.length === maxRequests) {
      stoppedAtCap = true;
      break;
    }
    const record = newRecord(buildRequest(input.client, input.params, sent + (exact ? received : continuation.text), maxTokens));
    requests.push(record);
    input.onRequestStart?.(record);
    try {
      await withOwnSignal(input.signal, (signal) => streamInto({ ...input, signal }, record, continuation));
    } catch (e) {
      status = isAbort(e, input.signal) ? 'cancelled' : 'failed';
      error = status === 'failed' ? e : undefined;
      record.error = status === 'cancelled' ? 'cancelled' : errorText(e);
    }
    record.durationMs = Date.now() - record.startedAt;
    received += record.text;
    record.countedOutputTokens = countedOutputTokens(record);
    usage = addUsage(usage, record.usage);
    counted += record.countedOutputTokens;
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
    warnings: warningsFor(requests, stoppedAtCap),
  };
}

/** What the user is told besides the text: a request cap that ended it, counts that were not believed. */
function warningsFor(requests: readonly RequestRecord[], stoppedAtCap: boolean): string[] {
  const warnings: string[] = [];
  const doubted = requests.find((r) => r.stopReason !== null && r.countedOutputTokens !== r.usage.output_tokens);
  if (doubted) {
    const { usage, text, stopReason, countedOutputTokens } = doubted;
    const warning = `The server reported ${usage.output_tokens} output tokens for a response of ${text.length} characters (stop_reason ${stopReason}); the output budget counted ${countedOutputTokens} instead.`;
    // The stop reason is whatever the server sent, and the warning is shown: it may echo a key.
    warnings.push(redactSecrets(warning));
  }
  if (stoppedAtCap) warnings.push(`Stopped after ${requests.length} requests, the most one generation sends: every response ended at max_tokens.`);
  return warnings;
}

/**
 * The output tokens a request is charged against the budget. A response cut at `max_tokens`
 * produced exactly that many, whatever the server says; any other response that brought text but
 * reports no tokens is charged an estimate from its characters. Counting on a server that says 0
 * would let the loop re-send forever.
 */
function countedOutputTokens(record: RequestRecord): number {
  const reported = record.usage.output_tokens;
  if (isLengthStop(record.stopReason)) return Math.max(reported, record.body.max_tokens);
  return reported > 0 ? reported : estimateTokens(record.text.length);
}

function newRecord({ body, prefillSent }: { body: RequestBody; prefillSent: string }): RequestRecord {
  return {
    body,
    prefillSent,
    stopReason: null,
    usage: ZERO_USAGE,
    countedOutputTokens: 0,
    text: '',
    startedAt: Date.now(),
    durationMs: 0,
  };
}

/** A follow-up is only worth sending when the last response was cut by `max_tokens` and made progress. */
function shouldContinue(record: RequestRecord, input: GenerationInput): boolean {
  return isLengthStop(record.stopReason) && record.text.length > 0 && !input.signal?.aborted;
}

/**
 * Gives one request a signal of its own, linked to the caller's only while it runs. The OpenAI SDK
 * adds an abort listener to the signal it is given and never removes it: hundreds of samples or
 * alternatives under one Stop would pile them up (and Node warns of a leak).
 */
async function withOwnSignal<T>(signal: AbortSignal | undefined, send: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!signal) return send(undefined);
  const own = new AbortController();
  const forward = () => own.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  try {
    return await send(own.signal);
  } finally {
    signal.removeEventListener('abort', forward);
  }
}

/**
 * Reads one response into the continuation. It ends at `message_stop`: the connection is closed
 * there, so a server that keeps it open cannot hold the generation, and events after it are counted
 * in {@link RequestRecord.ignoredAfterStop}, never applied.
 */
async function streamInto(input: GenerationInput, record: RequestRecord, continuation: ContinuationText): Promise<void> {
  if (input.client instanceof OpenAIStyleClient) return streamOpenAIInto(input.client, input.signal, record, continuation);
  if (isOpenAIRequestBody(record.body)) throw new Error('An Anthropic client was given a request of another kind.');
  const stream = await input.client.messages.create(record.body, { signal: input.signal });
  const events = stream[Symbol.asyncIterator]();
  for (let next = await events.next(); !next.done; next = await events.next()) {
    if (next.value.type === 'message_stop') {
      record.ignoredAfterStop = await countArrivedEvents(events);
      stream.controller.abort();
      return;
    }
    applyEvent(next.value, record, continuation);
  }
  throw new IncompleteResponseError();
}

/**
 * Counts the events that have already arrived (parsed from data in hand, which takes no I/O and so
 * completes before the next turn of the event loop), without waiting for any more.
 */
async function countArrivedEvents(events: AsyncIterator<RawMessageStreamEvent>): Promise<number> {
  let count = 0;
  for (;;) {
    const next = events.next();
    // Settled by the abort that follows when it loses the race; nothing is waiting on it then.
    next.catch(() => undefined);
    const arrived = await Promise.race([next, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
    if (arrived === undefined || arrived.done) return count;
    count++;
  }
}

function applyEvent(event: RawMessageStreamEvent, record: RequestRecord, continuation: ContinuationText): void {
  switch (event.type) {
    case 'message_start':
      record.usage = { input_tokens: event.message.usage.input_tokens, output_tokens: event.message.usage.output_tokens };
      break;
    case 'content_block_delta':
      // Thinking, signatures and citations are not part of the text the document continues with.
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
    default:
      break;
  }
}

/** The stream closed without `message_stop`: the connection was cut somewhere between us and the model. */
export class IncompleteResponseError extends Error {
  constructor() {
    super('The response stream ended before the message was complete.');
    this.name = 'IncompleteResponseError';
  }
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

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return e instanceof APIUserAbortError || e instanceof OpenAIUserAbortError || (signal?.aborted ?? false);
}

function errorText(e: unknown): string {
  return redactSecrets(e instanceof Error ? e.message : String(e));
}
