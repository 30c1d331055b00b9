import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/commandLine';
import { expectedChat, expectedTexts, requestSeeds } from '../server/openai/expected';
import { createSimulatorResponder } from '../server/simulator/simulatorResponder';
import { DEFAULT_API_KEY } from '../server/fakeAnthropic';
import { openAiServerSuite } from './openAiServerSuite';

// `prefill-loom sample` as a child process against the seeded simulator (mixed-script corpus):
// the groups it prints are the ones the simulator itself gives for the run's seeds.

const RUN_SEED = 99;
const N = 30;

function expectedRun(prefill: string, first: number, count: number): string[] {
  return requestSeeds(RUN_SEED, first + count)
    .slice(first)
    .map((seed) => expectedTexts(expectedChat({ model: 'simulator-mixed', max_tokens: 30, temperature: 1, seed, messages: [{ role: 'user', content: 'Test' }, { role: 'assistant', content: prefill }] }, { corpus: 'mixed' }))[0]);
}

function tally(texts: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  texts.forEach((t) => (counts[t] = (counts[t] ?? 0) + 1));
  return counts;
}

const countsOf = (groups: Array<{ text: string; count: number }>): Record<string, number> => Object.fromEntries(groups.map((g) => [g.text, g.count]));
const hasHan = (text: string): boolean => /\p{Script=Han}/u.test(text);

describe('prefill-loom sample (command line)', function () {
  this.timeout(60_000);
  const suite = openAiServerSuite(
    { openAi: { corpus: 'mixed', seed: RUN_SEED }, responder: createSimulatorResponder({ corpus: 'mixed', sequenceSeed: RUN_SEED }) },
    ['mixed'],
  );
  const chatArgs = (): string[] => ['sample', '--api', 'chat', '--base-url', `${suite.server.url}/v1`, '--model', 'simulator-mixed', '--user', 'Test', '--temperature', '1', '--max-tokens', '30'];

  it('prints the samples, their groups, scripts and totals, equal to what the simulator gives the seeds', async () => {
    const run = await runCli([...chatArgs(), '--n', String(N), '--concurrency', '3'], 'OK,', {});
    assert.equal(run.status, 0, run.stderr + JSON.stringify(run.json.error));
    const expected = expectedRun('OK,', 0, N);
    assert.equal(run.json.status, 'completed');
    assert.equal(run.json.samples.length, N);
    assert.deepEqual(countsOf(run.json.groups), tally(expected));
    for (const sample of run.json.samples) assert.deepEqual(Object.keys(sample).sort(), ['index', 'status', 'stop_reason', 'text', 'usage']);
    const han = expected.filter(hasHan).length;
    assert.equal(run.json.scripts.Han ?? 0, han / N);
    assert.equal(run.json.totals.completed, N);
    assert.equal(run.json.request.prefill_tail, 'OK,');
    assert.equal(run.json.request.concurrency, 3);
    assert.deepEqual(run.json.failed, []);
    assert.ok(Array.isArray(run.json.first_tokens.groups) && run.json.first_tokens.unit === 'word');
  });

  it('works on the Messages API too (the same loop)', async () => {
    const run = await runCli(['sample', '--base-url', suite.server.url, '--model', 'claude-haiku-4-5', '--user', 'Test', '--max-tokens', '30', '--n', '12'], 'OK,', { ANTHROPIC_API_KEY: DEFAULT_API_KEY });
    assert.equal(run.status, 0, run.stderr + JSON.stringify(run.json.error));
    assert.deepEqual(countsOf(run.json.groups), tally(expectedRun('OK,', 0, 12)));
    assert.equal(typeof run.json.totals.costUsd, 'number', 'a priced model gets a cost');
  });

  it('with --compare-prefill-file, runs both and aligns each group with its share in both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-sample-'));
    const file = join(dir, 'compare.txt');
    writeFileSync(file, 'OK');
    const run = await runCli([...chatArgs(), '--n', '20', '--concurrency', '1', '--compare-prefill-file', file], 'OK,', {});
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(countsOf(run.json.groups), tally(expectedRun('OK,', 0, 20)));
    assert.deepEqual(countsOf(run.json.compare.groups), tally(expectedRun('OK', 20, 20)));
    assert.equal(run.json.compare.request.prefill_tail, 'OK');
    for (const row of run.json.compare.aligned) {
      assert.equal(row.share, (run.json.groups.find((g: any) => g.text === row.text)?.share ?? 0));
      assert.equal(row.compare_share, (run.json.compare.groups.find((g: any) => g.text === row.text)?.share ?? 0));
      assert.equal(row.difference, row.compare_share - row.share);
    }
  });

  it('lists a failed sample with its cause and exits 1', async () => {
    suite.server.enqueueFault({ kind: 'status', status: 400 });
    const run = await runCli([...chatArgs(), '--n', '5', '--concurrency', '1'], 'OK,', {});
    assert.equal(run.status, 1);
    assert.equal(run.json.status, 'failed');
    assert.equal(run.json.samples.length, 5);
    assert.equal(run.json.failed.length, 1);
    assert.ok(run.json.failed[0].cause.length > 0 && run.json.failed[0].next_step.length > 0);
    assert.equal(run.json.groups.reduce((sum: number, g: any) => sum + g.count, 0), 4);
  });

  for (const [args, message] of [
    [[], /--n N/],
    [['--n', '0'], /--n must be a whole number/],
    [['--n', 'x'], /--n must be a whole number/],
    [['--n', '2', '--samples', '3'], /--samples is an option of probe/],
  ] as const) {
    it(`exits 2 on bad options: ${args.join(' ') || '(no --n)'}`, async () => {
      const run = await runCli([...chatArgs(), ...args], 'OK,', {});
      assert.equal(run.status, 2);
      assert.match(run.stderr, message);
      assert.equal(suite.server.requests.length, 0, 'nothing was sent');
    });
  }

  it('continue refuses --n, which belongs to sample', async () => {
    const run = await runCli(['continue', '--n', '3'], 'OK,', {});
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--n is an option of sample/);
  });
});
