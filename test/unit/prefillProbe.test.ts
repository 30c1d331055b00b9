import * as assert from 'node:assert/strict';
import type Anthropic from '@anthropic-ai/sdk';
import { createAnthropicClient } from '../../src/core/providers/anthropicClient';
import { createOpenAIStyleClient } from '../../src/core/providers/openaiClient';
import { runGeneration } from '../../src/core/generation/generation';
import { openAiServerSuite } from './openAiServerSuite';
import type { GenerationParams } from '../../src/core/conversation/generationSettings';
import { planProbe, runProbe, type ProbeOptions, type ProbePoint } from '../../src/core/reproducibility/prefillProbe';
import { probeSplitPoints } from '../../src/core/reproducibility/probeSplitPoints';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import type { MessagesRequestBody } from '../server/responder';
import { generateTokenIds } from '../server/simulator/generation';
import { promptContext } from '../server/simulator/promptContext';
import { createSimulatorResponder } from '../server/simulator/simulatorResponder';
import { textPieces } from '../server/simulator/textPieces';
import { decode, encode } from '../server/simulator/tokenizer';

const KEY = 'sk-ant-probe-key';
const USER = 'Tell me a story.';
/**
 * At temperature 0 the simulator continues this with `. "It is a little off the beaten track, isn't
 * it?" said he. …`. Many cuts of that text re-tokenize to the very ids the model emitted, and many
 * (mid-word ones especially) do not; among the word cuts, `… isn'` does not, and from there the
 * model says `clock, to Duncan Ross` instead of `t it?`.
 */
const BASE = 'Holmes laughed';
/** The original node's length in tokens: long enough for dozens of split points, short enough to probe every character. */
const ORIGINAL_TOKENS = 40;
const PROBE_TOKENS = 6;
const PARAMS: GenerationParams = { model: 'claude-simulator', user: USER, temperature: 0, max_tokens: 200 };

/** The simulated model's context for a prefill, laid out as the simulator's server lays out a request. */
function contextFor(prefill: string, params = PARAMS): number[] {
  const body: MessagesRequestBody = {
    model: params.model,
    max_tokens: params.max_tokens,
    messages: [
      { role: 'user', content: params.user },
      { role: 'assistant', content: prefill },
    ],
  };
  return promptContext(body).contextIds;
}

/** The original node: the simulator generating token by token after BASE, computed here, not through the probe. */
function originalGeneration() {
  const generation = generateTokenIds(contextFor(BASE), { maxTokens: ORIGINAL_TOKENS, temperature: 0, seed: 0 });
  return { ids: generation.ids, text: decode(generation.ids) };
}

/** The test's own oracle for one split: does the prefill re-tokenize to the ids the model generated, and what does greedy decoding say from there? */
function independentFinding(nodeIds: number[], nodeText: string, k: number) {
  const prefillIds = encode(BASE + nodeText.slice(0, k));
  const generatedIds = [...encode(BASE), ...nodeIds];
  const sameTokens = prefillIds.join() === generatedIds.slice(0, prefillIds.length).join();
  const greedy = generateTokenIds(contextFor(BASE + nodeText.slice(0, k)), { maxTokens: PROBE_TOKENS, temperature: 0, seed: 0 });
  const pieces = textPieces(greedy.ids);
  const text = pieces.join('');
  const rest = nodeText.slice(k);
  const agrees = rest.startsWith(text) || text.startsWith(rest);
  const endedEarly = greedy.stopReason === 'end_turn' && text.length < rest.length;
  return { sameTokens, text, stopReason: greedy.stopReason, consistent: agrees && !endedEarly, outputTokens: pieces.length };
}

