/**
 * Sends a reply as one JSON message. Stream faults have non-streaming counterparts, so a client's
 * non-streaming calls can be tested against the same failures: the cuts send part of the body and
 * drop the connection (both character cuts inside a character's UTF-8 bytes: the body has no
 * escapes to split), `errorEvent` becomes the API's matching HTTP error and `malformedSse` a 200
 * whose JSON is truncated.
 */
import type { ServerResponse } from 'node:http';
import type { Completion } from './completion';
import { ApiError } from './errors';
import type { ErrorEventFault, StreamFault } from './faults';
import { dropConnection, sendJson, writeChunk } from './http';
import { fullMessage, type MessageMeta } from './payloads';
import { cutInsideMultibyte } from './utf8Cut';

export async function sendReply(
  res: ServerResponse,
  meta: MessageMeta,
  completion: Completion,
  fault: StreamFault | undefined,
): Promise<void> {
  await sendBody(res, fullMessage(meta, completion), fault, (errorEvent) => new ApiError(errorEvent.errorType === 'api_error' ? 500 : 529));
}

/**
 * Sends any API's JSON reply, broken the way `fault` says; `errorFor` names the HTTP error that
 * stands for a stream's error event on this API.
 */
export async function sendBody(
  res: ServerResponse,
  message: object,
  fault: StreamFault | undefined,
  errorFor: (fault: ErrorEventFault) => Error,
): Promise<void> {
  if (!fault) {
    sendJson(res, 200, message);
    return;
  }
  const text = JSON.stringify(message);
  switch (fault.kind) {
    case 'errorEvent':
      throw errorFor(fault);
    case 'malformedSse':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    case 'cutStream':
    case 'cutMidUtf8':
    case 'cutMidSurrogate': {
      const bytes = Buffer.from(text, 'utf8');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
      await writeChunk(res, fault.kind === 'cutStream' ? bytes.subarray(0, bytes.length >> 1) : cutInsideMultibyte(text));
      dropConnection(res);
      return;
    }
  }
}
