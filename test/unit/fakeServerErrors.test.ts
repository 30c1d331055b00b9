import * as assert from 'node:assert/strict';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { DEFAULT_MESSAGE_BY_STATUS, ERROR_STATUSES, ERROR_TYPE_BY_STATUS } from '../server/errors';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { TRAILING_WHITESPACE_MESSAGE } from '../server/validate';

const KEY = 'sk-ant-fake-server-errors';
const MODEL = 'claude-test-model';
const VERSION = '2023-06-01';
const ASK = { role: 'user', content: 'Go on.' } as const;

interface RawResponse {
  status: number;
  headers: Headers;
  json: Record<string, any>;
}

describe('fake Anthropic server: errors', () => {
  let server: FakeAnthropic;
  let client: Anthropic;

  /** Posts a body as-is, so requests the SDK's types would refuse can be sent. */
  async function post(
    path: string,
    body: unknown,
    headers: Record<string, string> = { 'x-api-key': KEY, 'anthropic-version': VERSION },
  ): Promise<RawResponse> {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, any> };
  }

  async function rejection(promise: Promise<unknown>): Promise<APIError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof APIError, `expected an APIError, got ${String(error)}`);
      return error;
    }
    assert.fail('the request succeeded');
  }

  before(async () => {
    server = await startFakeAnthropic({ apiKey: KEY });
    client = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });
  });

  afterEach(() => server.reset());

  after(() => server.close());

  for (const [name, whitespace] of [
    ['a space', ' '],
    ['a tab', '\t'],
    ['a newline', '\n'],
  ]) {
    it(`rejects a final assistant message ending in ${name} with the real message`, async () => {
      const error = await rejection(
        client.messages.create({ model: MODEL, max_tokens: 10, messages: [ASK, { role: 'assistant', content: `Once${whitespace}` }] }),
      );

      assert.ok(error instanceof Anthropic.BadRequestError);
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.apiMessage, 'messages: final assistant content cannot end with trailing whitespace');
      assert.match(error.requestID ?? '', /^req_/);
      assert.deepEqual(error.error, {
        type: 'error',
        error: { type: 'invalid_request_error', message: TRAILING_WHITESPACE_MESSAGE },
        request_id: error.requestID,
      });
    });
  }

  it('checks trailing whitespace on the text of content blocks too', async () => {
    const error = await rejection(
      client.messages.create({
        model: MODEL,
        max_tokens: 10,
        messages: [ASK, { role: 'assistant', content: [{ type: 'text', text: 'Once ' }] }],
      }),
    );

    assert.equal(error.apiMessage, TRAILING_WHITESPACE_MESSAGE);
  });

  const invalidRequests: Array<[string, unknown, string]> = [
    ['missing max_tokens', { model: MODEL, messages: [ASK] }, 'max_tokens: Field required'],
    ['missing messages', { model: MODEL, max_tokens: 5 }, 'messages: Field required'],
    ['missing model', { max_tokens: 5, messages: [ASK] }, 'model: Field required'],
    ['no messages', { model: MODEL, max_tokens: 5, messages: [] }, 'messages: at least one message is required'],
    [
      'an assistant message first',
      { model: MODEL, max_tokens: 5, messages: [{ role: 'assistant', content: 'Hi' }, ASK] },
      'messages: first message must use the "user" role',
    ],
    [
      'two user messages in a row',
      { model: MODEL, max_tokens: 5, messages: [ASK, ASK] },
      'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
    ],
    [
      'empty content before the end',
      { model: MODEL, max_tokens: 5, messages: [ASK, { role: 'assistant', content: '' }, ASK] },
      'messages.1: all messages must have non-empty content except for the optional final assistant message',
    ],
    [
      'an empty text block',
      { model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
      'messages: text content blocks must be non-empty',
    ],
    [
      'a whitespace-only user message',
      { model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: ' \n' }] },
      'messages: text content blocks must contain non-whitespace text',
    ],
    ['temperature above 1', { model: MODEL, max_tokens: 5, temperature: 1.5, messages: [ASK] }, 'temperature: range: 0..1'],
    ['temperature below 0', { model: MODEL, max_tokens: 5, temperature: -0.1, messages: [ASK] }, 'temperature: range: 0..1'],
    ['max_tokens of 0', { model: MODEL, max_tokens: 0, messages: [ASK] }, 'max_tokens: Input should be greater than or equal to 1'],
  ];

  for (const [name, body, message] of invalidRequests) {
    it(`rejects ${name} with 400 "${message}"`, async () => {
      const response = await post('/v1/messages', body);

      assert.equal(response.status, 400);
      assert.deepEqual(response.json, {
        type: 'error',
        error: { type: 'invalid_request_error', message },
        request_id: response.headers.get('request-id'),
      });
      assert.equal(response.headers.get('x-should-retry'), 'false');
    });
  }

  it('accepts an empty final assistant message and temperatures 0 and 1', async () => {
    for (const body of [
      { model: MODEL, max_tokens: 1, messages: [ASK, { role: 'assistant', content: '' }] },
      { model: MODEL, max_tokens: 1, temperature: 0, messages: [ASK] },
      { model: MODEL, max_tokens: 1, temperature: 1, messages: [ASK] },
    ]) {
      const response = await post('/v1/messages', body);
      assert.equal(response.status, 200, JSON.stringify(response.json));
    }
  });

  it('rejects a body that is not JSON', async () => {
    const response = await post('/v1/messages', '{"model": ');

    assert.equal(response.status, 400);
    assert.equal(response.json.error.type, 'invalid_request_error');
    assert.match(response.json.error.message, /^The request body is not valid JSON: /);
  });

  it('answers an unknown path with 404 not_found_error', async () => {
    const response = await post('/v1/complete', { prompt: 'x' });

    assert.equal(response.status, 404);
    assert.deepEqual(response.json.error, { type: 'not_found_error', message: 'Not Found' });
  });

  it('rejects a wrong key with AuthenticationError, and a missing one with the real messages', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: server.url, maxRetries: 0 });
    const error = await rejection(wrong.messages.create({ model: MODEL, max_tokens: 5, messages: [ASK] }));
    const missing = await post('/v1/messages', { model: MODEL, max_tokens: 5, messages: [ASK] }, { 'anthropic-version': VERSION });
    const wrongHeader = await post(
      '/v1/messages',
      { model: MODEL, max_tokens: 5, messages: [ASK] },
      { 'x-api-key': 'nope', 'anthropic-version': VERSION },
    );

    assert.ok(error instanceof Anthropic.AuthenticationError);
    assert.equal(error.status, 401);
    assert.equal(error.apiMessage, 'Invalid bearer token');
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.json.error, { type: 'authentication_error', message: 'x-api-key header is required' });
    assert.deepEqual(wrongHeader.json.error, { type: 'authentication_error', message: 'invalid x-api-key' });
  });

  it('accepts the key in x-api-key as well as as a bearer token', async () => {
    const response = await post('/v1/messages', { model: MODEL, max_tokens: 2, messages: [ASK] });

    assert.equal(response.status, 200);
    assert.equal(response.json.type, 'message');
  });

  it('requires an anthropic-version header', async () => {
    const response = await post('/v1/messages/count_tokens', { model: MODEL, messages: [ASK] }, { 'x-api-key': KEY });

    assert.equal(response.status, 400);
    assert.deepEqual(response.json.error, { type: 'invalid_request_error', message: 'anthropic-version: header is required' });
  });

  for (const status of ERROR_STATUSES) {
    it(`sends the real body for a scripted ${status}`, async () => {
      server.enqueueFault({ kind: 'status', status });
      const response = await post('/v1/messages', { model: MODEL, max_tokens: 5, messages: [ASK] });
      const error = { type: ERROR_TYPE_BY_STATUS[status], message: DEFAULT_MESSAGE_BY_STATUS[status] };

      assert.equal(response.status, status);
      // A 413 comes from the CDN, without the API's wrapper and request id.
      const expected = status === 413 ? { error } : { type: 'error', error, request_id: response.headers.get('request-id') };
      assert.deepEqual(response.json, expected);
      assert.equal(response.headers.get('retry-after'), status === 429 ? '1' : null);
      assert.equal(response.headers.get('x-should-retry'), String(status === 429 || status >= 500));
    });
  }

  it('uses a scripted message and retry-after on any status', async () => {
    server.enqueueFault({ kind: 'status', status: 500, message: 'Something broke', retryAfterSeconds: 7 });
    const response = await post('/v1/messages', { model: MODEL, max_tokens: 5, messages: [ASK] });

    assert.equal(response.json.error.message, 'Something broke');
    assert.equal(response.headers.get('retry-after'), '7');
  });

  it('gets a 429 retried by the SDK after retry-after, and the retry succeeds', async () => {
    server.enqueueFault({ kind: 'status', status: 429, retryAfterSeconds: 0.05 });
    const retrying = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 2 });
    const message = await retrying.messages.create({ model: MODEL, max_tokens: 3, messages: [ASK] });

    assert.equal(message.type, 'message');
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[1].headers['x-stainless-retry-count'], '1');
  });

  it('surfaces a 529 as the SDK overloaded error', async () => {
    server.enqueueFault({ kind: 'status', status: 529 });
    const error = await rejection(client.messages.create({ model: MODEL, max_tokens: 5, messages: [ASK] }));

    assert.ok(error instanceof Anthropic.InternalServerError);
    assert.ok(error instanceof Anthropic.OverloadedError);
    assert.equal(error.status, 529);
    assert.equal(error.type, 'overloaded_error');
    assert.equal(error.apiMessage, 'Overloaded');
  });

  it('applies a fault to `times` requests, then answers normally', async () => {
    server.enqueueFault({ kind: 'status', status: 500, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await post('/v1/messages', { model: MODEL, max_tokens: 2, messages: [ASK] })).status);
    }

    assert.deepEqual(statuses, [500, 500, 200]);
  });

  it('leaves faults for requests that pass validation', async () => {
    server.enqueueFault({ kind: 'status', status: 529 });
    const invalid = await post('/v1/messages', { model: MODEL, messages: [ASK] });
    const valid = await post('/v1/messages', { model: MODEL, max_tokens: 2, messages: [ASK] });

    assert.equal(invalid.status, 400);
    assert.equal(valid.status, 529);
  });

  it('reports a responder failure as a 500 naming the cause', async () => {
    server.setResponder(() => {
      throw new Error('the script ran out');
    });
    const response = await post('/v1/messages', { model: MODEL, max_tokens: 2, messages: [ASK] });

    assert.equal(response.status, 500);
    assert.deepEqual(response.json.error, { type: 'api_error', message: 'Internal server error: the script ran out' });
  });
});
