import * as assert from 'node:assert/strict';
import { DEFAULT_CONNECTION_SETTINGS, outputTokenBudget, validateConnectionSettings } from '../../src/core/providers/connectionSettings';

describe('validateConnectionSettings (how requests are sent)', () => {
  it('uses the defaults for settings left unset, without a problem', () => {
    assert.deepEqual(validateConnectionSettings({}), {
      settings: { baseUrl: '', requestTimeoutSeconds: 600, maxRetries: 2, maxTotalTokens: 4096, concurrency: 4, alternatives: 4 },
      problems: [],
    });
    assert.deepEqual(validateConnectionSettings({ baseUrl: '' }), { settings: DEFAULT_CONNECTION_SETTINGS, problems: [] });
  });

  it('takes a base URL without its trailing slashes, and names one it cannot use', () => {
    assert.equal(validateConnectionSettings({ baseUrl: 'https://gateway.example/anthropic//' }).settings.baseUrl, 'https://gateway.example/anthropic');
    for (const baseUrl of ['gateway.example', 42, ['https://gateway.example']]) {
      assert.deepEqual(validateConnectionSettings({ baseUrl }), {
        settings: DEFAULT_CONNECTION_SETTINGS,
        problems: ['`prefillLoom.baseUrl` must be an http(s) URL such as https://api.example.com; using the default endpoint instead.'],
      });
    }
  });

  it('takes whole numbers within each range, its ends included', () => {
    const lowest = { requestTimeoutSeconds: 1, maxRetries: 0, maxTotalTokens: 1, concurrency: 1, alternatives: 1 };
    const highest = { requestTimeoutSeconds: 3600, maxRetries: 10, maxTotalTokens: 1_000_000, concurrency: 32, alternatives: 64 };
    for (const values of [lowest, highest]) assert.deepEqual(validateConnectionSettings(values), { settings: { baseUrl: '', ...values }, problems: [] });
  });

  it('replaces a value outside its range, fractional or not a number by the default, and says so', () => {
    const { settings, problems } = validateConnectionSettings({ requestTimeoutSeconds: 0, maxRetries: 11, maxTotalTokens: 2.5, concurrency: '8', alternatives: 65 });
    assert.deepEqual(settings, DEFAULT_CONNECTION_SETTINGS);
    assert.deepEqual(problems, [
      '`prefillLoom.requestTimeoutSeconds` must be a whole number from 1 to 3600; using 600.',
      '`prefillLoom.maxRetries` must be a whole number from 0 to 10; using 2.',
      '`prefillLoom.maxTotalTokens` must be a whole number from 1 to 1000000; using 4096.',
      '`prefillLoom.concurrency` must be a whole number from 1 to 32; using 4.',
      '`prefillLoom.alternatives` must be a whole number from 1 to 64; using 4.',
    ]);
    assert.deepEqual(validateConnectionSettings({ maxRetries: -1 }).problems, ['`prefillLoom.maxRetries` must be a whole number from 0 to 10; using 2.']);
  });
});

describe('outputTokenBudget', () => {
  it('is the setting, or one request\'s max_tokens when a header asks for more', () => {
    assert.equal(outputTokenBudget({ maxTotalTokens: 4096 }, 1000), 4096);
    assert.equal(outputTokenBudget({ maxTotalTokens: 4096 }, 8000), 8000);
  });
});
