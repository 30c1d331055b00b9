import * as assert from 'node:assert/strict';
import { REDACTED } from '../../src/core/providers/capturedRequest';
import { redactSecrets, rememberEnvironmentSecrets, rememberSecret } from '../../src/core/providers/secretRedaction';

describe('secret redaction', () => {
  it('replaces a remembered key wherever it appears, whatever its shape', () => {
    rememberSecret('gateway-key-0123456789');
    assert.equal(redactSecrets('401 {"message":"invalid key gateway-key-0123456789"}'), `401 {"message":"invalid key ${REDACTED}"}`);
  });

  it('replaces anything shaped like an API key or a bearer token, remembered or not', () => {
    const text = 'keys sk-ant-api03-AbC_d-12 and sk-proj-abcdefghijklmnop1234, header Authorization: Bearer eyJhbGciOi.payload.sig';
    assert.equal(redactSecrets(text), `keys ${REDACTED} and ${REDACTED}, header Authorization: Bearer ${REDACTED}`);
  });

  it('leaves ordinary text alone, short values included', () => {
    rememberSecret('1');
    const text = 'The API rejected the request (400 invalid_request_error: max_tokens: 1 is too small). Ask-ant-eater.';
    assert.equal(redactSecrets(text), text);
  });

  it('remembers the credentials the SDK reads from the environment, gateway headers included but not harmless ones', () => {
    rememberEnvironmentSecrets({ ANTHROPIC_AUTH_TOKEN: 'token-from-env-5555', ANTHROPIC_CUSTOM_HEADERS: 'cf-aig-authorization: cf-secret-7777\nanthropic-beta: tools-2024-04-04' });
    assert.equal(redactSecrets('token-from-env-5555 cf-secret-7777 tools-2024-04-04'), `${REDACTED} ${REDACTED} tools-2024-04-04`);
  });
});
