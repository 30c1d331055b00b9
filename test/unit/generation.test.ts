import * as assert from 'node:assert/strict';
import { AuthenticationError } from '@anthropic-ai/sdk';
import { createAnthropicClient } from '../../src/core/providers/anthropicClient';
import type { CapturedRequest } from '../../src/core/providers/capturedRequest';
import type { ContinuationEdit } from '../../src/core/generation/continuationText';
import { runGeneration, type GenerationInput } from '../../src/core/generation/generation';
import { describeGenerationError } from '../../src/core/generation/generationError';
import type { GenerationParams } from '../../src/core/conversation/generationSettings';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { STORY } from '../server/storyResponder';

const KEY = 'sk-ant-test-key';
const PARAMS: GenerationParams = { model: 'claude-sonnet-4-5', user: 'Tell me the story.', temperature: 0, max_tokens: 4096 };

describe('runGeneration against the wire-compatible server', () => {
  let server: FakeAnthropic;
  before(async () => {
    server = await startFakeAnthropic({ apiKey: KEY });
  });
  afterEach(() => server.reset());
  after(() => server.close());

  function generate(overrides: Partial<GenerationInput> & { prefill: string }, maxRetries = 0) {
    const edits: ContinuationEdit[] = [];
    const captured: CapturedRequest[] = [];
    const client = createAnthropicClient({ apiKey: KEY, baseUrl: server.url, timeoutMs: 10_000, maxRetries, onRequest: (r) => captured.push(r) });
    const run = runGeneration({ client, params: PARAMS, maxTotalTokens: 100_000, onEdit: (e) => edits.push(e), ...overrides });
    return { run, edits, captured };
  }

  /** What the document holds after the sent prefill, rebuilt from the edits alone. */
  function applied(trailing: string, edits: ContinuationEdit[]): string {
    return edits.reduce((doc, e) => doc.slice(0, doc.length - e.replace) + e.text, trailing);
  }

  it('streams the continuation of the prefill', async () => {
    const prefill = STORY.slice(0, 120).trimEnd();
    const { run, edits } = generate({ prefill });
    const outcome = await run;
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.stopReason, 'end_turn');
    assert.equal(prefill + outcome.text, STORY);
    assert.equal(applied('', edits), outcome.text);
    assert.ok(edits.length > 10, 'text arrives in many edits, not at the end');
    assert.equal(outcome.requests.length, 1);
    assert.ok(outcome.usage.input_tokens > 0 && outcome.usage.output_tokens > 0);
  });

  it('continues past max_tokens with seamless joins, within the budget', async () => {
    const prefill = STORY.slice(0, 40).trimEnd();
    const { run, edits } = generate({ prefill, params: { ...PARAMS, max_tokens: 7 } });
    const outcome = await run;
    assert.equal(outcome.status, 'completed');
    assert.equal(prefill + outcome.text, STORY, 'the joined text equals the full text');
    assert.equal(applied('', edits), outcome.text);
    assert.ok(outcome.requests.length >= 10, `expected many requests, got ${outcome.requests.length}`);
    for (const [i, r] of outcome.requests.entries()) {
      assert.equal(r.prefillSent, r.prefillSent.trimEnd(), `request ${i} prefill ends in whitespace`);
      assert.ok(STORY.startsWith(r.prefillSent));
      assert.equal(r.stopReason, i === outcome.requests.length - 1 ? 'end_turn' : 'max_tokens');
    }
    const total = outcome.requests.reduce((n, r) => n + r.usage.output_tokens, 0);
    assert.equal(outcome.usage.output_tokens, total);
  });

  it('stops at the total token budget', async () => {
    const { run } = generate({ prefill: STORY.slice(0, 40).trimEnd(), params: { ...PARAMS, max_tokens: 7 }, maxTotalTokens: 20 });
    const outcome = await run;
    assert.equal(outcome.usage.output_tokens, 20);
    assert.deepEqual(outcome.requests.map((r) => r.body.max_tokens), [7, 7, 6]);
    assert.equal(outcome.stopReason, 'max_tokens');
  });

  it('sends a prefill without its trailing whitespace and lets the continuation replace it', async () => {
    const paragraphEnd = STORY.indexOf('\n\n');
    assert.ok(paragraphEnd > 0);
    const prefill = STORY.slice(0, paragraphEnd) + '\n\n';
    const { run, edits, captured } = generate({ prefill });
    const outcome = await run;
    const sentBody = JSON.parse(captured[0].body);
    assert.equal(sentBody.messages.at(-1).content, STORY.slice(0, paragraphEnd));
    assert.equal(outcome.replaced, '\n\n');
    assert.equal(prefill.trimEnd() + outcome.text, STORY);
    assert.equal(applied('\n\n', edits), outcome.text);
  });

  it('stops at once when aborted, keeping what was received', async () => {
    server.setTokenDelay(20);
    const abort = new AbortController();
    const prefill = STORY.slice(0, 40).trimEnd();
    const { run, edits } = generate({
      prefill,
      signal: abort.signal,
      onEdit: (e) => {
        edits.push(e);
        if (edits.length === 3) abort.abort();
      },
    });
    const started = Date.now();
    const outcome = await run;
    assert.equal(outcome.status, 'cancelled');
    assert.ok(Date.now() - started < 2000);
    assert.ok(outcome.text.length > 0);
    assert.ok(STORY.startsWith(prefill + outcome.text));
    assert.ok(outcome.text.length < STORY.length - prefill.length);
  });

  it('reports a rejected key without retrying', async () => {
    const client = createAnthropicClient({ apiKey: 'wrong', baseUrl: server.url, timeoutMs: 10_000, maxRetries: 2 });
    const outcome = await runGeneration({ client, params: PARAMS, prefill: 'Hi', maxTotalTokens: 100 });
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.error instanceof AuthenticationError);
    assert.equal(server.requests.filter((r) => r.path === '/v1/messages').length, 1);
  });

  it('keeps the text received before the stream was cut', async () => {
    server.enqueueFault({ kind: 'cutStream', afterTokens: 5 });
    const prefill = STORY.slice(0, 40).trimEnd();
    const { run } = generate({ prefill });
    const outcome = await run;
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.text.length > 0, 'some text arrived');
    assert.ok(STORY.startsWith(prefill + outcome.text));
    assert.ok(outcome.error instanceof Error);
    assert.ok(outcome.requests[0].error, 'the failed request is marked');
    assert.match(describeGenerationError(outcome.error).cause, /cut mid-response/);
  });

  it('retries 429 and 529 per the SDK and then succeeds', async () => {
    server.enqueueFault({ kind: 'status', status: 429, retryAfterSeconds: 0 });
    server.enqueueFault({ kind: 'status', status: 529 });
    const prefill = STORY.slice(0, 40).trimEnd();
    const { run, captured } = generate({ prefill }, 2);
    const outcome = await run;
    assert.equal(outcome.status, 'completed');
    assert.equal(prefill + outcome.text, STORY);
    assert.equal(captured.length, 3, 'two retries, each captured');
  });

  it('captures the exact body it sends, without the key', async () => {
    const { run, captured } = generate({ prefill: 'Hello', params: { ...PARAMS, system: 'Be brief.', stop_sequences: ['###'] } });
    await run;
    const recorded = server.requests.find((r) => r.path === '/v1/messages');
    assert.deepEqual(JSON.parse(captured[0].body), recorded?.body);
    assert.ok(!JSON.stringify(captured).includes(KEY));
  });
});
