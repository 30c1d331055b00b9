/**
 * A local, wire-compatible stand-in for the Anthropic Messages API, for tests that cannot reach the
 * real one. Point the SDK at it with `new Anthropic({ apiKey, baseURL: server.url })`.
 *
 * It serves `POST /v1/messages` (streaming and not) and `POST /v1/messages/count_tokens` with the real
 * validation, error bodies and SSE framing; a responder decides what the model says, and scripted
 * faults break things the way networks and overloaded servers do. `/__control/*` lets another process
 * script it (see control.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { complete } from './completion';
import { contentText } from './content';
import { handleControl } from './control';
import { ApiError, ERROR_STATUSES, type ErrorStatus } from './errors';
import { strikeBeforeReply } from './earlyFaults';
import { FaultQueue, isReplyQuirk, type Fault } from './faults';
import { readBody, sendError, sendJson } from './http';
import { asOpenAiError, sendOpenAiError } from './openai/errors';
import { OpenAiRoutes, type OpenAiOptions } from './openai/openAiRoutes';
import { newMessageId, newRequestId } from './ids';
import { sendReply } from './nonStreaming';
import { checkHeaders } from './requestHeaders';
import type { MessagesRequestBody, Responder } from './responder';
import { createStoryResponder } from './storyResponder';
import { streamReply } from './streaming';
import { storyTokens } from './tokenizer';
import { parseJsonBody, validateCountTokensRequest, validateMessagesRequest } from './validate';

export type { Fault } from './faults';

export const DEFAULT_API_KEY = 'sk-ant-test-key';

export interface FakeAnthropicOptions {
  /** Default 0: an ephemeral port. The server always binds 127.0.0.1. */
  port?: number;
  /** The key accepted in `x-api-key` or `Authorization: Bearer`; default DEFAULT_API_KEY. */
  apiKey?: string;
  /** Default: a fresh story responder (see storyResponder.ts). `reset()` returns to this. */
  responder?: Responder;
  /** Delay before each streamed text delta; default 0. `reset()` returns to this. */
  tokenDelayMs?: number;
  /** The OpenAI-style routes (`/v1/completions`, `/v1/chat/completions`, `/v1/models`); see openAiRoutes.ts. */
  openAi?: OpenAiOptions;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** The tokens the reply to a Messages request reported, as a client would add them up (none for an error reply). */
  usage?: { input_tokens: number; output_tokens: number };
}

export interface FakeAnthropic {
  /** e.g. http://127.0.0.1:PORT: the SDK's `baseURL`. */
  readonly url: string;
  /** Every API request received (control requests excluded), in arrival order. */
  readonly requests: RecordedRequest[];
  setResponder(responder: Responder): void;
  setTokenDelay(ms: number): void;
  /** Applies to the next generation request(s) that pass validation, on any route (Messages or OpenAI-style). */
  enqueueFault(fault: Fault): void;
  /** The OpenAI-style routes' own settings: text model, chat prefill profile, stream quirks. */
  readonly openAi: OpenAiRoutes;
  /** Clears faults and requests; responder, token delay and the OpenAI-style settings go back to the configured defaults. */
  reset(): void;
  /** Stops the server, destroying open connections (hung and streaming ones too). */
  close(): Promise<void>;
}

type Route = (res: ServerResponse, raw: string, headers: IncomingMessage['headers'], record: RecordedRequest) => Promise<void> | void;

/** The paths whose errors are sent in the OpenAI shape. */
const OPENAI_PATHS = new Set(['/v1/completions', '/v1/chat/completions', '/v1/models']);

/** Prompt tokens as the fake counts them: the story tokenizer over the system prompt and every message. */
function countInputTokens(request: Pick<MessagesRequestBody, 'messages' | 'system'>): number {
  const texts = request.messages.map((message) => contentText(message.content));
  if (request.system !== undefined) {
    texts.push(contentText(request.system));
  }
  return texts.reduce((sum, text) => sum + storyTokens(text).length, 0);
}