describe('runProbe against the simulator', function () {
  this.timeout(60_000);
  let server: FakeAnthropic;
  before(async () => {
    server = await startFakeAnthropic({ apiKey: KEY, responder: createSimulatorResponder() });
  });
  afterEach(() => server.reset());
  after(() => server.close());

  const client = (maxRetries = 0) => createAnthropicClient({ apiKey: KEY, baseUrl: server.url, timeoutMs: 20_000, maxRetries });
  const options = (overrides: Partial<ProbeOptions> = {}): ProbeOptions => ({
    client: client(),
    params: PARAMS,
    basePrefill: BASE,
    nodeText: originalGeneration().text,
    split: 'char',
    samples: 1,
    probeTokens: PROBE_TOKENS,
    ...overrides,
  });

  it('finds exactly the split points where the prefill re-tokenizes and the model goes elsewhere', async () => {
    const original = originalGeneration();
    assert.match(original.text, /^\. "It is a little off the beaten track, isn't it\?"/);
    const progress: number[] = [];
    const report = await runProbe(options({ onPoint: (_point, done, total) => progress.push(done / total) }));

    const offsets = probeSplitPoints(original.text, 'char');
    assert.deepEqual(report.points.map((p) => p.offset), offsets);
    assert.equal(progress.length, offsets.length);
    assert.equal(progress.at(-1), 1);
    let tokenAligned = 0;
    const usage = { input_tokens: 0, output_tokens: 0 };
    for (const point of report.points) {
      const finding = independentFinding(original.ids, original.text, point.offset);
      const [sample] = point.samples;
      usage.input_tokens += encode(USER).length + encode(BASE + original.text.slice(0, point.offset)).length;
      usage.output_tokens += finding.outputTokens;
      const at = `split after ${JSON.stringify(original.text.slice(0, point.offset))}`;
      assert.equal(sample.error, undefined, at);
      assert.equal(sample.text, finding.text, at);
      assert.equal(sample.stopReason, finding.stopReason, at);
      assert.equal(sample.consistent, finding.consistent, at);
      assert.equal(point.verdict, finding.consistent ? 'consistent' : 'divergent', at);
      if (finding.sameTokens) {
        tokenAligned++;
        assert.equal(point.verdict, 'consistent', `${at}: the prefill is the generated ids, so the model must continue the same way`);
      }
      assert.ok(original.text.slice(point.offset).startsWith(point.expected), at);
      assert.ok(point.expected.length >= Math.min(sample.text.length, original.text.length - point.offset), at);
    }
    assert.ok(tokenAligned >= 10, `only ${tokenAligned} splits re-tokenize to the generated ids`);

    const divergent = report.points.filter((p) => p.verdict === 'divergent');
    assert.ok(divergent.length >= 1);
    const cut = original.text.indexOf("isn'") + "isn'".length;
    const afterApostrophe = report.points.find((p) => p.offset === cut);
    assert.ok(afterApostrophe);
    assert.equal(afterApostrophe.verdict, 'divergent');
    assert.match(afterApostrophe.samples[0].text, /^clock, to Duncan Ross/);
    assert.equal(afterApostrophe.divergesAt, cut);
    assert.deepEqual(report.usage, usage);
    assert.equal(report.cancelled, false);
  });

  it('sends the original request with the prefill extended to the split and max_tokens set to the probe tokens', async () => {
    const nodeText = originalGeneration().text;
    const plan = planProbe({ params: PARAMS, basePrefill: BASE, nodeText, split: 'word', samples: 2, probeTokens: PROBE_TOKENS, maxPoints: 3 });
    await runProbe(options({ split: 'word', samples: 2, maxPoints: 3, params: { ...PARAMS, system: 'Be brief.', top_k: 5 } }));
    const bodies = server.requests.map((r) => r.body as any);
    assert.equal(bodies.length, 6);
    assert.deepEqual(
      [...new Set(bodies.map((b) => b.messages[1].content))].sort(),
      plan.offsets.map((k) => BASE + nodeText.slice(0, k)).sort(),
    );
    for (const body of bodies) {
      assert.deepEqual(
        { model: body.model, max_tokens: body.max_tokens, temperature: body.temperature, system: body.system, top_k: body.top_k, user: body.messages[0] },
        { model: PARAMS.model, max_tokens: PROBE_TOKENS, temperature: 0, system: 'Be brief.', top_k: 5, user: { role: 'user', content: USER } },
      );
      assert.notEqual(body.stream, true);
    }
  });

  it('counts every turn of a header conversation in its input estimate', () => {
    const nodeText = originalGeneration().text;
    const plan = (params: GenerationParams) => planProbe({ params, basePrefill: BASE, nodeText, split: 'word', samples: 1, probeTokens: 8, maxPoints: 1 });
    const long = 'x'.repeat(8000);
    const messages: GenerationParams['messages'] = [
      { role: 'user', content: long },
      { role: 'assistant', content: long },
      { role: 'user', content: USER },
    ];
    const difference = plan({ ...PARAMS, messages }).estimatedInputTokens - plan(PARAMS).estimatedInputTokens;
    assert.ok(difference >= 16000 / 8, `the two long turns count (${difference} more tokens)`);
  });

  it('plans an evenly spread subset within the budget and estimates its cost', () => {
    const nodeText = originalGeneration().text;
    const all = probeSplitPoints(nodeText, 'word');
    const plan = planProbe({ params: { ...PARAMS, model: 'claude-haiku-4-5' }, basePrefill: BASE, nodeText, split: 'word', samples: 3, probeTokens: 8, maxPoints: 5 });
    assert.equal(plan.offsets.length, 5);
    assert.equal(plan.offsets[0], all[0]);
    assert.equal(plan.offsets[4], all.at(-1));
    assert.ok(plan.offsets.every((k, i) => all.includes(k) && (i === 0 || k > plan.offsets[i - 1])));
    assert.equal(plan.requests, 15);
    assert.equal(plan.estimatedOutputTokens, 15 * 8);
    assert.ok(plan.estimatedInputTokens > 15 * (USER.length + BASE.length) / 8);
    assert.ok(plan.estimatedCostUsd !== undefined && plan.estimatedCostUsd > 0);
    assert.equal(planProbe({ params: PARAMS, basePrefill: BASE, nodeText, split: 'word', samples: 1, probeTokens: 8 }).estimatedCostUsd, undefined);
    assert.deepEqual(planProbe({ params: PARAMS, basePrefill: BASE, nodeText, split: 'word', samples: 1, probeTokens: 8 }).offsets, all);
    assert.throws(() => planProbe({ params: PARAMS, basePrefill: BASE, nodeText, split: 'word', samples: 0, probeTokens: 8 }), /samples/);
  });

  it('separates sampling noise from the original with several samples at temperature 1', async () => {
    const params = { ...PARAMS, temperature: 1 };
    const report = await runProbe(options({ params, split: 'word', samples: 4, maxPoints: 8 }));
    assert.equal(report.points.length, 8);
    const varied = report.points.filter((p) => new Set(p.samples.map((s) => s.text)).size > 1);
    assert.ok(varied.length > 0, 'some point got different samples');
    for (const point of report.points) {
      const rest = report.nodeText.slice(point.offset);
      for (const sample of point.samples) {
        const agrees = rest.startsWith(sample.text) || sample.text.startsWith(rest);
        assert.equal(sample.consistent, agrees && !(sample.stopReason === 'end_turn' && sample.text.length < rest.length));
      }
      const consistent = point.samples.filter((s) => s.consistent).length;
      assert.equal(point.verdict, consistent === 4 ? 'consistent' : consistent === 0 ? 'divergent' : 'mixed');
    }
  });

  it('marks samples whose requests failed and goes on with the rest', async () => {
    server.enqueueFault({ kind: 'status', status: 429, times: 2, retryAfterSeconds: 0 });
    const report = await runProbe(options({ split: 'word', maxPoints: 5, concurrency: 1 }));
    assert.equal(report.points.length, 5);
    assert.deepEqual(report.points.map((p) => p.verdict === 'failed'), [true, true, false, false, false]);
    for (const point of report.points.slice(0, 2)) {
      assert.match(point.samples[0].error ?? '', /429|[Rr]ate limit/);
      assert.equal(point.samples[0].text, '');
    }
    assert.ok(report.points.slice(2).every((p) => p.samples[0].error === undefined));
    assert.equal(report.cancelled, false);
  });

  it('stops when cancelled, returning the points finished so far', async () => {
    const abort = new AbortController();
    const seen: ProbePoint[] = [];
    const report = await runProbe(
      options({
        concurrency: 1,
        signal: abort.signal,
        onPoint: (point, done) => {
          seen.push(point);
          if (done === 2) abort.abort();
        },
      }),
    );
    assert.equal(report.cancelled, true);
    assert.deepEqual(report.points, seen);
    assert.deepEqual(report.points.map((p) => p.offset), probeSplitPoints(report.nodeText, 'char').slice(0, 2));
    assert.ok(server.requests.length <= 3, `${server.requests.length} requests after cancelling`);

    server.reset();
    const before = await runProbe(options({ signal: AbortSignal.abort() }));
    assert.deepEqual({ points: before.points, cancelled: before.cancelled, requests: server.requests.length }, { points: [], cancelled: true, requests: 0 });
  });
});

