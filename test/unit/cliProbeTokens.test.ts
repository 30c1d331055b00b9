import * as assert from 'node:assert/strict';
import { runCli, tempFile } from '../harness/commandLine';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { simulatorModel } from '../server/simulator/trainedModel';

/** See probeTokenSplit.test.ts: the simulator's continuation after this diverges when prefilled up to "," and ", and". */
const PROMPT = 'The old woman nodded (it was late)';

describe('prefill-loom probe --split token (command line, completions route)', function () {
  this.timeout(60_000);
  let server: FakeAnthropic;
  const common = () => ['--api', 'completions', '--base-url', `${server.url}/v1`, '--model', 'simulator', '--temperature', '0'];

  before(async function () {
    this.timeout(30_000);
    simulatorModel();
    server = await startFakeAnthropic();
  });
  afterEach(() => server.reset());
  after(() => server.close());

  it('probes the output of continue --logprobs at the model’s own token boundaries', async () => {
    const original = await runCli(['continue', ...common(), '--max-tokens', '40', '--max-total-tokens', '40', '--logprobs', '0'], PROMPT, {});
    assert.equal(original.status, 0, original.stderr);
    const tokens: Array<{ text: string }> = original.json.tokens;
    const file = tempFile('completion.json', JSON.stringify(original.json));

    const run = await runCli(['probe', ...common(), '--split', 'token', '--completion-file', file, '--probe-tokens', '6'], PROMPT, {});
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.json.split, 'token');
    const ends = tokens.map((_, i) => tokens.slice(0, i + 1).map((t) => t.text).join('').length);
    assert.deepEqual(
      run.json.points.map((p: { offset: number }) => p.offset),
      ends.filter((k) => k < original.json.text.length),
    );
    const divergent = run.json.points.filter((p: { verdict: string }) => p.verdict === 'divergent').map((p: { offset: number }) => p.offset);
    assert.deepEqual(divergent.slice(0, 2), [1, ', and'.length]);
    // Each probe request prefilled the prompt and the completion's first n tokens, exactly.
    const prompts = server.requests.filter((r) => r.path === '/v1/completions').map((r) => (r.body as { prompt: string }).prompt);
    assert.ok(prompts.includes(PROMPT + tokens[0].text));
  });

  it('refuses a plain-text completion or tokens that do not make up its text, sending nothing', async () => {
    const plain = await runCli(['probe', ...common(), '--split', 'token', '--completion-file', tempFile('c.txt', ', and I')], PROMPT, {});
    assert.equal(plain.status, 2);
    assert.match(plain.stderr, /--split token needs --completion-file to be the JSON that "prefill-loom continue --logprobs N" prints/);
    const mismatched = JSON.stringify({ text: ', and I', tokens: [{ text: ', or', logprob: -1, top: [] }] });
    const run = await runCli(['probe', ...common(), '--split', 'token', '--completion-file', tempFile('c.json', mismatched)], PROMPT, {});
    assert.equal(run.status, 2);
    assert.match(run.json.error.cause, /do not make up its text/);
    assert.equal(server.requests.length, 0);
  });
});
