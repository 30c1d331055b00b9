import * as assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { GenerationParams } from '../../src/core/conversation/generationSettings';
import { nextTokenDistribution, requestNextToken } from '../../src/core/distribution/nextToken';
import { createAnthropicClient } from '../../src/core/providers/anthropicClient';
import { DEFAULT_API_KEY } from '../server/fakeAnthropic';
import { createOpenAIStyleClient, OpenAIStyleClient } from '../../src/core/providers/openaiClient';
import { tokenString } from '../server/openai/logprobs';
import { samplingDistribution } from '../server/simulator/sampling';
import { decodeToken, encode, START_OF_TEXT } from '../server/simulator/tokenizer';
import { simulatorModel } from '../server/simulator/trainedModel';
import { openAiServerSuite } from './openAiServerSuite';

const PREFILL = 'The old woman nodded (it was late)';
const PARAMS: GenerationParams = { model: 'simulator', user: 'Continue.', temperature: 0.8, max_tokens: 300 };

/** The simulator's own distribution for the next token after `prompt` (a base model's document), its `top` most likely. */
function simulated(prompt: string, top: number) {
  const counts = simulatorModel().continuations([START_OF_TEXT, ...encode(prompt)]);
  return samplingDistribution(counts, { temperature: 0.8 })
    .slice(0, top)
    .map(([id, p]) => ({ text: tokenString(Array.from(decodeToken(id))), logprob: Math.log(p) }));
}

describe('the next token at a point (one request, the most alternatives allowed)', function () {
  this.timeout(30_000);
  const suite = openAiServerSuite();
  const client = (kind: 'completions' | 'chat', logprobs?: number) =>
    createOpenAIStyleClient({ baseUrl: `${suite.server.url}/v1`, timeoutMs: 10_000, maxRetries: 0 }, { kind, prefillStyle: 'plain', logprobs });

  it('asks a completions endpoint for one token with logprobs 5 (the documented maximum) and lists the simulator’s alternatives', async () => {
    const { outcome, distribution } = await requestNextToken({ client: client('completions'), params: PARAMS, prefill: PREFILL });
    assert.equal(outcome.status, 'completed');
    const body = suite.server.requests.at(-1)!.body as Record<string, unknown>;
    assert.equal(body.max_tokens, 1);
    assert.equal(body.logprobs, 5);
    assert.equal(body.prompt, PREFILL);
    assert.equal(body.temperature, 0.8);
    const expected = simulated(PREFILL, 5);
    assert.deepEqual(distribution?.alternatives.map((a) => [a.text, a.logprob]), expected.map((e) => [e.text, e.logprob]));
    distribution?.alternatives.forEach((a) => assert.equal(a.probability, Math.exp(a.logprob)));
  });

  it('asks a chat endpoint for top_logprobs 20, whatever the endpoint’s own setting', async () => {
    const { distribution } = await requestNextToken({ client: client('chat', 2), params: PARAMS, prefill: PREFILL });
    const body = suite.server.requests.at(-1)!.body as Record<string, unknown>;
    assert.equal(body.max_tokens, 1);
    assert.equal(body.logprobs, true);
    assert.equal(body.top_logprobs, 20);
    assert.ok(distribution && distribution.alternatives.length > 5);
  });

  it('gives no distribution when the request fails, and none for an endpoint without probabilities', async () => {
    suite.server.enqueueFault({ kind: 'status', status: 400 });
    const { outcome, distribution } = await requestNextToken({ client: client('completions'), params: PARAMS, prefill: PREFILL });
    assert.equal(outcome.status, 'failed');
    assert.equal(distribution, undefined);
    const anthropic = createAnthropicClient({ apiKey: DEFAULT_API_KEY, baseUrl: suite.server.url, timeoutMs: 10_000, maxRetries: 0 });
    const sent = suite.server.requests.length;
    assert.equal(await nextTokenDistribution({ client: anthropic, params: PARAMS, prefill: PREFILL }), undefined);
    assert.equal(suite.server.requests.length, sent, 'nothing is asked of it');
  });
});

/** A completions chunk carrying one token, its logprob and the alternatives the server sent for it (in the order given). */
function tokenChunk(text: string, logprob: number, top: Record<string, number> | null) {
  return { id: 'cmpl-1', object: 'text_completion', created: 0, model: 'm', choices: [{ index: 0, text, finish_reason: null, logprobs: { tokens: [text], token_logprobs: [logprob], top_logprobs: [top] } }] };
}

/** A completions client whose server streams exactly `events` (JSON chunks, then `[DONE]`), whatever is asked. */
function scriptedClient(events: object[]): OpenAIStyleClient {
  const body = [...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), 'data: [DONE]\n\n'].join('');
  const fetch = async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  return new OpenAIStyleClient(new OpenAI({ apiKey: 'local', baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0, fetch }), { kind: 'completions', prefillStyle: 'plain' });
}

const STOP = { id: 'cmpl-1', object: 'text_completion', created: 0, model: 'm', choices: [{ index: 0, text: '', finish_reason: 'length' }] };

describe('the next token as the server sent it', () => {
  const ask = (events: object[]) => requestNextToken({ client: scriptedClient(events), params: PARAMS, prefill: PREFILL });

  it('lists the alternatives most likely first whatever order they came in', async () => {
    const { outcome, distribution } = await ask([tokenChunk(' a', -0.5, { ' b': -2, ' a': -0.5, ' c': -1 }), STOP]);
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(distribution, {
      alternatives: [
        { text: ' a', probability: Math.exp(-0.5), logprob: -0.5 },
        { text: ' c', probability: Math.exp(-1), logprob: -1 },
        { text: ' b', probability: Math.exp(-2), logprob: -2 },
      ],
    });
  });

  it('gives no distribution for a token sent without alternatives, or a reply without tokens', async () => {
    for (const top of [{}, null]) {
      const { outcome, distribution } = await ask([tokenChunk(' a', -0.5, top), STOP]);
      assert.equal(outcome.status, 'completed');
      assert.equal(distribution, undefined, JSON.stringify(top));
    }
    const plain = { ...STOP, choices: [{ index: 0, text: ' a', finish_reason: 'length' }] };
    const { outcome, distribution } = await ask([plain]);
    assert.deepEqual([outcome.status, outcome.text, distribution], ['completed', ' a', undefined]);
  });

  it('gives no distribution when the reply fails after its token came', async () => {
    const { outcome, distribution } = await ask([tokenChunk(' a', -0.5, { ' a': -0.5, ' b': -1 }), { error: { message: 'overloaded', type: 'server_error' } }]);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.tokens?.length, 1, 'the token that came is kept on the outcome');
    assert.equal(distribution, undefined);
  });
});
