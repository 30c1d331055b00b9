import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
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

describe('the curl command, as the shell hands it to curl', function () {
  this.timeout(20_000); // a real bash per case, on a loaded machine
  /** The arguments curl would get and the standard input it would read, from a real bash. */
  function curlSees(request: CapturedRequest, env: Record<string, string>): string {
    const command = toCurlCommand(request).replace(/^curl/, 'f');
    // --norc: bash run with a socket as standard input reads ~/.bashrc otherwise.
    return execFileSync('bash', ['--norc', '-c', `f() { printf '[%s]\\n' "$@"; cat; }; ${command}`], { env: { PATH: process.env.PATH, ...env } }).toString();
  }

  it('passes the URL and method as they are, keeps the headers a server reads and drops the SDK\'s own', () => {
    const seen = curlSees(
      {
        url: "http://127.0.0.1:8000/v1/chat/completions?who=it's",
        method: 'PUT',
        headers: {
          authorization: REDACTED,
          'content-type': 'application/json',
          'accept-encoding': 'gzip',
          accept: 'application/json',
          'user-agent': 'OpenAI/JS 5.0',
          'content-length': '2',
          'x-stainless-retry-count': '0',
          'x-custom': "it's $HOME",
        },
        body: '',
      },
      { OPENAI_API_KEY: 'key-1' },
    );
    assert.equal(
      seen,
      [
        "[http://127.0.0.1:8000/v1/chat/completions?who=it's]",
        '[-X]',
        '[PUT]',
        '[-H]',
        '[authorization: Bearer key-1]',
        '[-H]',
        '[content-type: application/json]',
        '[-H]',
        '[accept-encoding: gzip]',
        '[-H]',
        "[x-custom: it's $HOME]",
        '',
      ].join('\n'),
    );
  });

  it('reads the Messages key for a Messages request however it is sent, and a gateway header from its own variable, never running its name', () => {
    const headers = { authorization: REDACTED, 'x-$(echo ran)': REDACTED, '$(echo ran)-y': REDACTED };
    const env = { ANTHROPIC_API_KEY: 'anthropic-1', OPENAI_API_KEY: 'openai-1', 'X___ECHO_RAN_': 'gateway-1', '__ECHO_RAN__Y': 'gateway-2' };
    for (const url of ['https://gateway.example/v1/messages', 'https://gateway.example/v1/messages?beta=true', 'https://gateway.example/v1/messages/count_tokens']) {
      assert.equal(curlSees({ url, method: 'POST', headers, body: '' }, env), `[${url}]\n[-X]\n[POST]\n[-H]\n[authorization: Bearer anthropic-1]\n[-H]\n[x-$(echo ran): gateway-1]\n[-H]\n[$(echo ran)-y: gateway-2]\n`, url);
    }
    for (const url of ['https://gateway.example/v1/messages/batches', 'https://gateway.example/v1/chat/completions']) {
      assert.match(curlSees({ url, method: 'POST', headers, body: '' }, env), /\[authorization: Bearer openai-1\]/, url);
    }
    assert.equal(
      curlKeyNote({ url: 'https://gateway.example/v1/chat/completions', method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '' }),
      'It reads $OPENAI_API_KEY and $X___ECHO_RAN_ and $__ECHO_RAN__Y from the environment.',
    );
    assert.equal(curlKeyNote({ url: 'https://gateway.example/v1/complete', method: 'POST', headers: { 'x-api-key': REDACTED }, body: '' }), 'It reads $ANTHROPIC_API_KEY from the environment.', 'an x-api-key header is the Messages key wherever it goes');
  });

  it('ends the body at a delimiter no line of it equals, however many of them it holds', () => {
    const body = 'PREFILL_LOOM_BODY\nPREFILL_LOOM_BODY_2\n{"a":1}';
    assert.equal(curlSees({ url: 'https://api.example.test/v1/completions', method: 'POST', headers: {}, body }, {}), `[https://api.example.test/v1/completions]\n[-X]\n[POST]\n[--data-binary]\n[@-]\n${body}\n`);
    assert.match(toCurlCommand({ url: 'https://api.example.test', method: 'POST', headers: {}, body }), /<<'PREFILL_LOOM_BODY_3'\n/);
  });

  it('sends no body, and reads nothing, for a request without one', () => {
    assert.equal(toCurlCommand({ url: 'https://api.example.test/v1/models', method: 'GET', headers: {}, body: '' }), "curl 'https://api.example.test/v1/models' \\\n  -X GET");
  });
});

describe('request capture of what the SDKs really send', () => {
  const answer = async () => new Response('{}', { status: 500 });

  it('shows every header the Anthropic and OpenAI packages add as it is, and only the key redacted', async () => {
    const seen: CapturedRequest[] = [];
    const fetcher = capturingFetch((r) => seen.push(r), answer);
    const anthropic = new Anthropic({ apiKey: 'sk-ant-capture-0001', baseURL: 'http://127.0.0.1:1', maxRetries: 0, fetch: fetcher });
    await anthropic.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
    const openai = new OpenAI({ apiKey: 'sk-openai-capture-0002', baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0, fetch: fetcher });
    await openai.completions.create({ model: 'm', prompt: 'hi' }).catch(() => undefined);
    assert.equal(seen.length, 2);
    for (const request of seen) {
      const redacted = Object.keys(request.headers).filter((name) => request.headers[name] === REDACTED);
      assert.equal(redacted.length, 1, redacted.join());
      assert.match(redacted[0], /^(x-api-key|authorization)$/);
      assert.ok(Object.keys(request.headers).some((name) => name.startsWith('x-stainless-')), 'the SDK bookkeeping headers are there to be shown');
    }
  });

  it('records a request given without options, or with a body that is not text, with an empty body', async () => {
    const seen: CapturedRequest[] = [];
    const fetcher = capturingFetch((r) => seen.push(r), answer);
    await fetcher('http://127.0.0.1:1/v1/models');
    await fetcher('http://127.0.0.1:1/v1/files', { method: 'POST', body: new Uint8Array([123, 125]) });
    assert.deepEqual(seen.map((r) => [r.method, r.body]), [['GET', ''], ['POST', '']]);
  });
});
