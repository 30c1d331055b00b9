import * as assert from 'node:assert/strict';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import { IncompleteResponseError } from '../../src/core/generation/generation';
import { describeGenerationError } from '../../src/core/generation/generationError';

function apiError(status: number | undefined, type: string, message: string): APIError {
  return APIError.generate(status, { type: 'error', error: { type, message } }, message, new Headers());
}

describe('describeGenerationError', () => {
  it('sends the user to Set API Key for a rejected key', () => {
    const d = describeGenerationError(apiError(401, 'authentication_error', 'invalid x-api-key'));
    assert.match(d.cause, /401 authentication_error: invalid x-api-key/);
    assert.deepEqual(d.actions, ['setApiKey']);
  });

  it('names models that accept a prefill when the model refuses one', () => {
    const d = describeGenerationError(apiError(400, 'invalid_request_error', 'This model does not support assistant message prefill. The conversation must end with a user message.'));
    assert.match(d.cause, /does not accept an assistant prefill/);
    assert.match(d.nextStep, /claude-haiku-4-5/);
    assert.equal(d.actions[0], 'pickEndpoint', 'the fix is one click away');
  });

  it('offers the exact request for other 400s', () => {
    const d = describeGenerationError(apiError(400, 'invalid_request_error', 'max_tokens: Field required'));
    assert.match(d.cause, /max_tokens: Field required/);
    assert.deepEqual(d.actions, ['showLastRequest']);
  });

  it('offers a retry for rate limits, overload, server errors and errors mid-stream', () => {
    for (const [status, type] of [[429, 'rate_limit_error'], [529, 'overloaded_error'], [500, 'api_error'], [undefined, 'overloaded_error']] as const) {
      const d = describeGenerationError(apiError(status, type, 'x'));
      assert.ok(d.actions.includes('retry'), `${status} ${type}`);
      assert.match(d.cause, new RegExp(type));
    }
  });

  it('tells a timeout from an unreachable server, and both from a cut stream', () => {
    assert.match(describeGenerationError(new APIConnectionTimeoutError()).nextStep, /requestTimeoutSeconds/);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const fetchFailed = new TypeError('fetch failed', { cause: refused });
    assert.match(describeGenerationError(new APIConnectionError({ cause: fetchFailed })).cause, /Could not reach the API \(connect ECONNREFUSED 127\.0\.0\.1:9\)/);
    assert.match(describeGenerationError(new IncompleteResponseError()).cause, /cut mid-response.*kept/);
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    assert.match(describeGenerationError(new TypeError('terminated', { cause: reset })).cause, /cut mid-response.*kept/);
  });

  it('points at baseUrl when the reply is not the Messages API at all', () => {
    const d = describeGenerationError(new SyntaxError('Unexpected token < in JSON'));
    assert.match(d.cause, /Unexpected token/);
    assert.match(d.nextStep, /baseUrl/);
  });
});
