import * as assert from 'node:assert/strict';
import OpenAI, { APIError, AuthenticationError, BadRequestError, InternalServerError, NotFoundError, RateLimitError } from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { expectedChat, expectedCompletion } from '../server/openai/expected';
import type { OpenAiQuirks } from '../server/openai/quirks';
import { scriptedTextModel } from '../server/openai/textModel';
import { openAiServerSuite } from './openAiServerSuite';

const KEY = 'sk-openai-style-test-key';
const MODEL = 'simulator-base';
const REQUEST = { model: MODEL, prompt: 'The old woman nodded', max_tokens: 8, temperature: 1, seed: 2 } as const;
const CHAT: OpenAI.ChatCompletionCreateParamsNonStreaming = {
  model: MODEL,
  max_tokens: 8,
  temperature: 1,
  seed: 2,
  messages: [{ role: 'user', content: 'Tell me a story.' }, { role: 'assistant', content: 'Once upon a time' }],
};

/** Streams a completion through the SDK, keeping the text that arrived before any failure. */
async function streamText(client: OpenAI, extra: Partial<OpenAI.CompletionCreateParamsStreaming> = {}): Promise<{ text: string; finishes: string[]; error?: unknown }> {
  let text = '';
  const finishes: string[] = [];
  try {
    const stream = await client.completions.create({ ...REQUEST, ...extra, stream: true });
    for await (const chunk of stream) {
      text += chunk.choices.map((choice) => choice.text).join('');
      finishes.push(...chunk.choices.flatMap((choice) => (choice.finish_reason ? [choice.finish_reason] : [])));
    }
  } catch (error) {
    return { text, finishes, error };
  }
  return { text, finishes };
}

/** Every byte of a body that may end with a dropped connection. */
async function receivedBytes(response: Response): Promise<Buffer> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
  } catch {
    // The connection dropped: what arrived is what we have.
  }
  return Buffer.concat(chunks);
}

