import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { REDACTED, capturingFetch, type CapturedRequest } from '../../src/core/providers/capturedRequest';
import { toCurlCommand } from '../../src/core/providers/curlCommand';

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
    // Let a real shell parse the quoting: swap curl for printf so the body comes back as one argument.
    const echoed = execFileSync('bash', ['-c', `set -- ; f() { while [ "$1" != --data-raw ]; do shift; done; printf %s "$2"; }; ${command.replace(/^curl/, 'f')}`], {
      env: { ANTHROPIC_API_KEY: 'k' },
    }).toString();
    assert.equal(echoed, body);
  });
});
