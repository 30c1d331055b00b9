import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REDACTED, capturingFetch, redactHeaders, type CapturedRequest } from '../../src/core/providers/capturedRequest';
import { curlKeyNote, toCurlCommand } from '../../src/core/providers/curlCommand';

describe('request capture and curl', () => {
  it('captures what fetch is given, with credentials redacted', async () => {
    const seen: CapturedRequest[] = [];
    const fetcher = capturingFetch((r) => seen.push(r), async () => new Response('ok'));
    await fetcher('http://127.0.0.1:1/v1/messages', {
      method: 'POST',
      headers: { 'X-Api-Key': 'sk-ant-secret', Authorization: 'Bearer sk-ant-secret', 'anthropic-version': '2026-10-21' },
      body: '{"a":1}',
    });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].headers['x-api-key'], REDACTED);
    assert.equal(seen[0].headers.authorization, REDACTED);
    assert.equal(seen[0].headers['anthropic-version'], '2026-10-21');
    assert.equal(seen[0].body, '{"a":1}');
    assert.ok(!JSON.stringify(seen).includes('sk-ant-secret'));
  });

  it('captures what a Request built from the same arguments holds, whatever form they take', async () => {
    const cases: Array<() => [Parameters<typeof fetch>[0], RequestInit | undefined]> = [
      () => ['http://127.0.0.1:1/v1/completions', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Stainless-Retry-Count': '0', Authorization: 'Bearer k' }, body: '{"a":1}', signal: new AbortController().signal }],
      () => ['http://127.0.0.1:1/v1/x?q=a b#f', { method: 'post', headers: [['Accept', 'text/event-stream']], body: 'text without a type' }],
      () => [new URL('HTTP://LOCALHOST:1/a/../b'), undefined],
      () => ['http://127.0.0.1:1/', { method: 'delete', headers: new Headers({ 'user-agent': 'u' }) }],
      () => ['http://127.0.0.1:1/', { method: 'patch', body: 'x' }],
      () => [new Request('http://127.0.0.1:1/r', { method: 'PUT', body: 'r', headers: { 'x-api-key': 'k' } }), { headers: { accept: '*/*' } }],
      () => ['http://127.0.0.1:1/', { method: 'POST', body: new URLSearchParams({ a: '1' }) }],
    ];
    for (const make of cases) {
      const seen: CapturedRequest[] = [];
      await capturingFetch((r) => seen.push(r), async () => new Response('ok'))(...make());
      const [input, init] = make();
      const request = new Request(input, init);
      assert.deepEqual(seen, [{ url: request.url, method: request.method, headers: redactHeaders(request.headers), body: typeof init?.body === 'string' ? init.body : '' }]);
    }
  });

  it('renders a curl command whose body survives the shell exactly and reads the key from the environment', () => {
    const body = JSON.stringify({ messages: [{ role: 'assistant', content: "It's a \"test\" with $HOME and `ticks`\n" }] });
    const command = toCurlCommand({
      url: 'https://api.example.test/v1/messages',
      method: 'POST',
      headers: { 'x-api-key': REDACTED, 'content-type': 'application/json', 'x-stainless-os': 'Linux' },
      body,
    });
    assert.match(command, /-H "x-api-key: \$ANTHROPIC_API_KEY"/);
    assert.doesNotMatch(command, /x-stainless/);
    assert.doesNotMatch(command, /<redacted>/);
    // A real shell parses the command: curl is swapped for a function that prints its standard input.
    const echoed = execFileSync('bash', ['-c', `f() { cat; }; ${command.replace(/^curl/, 'f')}`], { env: { ANTHROPIC_API_KEY: 'k' } }).toString();
    assert.equal(echoed, `${body}\n`);
    const framed = 'PREFILL_LOOM_BODY\nnot the end';
    const raw = toCurlCommand({ url: 'https://api.example.test', method: 'POST', headers: {}, body: framed });
    assert.equal(execFileSync('bash', ['-c', `f() { cat; }; ${raw.replace(/^curl/, 'f')}`]).toString(), `${framed}\n`, 'a body line equal to the delimiter does not end it');
  });

  it('says which variable the command reads the key from, or that it sends none', () => {
    const request = (url: string, headers: Record<string, string>): CapturedRequest => ({ method: 'POST', url, headers, body: '{}' });
    assert.match(curlKeyNote(request('https://api.anthropic.com/v1/messages', { 'x-api-key': REDACTED })), /\$ANTHROPIC_API_KEY/);
    assert.match(curlKeyNote(request('https://api.together.xyz/v1/completions', { authorization: REDACTED })), /\$OPENAI_API_KEY/);
    assert.match(curlKeyNote(request('http://127.0.0.1:8000/v1/chat/completions', {})), /sends no key/);
    assert.match(curlKeyNote(request('https://gateway.example/v1/messages', { 'x-api-key': REDACTED, 'x-gateway-token': REDACTED })), /\$X_GATEWAY_TOKEN/);
  });

  it('redacts every header not known to be harmless, such as a gateway token from ANTHROPIC_CUSTOM_HEADERS', async () => {
    const seen: CapturedRequest[] = [];
    const fetcher = capturingFetch((r) => seen.push(r), async () => new Response('ok'));
    await fetcher('http://127.0.0.1:1/v1/messages', {
      method: 'POST',
      headers: { 'cf-aig-authorization': 'Bearer gateway-token-1234', 'x-portkey-api-key': 'pk-portkey-5678', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: '{}',
    });
    assert.deepEqual(seen[0].headers, { 'cf-aig-authorization': REDACTED, 'x-portkey-api-key': REDACTED, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
    const command = toCurlCommand(seen[0]);
    assert.ok(!command.includes('gateway-token-1234') && !command.includes('pk-portkey-5678'), command);
    assert.match(command, /-H "cf-aig-authorization: \$CF_AIG_AUTHORIZATION"/);
  });

  it('a 300 KiB body reaches the server exactly through a real bash and curl (no "Argument list too long")', async function () {
    this.timeout(20_000);
    const received: Buffer[] = [];
    const server = createServer((req, res) => {
      req.on('data', (d: Buffer) => received.push(d));
      req.on('end', () => res.end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = JSON.stringify({ messages: [{ role: 'assistant', content: "it's 'quoted' $HOME `x`\n" + 'y'.repeat(300 * 1024) }] });
      const command = toCurlCommand({ url: `http://127.0.0.1:${port}/v1/messages`, method: 'POST', headers: { 'x-api-key': REDACTED, 'content-type': 'application/json' }, body });
      // As pasted into a terminal: the shell reads the command itself, not an argument (that is what fails).
      const child = spawn('bash', ['-s'], { env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: 'k' }, stdio: ['pipe', 'ignore', 'inherit'] });
      child.stdin.end(`${command}\n`);
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(status, 0);
      assert.equal(Buffer.concat(received).toString('utf8'), `${body}\n`);
    } finally {
      server.close();
    }
  });
});
