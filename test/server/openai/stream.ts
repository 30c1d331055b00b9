/**
 * Writes planned chunks as OpenAI-style servers stream them: data-only SSE (`data: {json}` and a blank
 * line, no `event:` lines), ended by `data: [DONE]`; and breaks the stream off the way a fault says.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamFault } from '../faults';
import { dropConnection, writeChunk } from '../http';
import { highSurrogateEnd, strikesAt } from '../streaming';
import { cutInsideMultibyte } from '../utf8Cut';
import type { Chunk } from './chunks';
import { errorBody, OpenAiError } from './errors';
import type { OpenAiQuirks } from './quirks';

export const DONE = 'data: [DONE]\n\n';
export const KEEP_ALIVE = ': keep-alive\n\n';

/** Data that the SDK's SSE decoder hands to JSON.parse, which fails on it. */
const MALFORMED_CHUNK = 'data: {"id":"cmpl-broken","object":"text_completion","choi\n\n';

export function dataEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** What a server sends when it fails after the 200: an error object as an ordinary data event. */
export function streamErrorEvent(fault: Extract<StreamFault, { kind: 'errorEvent' }>): string {
  return dataEvent(errorBody(new OpenAiError(fault.errorType === 'api_error' ? 500 : 503)));
}

async function strike(res: ServerResponse, fault: StreamFault, next: Chunk | undefined): Promise<void> {
  const nextEvent = next ? dataEvent(next.payload) : DONE;
  switch (fault.kind) {
    case 'cutStream':
      break;
    case 'cutMidUtf8':
      await writeChunk(res, cutInsideMultibyte(nextEvent));
      break;
    case 'cutMidSurrogate': {
      const end = next?.token ? highSurrogateEnd(next.token.text) : 0;
      if (next?.token && end > 0) await writeChunk(res, dataEvent(next.token.withText(next.token.text.slice(0, end))));
      break;
    }
    case 'errorEvent':
      await writeChunk(res, streamErrorEvent(fault));
      res.end();
      return;
    case 'malformedSse':
      await writeChunk(res, MALFORMED_CHUNK);
      res.end();
      return;
  }
  dropConnection(res);
}

/**
 * Streams `chunks`, waiting `tokenDelayMs()` before each token chunk (read afresh each time, so a test
 * can slow a stream that is already running). A fault strikes at the token chunk its `afterTokens`
 * names (or at the end, if the reply is shorter). Stops quietly if the client goes away.
 */
export async function streamChunks(
  res: ServerResponse,
  chunks: readonly Chunk[],
  quirks: OpenAiQuirks,
  fault: StreamFault | undefined,
  tokenDelayMs: () => number,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  let tokenIndex = 0;
  for (const chunk of chunks) {
    if (fault && chunk.token && strikesAt(fault, tokenIndex, chunk.token.text)) {
      await strike(res, fault, chunk);
      return;
    }
    if (chunk.token) {
      tokenIndex += 1;
      const delay = tokenDelayMs();
      if (delay > 0) await sleep(delay);
    }
    if (res.destroyed) return;
    await writeChunk(res, (quirks.keepAliveComments ? KEEP_ALIVE : '') + dataEvent(chunk.payload));
  }
  if (fault) {
    await strike(res, fault, undefined);
    return;
  }
  res.end(quirks.omitDone ? undefined : DONE);
}
