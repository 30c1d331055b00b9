/**
 * Writes a reply as the Messages API streams it: `message_start`, `content_block_start`, `ping`, one
 * `content_block_delta` per token, `content_block_stop`, `message_delta`, `message_stop`; and breaks
 * it off the way a stream fault says.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Completion } from './completion';
import { streamErrorPayload } from './errors';
import { isReplyQuirk, type ReplyQuirk, type StreamFault } from './faults';
import { dropConnection, writeChunk } from './http';
import * as payloads from './payloads';
import { sseEvent, type EventPayload } from './sse';
import { cutInsideMultibyte, hasNonAscii } from './utf8Cut';

/** Data that the SDK's SSE decoder hands to JSON.parse, which fails on it. */
const MALFORMED_EVENT = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"te\n\n';

export function strikesAt(fault: StreamFault, index: number, piece: string): boolean {
  if (index < fault.afterTokens) return false;
  if (fault.kind === 'cutMidUtf8') return hasNonAscii(piece);
  if (fault.kind === 'cutMidSurrogate') return highSurrogateEnd(piece) > 0;
  return true;
}

function deltaText(payload: EventPayload): string {
  const delta = payload.delta as { text?: unknown } | undefined;
  return typeof delta?.text === 'string' ? delta.text : '';
}

/** How much of `text` to send so that it ends in the high half of its first surrogate pair; 0 if none. */
export function highSurrogateEnd(text: string): number {
  const index = text.search(/[\ud800-\udbff]/);
  return index + 1;
}

/** Breaks the stream off; `next` is the event that would have come next. */
async function strike(res: ServerResponse, fault: StreamFault, next: EventPayload): Promise<void> {
  switch (fault.kind) {
    case 'cutStream':
      dropConnection(res);
      return;
    case 'cutMidUtf8':
      await writeChunk(res, cutInsideMultibyte(sseEvent(next)));
      dropConnection(res);
      return;
    case 'cutMidSurrogate': {
      const text = deltaText(next);
      const end = highSurrogateEnd(text);
      if (end > 0) await writeChunk(res, sseEvent(payloads.textDelta(text.slice(0, end))));
      dropConnection(res);
      return;
    }
    case 'errorEvent':
      await writeChunk(res, sseEvent(streamErrorPayload(fault.errorType ?? 'overloaded_error')));
      res.end();
      return;
    case 'malformedSse':
      await writeChunk(res, MALFORMED_EVENT);
      res.end();
      return;
  }
}

/** The index of the text block: after the thinking block when the quirk adds one. */
function textIndex(quirk: ReplyQuirk | undefined): number {
  return quirk?.kind === 'nonTextBlocks' ? 1 : 0;
}

/**
 * `message_stop`, then under an `afterStop` quirk the late deltas in the same chunk (so a client
 * has them in hand when it sees `message_stop`), and the end of the response unless kept open.
 */
async function sendStop(res: ServerResponse, quirk: ReplyQuirk | undefined): Promise<void> {
  const late = quirk?.kind === 'afterStop' ? (quirk.lateDeltas ?? ['LATE']).map((text) => payloads.textDelta(text)) : [];
  await writeChunk(res, [payloads.messageStop(), ...late].map(sseEvent).join(''));
  if (!(quirk?.kind === 'afterStop' && quirk.keepOpen)) res.end();
}

/**
 * Streams `completion`, waiting `tokenDelayMs()` before each text delta (read afresh each time, so a
 * test can slow a stream that is already running). Stops quietly if the client goes away.
 */
export async function streamReply(
  res: ServerResponse,
  meta: payloads.MessageMeta,
  completion: Completion,
  faultOrQuirk: StreamFault | ReplyQuirk | undefined,
  tokenDelayMs: () => number,
): Promise<void> {
  const quirk = isReplyQuirk(faultOrQuirk) ? faultOrQuirk : undefined;
  const fault = isReplyQuirk(faultOrQuirk) ? undefined : faultOrQuirk;
  const usage: payloads.UsageReport = quirk?.kind === 'usage' ? quirk : {};
  const index = textIndex(quirk);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const send = (payload: EventPayload): Promise<void> => writeChunk(res, sseEvent(payload));
  const hasText = completion.pieces.length > 0;
  await send(payloads.messageStart(meta, usage.outputTokens ?? 1));
  if (quirk?.kind === 'nonTextBlocks') {
    for (const payload of payloads.thinkingBlock(0)) await send(payload);
  }
  if (hasText) {
    await send(payloads.contentBlockStart(index));
  }
  await send(payloads.ping());
  for (const [i, piece] of completion.pieces.entries()) {
    const delta = payloads.textDelta(piece, index);
    if (fault && strikesAt(fault, i, piece)) {
      await strike(res, fault, delta);
      return;
    }
    const delay = tokenDelayMs();
    if (delay > 0) {
      await sleep(delay);
    }
    if (res.destroyed) {
      return;
    }
    await send(delta);
    if (quirk?.kind === 'nonTextBlocks') await send(payloads.citationsDelta(index));
  }
  const closing = [
    ...(hasText ? [payloads.contentBlockStop(index)] : []),
    payloads.messageDelta(meta, completion, usage),
  ];
  if (fault) {
    await strike(res, fault, closing[0]);
    return;
  }
  for (const payload of closing) {
    await send(payload);
  }
  await sendStop(res, quirk);
}
