import * as assert from 'node:assert/strict';
import { isSafeEndpoint } from '../../src/core/providers/endpointSafety';

describe('isSafeEndpoint', () => {
  it('allows the default endpoint, https anywhere and http to this machine', () => {
    for (const url of ['', 'https://api.example.com', 'https://10.0.0.5:8443/v1', 'http://127.0.0.1:8080', 'http://127.3.4.5', 'http://localhost:3000', 'http://[::1]:9000']) {
      assert.equal(isSafeEndpoint(url), true, url);
    }
  });

  it('asks before sending a key over plain http elsewhere, or to something that is not a URL', () => {
    for (const url of ['http://api.example.com', 'http://10.0.0.5', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example', 'ftp://127.0.0.1', 'not a url']) {
      assert.equal(isSafeEndpoint(url), false, url);
    }
  });
});
