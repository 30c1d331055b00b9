import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContinuationEdit } from '../../src/core/generation/continuationText';
import { runGeneration } from '../../src/core/generation/generation';
import { describeGenerationError } from '../../src/core/generation/generationError';
import type { GenerationParams } from '../../src/core/conversation/generationSettings';
import type { PrefillStyle } from '../../src/core/providers/endpointKind';
import { createOpenAIStyleClient, type OpenAIStyleOptions } from '../../src/core/providers/openaiClient';

// A test-local stub of the OpenAI-style routes: it replays scripted SSE bodies and records what it
// was sent. The simulator-backed servers (test/server) cover realistic text; this pins the wire details.

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

interface Stub {
  url: string;
  seen: Seen[];
  /** One reply per request, in order: an SSE body (status 200) or a status with a JSON body. */
  replies: Array<string | { status: number; json: unknown }>;
  close(): Promise<void>;
}

async function startStub(): Promise<Stub> {
  const stub = { seen: [] as Seen[], replies: [] as Stub['replies'] } as Stub;
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      stub.seen.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(data) as Record<string, unknown> });
      const reply = stub.replies.shift() ?? { status: 500, json: { error: { message: 'no reply scripted' } } };
      if (typeof reply === 'string') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(reply);
      } else {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.json));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  stub.close = () => new Promise((resolve) => server.close(() => resolve()));
  return stub;
}

const sse = (...events: unknown[]): string => events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
const cmpl = (text: string, finish: string | null = null, logprobs: unknown = null) => ({
  id: 'cmpl-1', object: 'text_completion', created: 1, model: 'base', choices: [{ text, index: 0, logprobs, finish_reason: finish }],
});
const chat = (content: string | null, finish: string | null = null, logprobs: unknown = null) => ({
  id: 'chat-1', object: 'chat.completion.chunk', created: 1, model: 'instruct', choices: [{ index: 0, delta: content === null ? {} : { content }, logprobs, finish_reason: finish }],
});
const usage = (prompt: number, completion: number) => ({ id: 'x', object: 'text_completion', created: 1, model: 'm', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } });

const PARAMS: GenerationParams = { model: 'base', user: 'Continue.', system: 'You write.', max_tokens: 4 };