async function rawStream(server: FakeAnthropic): Promise<string> {
  const response = await fetch(`${server.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...REQUEST, stream: true }),
  });
  return response.text();
}

describe('fake server: OpenAI-style quirks, errors, faults and request capture', () => {
  const suite = openAiServerSuite({ openAi: { apiKey: KEY, models: [MODEL] } });
  const expectedText = (): string => (expectedCompletion(REQUEST).choices as Array<{ text: string }>)[0].text;

  describe('quirks the openai client tolerates, on completions and chat', () => {
    const cases: Array<[string, OpenAiQuirks, (raw: string) => boolean]> = [
      ['keep-alive comment lines', { keepAliveComments: true }, (raw) => raw.includes(': keep-alive\n\n')],
      ['the finish reason on an extra empty chunk', { finishReason: 'extraChunk' }, (raw) => raw.includes('"text":"","logprobs":null,"finish_reason":"length"')],
      ['the finish reason on the last token and again on an empty chunk', { finishReason: 'both' }, (raw) => raw.split('"finish_reason":"length"').length === 3],
      ['a usage-only chunk nobody asked for', { usageChunkAlways: true }, (raw) => raw.includes('"choices":[],"usage":')],
      ['no [DONE] at the end', { omitDone: true }, (raw) => !raw.includes('[DONE]')],
    ];
    for (const [name, quirks, seen] of cases) {
      it(name, async () => {
        suite.server.openAi.setQuirks(quirks);
        const raw = await fetch(`${suite.server.url}/v1/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...REQUEST, stream: true }),
        }).then((response) => response.text());
        assert.ok(seen(raw), raw);
        const streamed = await streamText(suite.client);
        assert.equal(streamed.error, undefined);
        assert.equal(streamed.text, expectedText());
        assert.ok(streamed.finishes.length >= 1 && streamed.finishes.every((reason) => reason === 'length'));
        const chat = await suite.client.chat.completions.create({ ...CHAT, stream: true });
        let content = '';
        for await (const chunk of chat) content += chunk.choices.map((choice) => choice.delta.content ?? '').join('');
        assert.equal(content, (expectedChat(CHAT).choices as Array<{ message: { content: string } }>)[0].message.content);
      });
    }
  });

  describe('errors, typed by the openai client', () => {
    it('401 for a wrong key, naming only its last four characters', async () => {
      const wrong = new OpenAI({ apiKey: 'sk-wrong-key-1234', baseURL: `${suite.server.url}/v1`, maxRetries: 0 });
      await assert.rejects(wrong.completions.create(REQUEST), (error: unknown) => {
        return error instanceof AuthenticationError && error.code === 'invalid_api_key' && /\*\*\*\*\*1234\.$/.test(error.message);
      });
    });

    it('401 in the OpenAI shape when no key is sent to a server that needs one', async () => {
      const response = await fetch(`${suite.server.url}/v1/completions`, { method: 'POST', body: JSON.stringify(REQUEST) });
      assert.equal(response.status, 401);
      const body = (await response.json()) as { error: Record<string, unknown> };
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
      assert.match(String(body.error.message), /^You didn't provide an API key/);
    });

    it('404 model_not_found for a model the server does not serve', async () => {
      await assert.rejects(suite.client.completions.create({ ...REQUEST, model: 'gpt-nonexistent' }), (error: unknown) => {
        return error instanceof NotFoundError && error.code === 'model_not_found' && error.param === 'model';
      });
    });

    it('429 with retry-after: the client waits and retries, and succeeds', async () => {
      suite.server.enqueueFault({ kind: 'status', status: 429, retryAfterSeconds: 0.01 });
      const retrying = new OpenAI({ apiKey: KEY, baseURL: `${suite.server.url}/v1`, maxRetries: 1 });
      const response = await retrying.completions.create(REQUEST);
      assert.equal(response.choices[0].text, expectedText());
      assert.equal(suite.server.requests.length, 2);
      suite.server.enqueueFault({ kind: 'status', status: 429 });
      await assert.rejects(suite.client.completions.create(REQUEST), (error: unknown) => {
        return error instanceof RateLimitError && error.headers.get('retry-after') === '1' && error.type === 'requests';
      });
    });

    it('500 and 503 as server errors, 529 sent as 503', async () => {
      for (const [status, sent] of [[500, 500], [503, 503], [529, 503]] as const) {
        suite.server.enqueueFault({ kind: 'status', status });
        await assert.rejects(suite.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }), (error: unknown) => {
          return error instanceof InternalServerError && error.status === sent && error.type === 'server_error';
        });
      }
    });

    it('400 for a body that is not JSON', async () => {
      await assert.rejects(
        suite.client.post('/completions', { body: 'not json' as unknown as Record<string, unknown>, headers: { 'content-type': 'application/json' } }),
        (error: unknown) => error instanceof BadRequestError,
      );
    });
  });

  describe('stream faults', () => {
    it('a stream cut mid-reply: the client fails after the text that arrived', async () => {
      suite.server.enqueueFault({ kind: 'cutStream', afterTokens: 3 });
      const streamed = await streamText(suite.client);
      assert.ok(streamed.error instanceof Error);
      assert.ok(expectedText().startsWith(streamed.text) && streamed.text.length > 0 && streamed.text !== expectedText());
    });

    it('a stream cut inside a UTF-8 character', async () => {
      suite.server.openAi.setTextModel(scriptedTextModel(['Hello', ' café', ' au lait']));
      suite.server.enqueueFault({ kind: 'cutMidUtf8', afterTokens: 1 });
      const response = await fetch(`${suite.server.url}/v1/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ ...REQUEST, stream: true }),
      });
      const bytes = await receivedBytes(response);
      // The last byte is the lead byte of "é" (0xc3), its continuation byte never sent.
      assert.equal(bytes[bytes.length - 1], 0xc3);
      suite.server.enqueueFault({ kind: 'cutMidUtf8', afterTokens: 1 });
      const streamed = await streamText(suite.client);
      assert.ok(streamed.error instanceof Error);
      assert.equal(streamed.text, 'Hello');
    });

    it('an error object in the stream becomes an APIError', async () => {
      suite.server.enqueueFault({ kind: 'errorEvent', afterTokens: 2 });
      const streamed = await streamText(suite.client);
      assert.ok(streamed.error instanceof APIError, String(streamed.error));
      assert.match((streamed.error as APIError).message, /overloaded/);
    });

    it('every stream fault breaks a non-streaming reply too, rather than leaving it unanswered', async () => {
      suite.server.openAi.setTextModel(scriptedTextModel(['Hello', ' 🧵', ' done']));
      for (const kind of ['cutStream', 'cutMidUtf8', 'cutMidSurrogate', 'malformedSse', 'errorEvent'] as const) {
        suite.server.enqueueFault({ kind, afterTokens: 1 });
        await assert.rejects(suite.client.completions.create(REQUEST), Error, kind);
      }
    });

    it('a chunk that is not JSON', async () => {
      suite.server.enqueueFault({ kind: 'malformedSse', afterTokens: 1 });
      const streamed = await streamText(suite.client);
      assert.ok(streamed.error instanceof Error);
    });
  });

  describe('request capture', () => {
    it('records method, path, headers and body; the key goes in Authorization, and only to this route', async () => {
      await suite.client.completions.create(REQUEST);
      const [recorded] = suite.server.requests;
      assert.equal(recorded.method, 'POST');
      assert.equal(recorded.path, '/v1/completions');
      assert.equal(recorded.headers.authorization, `Bearer ${KEY}`);
      assert.equal(recorded.headers['x-api-key'], undefined);
      assert.deepEqual(recorded.body, REQUEST);
    });

    it('a local server (no key configured) takes requests without Authorization, and the record shows none was sent', async () => {
      const local = await startFakeAnthropic();
      try {
        assert.equal(await rawStream(local).then((raw) => raw.endsWith('data: [DONE]\n\n')), true);
        assert.equal(local.requests[0].headers.authorization, undefined);
      } finally {
        await local.close();
      }
    });
  });
});
