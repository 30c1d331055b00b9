import * as assert from 'node:assert/strict';
import { DEFAULT_API_KEY } from '../server/fakeAnthropic';
import { expectedChat, expectedTexts, requestSeeds } from '../server/openai/expected';
import { createSimulatorResponder } from '../server/simulator/simulatorResponder';
import { openAiServerSuite } from './openAiServerSuite';
import { createAnthropicClient } from '../../src/core/providers/anthropicClient';
import { createOpenAIStyleClient } from '../../src/core/providers/openaiClient';
import type { GenerationClient } from '../../src/core/generation/generation';
import type { GenerationParams } from '../../src/core/conversation/generationSettings';
import { runSamples } from '../../src/core/distribution/sampleRun';
import { summarizeSamples } from '../../src/core/distribution/distribution';
import { groupTexts } from '../../src/core/distribution/grouping';
import { alignGroups } from '../../src/core/distribution/comparison';
import { firstUnit, firstUnitDistribution, firstWord, withoutLastWord } from '../../src/core/distribution/firstTokens';
import type { Sample } from '../../src/core/distribution/sampleRun';
import { costUsd } from '../../src/core/shared/pricing';
import { scriptCounts, systemShares, writingSystem } from '../../src/core/distribution/writingSystems';
import { nextTokenDistribution } from '../../src/core/distribution/nextToken';
import { distributionCsv, distributionJson, distributionMarkdown } from '../../src/core/distribution/distributionExport';

const RUN_SEED = 1234;
const N = 60;
const PARAMS: GenerationParams = { model: 'simulator-mixed', user: 'Test', temperature: 1, max_tokens: 30 };
const CHAT_REQUEST = { model: 'simulator-mixed', max_tokens: 30, temperature: 1, messages: [{ role: 'user', content: 'Test' }, { role: 'assistant', content: 'OK,' }] };

/** What the simulator itself answers the run's seeds, computed without a server. */
function expectedSamples(count: number, extra: object = {}): Array<Record<string, any>> {
  return requestSeeds(RUN_SEED, count).map((seed) => expectedChat({ ...CHAT_REQUEST, ...extra, seed }, { corpus: 'mixed' }));
}

/** Text → count, the way a person would tally the samples by hand. */
function tally(texts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  texts.forEach((t) => counts.set(t, (counts.get(t) ?? 0) + 1));
  return counts;
}

const hasHan = (text: string): boolean => /\p{Script=Han}/u.test(text);

