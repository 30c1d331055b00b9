import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createAnthropicClient } from '../../src/core/providers/anthropicClient';
import { runProbe } from '../../src/core/reproducibility/prefillProbe';
import { probeSplitPoints } from '../../src/core/reproducibility/probeSplitPoints';
import { runCli, runCliInProcess, tempFile } from '../harness/commandLine';
import { eventually } from '../harness/eventually';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { createSimulatorResponder } from '../server/simulator/simulatorResponder';

const KEY = 'sk-ant-cli-probe-key';
const USER = 'Tell me a story.';
const MODEL = 'claude-simulator';
/** See prefillProbe.test.ts: the simulator continues this with text whose word cut after "isn'" re-tokenizes and diverges. */
const PREFILL = 'Holmes laughed';

// In-process on the compiled sources (what mutation testing sees); the SIGINT test runs the bundle.
const cli = (args: string[], stdin: string) => runCliInProcess(args, stdin, { ANTHROPIC_API_KEY: KEY });

describe('prefill-loom probe (command line)', function () {
  this.timeout(30_000);
  let server: FakeAnthropic;
  let completion: string;
  const common = () => ['--base-url', server.url, '--model', MODEL, '--user', USER, '--temperature', '0'];

  before(async () => {
    server = await startFakeAnthropic({ apiKey: KEY, responder: createSimulatorResponder() });
    // The original completion, written by the same command line tool a user would use.
    const original = await cli(['continue', ...common(), '--max-tokens', '40', '--max-total-tokens', '40'], PREFILL + ' ');
    assert.equal(original.status, 0, original.stderr);
    completion = original.json.text;
    server.reset();
  });
  afterEach(() => server.reset());
  after(() => server.close());

  it('prints the same findings as the probe run in-process, one entry per split point', async () => {
    const file = tempFile('completion.txt', completion);
    const run = await cli(['probe', ...common(), '--completion-file', file, '--probe-tokens', '6', '--samples', '2'], PREFILL + ' ');
    assert.equal(run.status, 0, run.stderr);

    server.reset();
    const client = createAnthropicClient({ apiKey: KEY, baseUrl: server.url, timeoutMs: 20_000, maxRetries: 0 });
    const params = { model: MODEL, user: USER, temperature: 0, max_tokens: 1024 };
    const expected = await runProbe({ client, params, basePrefill: PREFILL, nodeText: completion, split: 'word', samples: 2, probeTokens: 6 });

    assert.deepEqual(
      run.json.points,
      expected.points.map((p) => ({
        offset: p.offset,
        expected: p.expected,
        got: p.samples.map((s) => s.text),
        consistent: p.samples.map((s) => s.consistent),
        verdict: p.verdict,
        ...(p.divergesAt === undefined ? {} : { divergesAt: p.divergesAt }),
      })),
    );
    const cut = completion.indexOf("isn'") + "isn'".length;
    assert.equal(run.json.points.find((p: any) => p.offset === cut)?.verdict, 'divergent');
    const count = (verdict: string) => run.json.points.filter((p: any) => p.verdict === verdict).length;
    assert.deepEqual(run.json.summary, { points: run.json.points.length, consistent: count('consistent'), divergent: count('divergent'), mixed: 0, failed: 0 });
    assert.ok(run.json.summary.consistent > 10 && run.json.summary.divergent >= 1);
    assert.deepEqual(
      { status: run.json.status, model: run.json.model, params: run.json.params, split: run.json.split, samples: run.json.samples, probeTokens: run.json.probeTokens, usage: run.json.usage, costUsd: run.json.costUsd },
      { status: 'completed', model: MODEL, params, split: 'word', samples: 2, probeTokens: 6, usage: expected.usage, costUsd: null },
    );
    assert.ok(!JSON.stringify(run.json).includes(KEY), 'the key never appears in the output');
  });

  it('probes every character with --split char, within --max-points', async () => {
    const run = await cli(['probe', ...common(), '--completion-file', tempFile('c.txt', completion), '--split', 'char', '--max-points', '7'], PREFILL);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.json.points.length, 7);
    assert.equal(run.json.points[0].offset, 1);
    assert.equal(server.requests.length, 7);
    assert.ok(server.requests.every((r) => (r.body as any).max_tokens === 8), 'the default probe is 8 tokens');
  });

  it('reports failed requests per sample and exits with 1', async () => {
    server.enqueueFault({ kind: 'status', status: 429, retryAfterSeconds: 0 });
    const run = await cli(['probe', ...common(), '--completion-file', tempFile('c.txt', completion), '--max-points', '3', '--concurrency', '1', '--max-retries', '0'], PREFILL);
    assert.equal(run.status, 1);
    assert.equal(run.json.points.length, 3);
    assert.equal(run.json.points[0].verdict, 'failed');
    assert.match(run.json.points[0].errors[0], /429/);
    assert.ok(run.json.points.slice(1).every((p: any) => p.errors === undefined && p.verdict !== 'failed'));
    assert.equal(run.json.summary.failed, 1);
  });

  it('stops on Ctrl-C, printing what it has and exiting with 130', async () => {
    server.enqueueFault({ kind: 'hang' });
    let child: ChildProcess | undefined;
    const running = runCli(['probe', ...common(), '--completion-file', tempFile('c.txt', completion)], PREFILL, { ANTHROPIC_API_KEY: KEY }, (c) => (child = c));
    await eventually(() => server.requests.length > 0, 'the first probe request');
    child?.kill('SIGINT');
    const run = await running;
    assert.equal(run.status, 130, run.stderr);
    assert.equal(run.json.status, 'cancelled');
    // The hung request's point never finished, so it is missing; the points that did finish are kept.
    assert.ok(run.json.points.length < probeSplitPoints(completion, 'word').length);
    assert.equal(run.json.summary.points, run.json.points.length);
  });

  it('rejects bad probe options with the usage text, sending nothing', async () => {
    const file = tempFile('c.txt', completion);
    const cases: Array<[string[], RegExp]> = [
      [['probe', ...common()], /--completion-file/],
      [['probe', ...common(), '--completion-file', file, '--split', 'tokens'], /--split must be word, char or token/],
      [['probe', ...common(), '--completion-file', file, '--split', 'token'], /--split token needs --completion-file to be the JSON[^]*--logprobs/],
      [['probe', ...common(), '--completion-file', file, '--samples', '0'], /--samples must be a whole number/],
      [['probe', ...common(), '--completion-file', file, '--probe-tokens', 'many'], /--probe-tokens/],
      [['probe', ...common(), '--completion-file', path.join(path.dirname(file), 'missing.txt')], /ENOENT|no such file/],
      [['continue', ...common(), '--split', 'char'], /--split is an option of probe/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args, PREFILL);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.match(run.stderr, /Usage: prefill-loom continue[^]*prefill-loom probe --completion-file/);
    }
    const unsplittable = await cli(['probe', ...common(), '--completion-file', tempFile('c.txt', 'word')], PREFILL);
    assert.equal(unsplittable.status, 2);
    assert.match(unsplittable.json.error.cause, /no point to split at/);
    const badTemperature = await cli(['probe', ...common(), '--completion-file', file, '--temperature', '3'], PREFILL);
    assert.equal(badTemperature.status, 2);
    assert.match(badTemperature.json.error.cause, /temperature/);
    assert.equal(server.requests.length, 0);
  });
});