class FakeAnthropicServer implements FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new FaultQueue();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private readonly apiKey: string;
  private readonly defaultResponder: () => Responder;
  private readonly defaultTokenDelayMs: number;
  private responder: Responder;
  private tokenDelayMs: number;
  private address = '';

  readonly openAi: OpenAiRoutes;

  private readonly routes: Record<string, Route> = {
    'POST /v1/messages': (res, raw, headers, record) => {
      checkHeaders(headers, this.apiKey);
      return this.messages(res, parseJsonBody(raw), record);
    },
    'POST /v1/messages/count_tokens': (res, raw, headers) => {
      checkHeaders(headers, this.apiKey);
      this.countTokens(res, parseJsonBody(raw));
    },
    'POST /v1/completions': (res, raw, headers) => this.openAi.completions(res, raw, headers),
    'POST /v1/chat/completions': (res, raw, headers) => this.openAi.chat(res, raw, headers),
    'GET /v1/models': (res, _raw, headers) => this.openAi.listModels(res, headers),
  };

  constructor(options: FakeAnthropicOptions) {
    this.apiKey = options.apiKey ?? DEFAULT_API_KEY;
    const configured = options.responder;
    this.defaultResponder = configured ? () => configured : createStoryResponder;
    this.defaultTokenDelayMs = options.tokenDelayMs ?? 0;
    this.responder = this.defaultResponder();
    this.tokenDelayMs = this.defaultTokenDelayMs;
    this.openAi = new OpenAiRoutes(options.openAi ?? {}, { takeFault: () => this.faults.take(), tokenDelayMs: () => this.tokenDelayMs });
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return this.address;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.address = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        resolve();
      });
    });
  }

  setResponder(responder: Responder): void {
    this.responder = responder;
  }

  setTokenDelay(ms: number): void {
    this.tokenDelayMs = ms;
  }

  enqueueFault(fault: Fault): void {
    this.faults.enqueue(fault);
  }

  reset(): void {
    this.faults.clear();
    this.requests.length = 0;
    this.responder = this.defaultResponder();
    this.tokenDelayMs = this.defaultTokenDelayMs;
    this.openAi.reset();
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) {
      socket.destroy();
    }
    return closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    res.setHeader('request-id', requestId);
    try {
      const method = req.method ?? 'GET';
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const raw = await readBody(req);
      if (path.startsWith('/__control/')) {
        handleControl(this, method, path, raw, res);
        return;
      }
      const record: RecordedRequest = { method, path, headers: { ...req.headers }, body: bodyForRecord(raw) };
      this.requests.push(record);
      const route = this.routes[`${method} ${path}`];
      if (!route) {
        throw new ApiError(404);
      }
      await route(res, raw, req.headers, record);
    } catch (error) {
      this.fail(res, error, requestId, req.url ?? '/');
    }
  }

  private fail(res: ServerResponse, error: unknown, requestId: string, url: string): void {
    if (res.headersSent) {
      // Too late for an error response: a broken connection is all the client can be shown.
      res.destroy();
      return;
    }
    if (OPENAI_PATHS.has(new URL(url, 'http://127.0.0.1').pathname)) {
      sendOpenAiError(res, asOpenAiError(error));
      return;
    }
    const apiError = error instanceof ApiError ? error : new ApiError(500, `Internal server error: ${(error as Error).message}`);
    sendError(res, apiError, requestId);
  }

  private async messages(res: ServerResponse, body: unknown, record: RecordedRequest): Promise<void> {
    const request = validateMessagesRequest(body);
    const taken = this.faults.take();
    const fault = strikeBeforeReply(res, taken, (status) => {
      if (!ERROR_STATUSES.includes(status.status as ErrorStatus)) {
        return new ApiError(400, `fault: status ${status.status} is for the OpenAI-style routes only`);
      }
      return new ApiError(status.status as ErrorStatus, status.message, status.retryAfterSeconds);
    });
    if (fault === 'answered') return;
    const plan = await this.responder(request);
    const completion = complete(plan, request.max_tokens, request.stop_sequences);
    const meta = { id: newMessageId(), model: request.model, inputTokens: plan.inputTokens ?? countInputTokens(request) };
    // Faulted replies may report other figures; the tests that add usage up send none.
    if (!taken) record.usage = { input_tokens: meta.inputTokens, output_tokens: completion.outputTokens };
    if (request.stream) {
      await streamReply(res, meta, completion, isReplyQuirk(taken) ? taken : fault, () => this.tokenDelayMs);
    } else {
      await sendReply(res, meta, completion, fault);
    }
  }

  private countTokens(res: ServerResponse, body: unknown): void {
    sendJson(res, 200, { input_tokens: countInputTokens(validateCountTokensRequest(body)) });
  }
}

function bodyForRecord(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Starts a fake Anthropic API on 127.0.0.1; resolves once it is listening. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const server = new FakeAnthropicServer(options);
  await server.listen(options.port ?? 0);
  return server;
}
