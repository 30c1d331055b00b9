import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Anthropic, { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { scriptedResponder } from '../server/storyResponder';

const KEY = 'sk-ant-fake-server-faults';
const MODEL = 'claude-test-model';
const VERSION = '2023-06-01';
const ASK: Anthropic.MessageParam = { role: 'user', content: 'Go on.' };
const TOKENS = ['Hello', ',', ' world', ' and', ' more'];

interface Streamed {
  text: string;
  error: unknown;
}

/** Streams through the SDK, keeping the text that arrived before any failure. */
async function streamText(client: Anthropic): Promise<Streamed> {
  let text = '';
  try {
    const stream = await client.messages.create({ model: MODEL, max_tokens: 50, stream: true, messages: [ASK] });
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        text += event.delta.text;
      }
    }
  } catch (error) {
    return { text, error };
  }
  return { text, error: undefined };
}

/** Reads a raw response body until it ends or the connection drops. */
async function readBytes(response: Response): Promise<{ bytes: Buffer; dropped: boolean }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return { bytes: Buffer.concat(chunks), dropped: false };
      }
      chunks.push(value);
    }
  } catch {
    return { bytes: Buffer.concat(chunks), dropped: true };
  }
}

describe('fake Anthropic server: faults', () => {
  let server: FakeAnthropic;
  let client: Anthropic;

  function postMessages(stream: boolean): Promise<Response> {
    return fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'anthropic-version': VERSION, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, max_tokens: 50, stream, messages: [ASK] }),
    });
  }

  before(async () => {
    server = await startFakeAnthropic({ apiKey: KEY });
    // The SDK logs the garbage it cannot parse; the tests check that it fails, so keep it quiet.
    client = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 0, logLevel: 'off' });
  });

  beforeEach(() => server.setResponder(scriptedResponder([{ tokens: TOKENS }])));

  afterEach(() => server.reset());

  after(() => server.close());

  it('cutStream: sends that many deltas, then the SDK stream rejects', async () => {
    server.enqueueFault({ kind: 'cutStream', afterTokens: 2 });
    const { text, error } = await streamText(client);

    assert.equal(text, 'Hello,');
    assert.ok(error instanceof Error, 'the stream should fail, not end');
  });

  it('cutStream: the raw stream has no message_stop and the connection drops', async () => {
    server.enqueueFault({ kind: 'cutStream', afterTokens: 3 });
    const { bytes, dropped } = await readBytes(await postMessages(true));
    const body = bytes.toString('utf8');

    assert.ok(dropped);
    assert.equal(body.match(/event: content_block_delta/g)?.length, 3);
    assert.doesNotMatch(body, /message_stop|message_delta|content_block_stop/);
  });

  it('cutMidUtf8: the last bytes sent end inside a multi-byte character', async () => {
    server.setResponder(scriptedResponder([{ tokens: ['Hello', ' there', ' café', ' ok'] }]));
    server.enqueueFault({ kind: 'cutMidUtf8', afterTokens: 1 });
    const { bytes, dropped } = await readBytes(await postMessages(true));

    assert.ok(dropped);
    // ' there' is pure ASCII, so it is still sent whole; the cut falls after the lead byte of 'é'.
    assert.equal(bytes.toString('utf8').match(/"text_delta","text":" there"/g)?.length, 1);
    assert.deepEqual([...bytes.subarray(-5)], [...Buffer.from(' caf'), 0xc3]);
  });

  it('cutMidUtf8: the SDK stream rejects and no replacement character leaks into the text', async () => {
    server.setResponder(scriptedResponder([{ tokens: ['Hello', ' café'] }]));
    server.enqueueFault({ kind: 'cutMidUtf8', afterTokens: 1 });
    const { text, error } = await streamText(client);

    assert.equal(text, 'Hello');
    assert.ok(error instanceof Error);
  });

  it('cutMidSurrogate: the last delta ends in the high half of an emoji, then the connection drops', async () => {
    server.setResponder(scriptedResponder([{ tokens: ['Hello', ' there', ' sun \u{1F31E} up', ' ok'] }]));
    server.enqueueFault({ kind: 'cutMidSurrogate', afterTokens: 1 });
    const { bytes, dropped } = await readBytes(await postMessages(true));

    assert.ok(dropped);
    assert.equal(bytes.toString('utf8').match(/"text_delta","text":" there"/g)?.length, 1, 'a token without an emoji is sent whole');
    assert.ok(bytes.toString('utf8').endsWith('"text":" sun \\ud83c"}}\n\n'), 'a lone high surrogate, JSON-escaped');
  });

  it('cutMidSurrogate: the SDK hands over the high half and then rejects', async () => {
    server.setResponder(scriptedResponder([{ tokens: ['Hello', ' \u{1F31E}!'] }]));
    server.enqueueFault({ kind: 'cutMidSurrogate', afterTokens: 0 });
    const { text, error } = await streamText(client);

    assert.equal(text, 'Hello \ud83c');
    assert.ok(error instanceof Error);
  });

  it('errorEvent: the SDK surfaces the API error sent mid-stream', async () => {
    server.enqueueFault({ kind: 'errorEvent', afterTokens: 2 });
    const { text, error } = await streamText(client);

    assert.equal(text, 'Hello,');
    assert.ok(error instanceof APIError);
    assert.equal(error.type, 'overloaded_error');
    assert.equal(error.apiMessage, 'Overloaded');
  });

  it('errorEvent: sends the real error event payload, then ends', async () => {
    server.enqueueFault({ kind: 'errorEvent', afterTokens: 0, errorType: 'api_error' });
    const { bytes, dropped } = await readBytes(await postMessages(true));
    const body = bytes.toString('utf8');

    assert.equal(dropped, false);
    assert.ok(
      body.endsWith('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Internal server error"}}\n\n'),
      body,
    );
    assert.doesNotMatch(body, /content_block_delta/);
  });

  it('malformedSse: the SDK fails to parse the stream', async () => {
    server.enqueueFault({ kind: 'malformedSse', afterTokens: 1 });
    const { text, error } = await streamText(client);

    assert.equal(text, 'Hello');
    assert.ok(error instanceof SyntaxError, String(error));
  });

  it('garbage: a 200 that is neither JSON nor SSE', async () => {
    server.enqueueFault({ kind: 'garbage', times: 2 });
    const response = await postMessages(true);
    const body = await response.text();
    const sdk = client.messages.stream({ model: MODEL, max_tokens: 50, messages: [ASK] }).finalMessage();

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.throws(() => JSON.parse(body));
    assert.doesNotMatch(body, /^event:/m);
    await assert.rejects(sdk);
  });

  it('gives non-streaming requests the counterparts of stream faults', async () => {
    server.setResponder(scriptedResponder([{ text: 'Un café.' }, { text: 'Un café.' }, { text: 'Un café.' }]));
    server.enqueueFault({ kind: 'errorEvent', afterTokens: 1, errorType: 'overloaded_error' });
    server.enqueueFault({ kind: 'cutMidUtf8', afterTokens: 1 });
    server.enqueueFault({ kind: 'malformedSse', afterTokens: 1 });

    const overloaded = await postMessages(false);
    const cut = await readBytes(await postMessages(false));
    const malformed = await postMessages(false);

    assert.equal(overloaded.status, 529);
    assert.ok(cut.dropped);
    assert.deepEqual([...cut.bytes.subarray(-5)], [...Buffer.from(' caf'), 0xc3]);
    assert.equal(malformed.status, 200);
    await assert.rejects(malformed.json());
  });

  it('keeps working after a client goes away mid-stream', async () => {
    server.setResponder(scriptedResponder([{ tokens: TOKENS }, { tokens: TOKENS }]));
    server.setTokenDelay(30);
    const controller = new AbortController();
    const stream = client.messages.stream({ model: MODEL, max_tokens: 50, messages: [ASK] }, { signal: controller.signal });
    await new Promise<void>((resolve) => stream.on('text', () => resolve()));
    controller.abort();
    await assert.rejects(stream.finalMessage());
    server.setTokenDelay(0);
    const message = await client.messages.create({ model: MODEL, max_tokens: 50, messages: [ASK] });

    assert.deepEqual(message.content, [{ type: 'text', text: TOKENS.join('') }]);
  });

  describe('control API', () => {
    async function control(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
      const response = await fetch(`${server.url}/__control/${route}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() };
    }

    it('enqueues a fault', async () => {
      const answer = await control('POST', 'fault', { kind: 'status', status: 403 });
      const response = await postMessages(false);

      assert.deepEqual(answer, { status: 200, json: { ok: true } });
      assert.equal(response.status, 403);
      assert.equal(((await response.json()) as any).error.type, 'permission_error');
    });

    it('rejects a fault it does not understand', async () => {
      const unknownKind = await control('POST', 'fault', { kind: 'explode' });
      const badStatus = await control('POST', 'fault', { kind: 'status', status: 418 });
      const badCount = await control('POST', 'fault', { kind: 'cutStream' });

      assert.equal(unknownKind.status, 400);
      assert.equal(unknownKind.json.error.message, 'fault: unknown kind "explode"');
      assert.equal(badStatus.status, 400);
      assert.equal(badCount.json.error.message, 'fault: afterTokens must be a non-negative integer');
      assert.equal((await postMessages(false)).status, 200);
    });

    it('accepts the reply quirks and checks their fields', async () => {
      for (const quirk of [{ kind: 'usage', outputTokens: 0 }, { kind: 'afterStop', lateDeltas: ['x'], keepOpen: false }, { kind: 'nonTextBlocks' }]) {
        assert.equal((await control('POST', 'fault', quirk)).status, 200, JSON.stringify(quirk));
      }
      const badTokens = await control('POST', 'fault', { kind: 'usage', outputTokens: -1 });
      const badDeltas = await control('POST', 'fault', { kind: 'afterStop', lateDeltas: 'x' });
      assert.equal(badTokens.json.error.message, 'fault: outputTokens must be a non-negative integer');
      assert.equal(badDeltas.json.error.message, 'fault: lateDeltas must be an array of strings');
    });

    it('lists recorded requests, without control requests', async () => {
      await postMessages(false);
      const { json } = await control('GET', 'requests');

      assert.equal(json.length, 1);
      assert.equal(json[0].path, '/v1/messages');
      assert.equal(json[0].body.model, MODEL);
    });

    it('sets the token delay', async () => {
      await control('POST', 'delay', { ms: 40 });
      const started = Date.now();
      await (await postMessages(true)).text();

      assert.ok(Date.now() - started >= TOKENS.length * 40 - 10);
      assert.equal((await control('POST', 'delay', { ms: -1 })).status, 400);
    });

    it('resets faults, requests and the responder', async () => {
      server.enqueueFault({ kind: 'status', status: 500 });
      await postMessages(false);
      server.enqueueFault({ kind: 'status', status: 500 });
      await control('POST', 'reset');
      const response = await postMessages(false);

      assert.equal(response.status, 200);
      assert.equal(server.requests.length, 1);
      // Back to the story responder, not the scripted one.
      assert.match(((await response.json()) as any).content[0].text, /^The weaver of Salt Lane/);
    });

    it('answers an unknown control route with 404', async () => {
      assert.equal((await control('POST', 'explode', {})).status, 404);
    });
  });
});

describe('fake Anthropic server: hang', () => {
  it('never answers a hung request, and close() still returns at once', async () => {
    const server = await startFakeAnthropic({ apiKey: KEY });
    const client = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });
    server.enqueueFault({ kind: 'hang' });
    const pending = client.messages.create({ model: MODEL, max_tokens: 5, messages: [ASK] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    while (server.requests.length === 0) {
      await sleep(5);
    }
    const settled = await Promise.race([pending.then(() => 'answered'), sleep(200, 'still waiting')]);
    await server.close();

    assert.equal(settled, 'still waiting');
    assert.ok((await pending) instanceof APIConnectionError);
  });
});

describe('fake Anthropic server: standalone (main.js)', () => {
  const MAIN = path.join(__dirname, '..', 'server', 'main.js');

  function start(args: string[]): ChildProcess {
    return spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  async function firstLine(child: ChildProcess): Promise<string> {
    let out = '';
    for await (const chunk of child.stdout as NodeJS.ReadableStream) {
      out += String(chunk);
      if (out.includes('\n')) {
        return out.split('\n')[0];
      }
    }
    return out;
  }

  it('prints its URL, serves with the given key and delay, and exits on SIGTERM', async () => {
    const child = start(['--port', '0', '--key', 'sk-ant-standalone', '--delay', '1']);
    try {
      const line = await firstLine(child);
      assert.match(line, /^FAKE_ANTHROPIC_URL=http:\/\/127\.0\.0\.1:\d+$/);
      const url = line.slice('FAKE_ANTHROPIC_URL='.length);
      const standalone = new Anthropic({ apiKey: 'sk-ant-standalone', baseURL: url, maxRetries: 0 });

      const counted = await standalone.messages.countTokens({ model: MODEL, messages: [ASK] });
      const message = await standalone.messages.create({ model: MODEL, max_tokens: 3, messages: [ASK] });

      assert.deepEqual(counted, { input_tokens: 3 });
      assert.equal(message.content[0].type === 'text' && message.content[0].text, 'The weaver of');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });

  it('refuses an unknown flag with exit code 2', async () => {
    const child = start(['--bogus']);
    const [code] = (await once(child, 'exit')) as [number | null];

    assert.equal(code, 2);
  });
});
