/**
 * The control API, for scripting a fake server that runs in another process (e.g. one started with
 * main.ts):
 *
 * - `POST /__control/fault` with a Fault as JSON: enqueue it.
 * - `POST /__control/delay` with `{"ms": n}`: set the delay before each streamed token.
 * - `POST /__control/reset`: clear faults and recorded requests, restore responder and delay.
 * - `GET /__control/requests`: the recorded requests as a JSON array.
 *
 * Answers `{"ok": true}` (or the requests); errors use the API's error body shape.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from './errors';
import type { FakeAnthropic } from './fakeAnthropic';
import { parseFault } from './faults';
import { sendJson } from './http';
import { parseJsonBody } from './validate';

function parseDelay(body: unknown): number {
  const ms = (body as { ms?: unknown } | null)?.ms;
  if (typeof ms !== 'number' || !(ms >= 0)) {
    throw new ApiError(400, 'delay: ms must be a non-negative number');
  }
  return ms;
}

/** Throws ApiError for a bad control request; the caller sends it like any API error. */
export function handleControl(server: FakeAnthropic, method: string, path: string, raw: string, res: ServerResponse): void {
  switch (`${method} ${path}`) {
    case 'POST /__control/fault':
      server.enqueueFault(parseFault(parseJsonBody(raw)));
      break;
    case 'POST /__control/delay':
      server.setTokenDelay(parseDelay(parseJsonBody(raw)));
      break;
    case 'POST /__control/reset':
      server.reset();
      break;
    case 'GET /__control/requests':
      sendJson(res, 200, server.requests);
      return;
    default:
      throw new ApiError(404);
  }
  sendJson(res, 200, { ok: true });
}
