import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli, runCliInProcess } from '../harness/commandLine';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { STORY } from '../server/storyResponder';

const KEY = 'sk-ant-cli-key';

// In-process on the compiled sources, so mutation testing sees these tests; the first test also runs the bundle.
const cli = (args: string[], stdin: string, env: Record<string, string | undefined> = {}) => runCliInProcess(args, stdin, { ANTHROPIC_API_KEY: KEY, ...env });
const bundled = (args: string[], stdin: string) => runCli(args, stdin, { ANTHROPIC_API_KEY: KEY });

describe('prefill-loom continue (command line)', function () {
  this.timeout(20_000);
  let server: FakeAnthropic;
  before(async () => {
    server = await startFakeAnthropic({ apiKey: KEY });
  });
  afterEach(() => server.reset());
  after(() => server.close());

  for (const [how, command] of [['in-process', cli], ['the bundle', bundled]] as const) {
    it(`prints the continuation and every request as JSON (${how})`, async () => {
      const prefill = STORY.slice(0, 50).trimEnd() + ' ';
      const run = await command(['continue', '--base-url', server.url, '--temperature', '0', '--max-tokens', '8', '--max-total-tokens', '100000'], prefill);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(prefill.trimEnd() + run.json.text, STORY);
      assert.equal(run.json.replaced, ' ');
      assert.equal(run.json.status, 'completed');
      assert.ok(run.json.requests.length > 3);
      assert.equal(run.json.requests[0].prefill, prefill.trimEnd());
      assert.equal(run.json.requests[0].stop_reason, 'max_tokens');
      assert.equal(run.json.requests.at(-1).stop_reason, 'end_turn');
      assert.equal(run.json.usage.output_tokens, run.json.requests.reduce((n: number, r: any) => n + r.usage.output_tokens, 0));
      assert.equal(typeof run.json.cost_usd, 'number');
    });
  }

  it('reads the prefill from a file and takes user, system and model', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loom-cli-'));
    const file = path.join(dir, 'prefill.txt');
    writeFileSync(file, 'Dear diary,');
    const run = await cli(['continue', '--prefill-file', file, '--base-url', server.url, '--user', 'Write.', '--system', 'Be terse.', '--model', 'claude-haiku-4-5'], '');
    assert.equal(run.status, 0, run.stderr);
    const body = server.requests.at(-1)?.body as any;
    assert.equal(body.model, 'claude-haiku-4-5');
    assert.equal(body.system, 'Be terse.');
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'Write.' },
      { role: 'assistant', content: 'Dear diary,' },
    ]);
    assert.ok(run.json.text.length > 0);
  });

  it('exits non-zero with the cause when the key is rejected', async () => {
    const run = await cli(['continue', '--base-url', server.url], 'Hello', { ANTHROPIC_API_KEY: 'wrong' });
    assert.equal(run.status, 1);
    assert.equal(run.json.status, 'failed');
    assert.match(run.json.error.cause, /401/);
    assert.ok(!JSON.stringify(run.json).includes('wrong'), 'the key never appears in the output');
  });

  it('rejects malformed options without sending anything', async () => {
    const run = await cli(['continue', '--base-url', server.url, '--temperature', 'hot'], 'Hello');
    assert.equal(run.status, 2);
    assert.match(run.json.error.cause, /temperature/);
    assert.equal(server.requests.length, 0);
  });

  it('explains a missing key', async () => {
    const run = await cli(['continue', '--base-url', server.url], 'Hello', { ANTHROPIC_API_KEY: undefined });
    assert.equal(run.status, 2);
    assert.match(run.json.error.next_step, /ANTHROPIC_API_KEY/);
  });

  it('rejects an unknown option with the usage text', async () => {
    const run = await cli(['continue', '--bogus'], '');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /Usage: prefill-loom continue/);
  });
});
