/** Node `http` plumbing shared by the API routes and the control API. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errorResponseBody, shouldRetry } from './errors';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Writes a chunk and waits until Node has handed it to the kernel, so that dropping the connection
 * right after cannot lose it. Never rejects: a client that went away shows as `res.destroyed`.
 */
export function writeChunk(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) {
      resolve();
      return;
    }
    res.write(chunk, () => resolve());
  });
}

/**
 * Drops the connection mid-response. The client sees the body end before its declared length or final
 * chunk, which is how a reset or a dead proxy looks to it.
 */
export function dropConnection(res: ServerResponse): void {
  res.destroy();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** An error response as the API sends it, with the headers the SDK's retry logic reads. */
export function sendError(res: ServerResponse, error: ApiError, requestId: string): void {
  const headers: Record<string, string> = { 'x-should-retry': String(shouldRetry(error.status)) };
  const retryAfter = error.retryAfterSeconds ?? (error.status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) {
    headers['retry-after'] = String(retryAfter);
  }
  sendJson(res, error.status, errorResponseBody(error, requestId), headers);
}