describe('distribution at a point: many samples through the one generation loop', function () {
  this.timeout(60_000);
  const suite = openAiServerSuite(
    { openAi: { corpus: 'mixed', seed: RUN_SEED }, responder: createSimulatorResponder({ corpus: 'mixed', sequenceSeed: RUN_SEED }) },
    ['mixed'],
  );
  const chatClient = (logprobs?: number): GenerationClient =>
    createOpenAIStyleClient({ baseUrl: `${suite.server.url}/v1`, timeoutMs: 10_000, maxRetries: 0 }, { kind: 'chat', prefillStyle: 'plain', logprobs });
  const anthropicClient = (): GenerationClient => createAnthropicClient({ apiKey: DEFAULT_API_KEY, baseUrl: suite.server.url, timeoutMs: 10_000, maxRetries: 0 });
  const run = (client: GenerationClient, extra: Partial<Parameters<typeof runSamples>[0]> = {}) =>
    runSamples({ client, params: PARAMS, prefill: 'OK,', maxTotalTokens: 30, count: N, concurrency: 4, ...extra });

  it("groups seeded chat samples after 'OK,' exactly as the simulator answers them, most frequent first", async () => {
    const result = await run(chatClient());
    const expected = expectedSamples(N).map((b) => expectedTexts(b)[0]);
    const summary = summarizeSamples(result.samples, { model: PARAMS.model, requested: N });
    assert.equal(result.samples.length, N);
    assert.deepEqual(result.samples.map((s) => s.index), [...Array(N).keys()]);
    assert.deepEqual(new Map(summary.exact.map((g) => [g.text, g.count])), tally(expected));
    assert.ok(summary.exact.length > 1, 'the seeded run has more than one distinct reply');
    summary.exact.slice(1).forEach((g, i) => assert.ok(g.count <= summary.exact[i].count, 'most frequent first'));
    summary.exact.forEach((g) => assert.equal(g.share, g.count / N));
    assert.equal(summary.totals.completed, N);
    assert.equal(summary.totals.failed + summary.totals.cancelled + summary.totals.notStarted, 0);
    const usage = expectedSamples(N).reduce((sum, b) => sum + b.usage.completion_tokens, 0);
    assert.equal(summary.totals.usage.output_tokens, usage);
    assert.equal(summary.totals.costUsd, null, 'no price is known for the simulator');
  });

  it('gives the Han share the simulator produces: the samples that switch script after "OK,"', async () => {
    const result = await run(chatClient());
    const expected = expectedSamples(N).map((b) => expectedTexts(b)[0]);
    const han = expected.filter(hasHan).length;
    assert.ok(han > 0 && han < N, `the seeds give both scripts (${han} of ${N} in Han)`);
    const shares = new Map(summarizeSamples(result.samples, { model: 'm', requested: N }).scripts.map((s) => [s.script, s.share]));
    assert.equal(shares.get('Han'), han / N);
    assert.equal(shares.get('Latin'), (N - han) / N);
  });

  it('the Messages API gives the same multiset of samples (the same loop, another endpoint kind)', async () => {
    const result = await run(anthropicClient());
    const expected = expectedSamples(N).map((b) => expectedTexts(b)[0]);
    const summary = summarizeSamples(result.samples, { model: PARAMS.model, requested: N });
    assert.deepEqual(new Map(summary.exact.map((g) => [g.text, g.count])), tally(expected));
  });

  it('counts first tokens from the tokens the endpoint recorded, and the model’s own next-token distribution beside them', async () => {
    const result = await run(chatClient(0));
    const expectedFirst = expectedSamples(N, { logprobs: true }).map((b) => b.choices[0].logprobs.content[0].token as string);
    const summary = summarizeSamples(result.samples, { model: PARAMS.model, requested: N });
    assert.equal(summary.firstUnit, 'token');
    assert.deepEqual(new Map(summary.firstUnits.map((g) => [g.text, g.count])), tally(expectedFirst));
    const next = await nextTokenDistribution({ client: chatClient(), params: PARAMS, prefill: 'OK,' });
    assert.ok(next && next.alternatives.length > 0);
    const body = suite.server.requests.at(-1)!.body as any;
    assert.equal(body.max_tokens, 1);
    assert.equal(body.top_logprobs, 20);
    next.alternatives.slice(1).forEach((a, i) => assert.ok(a.probability <= next.alternatives[i].probability));
  });

  it('lists a failed sample with its cause instead of dropping it, and shares count only what completed', async () => {
    suite.server.enqueueFault({ kind: 'status', status: 400 });
    const result = await run(chatClient(), { count: 10 });
    const failed = result.samples.filter((s) => s.status === 'failed');
    assert.equal(result.samples.length, 10);
    assert.equal(failed.length, 1);
    assert.ok(failed[0].error && failed[0].error.cause.length > 0);
    const summary = summarizeSamples(result.samples, { model: PARAMS.model, requested: 10 });
    assert.equal(summary.totals.failed, 1);
    assert.equal(summary.exact.reduce((sum, g) => sum + g.count, 0), 9);
    assert.equal(summary.exact.reduce((sum, g) => sum + g.share, 0).toFixed(9), (1).toFixed(9));
  });

  it('records each sample’s requests and time, an error with its next step only where it failed, and a run not cancelled as such', async () => {
    suite.server.enqueueFault({ kind: 'status', status: 400 });
    const ended: number[] = [];
    const result = await run(chatClient(), { count: 4, concurrency: 0, onSample: (s) => ended.push(s.index) });
    assert.equal(result.cancelled, false);
    assert.deepEqual([...ended].sort(), [0, 1, 2, 3], 'a concurrency below 1 still runs one at a time');
    for (const s of result.samples) {
      assert.equal(s.requests, 1);
      assert.ok(s.durationMs >= 0 && Number.isFinite(s.durationMs));
      if (s.status === 'failed') assert.ok(s.error && s.error.cause.length > 0 && s.error.nextStep.length > 0);
      else assert.equal(s.error, undefined);
    }
    assert.equal(result.samples.filter((s) => s.status === 'failed').length, 1);
  });

  it('cancelling stops the requests and starts no more, keeping the samples that arrived', async () => {
    const abort = new AbortController();
    const expected = tally(expectedSamples(N).map((b) => expectedTexts(b)[0]));
    const result = await run(chatClient(), { concurrency: 2, signal: abort.signal, onSample: () => abort.abort() });
    const summary = summarizeSamples(result.samples, { model: PARAMS.model, requested: N });
    assert.ok(result.cancelled);
    assert.ok(summary.totals.completed >= 1);
    assert.ok(summary.totals.notStarted >= N - 2, `no sample starts after cancelling (${summary.totals.notStarted} not started)`);
    summary.exact.forEach((g) => assert.ok((expected.get(g.text) ?? 0) >= g.count, `a kept sample is one the simulator gives: ${g.text}`));
  });
});

