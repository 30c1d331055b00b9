import * as assert from 'node:assert/strict';
import { AuthenticationError } from '@anthropic-ai/sdk';
import { createAnthropicClient } from '../../src/core/providers/anthropicClient';
import type { CapturedRequest } from '../../src/core/providers/capturedRequest';
import type { ContinuationEdit } from '../../src/core/generation/continuationText';
import { runGeneration, type GenerationInput } from '../../src/core/generation/generation';
import { describeGenerationError } from '../../src/core/generation/generationError';
import type { GenerationParams } from '../../src/core/conversation/generationSettings';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { scriptedResponder, STORY, storyTokens } from '../server/storyResponder';

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
    const before = Date.now();
    const { run, edits } = generate({ prefill });
    const outcome = await run;
    const elapsed = Date.now() - before;
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.stopReason, 'end_turn');
    const { durationMs } = outcome.requests[0];
    assert.ok(durationMs >= 0 && durationMs <= elapsed, `the request log's duration ${durationMs} ms lies within the ${elapsed} ms the generation took`);
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
    assert.equal(outcome.stopReason, 'end_turn', "the outcome's stop reason is the last response's, not the first's");
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
    assert.equal(outcome.requests[0].error, outcome.error.message, 'the request log names the failure, not a cancel');
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

  describe('odd but complete replies', () => {
    it('does not re-send a max_tokens response that brought no text', async () => {
      server.setResponder(() => ({ tokens: ['', '', '', ''] }));
      const outcome = await generate({ prefill: 'Once', params: { ...PARAMS, max_tokens: 2 } }).run;
      assert.equal(outcome.requests.length, 1, 'one request: a follow-up would ask for exactly the same');
      assert.equal(outcome.stopReason, 'max_tokens');
      assert.equal(outcome.text, '');
    });

    it('starts from nothing when the cursor is at the start: no assistant turn, and follow-ups prefill the text so far', async () => {
      const { run, captured } = generate({ prefill: '', params: { ...PARAMS, max_tokens: 40 } });
      const outcome = await run;
      assert.equal(outcome.status, 'completed');
      assert.equal(outcome.text, STORY);
      assert.equal(outcome.replaced, '');
      const first = JSON.parse(captured[0].body);
      assert.equal(first.messages.at(-1).role, 'user', 'an empty prefill sends no assistant turn');
      assert.equal(outcome.requests[0].prefillSent, '');
      assert.ok(outcome.requests.length > 1);
      assert.equal(outcome.requests[1].prefillSent, STORY.slice(0, outcome.requests[0].text.length).trimEnd());
    });

    it('appends only text deltas: thinking, signatures and citations are not text', async () => {
      server.enqueueFault({ kind: 'nonTextBlocks' });
      const prefill = STORY.slice(0, 40).trimEnd();
      const outcome = await generate({ prefill }).run;
      assert.equal(outcome.status, 'completed');
      assert.equal(prefill + outcome.text, STORY);
      assert.ok(!outcome.text.includes('undefined'));
    });

    it('keeps the input tokens of message_start when message_delta does not repeat them', async () => {
      server.enqueueFault({ kind: 'usage', inputOnlyInStart: true });
      const outcome = await generate({ prefill: STORY.slice(0, 40).trimEnd() }).run;
      assert.equal(outcome.status, 'completed');
      assert.equal(outcome.usage.input_tokens, storyTokens(PARAMS.user).length + storyTokens(STORY.slice(0, 40).trimEnd()).length);
      assert.ok(outcome.usage.output_tokens > 1);
    });
  });

  describe('a clean cancel', () => {
    it('is no error: the outcome has none and the request says cancelled', async () => {
      server.setTokenDelay(20);
      const abort = new AbortController();
      const { run } = generate({ prefill: STORY.slice(0, 40).trimEnd(), signal: abort.signal, onEdit: () => abort.abort() });
      const outcome = await run;
      assert.equal(outcome.status, 'cancelled');
      assert.equal(outcome.error, undefined);
      assert.equal(outcome.requests.length, 1);
      assert.equal(outcome.requests[0].error, 'cancelled');
      assert.equal(outcome.requests[0].ignoredAfterStop, undefined);
      assert.deepEqual(outcome.warnings, []);
    });

    it('also when Stop came before the request went out: the request starts cancelled and nothing is received', async () => {
      const abort = new AbortController();
      abort.abort();
      const { run, edits } = generate({ prefill: STORY.slice(0, 40).trimEnd(), signal: abort.signal });
      const outcome = await run;
      assert.equal(outcome.status, 'cancelled');
      assert.equal(outcome.requests[0].error, 'cancelled');
      assert.equal(outcome.text, '');
      assert.deepEqual(edits, []);
    });
  });

  describe('the output budget does not trust the counts', () => {
    it('charges a max_tokens response its max_tokens when the server reports 0 output tokens, and says so', async () => {
      server.enqueueFault({ kind: 'usage', outputTokens: 0, times: 1000 });
      const { run } = generate({ prefill: STORY.slice(0, 40).trimEnd(), params: { ...PARAMS, max_tokens: 5 }, maxTotalTokens: 20 });
      const outcome = await run;
      assert.deepEqual(outcome.requests.map((r) => r.body.max_tokens), [5, 5, 5, 5]);
      assert.deepEqual(outcome.requests.map((r) => r.countedOutputTokens), [5, 5, 5, 5]);
      assert.equal(outcome.usage.output_tokens, 0, 'usage stays as the server reported it');
      assert.equal(outcome.warnings.length, 1);
      assert.match(outcome.warnings[0], /reported 0 output tokens .* counted 5 instead/);
    });

    it('estimates from the characters a response that brought text but reports no tokens', async () => {
      server.enqueueFault({ kind: 'usage', outputTokens: 0 });
      const prefill = STORY.slice(0, 40).trimEnd();
      const outcome = await generate({ prefill }).run;
      assert.equal(outcome.status, 'completed');
      const received = STORY.length - prefill.length;
      assert.equal(outcome.requests[0].countedOutputTokens, Math.ceil(received / 4));
      assert.match(outcome.warnings[0], new RegExp(`reported 0 output tokens for a response of ${received} characters`));
    });

    it('stops at the request cap whatever the budget, and says why', async () => {
      const prefill = STORY.slice(0, 40).trimEnd();
      const outcome = await generate({ prefill, params: { ...PARAMS, max_tokens: 1 }, maxTotalTokens: 100_000, maxRequests: 6 }).run;
      assert.equal(outcome.requests.length, 6);
      assert.equal(outcome.status, 'completed');
      assert.ok(STORY.startsWith(prefill + outcome.text));
      assert.deepEqual(outcome.warnings, ['Stopped after 6 requests, the most one generation sends: every response ended at max_tokens.']);
    });

    it('says nothing when the counts are plausible', async () => {
      const outcome = await generate({ prefill: STORY.slice(0, 40).trimEnd(), params: { ...PARAMS, max_tokens: 7 }, maxTotalTokens: 20 }).run;
      assert.deepEqual(outcome.warnings, []);
    });
  });

  describe('the stream ends at message_stop', () => {
    it('ignores text sent after message_stop', async () => {
      server.enqueueFault({ kind: 'afterStop', lateDeltas: [' LATE', ' TEXT'] });
      const prefill = STORY.slice(0, 40).trimEnd();
      const outcome = await generate({ prefill }).run;
      assert.equal(outcome.status, 'completed');
      assert.equal(prefill + outcome.text, STORY);
      assert.equal(outcome.requests[0].text, STORY.slice(prefill.length));
      assert.equal(outcome.requests[0].ignoredAfterStop, 2, 'the late deltas are counted, for the log');
    });

    it('completes when the server keeps the connection open after message_stop', async function () {
      this.timeout(4000);
      server.enqueueFault({ kind: 'afterStop', lateDeltas: [' LATE'], keepOpen: true });
      const prefill = STORY.slice(0, 40).trimEnd();
      const outcome = await Promise.race([
        generate({ prefill }).run,
        new Promise<undefined>((resolve) => setTimeout(resolve, 3000, undefined)),
      ]);
      assert.ok(outcome, 'the generation ended');
      assert.equal(outcome.status, 'completed');
      assert.equal(prefill + outcome.text, STORY);
      assert.equal(outcome.requests[0].ignoredAfterStop, 1);
    });
  });

  describe('astral characters at the edges', () => {
    for (const [name, tokens] of [
      ['an emoji as the last delta', ['Done ', '😀']],
      ['an emoji ending the last delta', ['Done', ' 😀']],
      ['a character at U+FF01 (a code unit above the surrogates) as the last delta', ['Done ', '！']],
      ['an emoji split between the last two deltas', ['Done \ud83d', '\ude00']],
    ] as const) {
      it(`keeps ${name} whole`, async () => {
        server.setResponder(scriptedResponder([{ tokens: [...tokens] }]));
        const outcome = await generate({ prefill: 'Said:' }).run;
        assert.equal(outcome.text, tokens.join(''));
      });
    }

    it('keeps an emoji that ends a max_tokens response, and continues after it', async () => {
      server.setResponder(scriptedResponder([{ tokens: ['Done ', '😀', ' more'] }, { tokens: [' more'] }]));
      const { run, edits } = generate({ prefill: 'Said:', params: { ...PARAMS, max_tokens: 2 } });
      const outcome = await run;
      assert.equal(outcome.text, 'Done 😀 more');
      assert.equal(outcome.requests[1].prefillSent, 'Said:Done 😀');
      assert.equal(applied('', edits), outcome.text);
    });
  });

  describe("line breaks in the document's own line ending", () => {
    it('turns the model\'s \\n into \\r\\n for a CRLF document, in the edits, the outcome and the follow-up prefill', async () => {
      server.setResponder(scriptedResponder([{ tokens: ['x\n', 'y'] }, { tokens: ['\nz'] }]));
      const { run, edits } = generate({ prefill: 'A\r\nB', lineEnding: '\r\n', params: { ...PARAMS, max_tokens: 2 } });
      const outcome = await run;
      assert.equal(outcome.text, 'x\r\ny\r\nz');
      assert.equal(applied('', edits), outcome.text);
      assert.equal(outcome.requests[1].prefillSent, 'A\r\nBx\r\ny');
      assert.equal(outcome.requests[0].text, 'x\ny', 'the request keeps what was received');
    });

    it("turns the model's \\r\\n into \\n for an LF document, also when \\r and \\n arrive in separate deltas", async () => {
      server.setResponder(scriptedResponder([{ tokens: ['one\r\n', 'two\r', '\nthree\r'] }]));
      const { run, edits } = generate({ prefill: 'A\nB', lineEnding: '\n' });
      const outcome = await run;
      assert.equal(outcome.text, 'one\ntwo\nthree\n');
      assert.equal(applied('', edits), outcome.text);
    });
  });
});
