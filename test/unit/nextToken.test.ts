import * as assert from 'node:assert/strict';
import type { GenerationParams } from '../../src/core/conversation/generationSettings';
import { nextTokenDistribution, requestNextToken } from '../../src/core/distribution/nextToken';
import { createAnthropicClient } from '../../src/core/providers/anthropicClient';
import { DEFAULT_API_KEY } from '../server/fakeAnthropic';
import { createOpenAIStyleClient } from '../../src/core/providers/openaiClient';
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
