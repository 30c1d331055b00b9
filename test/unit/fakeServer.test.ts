import * as assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { scriptedResponder, STORY, storyTokens } from '../server/storyResponder';

const KEY = 'sk-ant-fake-server-test';
const MODEL = 'claude-test-model';
const VERSION = '2023-06-01';
const ASK: Anthropic.MessageParam = { role: 'user', content: 'Tell me the story of the weaver.' };

function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

/** The SSE event names of a raw streaming response, in order. */
function eventNames(body: string): string[] {
  return [...body.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
}

describe('fake Anthropic server: replies', () => {
  let server: FakeAnthropic;
  let client: Anthropic;

  before(async () => {
    server = await startFakeAnthropic({ apiKey: KEY });
    client = new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });
  });

  afterEach(() => server.reset());

  after(() => server.close());

  it('streams the real event sequence on the wire, with ping, request-id and SSE content type', async () => {
    server.setResponder(scriptedResponder([{ tokens: ['Hello', ',', ' world'] }]));
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'anthropic-version': VERSION, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, max_tokens: 50, stream: true, messages: [ASK] }),
    });
    const body = await response.text();

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(response.headers.get('request-id') ?? '', /^req_\w{20,}$/);
    assert.deepEqual(eventNames(body), [
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const datas = [...body.matchAll(/^data: (.+)$/gm)].map((match) => JSON.parse(match[1]) as Record<string, any>);
    assert.deepEqual(
      datas.filter((data) => data.type === 'content_block_delta').map((data) => data.delta),
      [
        { type: 'text_delta', text: 'Hello' },
        { type: 'text_delta', text: ',' },
        { type: 'text_delta', text: ' world' },
      ],
    );
    const start = datas[0].message;
    assert.match(start.id, /^msg_/);
    assert.equal(start.model, MODEL);
    assert.deepEqual(start.content, []);
    assert.equal(start.usage.output_tokens, 1);
    assert.equal(start.usage.input_tokens, storyTokens(ASK.content as string).length);
  });

  it('streams through the SDK: its events, text and final message', async () => {
    server.setResponder(scriptedResponder([{ tokens: ['Hello', ',', ' world'] }]));
    const stream = await client.messages.create({ model: MODEL, max_tokens: 50, stream: true, messages: [ASK] });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        text += event.delta.text;
      }
      if (event.type === 'message_delta') {
        assert.equal(event.delta.stop_reason, 'end_turn');
        assert.equal(event.usage.output_tokens, 3);
      }
    }
    assert.equal(text, 'Hello, world');
    assert.deepEqual(types, [
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('answers a non-streaming request with the full message', async () => {
    server.setResponder(scriptedResponder([{ text: 'A plain answer.' }]));
    const message = await client.messages.create({ model: MODEL, max_tokens: 50, messages: [ASK] });

    assert.match(message.id, /^msg_/);
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, MODEL);
    assert.deepEqual(message.content, [{ type: 'text', text: 'A plain answer.' }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.stop_sequence, null);
    assert.equal(message.usage.output_tokens, storyTokens('A plain answer.').length);
    assert.match(message._request_id ?? '', /^req_/);
  });

  it('cuts at max_tokens with stop_reason max_tokens and the usage to match', async () => {
    const message = await client.messages.stream({ model: MODEL, max_tokens: 7, messages: [ASK] }).finalMessage();

    assert.equal(textOf(message), storyTokens(STORY).slice(0, 7).join(''));
    assert.equal(message.stop_reason, 'max_tokens');
    assert.equal(message.usage.output_tokens, 7);
  });

  it('stops at max_tokens when the reply is exactly that long: the end-of-turn token never came', async () => {
    server.setResponder(scriptedResponder([{ tokens: ['one', ' two'] }, { tokens: ['one', ' two'] }]));
    const exact = await client.messages.create({ model: MODEL, max_tokens: 2, messages: [ASK] });
    const roomy = await client.messages.create({ model: MODEL, max_tokens: 3, messages: [ASK] });

    assert.equal(exact.stop_reason, 'max_tokens');
    assert.equal(roomy.stop_reason, 'end_turn');
    assert.equal(textOf(exact), 'one two');
  });

  it('stops at a stop sequence, without sending it, even when it spans tokens', async () => {
    server.setResponder(
      scriptedResponder([{ tokens: ['alpha', ' beta', ' EN', 'D', ' gamma'] }, { tokens: ['alpha', ' beta', ' EN', 'D', ' gamma'] }]),
    );
    const streamed = await client.messages
      .stream({ model: MODEL, max_tokens: 50, stop_sequences: ['nope', 'END'], messages: [ASK] })
      .finalMessage();
    const whole = await client.messages.create({ model: MODEL, max_tokens: 50, stop_sequences: [' gamma'], messages: [ASK] });

    assert.equal(textOf(streamed), 'alpha beta ');
    assert.equal(streamed.stop_reason, 'stop_sequence');
    assert.equal(streamed.stop_sequence, 'END');
    assert.equal(streamed.usage.output_tokens, 4);
    assert.equal(textOf(whole), 'alpha beta END');
    assert.equal(whole.stop_sequence, ' gamma');
  });

  it('replies with only the continuation of an assistant prefill', async () => {
    const prefill = STORY.slice(0, STORY.indexOf(' loom'));
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 3,
      messages: [ASK, { role: 'assistant', content: prefill }],
    });

    assert.equal(textOf(message), ' loom by the');
  });

  it('has no content block when the prefill is already the whole reply', async () => {
    const message = await client.messages
      .stream({ model: MODEL, max_tokens: 10, messages: [ASK, { role: 'assistant', content: STORY }] })
      .finalMessage();

    assert.deepEqual(message.content, []);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.output_tokens, 0);
  });

  it('lets auto-continue rebuild STORY exactly, through cuts that end in "\\n\\n"', async () => {
    const tokens = storyTokens(STORY);
    // Cut right after the first paragraph break, so a prefill must lose its trailing whitespace.
    const maxTokens = tokens.indexOf('\n\n') + 1;
    let document = '';
    let strippedPrefills = 0;
    for (let round = 0; round < 100; round += 1) {
      const sent = document.replace(/\s+$/u, '');
      if (sent !== document) {
        strippedPrefills += 1;
      }
      const messages: Anthropic.MessageParam[] = sent === '' ? [ASK] : [ASK, { role: 'assistant', content: sent }];
      const message = await client.messages.stream({ model: MODEL, max_tokens: maxTokens, messages }).finalMessage();
      document = sent + textOf(message);
      if (message.stop_reason === 'end_turn') {
        break;
      }
      assert.equal(message.stop_reason, 'max_tokens');
    }

    assert.equal(document, STORY);
    assert.ok(strippedPrefills >= 1, 'no prefill ended in whitespace, so the stripping path went untested');
    assert.ok(server.requests.length > 2);
  });

  it('counts tokens for count_tokens', async () => {
    const system = 'You are a storyteller.';
    const result = await client.messages.countTokens({ model: MODEL, system, messages: [ASK] });

    assert.deepEqual(result, { input_tokens: storyTokens(system).length + storyTokens(ASK.content as string).length });
    assert.equal(server.requests[0].path, '/v1/messages/count_tokens');
  });

  it('records each request with its headers and parsed body', async () => {
    await client.messages.create({ model: MODEL, max_tokens: 5, stop_sequences: ['END'], messages: [ASK] });

    assert.equal(server.requests.length, 1);
    const [recorded] = server.requests;
    assert.equal(recorded.method, 'POST');
    assert.equal(recorded.path, '/v1/messages');
    // This SDK version sends the API key as a bearer token, not as x-api-key.
    assert.equal(recorded.headers.authorization, `Bearer ${KEY}`);
    assert.ok(recorded.headers['anthropic-version'], 'the SDK sends anthropic-version');
    assert.deepEqual(recorded.body, { model: MODEL, max_tokens: 5, stop_sequences: ['END'], messages: [ASK] });
  });

  it('slows each streamed token by the token delay', async () => {
    server.setTokenDelay(40);
    const started = Date.now();
    await client.messages.stream({ model: MODEL, max_tokens: 4, messages: [ASK] }).finalMessage();

    assert.ok(Date.now() - started >= 4 * 40 - 10, `took only ${Date.now() - started} ms`);
  });
});