describe('distribution: grouping, first words and writing systems', () => {
  it('groups loosely ignoring leading whitespace and case, keeping the first text as written', () => {
    const items = [' OK then', 'ok then', 'OK then', ' Sure'].map((text, index) => ({ index, text }));
    assert.deepEqual(groupTexts(items, 'exact').map((g) => g.count), [1, 1, 1, 1]);
    assert.deepEqual(groupTexts(items, 'loose').map((g) => [g.text, g.count, g.members]), [[' OK then', 3, [0, 1, 2]], [' Sure', 1, [3]]]);
  });

  it('orders ties by first appearance', () => {
    const items = ['b', 'a', 'a', 'b', 'c'].map((text, index) => ({ index, text }));
    assert.deepEqual(groupTexts(items, 'exact').map((g) => g.text), ['b', 'a', 'c']);
  });

  it('takes the first word with its leading whitespace, by Unicode word boundaries', () => {
    assert.equal(firstWord(" I'm here"), " I'm");
    assert.equal(firstWord('  , then'), '  ,');
    assert.equal(firstWord(''), '');
    assert.ok(firstWord('我收到了你的测试消息').length < '我收到了你的测试消息'.length);
  });

  it('sorts a text into the script most of its letters are in, from the Unicode Script property', () => {
    assert.equal(writingSystem(' I am here'), 'Latin');
    assert.equal(writingSystem(' 我收到了你的测试消息 OK'), 'Han');
    assert.equal(writingSystem(' Привет'), 'Cyrillic');
    assert.equal(writingSystem(' مرحبا'), 'Arabic');
    assert.equal(writingSystem('ᚠᚢᚦ'), 'Other');
    assert.equal(writingSystem(' 123 !'), 'None');
    assert.deepEqual(systemShares(['a', 'b', '中', '...'].map(writingSystem)), [
      { script: 'Latin', count: 2, share: 0.5 },
      { script: 'Han', count: 1, share: 0.25 },
      { script: 'None', count: 1, share: 0.25 },
    ]);
  });

  it('counts every character of a listed script, letters or not, the same however often it is asked', () => {
    for (let round = 0; round < 2; round++) {
      assert.deepEqual([...scriptCounts('Ⅻ ab ٣٣٣ 中 ᚠ 1 !')], [['Latin', 3], ['Arabic', 3], ['Han', 1], ['Other', 1]]);
      assert.equal(writingSystem('٣٣٣ ab'), 'Arabic', 'Arabic-Indic digits are of the Arabic script');
    }
    assert.deepEqual([...scriptCounts('a\ud800b 🙂')], [['Latin', 2]], 'a lone surrogate or an emoji counts for no script');
  });
});