describe('planning a probe', () => {
  /** Word cuts after `one`, `two` and `three`. */
  const input = { params: PARAMS, basePrefill: BASE, nodeText: 'one two three four', split: 'word' as const, samples: 1, probeTokens: 8 };
  const CUTS = [3, 7, 13];

  it('refuses each count that is not a whole number of 1 or more, by its name', () => {
    assert.throws(() => planProbe({ ...input, samples: 1.5 }), /^RangeError: samples must/);
    assert.throws(() => planProbe({ ...input, probeTokens: 0 }), /^RangeError: probeTokens must/);
    assert.throws(() => planProbe({ ...input, maxPoints: 0 }), /^RangeError: maxPoints must/);
  });

  it('probes every split point, once each, when the budget allows as many or more', () => {
    assert.deepEqual(probeSplitPoints(input.nodeText, 'word'), CUTS);
    assert.deepEqual(planProbe({ ...input, maxPoints: 3 }).offsets, CUTS);
    assert.deepEqual(planProbe({ ...input, maxPoints: 10 }).offsets, CUTS);
  });

  it('estimates each request’s input from the system prompt, the user turn, the prefill and the cut, four characters a token', () => {
    const estimate = (promptLength: number) => CUTS.reduce((sum, k) => sum + Math.ceil((promptLength + k) / 4), 0);
    assert.equal(planProbe(input).estimatedInputTokens, estimate(USER.length + BASE.length));
    assert.equal(planProbe({ ...input, params: { ...PARAMS, system: 'Be brief.' } }).estimatedInputTokens, estimate('Be brief.'.length + USER.length + BASE.length));
  });
});

