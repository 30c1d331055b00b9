import * as assert from 'node:assert/strict';
import { anthropicEndpoint, ANTHROPIC_DEFAULT_BASE_URL } from '../../src/core/providers/anthropicClient';
import { validateConnectionSettings } from '../../src/core/providers/connectionSettings';
import { baseUrlProblem, endpointRisk } from '../../src/core/providers/endpointSafety';

describe('endpointRisk (where a key may go without asking)', () => {
  it('lets a key go over https anywhere and over http to this machine, however the address is spelt', () => {
    for (const url of [
      'https://api.example.com',
      'https://10.0.0.5:8443/v1',
      'http://127.0.0.1:8080',
      'http://127.3.4.5',
      'http://localhost:3000',
      'http://[::1]:9000',
      'http://[::ffff:127.0.0.1]:4000',
      'http://[0:0:0:0:0:ffff:7f00:1]',
    ]) {
      assert.equal(endpointRisk(url), undefined, url);
    }
  });

  it('asks before plain http elsewhere, or something that is not a URL', () => {
    for (const url of ['http://api.example.com', 'http://10.0.0.5', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example', 'http://[::ffff:10.0.0.5]', 'ftp://127.0.0.1', 'not a url']) {
      assert.notEqual(endpointRisk(url), undefined, url);
    }
    assert.equal(endpointRisk('http://api.example.com'), 'http://api.example.com is plain http, so your API key and text would travel unencrypted.');
    assert.equal(endpointRisk('http://10.0.0.5:8000/v1'), 'http://10.0.0.5:8000/v1 is plain http, so your API key and text would travel unencrypted.');
    assert.equal(endpointRisk('not a url'), 'not a url is not an http(s) URL, so it cannot be checked.');
  });

  it('names link-local and cloud metadata addresses as such (metadata even over https)', () => {
    for (const url of ['http://169.254.10.20', 'http://[fe80::1]:8080', 'http://[::ffff:169.254.1.1]']) assert.match(endpointRisk(url)!, /link-local address/, url);
    for (const url of ['http://169.254.169.254/latest', 'https://169.254.169.254', 'http://[::ffff:169.254.169.254]', 'http://metadata.google.internal', 'http://[fd00:ec2::254]']) {
      assert.match(endpointRisk(url)!, /cloud metadata address/, url);
    }
  });
});

describe('base URL validation', () => {
  it('refuses credentials in a URL with a message that does not repeat them', () => {
    const problem = baseUrlProblem('https://alice:hunter2-secret@gateway.example.com');
    assert.match(problem!, /user name or password/);
    for (const url of ['https://alice@gateway.example.com', 'https://:hunter2@gateway.example.com']) assert.match(baseUrlProblem(url)!, /user name or password/, url);
    const { settings, problems } = validateConnectionSettings({ baseUrl: 'https://alice:hunter2-secret@gateway.example.com' });
    assert.equal(settings.baseUrl, '');
    assert.equal(problems.length, 1);
    assert.ok(!problems[0].includes('hunter2') && !problems[0].includes('alice'), problems[0]);
  });
});

describe('anthropicEndpoint (the URL requests really go to)', () => {
  it('is the setting, else $ANTHROPIC_BASE_URL, else the public API', () => {
    assert.deepEqual(anthropicEndpoint('http://127.0.0.1:1', { ANTHROPIC_BASE_URL: 'http://elsewhere.example' }), { url: 'http://127.0.0.1:1' });
    assert.deepEqual(anthropicEndpoint('', { ANTHROPIC_BASE_URL: 'http://elsewhere.example/' }), { url: 'http://elsewhere.example' });
    assert.deepEqual(anthropicEndpoint('', {}), { url: ANTHROPIC_DEFAULT_BASE_URL });
    assert.deepEqual(anthropicEndpoint('', { ANTHROPIC_BASE_URL: ' https://gateway.example/anthropic// ' }), { url: 'https://gateway.example/anthropic' });
    assert.deepEqual(anthropicEndpoint('', { ANTHROPIC_BASE_URL: '  ' }), { url: ANTHROPIC_DEFAULT_BASE_URL });
    assert.notEqual(endpointRisk(anthropicEndpoint('', { ANTHROPIC_BASE_URL: 'http://elsewhere.example' }).url), undefined, 'an empty setting is no longer safe by itself');
  });

  it('refuses credentials in $ANTHROPIC_BASE_URL without repeating them', () => {
    const endpoint = anthropicEndpoint('', { ANTHROPIC_BASE_URL: 'https://bob:pa55word@gateway.example.com' });
    assert.match(endpoint.problem!, /\$ANTHROPIC_BASE_URL must not contain a user name or password/);
    assert.ok(!JSON.stringify(endpoint).includes('pa55word'));
    assert.equal(endpoint.url, '$ANTHROPIC_BASE_URL', 'what the risk check and the messages name instead');
  });
});
