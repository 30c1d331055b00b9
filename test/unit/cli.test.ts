import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli, runCliInProcess, runCliRaw } from '../harness/commandLine';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { STORY } from '../server/storyResponder';

const KEY = 'sk-ant-cli-key';

// In-process on the compiled sources, so mutation testing sees these tests; the first test also runs the bundle.
const cli = (args: string[], stdin: string | Buffer, env: Record<string, string | undefined> = {}) => runCliInProcess(args, stdin, { ANTHROPIC_API_KEY: KEY, ...env });
const bundled = (args: string[], stdin: string, env: Record<string, string | undefined> = {}) => runCli(args, stdin, { ANTHROPIC_API_KEY: KEY, ...env });

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

  it('stops within the budget and says why on standard error when the server reports 0 output tokens', async () => {
    server.enqueueFault({ kind: 'usage', outputTokens: 0, times: 1000 });
    const run = await cli(['continue', '--base-url', server.url, '--max-tokens', '5', '--max-total-tokens', '20'], STORY.slice(0, 50).trimEnd());
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.json.requests.length, 4);
    assert.match(run.stderr, /prefill-loom: The server reported 0 output tokens .* the output budget counted 5 instead\./);
    assert.equal(run.json.warnings.length, 1);
  });

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

  it('sends a header conversation before the prefill and shows its turns with every request', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loom-cli-'));
    const file = path.join(dir, 'prefill.md');
    writeFileSync(file, '---\nmessages:\n  - user: One\n  - assistant: Two\n  - user: Three\n---\nDear diary,');
    const run = await cli(['continue', '--prefill-file', file, '--base-url', server.url], '');
    assert.equal(run.status, 0, run.stderr);
    const turns = [
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Two' },
      { role: 'user', content: 'Three' },
    ];
    assert.deepEqual((server.requests.at(-1)?.body as any).messages, [...turns, { role: 'assistant', content: 'Dear diary,' }]);
    assert.deepEqual(run.json.requests[0].turns, turns);
  });

  it('exits non-zero with the cause when the key is rejected', async () => {
    const run = await cli(['continue', '--base-url', server.url], 'Hello', { ANTHROPIC_API_KEY: 'wrong' });
    assert.equal(run.status, 1);
    assert.equal(run.json.status, 'failed');
    assert.match(run.json.error.cause, /401/);
    assert.ok(!JSON.stringify(run.json).includes('wrong'), 'the key never appears in the output');
  });

  it('prints no key a server echoes in its error text, neither in the report nor on standard error', async () => {
    const configured = 'gateway-credential-9f8e7d6c5b4a';
    const echo = createServer((req, res) => {
      const sent = String(req.headers['x-api-key']);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${sent}; also tried sk-ant-api03-someone-elses-key` } }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const run = await runCliRaw(['continue', '--base-url', url, '--max-retries', '0'], 'Hello', { ANTHROPIC_API_KEY: configured });
      assert.equal(run.status, 1);
      assert.match(run.stdout, /401/);
      assert.match(run.stdout, /<redacted>/);
      for (const secret of [configured, 'sk-ant-api03-someone-elses-key']) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), secret);
    } finally {
      echo.close();
    }
  });

  it('sends to an IPv4-mapped loopback address ([::ffff:127.0.0.1]) without a word: it is this machine', async () => {
    const port = new URL(server.url).port;
    const run = await cli(['continue', '--base-url', `http://[::ffff:127.0.0.1]:${port}`, '--max-tokens', '5', '--max-total-tokens', '5'], 'Hello');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.equal(server.requests.length, 1);
  });

  it('refuses to send the key over plain http off this machine (from --base-url or $ANTHROPIC_BASE_URL) unless --allow-plain-http, which warns on stderr', async () => {
    // The bundle: the warning is written to the process's stderr by the generation setup.
    // 0.0.0.0 reaches the local test server, yet is not a loopback address: the rule must ask.
    const offLoopback = `http://0.0.0.0:${new URL(server.url).port}`;
    for (const [args, env] of [[['--base-url', offLoopback], {}], [[], { ANTHROPIC_BASE_URL: offLoopback }]] as const) {
      const run = await bundled(['continue', ...args, '--max-tokens', '5', '--max-total-tokens', '5'], 'Hello', env);
      assert.equal(run.status, 2, JSON.stringify(env));
      assert.match(run.json.error.cause, /is plain http, so your API key and text would travel unencrypted/);
      assert.match(run.json.error.next_step, /--allow-plain-http/);
    }
    assert.equal(server.requests.length, 0, 'nothing was sent');
    const allowed = await bundled(['continue', '--base-url', offLoopback, '--allow-plain-http', '--max-tokens', '5', '--max-total-tokens', '5'], 'Hello');
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(allowed.stderr, /^prefill-loom: warning: http:\/\/0\.0\.0\.0:\d+ is plain http/);
    assert.equal(server.requests.length, 1);
  });

  it('refuses a base URL with a user name and password, without repeating them', async () => {
    const port = new URL(server.url).port;
    for (const [args, env] of [[['--base-url', `http://alice:hunter2pass@127.0.0.1:${port}`], {}], [[], { ANTHROPIC_BASE_URL: `http://alice:hunter2pass@127.0.0.1:${port}` }]] as const) {
      const run = await runCliRaw(['continue', ...args], 'Hello', { ANTHROPIC_API_KEY: KEY, ...env });
      assert.equal(run.status, 2);
      assert.match(run.stdout, /must not contain a user name or password/);
      assert.ok(!run.stdout.includes('hunter2pass') && !run.stderr.includes('hunter2pass'), run.stdout);
    }
    assert.equal(server.requests.length, 0);
  });

  describe('input read as the editor reads a file', () => {
    const sent = () => {
      const body = server.requests.at(-1)?.body as any;
      return { prefill: body.messages.at(-1).content, maxTokens: body.max_tokens };
    };
    const run = (input: string | Buffer) => cli(['continue', '--base-url', server.url, '--max-total-tokens', '5'], input);

    it('CR-only line ends: the header is read as a header and not sent', async () => {
      const result = await run('---\rmax_tokens: 5\r---\rDear diary,\rtoday');
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(sent(), { prefill: 'Dear diary,\r\ntoday', maxTokens: 5 }, 'CR-only becomes CRLF, as the editor opens it');
    });

    it('CRLF line ends: the header is read and the body keeps its line ends', async () => {
      const result = await run('---\r\nmax_tokens: 5\r\n---\r\nDear diary,\r\ntoday');
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(sent(), { prefill: 'Dear diary,\r\ntoday', maxTokens: 5 });
    });

    it('a byte-order mark is dropped, with or without a header', async () => {
      await run('\uFEFFDear diary,');
      assert.equal(sent().prefill, 'Dear diary,');
      await run('\uFEFF---\nmax_tokens: 5\n---\nDear diary,');
      assert.deepEqual(sent(), { prefill: 'Dear diary,', maxTokens: 5 });
    });

    it('bytes that are not UTF-8 are refused with exit status 2 and a message, nothing sent', async () => {
      const result = await run(Buffer.from([0x44, 0x65, 0x61, 0x72, 0xff, 0x20, 0x64]));
      assert.equal(result.status, 2);
      assert.match(result.stderr, /standard input: the input is not valid UTF-8 \(first bad byte at offset 4\)/);
      assert.equal(server.requests.length, 0);
    });
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