describe('runGeneration on OpenAI-style endpoints', () => {
  let stub: Stub;
  before(async () => (stub = await startStub()));
  beforeEach(() => {
    stub.seen = [];
    stub.replies = [];
  });
  after(() => stub.close());

  function generate(options: Partial<OpenAIStyleOptions> & { prefill: string; apiKey?: string; maxTotalTokens?: number; params?: GenerationParams; signal?: AbortSignal }) {
    const edits: ContinuationEdit[] = [];
    const client = createOpenAIStyleClient(
      { apiKey: options.apiKey, baseUrl: stub.url, timeoutMs: 10_000, maxRetries: 0 },
      { kind: options.kind ?? 'completions', prefillStyle: options.prefillStyle ?? 'plain', logprobs: options.logprobs ?? 0 },
    );
    const run = runGeneration({ client, params: options.params ?? PARAMS, prefill: options.prefill, maxTotalTokens: options.maxTotalTokens ?? 100, onEdit: (e) => edits.push(e), signal: options.signal });
    return { run, edits };
  }

  it('sends a completions prompt exactly as written, trailing space and all, with no turns and no Authorization', async () => {
    stub.replies.push(sse(cmpl('Paris'), cmpl('.', 'stop'), usage(5, 2), '[DONE]'));
    const { run, edits } = generate({ prefill: 'The capital of France is ' });
    const outcome = await run;
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.text, 'Paris.');
    assert.equal(outcome.replaced, '');
    assert.deepEqual(edits.map((e) => e.replace), [0, 0]);
    assert.equal(stub.seen[0].url, '/v1/completions');
    assert.equal(stub.seen[0].body.prompt, 'The capital of France is ');
    assert.equal(stub.seen[0].body.messages, undefined);
    assert.equal(stub.seen[0].headers.authorization, undefined);
    assert.deepEqual(outcome.usage, { input_tokens: 5, output_tokens: 2 });
    assert.equal(outcome.stopReason, 'stop');
  });

  it('leaves no abort listener on the caller’s signal once its requests end (one Stop for hundreds of samples)', async () => {
    const abort = new AbortController();
    for (let i = 0; i < 3; i++) {
      stub.replies.push(sse(cmpl('x', 'stop'), '[DONE]'));
      assert.equal((await generate({ prefill: 'a', signal: abort.signal }).run).status, 'completed');
    }
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
  });

  it('sends the key as a bearer token when the endpoint has one', async () => {
    stub.replies.push(sse(cmpl('x', 'stop'), '[DONE]'));
    await generate({ prefill: 'a', apiKey: 'sk-test' }).run;
    assert.equal(stub.seen[0].headers.authorization, 'Bearer sk-test');
  });

  it('continues past length from exactly the text received, whitespace included, and joins exactly', async () => {
    stub.replies.push(sse(cmpl(' one two '), cmpl('', 'length'), usage(3, 4), '[DONE]'), sse(cmpl(' three'), cmpl('.', 'stop'), usage(7, 2), '[DONE]'));
    const { run, edits } = generate({ prefill: 'Count:' });
    const outcome = await run;
    assert.equal(outcome.text, ' one two  three.');
    assert.equal(edits.map((e) => e.text).join(''), outcome.text);
    assert.equal(stub.seen[1].body.prompt, 'Count: one two ');
    assert.equal(outcome.requests.length, 2);
    assert.equal(outcome.requests[0].stopReason, 'length');
    assert.deepEqual(outcome.usage, { input_tokens: 10, output_tokens: 6 });
  });

  it('tolerates comment lines, a finish reason on an extra empty chunk and a usage-only chunk', async () => {
    stub.replies.push(`: keep-alive\n\n${sse(cmpl('Hi'))}: OPENROUTER PROCESSING\n\n${sse(cmpl('', 'stop'), usage(1, 1), '[DONE]')}`);
    const outcome = await generate({ prefill: 'x' }).run;
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.text, 'Hi');
    assert.equal(outcome.stopReason, 'stop');
  });

  it('records every token with its log-probability and alternatives when asked', async () => {
    const lp = (tokens: string[], lps: number[], tops: Array<Record<string, number>>) => ({ tokens, token_logprobs: lps, top_logprobs: tops, text_offset: [] });
    stub.replies.push(sse(cmpl(' am', null, lp([' am'], [-0.5], [{ ' am': -0.5, "'m": -1.25 }])), cmpl(' here', 'stop', lp([' here'], [-0.1], [{ ' here': -0.1 }])), '[DONE]'));
    const outcome = await generate({ prefill: 'I', logprobs: 2 }).run;
    assert.equal(stub.seen[0].body.logprobs, 2);
    assert.deepEqual(outcome.tokens, [
      { text: ' am', logprob: -0.5, top: [{ text: ' am', logprob: -0.5 }, { text: "'m", logprob: -1.25 }] },
      { text: ' here', logprob: -0.1, top: [{ text: ' here', logprob: -0.1 }] },
    ]);
    assert.equal(outcome.tokens?.map((t) => t.text).join(''), outcome.text);
  });

  it('asks chat for logprobs and top_logprobs and records its tokens', async () => {
    const content = [{ token: 'Yes', logprob: -0.2, bytes: [89, 101, 115], top_logprobs: [{ token: 'Yes', logprob: -0.2, bytes: [] }, { token: 'No', logprob: -1.7, bytes: [] }] }];
    stub.replies.push(sse(chat('Yes', null, { content, refusal: null }), chat(null, 'stop'), '[DONE]'));
    const outcome = await generate({ kind: 'chat', prefill: 'Answer:', logprobs: 2 }).run;
    assert.equal(stub.seen[0].body.logprobs, true);
    assert.equal(stub.seen[0].body.top_logprobs, 2);
    assert.deepEqual(outcome.tokens, [{ text: 'Yes', logprob: -0.2, top: [{ text: 'Yes', logprob: -0.2 }, { text: 'No', logprob: -1.7 }] }]);
  });

  const STYLES: Array<[PrefillStyle, (body: Record<string, unknown>, last: Record<string, unknown>) => void]> = [
    ['continue_final_message', (body, last) => {
      assert.equal(body.continue_final_message, true);
      assert.equal(body.add_generation_prompt, false);
      assert.deepEqual(Object.keys(last).sort(), ['content', 'role']);
    }],
    ['prefix', (body, last) => {
      assert.equal(last.prefix, true);
      assert.equal(body.continue_final_message, undefined);
    }],
    ['partial', (body, last) => {
      assert.equal(last.partial, true);
      assert.equal(body.continue_final_message, undefined);
    }],
    ['plain', (body, last) => {
      assert.deepEqual(Object.keys(last).sort(), ['content', 'role']);
      assert.equal(body.continue_final_message, undefined);
    }],
  ];
  for (const [style, check] of STYLES) {
    it(`sends system, user turn and the prefill as the final assistant message marked ${style}`, async () => {
      stub.replies.push(sse(chat('ever after.', 'stop'), '[DONE]'));
      const outcome = await generate({ kind: 'chat', prefillStyle: style, prefill: 'Happily ' }).run;
      assert.equal(outcome.text, 'ever after.');
      const { body, url } = stub.seen[0];
      assert.equal(url, '/v1/chat/completions');
      const messages = body.messages as Array<Record<string, unknown>>;
      assert.deepEqual(messages.slice(0, 2), [{ role: 'system', content: 'You write.' }, { role: 'user', content: 'Continue.' }]);
      assert.equal(messages[2].role, 'assistant');
      assert.equal(messages[2].content, 'Happily ');
      check(body, messages[2]);
    });
  }

  it('sends no assistant message and no marking for an empty prefill', async () => {
    stub.replies.push(sse(chat('Once', 'stop'), '[DONE]'));
    await generate({ kind: 'chat', prefillStyle: 'continue_final_message', prefill: '' }).run;
    const body = stub.seen[0].body;
    assert.equal((body.messages as unknown[]).length, 2);
    assert.equal(body.continue_final_message, undefined);
  });

  it('names the cause and the fix when a chat server refuses to continue the assistant message', async () => {
    stub.replies.push({ status: 400, json: { error: { message: 'continue_final_message is set but the final message is not from the assistant', type: 'BadRequestError', code: 400 } } });
    const outcome = await generate({ kind: 'chat', prefillStyle: 'continue_final_message', prefill: 'x' }).run;
    assert.equal(outcome.status, 'failed');
    const d = describeGenerationError(outcome.error);
    assert.match(d.cause, /does not accept an assistant prefill/);
    assert.match(d.nextStep, /endpoint or model that can continue/);
  });

  it('reports a stream that ends without a finish reason as cut, keeping the text', async () => {
    stub.replies.push(sse(cmpl('partial')));
    const outcome = await generate({ prefill: 'x' }).run;
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.text, 'partial');
    assert.match(describeGenerationError(outcome.error).cause, /cut mid-response/);
  });

  it('without usage from the server, charges the budget so auto-continue still ends', async () => {
    stub.replies.push(sse(cmpl('aaaa', 'length'), '[DONE]'), sse(cmpl('bbbb', 'length'), '[DONE]'), sse(cmpl('cccc', 'length'), '[DONE]'));
    const outcome = await generate({ prefill: 'x', maxTotalTokens: 8 }).run;
    assert.equal(outcome.requests.length, 2);
    assert.equal(outcome.text, 'aaaabbbb');
  });
});
