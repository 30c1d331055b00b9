/**
 * Failures a test can script for the next `POST /v1/messages` request(s). Each applies to `times`
 * consecutive requests (default 1); faults queue up and are used in the order they were enqueued.
 */
import { ApiError, ERROR_STATUSES, type ErrorStatus } from './errors';

interface Repeat {
  /** How many consecutive requests this fault applies to; default 1. */
  times?: number;
}

/**
 * An HTTP error response with the real body for its status (in each API's own shape); a 429 always
 * carries `retry-after`. 503 is for the OpenAI-style routes; there 529 is sent as 503 and 413 as 400.
 */
export interface StatusFault extends Repeat {
  kind: 'status';
  status: ErrorStatus | 503;
  /** Sent as `retry-after` (seconds; fractions are honoured by the SDK). A 429 defaults to 1. */
  retryAfterSeconds?: number;
  message?: string;
}

/** Streams `afterTokens` text deltas, then drops the connection without `message_stop`. */
export interface CutStreamFault extends Repeat {
  kind: 'cutStream';
  afterTokens: number;
}

/**
 * Streams `afterTokens` text deltas (and any further ones that are pure ASCII), then sends the start of
 * the next delta, ending in the middle of its first multi-byte UTF-8 character, and drops the
 * connection. A test arranges for that character with a responder whose next token has non-ASCII
 * text, e.g. `scriptedResponder([{ tokens: ['Hello', ' café'] }])` with `afterTokens: 1`, or the story
 * responder, whose STORY has “curly quotes”, é and an emoji. With no such token left, the cut falls
 * in the middle of the next event instead.
 */
export interface CutMidUtf8Fault extends Repeat {
  kind: 'cutMidUtf8';
  afterTokens: number;
}

/**
 * Streams `afterTokens` text deltas (and any further ones without a character outside the BMP), then
 * a delta ending in the high half of the next token's first such character (an emoji: JSON carries
 * it as a lone `\\ud83d` escape), and drops the connection before the low half comes.
 */
export interface CutMidSurrogateFault extends Repeat {
  kind: 'cutMidSurrogate';
  afterTokens: number;
}

/** Streams `afterTokens` text deltas, then an SSE `error` event (default `overloaded_error`), then ends. */
export interface ErrorEventFault extends Repeat {
  kind: 'errorEvent';
  afterTokens: number;
  errorType?: 'overloaded_error' | 'api_error';
}

/** Streams `afterTokens` text deltas, then an event whose data is not valid JSON, then ends. */
export interface MalformedSseFault extends Repeat {
  kind: 'malformedSse';
  afterTokens: number;
}

/** Reads the request and never answers; `close()` destroys the connection. */
export interface HangFault extends Repeat {
  kind: 'hang';
}

/** A 200 whose body is neither JSON nor SSE, as from a captive portal or a broken proxy. */
export interface GarbageFault extends Repeat {
  kind: 'garbage';
}

/** Faults that strike after the reply has started streaming. */
export type StreamFault = CutStreamFault | CutMidUtf8Fault | CutMidSurrogateFault | ErrorEventFault | MalformedSseFault;

/**
 * A complete reply whose usage is off, as from a gateway that rewrites or drops it: `outputTokens`
 * in both `message_start` and `message_delta` (e.g. 0 with `stop_reason: max_tokens`), and with
 * `inputOnlyInStart` no `input_tokens` in `message_delta` (as the API sent it before mid-2025).
 */
export interface UsageQuirk extends Repeat {
  kind: 'usage';
  outputTokens?: number;
  inputOnlyInStart?: boolean;
}

/**
 * A complete reply, then more text deltas after `message_stop` (default one, "LATE"); with
 * `keepOpen` the connection is never closed by the server.
 */
export interface AfterStopQuirk extends Repeat {
  kind: 'afterStop';
  lateDeltas?: string[];
  keepOpen?: boolean;
}

/**
 * A complete reply with content that is not text: a thinking block (thinking and signature deltas)
 * before the text block, and a citations delta after each text delta.
 */
export interface NonTextBlocksQuirk extends Repeat {
  kind: 'nonTextBlocks';
}

/** Replies that arrive whole but odd: what a client must be lenient about, or must not trust. */
export type ReplyQuirk = UsageQuirk | AfterStopQuirk | NonTextBlocksQuirk;

export type Fault = StatusFault | StreamFault | ReplyQuirk | HangFault | GarbageFault;

export function isReplyQuirk(fault: Fault | undefined): fault is ReplyQuirk {
  return fault?.kind === 'usage' || fault?.kind === 'afterStop' || fault?.kind === 'nonTextBlocks';
}

const FAULT_STATUSES: readonly number[] = [...ERROR_STATUSES, 503];

export class FaultQueue {
  private readonly queue: Array<{ fault: Fault; remaining: number }> = [];

  enqueue(fault: Fault): void {
    this.queue.push({ fault, remaining: fault.times ?? 1 });
  }

  /** The fault for the request now arriving, if any. */
  take(): Fault | undefined {
    const head = this.queue[0];
    if (!head) {
      return undefined;
    }
    head.remaining -= 1;
    if (head.remaining <= 0) {
      this.queue.shift();
    }
    return head.fault;
  }

  clear(): void {
    this.queue.length = 0;
  }
}

function invalid(message: string): ApiError {
  return new ApiError(400, `fault: ${message}`);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Checks a fault that arrived as JSON over the control API. */
export function parseFault(value: unknown): Fault {
  if (typeof value !== 'object' || value === null) {
    throw invalid('expected a JSON object');
  }
  const fault = value as Partial<Record<string, unknown>>;
  if (fault.times !== undefined && !(isCount(fault.times) && fault.times > 0)) {
    throw invalid('times must be a positive integer');
  }
  switch (fault.kind) {
    case 'status':
      if (!FAULT_STATUSES.includes(fault.status as ErrorStatus)) {
        throw invalid(`status must be one of ${FAULT_STATUSES.join(', ')}`);
      }
      if (fault.retryAfterSeconds !== undefined && !(typeof fault.retryAfterSeconds === 'number' && fault.retryAfterSeconds >= 0)) {
        throw invalid('retryAfterSeconds must be a non-negative number');
      }
      if (fault.message !== undefined && typeof fault.message !== 'string') {
        throw invalid('message must be a string');
      }
      return value as StatusFault;
    case 'cutStream':
    case 'cutMidUtf8':
    case 'cutMidSurrogate':
    case 'malformedSse':
    case 'errorEvent':
      if (!isCount(fault.afterTokens)) {
        throw invalid('afterTokens must be a non-negative integer');
      }
      if (fault.kind === 'errorEvent' && fault.errorType !== undefined && fault.errorType !== 'overloaded_error' && fault.errorType !== 'api_error') {
        throw invalid("errorType must be 'overloaded_error' or 'api_error'");
      }
      return value as StreamFault;
    case 'usage':
      if (fault.outputTokens !== undefined && !isCount(fault.outputTokens)) {
        throw invalid('outputTokens must be a non-negative integer');
      }
      return value as UsageQuirk;
    case 'afterStop':
      if (fault.lateDeltas !== undefined && !(Array.isArray(fault.lateDeltas) && fault.lateDeltas.every((d) => typeof d === 'string'))) {
        throw invalid('lateDeltas must be an array of strings');
      }
      return value as AfterStopQuirk;
    case 'nonTextBlocks':
    case 'hang':
    case 'garbage':
      return value as NonTextBlocksQuirk | HangFault | GarbageFault;
    default:
      throw invalid(`unknown kind ${JSON.stringify(fault.kind)}`);
  }
}