describe('distribution: ties, empty runs and totals', () => {
  const done = (index: number, text: string, extra: Partial<Sample> = {}): Sample => ({ index, status: 'completed', text, replaced: '', stopReason: 'stop', usage: { input_tokens: 10, output_tokens: 5 }, durationMs: 1, requests: 1, ...extra });

  it('puts the most frequent group first even when it appeared last', () => {
    const items = ['a', 'b', 'b'].map((text, index) => ({ index, text }));
    assert.deepEqual(groupTexts(items, 'exact').map((g) => [g.text, g.count, g.share]), [['b', 2, 2 / 3], ['a', 1, 1 / 3]]);
  });

  it('breaks a tie of letters by the order scripts are listed, in a text and across texts', () => {
    assert.equal(writingSystem('中文ab'), 'Latin');
    assert.equal(writingSystem('ab中文'), 'Latin');
    assert.equal(writingSystem('ᚠᚢ中文'), 'Han');
    assert.deepEqual(systemShares(['中', 'a'].map(writingSystem)).map((s) => s.script), ['Latin', 'Han']);
    assert.deepEqual(systemShares([]), []);
  });

  it('calls first units tokens only when every sample has them, and words for an empty run', () => {
    const withToken = { index: 0, ...firstUnit({ text: ' OK then', tokens: [{ text: ' O' }] }) };
    const withoutTokens = { index: 1, ...firstUnit({ text: ' OK now' }) };
    assert.deepEqual(firstUnitDistribution([withToken]), { unit: 'token', groups: [{ text: ' O', count: 1, share: 1, members: [0] }] });
    assert.equal(firstUnitDistribution([withToken, withoutTokens]).unit, 'word');
    assert.deepEqual(firstUnitDistribution([]), { unit: 'word', groups: [] });
  });

  it('groups the completed samples both exactly and loosely, and their first words exactly, each unit called a word', () => {
    const summary = summarizeSamples([done(0, ' OK then'), done(1, 'ok then'), done(2, ' OK then')], { model: 'm', requested: 3 });
    assert.deepEqual(summary.exact.map((g) => [g.text, g.members]), [[' OK then', [0, 2]], ['ok then', [1]]]);
    assert.deepEqual(summary.loose.map((g) => [g.text, g.members]), [[' OK then', [0, 1, 2]]]);
    assert.deepEqual(summary.firstUnits.map((g) => [g.text, g.members]), [[' OK', [0, 2]], ['ok', [1]]]);
    assert.deepEqual(firstUnit({ text: ' OK now' }), { text: ' OK', unit: 'word' });
  });

  it('counts each status apart, the usage of every sample, and the cost at list price', () => {
    const samples = [
      done(0, ' a'),
      done(1, ' a', { status: 'failed', text: '' }),
      done(2, ' b', { status: 'cancelled' }),
      done(3, ' c', { status: 'cancelled' }),
    ];
    const summary = summarizeSamples(samples, { model: 'claude-haiku-4-5', requested: 7 });
    assert.deepEqual({ ...summary.totals, costUsd: undefined }, { requested: 7, completed: 1, failed: 1, cancelled: 2, notStarted: 3, usage: { input_tokens: 40, output_tokens: 20 }, costUsd: undefined });
    assert.equal(summary.totals.costUsd, costUsd('claude-haiku-4-5', { input_tokens: 40, output_tokens: 20 }));
    assert.ok(summary.totals.costUsd! > 0);
    assert.deepEqual(summary.exact.map((g) => [g.text, g.count, g.share]), [[' a', 1, 1]]);
  });
});