/** A reply as the Messages API sends it whole: `blocks` as given, usage of one token each way. */
function message(blocks: Array<Record<string, string>>, stopReason = 'max_tokens') {
  return { content: blocks, stop_reason: stopReason, usage: { input_tokens: 1, output_tokens: 1 } };
}

const textReply = (text: string) => message([{ type: 'text', text }]);

/**
 * A stand-in for the Anthropic client whose n-th request gets `replies[n]` (a reply, or an error to
 * throw); each reply is made when its request starts, so it can act on the probe (cancel it) first.
 */
function scriptedClient(replies: Array<() => unknown>) {
  let calls = 0;
  const create = async () => {
    const reply = replies[calls++]();
    if (reply instanceof Error) throw reply;
    return reply;
  };
  return { client: { messages: { create } } as unknown as Anthropic, calls: () => calls };
}

describe('runProbe, reply by reply', () => {
  /** One split point, after `X`: the node's text after it is `abcdef`. */
  const probe = async (replies: Array<() => unknown>, overrides: Partial<ProbeOptions> = {}) => {
    const scripted = scriptedClient(replies);
    const report = await runProbe({ client: scripted.client, params: PARAMS, basePrefill: BASE, nodeText: 'Xabcdef', split: 'char', samples: 1, probeTokens: 1, maxPoints: 1, concurrency: 1, ...overrides });
    return { report, requests: scripted.calls() };
  };
  const onlyPoint = async (...args: Parameters<typeof probe>) => {
    const { report } = await probe(...args);
    assert.equal(report.points.length, 1);
    return report.points[0];
  };

  it('reads the text of every text block of a reply, in order, and nothing of its thinking', async () => {
    const point = await onlyPoint([() => message([{ type: 'thinking', thinking: 'Hmm.', signature: 's' }, { type: 'text', text: 'ab' }, { type: 'text', text: 'c' }])]);
    assert.deepEqual(point.samples, [{ text: 'abc', consistent: true, stopReason: 'max_tokens' }]);
  });

  it('expects the rest of the node as far as the longer of the longest reply and the probe tokens’ estimated length', async () => {
    assert.equal((await onlyPoint([() => textReply('a')])).expected, 'abcd', 'one probe token: four characters');
    assert.equal((await onlyPoint([() => textReply('abcde')])).expected, 'abcde');
  });

  it('says where the first sample that differs leaves the node, past what it shares with it', async () => {
    const at = async (replies: Array<() => unknown>) => (await onlyPoint(replies, { samples: replies.length })).divergesAt;
    assert.equal(await at([() => textReply('abX')]), 3);
    assert.equal(await at([() => textReply('abc'), () => textReply('aZ')]), 2, 'the consistent sample is passed over');
    assert.equal(await at([() => new Error('refused'), () => textReply('aZ')]), 2, 'the failed sample is passed over');
    assert.equal(await at([() => textReply('abc')]), undefined);
    assert.equal(await at([() => new Error('refused')]), undefined);
  });

  it('marks a failed request’s sample failed, inconsistent and without text', async () => {
    const [sample] = (await onlyPoint([() => new Error('refused')])).samples;
    assert.deepEqual({ ...sample, error: typeof sample.error }, { text: '', consistent: false, stopReason: null, error: 'string' });
  });

  it('drops a point whose request failed because the probe was cancelled, and starts no request after', async () => {
    /** A reply that cancels the probe as its request starts. */
    const cancelling = (abort: AbortController, reply: unknown) => () => {
      abort.abort();
      return reply;
    };
    const cutOff = new AbortController();
    const { report: failed } = await probe([cancelling(cutOff, new Error('socket closed'))], { signal: cutOff.signal });
    assert.deepEqual({ points: failed.points, cancelled: failed.cancelled }, { points: [], cancelled: true });

    const halfway = new AbortController();
    const { report, requests } = await probe([cancelling(halfway, textReply('abc')), () => textReply('abc')], { samples: 2, signal: halfway.signal });
    assert.deepEqual({ points: report.points, requests }, { points: [], requests: 1 }, 'the second sample was never asked for, so the point is unfinished');
  });
});

