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

describe('secret redaction, the edges', () => {
  it('hides a remembered key that contains another one whole, whichever was remembered first', () => {
    rememberSecret('inner-key-4242');
    rememberSecret('outer-inner-key-4242-tail');
    assert.equal(redactSecrets('sent outer-inner-key-4242-tail and inner-key-4242'), `sent ${REDACTED} and ${REDACTED}`);
  });

  it('remembers values of eight characters or more, trimmed, and nothing for an unset one', () => {
    rememberSecret(undefined);
    rememberSecret(null);
    rememberSecret('  eight888  ');
    rememberSecret('seven77');
    assert.equal(redactSecrets('eight888 seven77'), `${REDACTED} seven77`);
  });

  it('remembers $ANTHROPIC_API_KEY, and reads custom header names as the SDK does (trimmed, any case; a line without a colon is no header)', () => {
    rememberEnvironmentSecrets({
      ANTHROPIC_API_KEY: 'plain-env-key-0001',
      ANTHROPIC_CUSTOM_HEADERS: ' Anthropic-Beta : harmless-beta-2025\nno-colon-line-value-0002\nx-gateway-token:  gateway-0003  ',
    });
    assert.equal(
      redactSecrets('plain-env-key-0001 harmless-beta-2025 no-colon-line-value-0002 gateway-0003'),
      `${REDACTED} harmless-beta-2025 no-colon-line-value-0002 ${REDACTED}`,
    );
  });

  it('hides key-shaped text whole, and leaves text that only starts like a key', () => {
    assert.equal(redactSecrets('sk-ant-x sk-0123456789abcdef sk-0123456789abcde'), `${REDACTED} ${REDACTED} sk-0123456789abcde`);
    assert.equal(redactSecrets('task-ant-x mask-0123456789abcdefgh'), 'task-ant-x mask-0123456789abcdefgh');
    assert.equal(redactSecrets('"sk-ant-api03-Ab_c-d" (sk-proj-0123456789abcdef_-gh)'), `"${REDACTED}" (${REDACTED})`);
  });

  it('hides a bearer token of eight characters or more, however "Bearer" is written, and keeps the word', () => {
    assert.equal(redactSecrets('authorization: bearer  a.b~c+d/e=f-g_h'), `authorization: bearer  ${REDACTED}`);
    assert.equal(redactSecrets('BEARER abcdefgh, Bearer 1234567'), `BEARER ${REDACTED}, Bearer 1234567`);
  });
});