describe('distribution: exports', () => {
  const samples = [
    { index: 0, status: 'completed' as const, text: ' a, "b"\nc', replaced: '', stopReason: 'stop', usage: { input_tokens: 3, output_tokens: 4 }, durationMs: 5, requests: 1 },
    { index: 1, status: 'completed' as const, text: ' a | b', replaced: '', stopReason: 'stop', usage: { input_tokens: 3, output_tokens: 2 }, durationMs: 5, requests: 1 },
    { index: 2, status: 'failed' as const, text: '', replaced: '', stopReason: null, usage: { input_tokens: 0, output_tokens: 0 }, durationMs: 5, requests: 1, error: { cause: 'Bad request.', nextStep: 'Fix it.' } },
  ];
  const run = {
    request: { endpoint: 'local', model: 'm', temperature: 1, maxTokens: 30, concurrency: 2, prefillTail: 'OK,' },
    samples,
    summary: summarizeSamples(samples, { model: 'm', requested: 3 }),
  };

  it('JSON holds every sample with its usage and error, and the groups with their members', () => {
    const json = JSON.parse(distributionJson(run));
    assert.equal(json.samples.length, 3);
    assert.deepEqual(json.samples[2].error, { cause: 'Bad request.', nextStep: 'Fix it.' });
    assert.deepEqual(json.groups.map((g: any) => g.samples), [[0], [1]]);
    assert.equal(json.request.prefillTail, 'OK,');
  });

  it('CSV has one row per sample, quoting commas, quotes and line breaks', () => {
    const csv = distributionCsv(run);
    assert.equal(csv.split('\r\n')[1], '0,completed," a, ""b""\nc",stop,3,4,');
    assert.equal(csv.trimEnd().split('\r\n').length, 4);
  });

  it('Markdown is the grouped table with pipes and line breaks escaped', () => {
    const md = distributionMarkdown(run);
    assert.match(md, /\| 1 \| 50\.0% \| `  a \\\| b ` \|/);
    assert.match(md, /`  a, "b"\\nc `/);
    assert.match(md, /1 failed/);
  });

  it('JSON also holds the loose groups, the first units, the writing systems and the totals, and a sample without an error has none', () => {
    const json = JSON.parse(distributionJson(run));
    assert.deepEqual(Object.keys(json), ['request', 'samples', 'groups', 'looseGroups', 'firstUnit', 'firstUnits', 'scripts', 'totals']);
    assert.deepEqual(json.samples[0], { index: 0, status: 'completed', text: ' a, "b"\nc', stopReason: 'stop', usage: { input_tokens: 3, output_tokens: 4 } });
    assert.deepEqual(json.groups[1], { text: ' a | b', count: 1, share: 0.5, samples: [1] });
    assert.deepEqual(json.looseGroups, json.groups);
    assert.equal(json.firstUnit, 'word');
    assert.deepEqual(json.firstUnits, [{ text: ' a', count: 2, share: 1, samples: [0, 1] }]);
    assert.deepEqual(json.scripts, [{ script: 'Latin', count: 2, share: 1 }]);
    assert.deepEqual(json.totals, { requested: 3, completed: 2, failed: 1, cancelled: 0, notStarted: 0, usage: { input_tokens: 6, output_tokens: 6 }, costUsd: null });
    assert.ok(distributionJson(run).endsWith('}\n'));
  });

  it('CSV names its columns and gives a failed sample its cause', () => {
    assert.equal(
      distributionCsv(run),
      'index,status,text,stop_reason,input_tokens,output_tokens,error\r\n0,completed," a, ""b""\nc",stop,3,4,\r\n1,completed, a | b,stop,3,2,\r\n2,failed,,,0,0,Bad request.\r\n',
    );
    const cr = distributionCsv({ ...run, samples: [{ ...samples[0], text: 'a\rb' }] }).split('\r\n')[1];
    assert.equal(cr, '0,completed,"a\rb",stop,3,4,');
  });

  it('Markdown says what was asked, the writing systems and the totals', () => {
    assert.equal(
      distributionMarkdown(run),
      [
        '# Distribution at the point: 2 samples',
        '',
        '- Endpoint: local; model: m; temperature: 1; max_tokens: 30',
        '- Prefill ends: ` OK, `',
        '- Writing systems: Latin 100.0%',
        '- Totals: 6 input / 6 output tokens; 1 failed, 0 cancelled',
        '',
        '| Count | Share | Text |',
        '| ---: | ---: | --- |',
        '| 1 | 50.0% | `  a, "b"\\nc ` |',
        '| 1 | 50.0% | `  a \\| b ` |',
        '',
      ].join('\n'),
    );
  });

  it('Markdown gives the cost of a priced model, the API default temperature, cancelled and unstarted samples together, and fences text holding backticks', () => {
    const ticks = [{ ...samples[0], text: ' `x` and ``y``' }, { ...samples[1], status: 'cancelled' as const }];
    const summary = summarizeSamples(ticks, { model: 'claude-haiku-4-5', requested: 4 });
    const md = distributionMarkdown({ request: { ...run.request, model: 'claude-haiku-4-5', temperature: null }, samples: ticks, summary });
    assert.match(md, /^- Endpoint: local; model: claude-haiku-4-5; temperature: API default; max_tokens: 30$/m);
    assert.ok(md.includes(`- Totals: 6 input / 6 output tokens, $${summary.totals.costUsd!.toFixed(6)}; 0 failed, 3 cancelled\n`), md);
    assert.ok(md.includes('| 1 | 100.0% | ```  `x` and ``y`` ``` |'), md);
    const none = distributionMarkdown({ ...run, samples: [samples[2]], summary: summarizeSamples([samples[2]], { model: 'm', requested: 1 }) });
    assert.match(none, /^- Writing systems: none$/m);
  });

  it('Markdown lists each writing system with its share, largest first', () => {
    const mixed = ['中文', ' ab', ' cd'].map((text, index) => ({ ...samples[0], index, text }));
    const md = distributionMarkdown({ ...run, samples: mixed, summary: summarizeSamples(mixed, { model: 'm', requested: 3 }) });
    assert.match(md, /^- Writing systems: Latin 66\.7%, Han 33\.3%$/m);
  });

  it('Markdown keeps each table row on one line whatever line break a sample holds (CR alone, CRLF, LF)', () => {
    const texts = [' a\rb', ' c\r\nd', ' e\nf'];
    const breaks = texts.map((text, index) => ({ ...samples[0], index, text }));
    const md = distributionMarkdown({ ...run, samples: breaks, summary: summarizeSamples(breaks, { model: 'm', requested: 3 }) });
    const rows = md.split(/\r\n|\r|\n/).filter((line) => line.startsWith('| 1 |'));
    assert.deepEqual(rows, ['| 1 | 33.3% | `  a\\rb ` |', '| 1 | 33.3% | `  c\\r\\nd ` |', '| 1 | 33.3% | `  e\\nf ` |']);
  });
});