describe('probing an OpenAI-style completions endpoint', function () {
  this.timeout(30_000);
  const suite = openAiServerSuite();
  const client = (path = '/v1') => createOpenAIStyleClient({ baseUrl: `${suite.server.url}${path}`, timeoutMs: 10_000, maxRetries: 0 }, { kind: 'completions', prefillStyle: 'plain' });
  const params: GenerationParams = { model: 'base', user: '', temperature: 0, max_tokens: 40 };
  const base = 'The old lighthouse keeper';

  it('sends the text before each split exactly as the prompt and compares the reply with the rest of the node', async () => {
    const original = await runGeneration({ client: client(), params, prefill: base, maxTotalTokens: 40 });
    assert.equal(original.status, 'completed');
    const nodeText = original.text;
    suite.server.reset();
    const report = await runProbe({ client: client(), params, basePrefill: base, nodeText, split: 'word', samples: 1, probeTokens: 4 });
    const offsets = probeSplitPoints(nodeText, 'word');
    assert.deepEqual(report.points.map((p) => p.offset), offsets);
    const prompts = suite.server.requests.filter((r) => r.path === '/v1/completions').map((r) => (r.body as { prompt: string }).prompt);
    assert.deepEqual(prompts.sort(), offsets.map((k) => base + nodeText.slice(0, k)).sort());
    for (const point of report.points) {
      const rest = nodeText.slice(point.offset);
      const [sample] = point.samples;
      assert.equal(sample.error, undefined);
      assert.ok(sample.text.length > 0, `a reply at ${point.offset}`);
      assert.ok(rest.startsWith(point.expected), 'the expected text is the rest of the node');
      assert.equal(sample.consistent, rest.startsWith(sample.text) || (sample.text.startsWith(rest) && sample.stopReason !== 'stop'), `sample at ${point.offset}: ${JSON.stringify(sample.text)} against ${JSON.stringify(rest.slice(0, 30))}`);
    }
    assert.ok(report.usage.input_tokens > 0 && report.usage.output_tokens > 0);
    assert.equal(report.cancelled, false);
  });

  it('leaves out a point whose request the cancel cut off, rather than record a sample for it', async () => {
    suite.server.enqueueFault({ kind: 'hang' });
    const abort = new AbortController();
    const report = await runProbe({ client: client(), params, basePrefill: base, nodeText: ' lit the lamp', split: 'word', samples: 2, probeTokens: 4, maxPoints: 1, concurrency: 2, signal: abort.signal, onRequestEnd: () => abort.abort() });
    assert.equal(suite.server.requests.filter((r) => r.path === '/v1/completions').length, 2, 'both samples were asked for; one got no answer');
    assert.deepEqual({ points: report.points, cancelled: report.cancelled }, { points: [], cancelled: true });
  });

  it('records the failure of each request as its sample, with no text', async () => {
    const report = await runProbe({ client: client('/nowhere/v1'), params, basePrefill: base, nodeText: ' lit the lamp', split: 'word', samples: 2, probeTokens: 4 });
    assert.ok(report.points.length > 0);
    for (const sample of report.points.flatMap((p) => p.samples)) {
      assert.equal(sample.text, '');
      assert.equal(sample.consistent, false);
      assert.match(sample.error ?? '', /\S/);
    }
  });
});
