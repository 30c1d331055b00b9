import type Anthropic from '@anthropic-ai/sdk';
import { APIUserAbortError } from '@anthropic-ai/sdk';
import type { StopReason } from '@anthropic-ai/sdk/resources/messages/messages';
import { ContinuationText, type ContinuationEdit } from './continuationText';
import type { GenerationParams } from '../conversation/generationSettings';
import { buildMessagesRequest, type MessagesRequestBody } from '../conversation/messagesRequest';
import { splitTrailingWhitespace } from '../conversation/prefill';
import { redactSecrets } from '../providers/secretRedaction';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../shared/tokenUsage';

/** What one API request of a generation asked for and got. */
export interface RequestRecord {
  body: MessagesRequestBody;
  /** The final assistant message of this request ('' when there was none). */
  prefillSent: string;
  stopReason: StopReason | null;
  usage: TokenUsage;
  /** The text this request produced, as received. */
  text: string;
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
  stopReason: StopReason | null;
  usage: TokenUsage;
  error?: unknown;
}

export interface GenerationInput {
  client: Anthropic;
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

/** Runs a generation: one request, plus follow-ups past `max_tokens` within the budget. */
export async function runGeneration(input: GenerationInput): Promise<GenerationOutcome> {
  const { sent, trailingWhitespace } = splitTrailingWhitespace(input.prefill);
  const continuation = new ContinuationText(trailingWhitespace, (edit) => input.onEdit?.(edit));
  const requests: RequestRecord[] = [];
  let usage = ZERO_USAGE;
  let status: GenerationStatus = 'completed';
  let error: unknown;

  for (;;) {
    const budget = input.maxTotalTokens - usage.output_tokens;
    const maxTokens = Math.min(input.params.max_tokens, budget);
    if (maxTokens <= 0) break;
    const record = newRecord(buildMessagesRequest(input.params, sent + continuation.text, maxTokens));
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
    error,
  };
}

function newRecord(body: MessagesRequestBody): RequestRecord {
  const last = body.messages[body.messages.length - 1];
  return {
    body,
    prefillSent: last.role === 'assistant' ? last.content : '',
    stopReason: null,
    usage: ZERO_USAGE,
    text: '',
    startedAt: Date.now(),
    durationMs: 0,
  };
}

/** A follow-up is only worth sending when the last response was cut by `max_tokens` and made progress. */
function shouldContinue(record: RequestRecord, input: GenerationInput): boolean {
  return record.stopReason === 'max_tokens' && record.text.length > 0 && !input.signal?.aborted;
}

async function streamInto(input: GenerationInput, record: RequestRecord, continuation: ContinuationText): Promise<void> {
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

/** The stream closed without `message_stop`: the connection was cut somewhere between us and the model. */
export class IncompleteResponseError extends Error {
  constructor() {
    super('The response stream ended before the message was complete.');
    this.name = 'IncompleteResponseError';
  }
}

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return e instanceof APIUserAbortError || (signal?.aborted ?? false);
}

function errorText(e: unknown): string {
  return redactSecrets(e instanceof Error ? e.message : String(e));
}