describe('distribution: the compared prefill', () => {
  it('drops the last word or punctuation mark and the whitespace after it', () => {
    assert.equal(withoutLastWord('Test. OK,'), 'Test. OK');
    assert.equal(withoutLastWord('Test. OK'), 'Test. ');
    assert.equal(withoutLastWord('The cat sat  '), 'The cat ');
    assert.equal(withoutLastWord(''), '');
  });
});

describe('distribution: two runs side by side', () => {
  const groups = (texts: string[], mode: 'exact' | 'loose') => groupTexts(texts.map((text, index) => ({ index, text })), mode);

  it('gives every text of either run one row, with its count and share in each and their difference, largest change first', () => {
    const a = groups([' OK', ' OK', ' OK', ' Sure'], 'exact');
    const b = groups([' Sure', ' Sure', ' OK', ' No'], 'exact');
    assert.deepEqual(alignGroups(a, b, 'exact'), [
      { text: ' OK', countA: 3, shareA: 0.75, countB: 1, shareB: 0.25, difference: -0.5 },
      { text: ' Sure', countA: 1, shareA: 0.25, countB: 2, shareB: 0.5, difference: 0.25 },
      { text: ' No', countA: 0, shareA: 0, countB: 1, shareB: 0.25, difference: 0.25 },
    ]);
    const moved = alignGroups(groups([' x', ' x', ' y'], 'exact'), groups([' x', ' x', ' z'], 'exact'), 'exact');
    assert.deepEqual(moved.map((r) => [r.text, r.difference]), [[' y', -1 / 3], [' z', 1 / 3], [' x', 0]]);
  });

  it('matches the runs’ groups by the key that made them, showing the first run’s text', () => {
    const a = groups([' OK then', ' Sure'], 'loose');
    const b = groups(['ok then', 'ok then'], 'loose');
    assert.deepEqual(alignGroups(a, b, 'loose').map((r) => [r.text, r.countA, r.countB]), [[' OK then', 1, 2], [' Sure', 1, 0]]);
    assert.equal(alignGroups(groups([' OK then'], 'exact'), groups(['ok then'], 'exact'), 'exact').length, 2);
  });
});
