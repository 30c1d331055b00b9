import * as assert from 'node:assert/strict';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import * as OpenAIErrors from 'openai';
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

describe('describeGenerationError, every case in full', () => {
  const KEEP = 'The text received so far was kept.';

  it('words each status the same whichever SDK raised it, and offers its own next step', () => {
    const cases: Array<[number, string, string, string[]]> = [
      [401, 'The API rejected the API key (401 authentication_error: no).', 'Set a valid key with "Prefill Loom: Set API Key".', ['setApiKey']],
      [403, 'The API key may not do this (403 permission_error: no).', "Check the key's permissions, or choose another model.", ['setApiKey', 'showLastRequest']],
      [404, 'Not found (404 not_found_error: no).', 'Check the model name and `prefillLoom.baseUrl`.', ['showLastRequest', 'openSettings']],
      [429, 'Rate limited, even after retrying (429 rate_limit_error: no).', 'Wait a little and retry, or generate fewer branches at once.', ['retry']],
      [529, 'The API is overloaded, even after retrying (529 overloaded_error: no).', 'Retry in a minute.', ['retry']],
      [500, 'The API failed (500 api_error: no).', 'Retry in a moment.', ['retry']],
      [503, 'The API failed (503 api_error: no).', 'Retry in a moment.', ['retry']],
      [400, 'The API rejected the request (400 invalid_request_error: no).', 'Open the last request to see exactly what was sent.', ['showLastRequest']],
      [499, 'The API rejected the request (499 client_error: no).', 'Open the last request to see exactly what was sent.', ['showLastRequest']],
    ];
    for (const [status, cause, nextStep, actions] of cases) {
      const type = /\((\d+) (\w+)/.exec(cause)![2];
      assert.deepEqual(describeGenerationError(apiError(status, type, 'no')), { cause, nextStep, actions }, `${status}, Anthropic`);
      assert.deepEqual(describeGenerationError(new OpenAIErrors.APIError(status, { message: 'no', type }, 'no', new Headers())), { cause, nextStep, actions }, `${status}, OpenAI`);
    }
  });

  it('reads an OpenAI-style error from error.message, a bare detail, or the SDK\'s message, and its type from code when it has none', () => {
    const cause = (error: unknown) => describeGenerationError(new OpenAIErrors.APIError(422, error as object, undefined, new Headers())).cause;
    assert.equal(cause({ message: 'bad field', code: 'invalid_value' }), 'The API rejected the request (422 invalid_value: bad field).');
    assert.equal(cause({ detail: 'Not Found: model x' }), 'The API rejected the request (422 error: Not Found: model x).');
    assert.equal(cause({ detail: { loc: ['body'] } }), 'The API rejected the request (422 error: 422 {"detail":{"loc":["body"]}}).');
  });

  it('says an error that came mid-response kept the text, and shows what the server said without a key in it', () => {
    // As the SDK raises an error event inside a stream: no status (APIError.generate makes that a connection error).
    const midStream = new APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'busy' } }, 'busy', new Headers());
    assert.deepEqual(describeGenerationError(midStream), {
      cause: `The API reported an error mid-response (stream overloaded_error: busy). ${KEEP}`,
      nextStep: 'Retry in a moment.',
      actions: ['retry'],
    });
    const echoed = describeGenerationError(apiError(401, 'authentication_error', 'invalid x-api-key sk-ant-api03-leaked_key-123'));
    assert.equal(echoed.cause, 'The API rejected the API key (401 authentication_error: invalid x-api-key <redacted>).');
  });

  it('recognises a refused prefill in the words each server uses', () => {
    for (const message of [
      'prefilling is not supported',
      'continue_final_message is set but the final message is not from the assistant',
      'Expected final message to be user',
      'the final assistant message must not be empty',
      'Conversation roles must end with a user message',
      'partial mode is not supported by this model',
      'Unknown field "prefix"',
    ]) {
      assert.equal(describeGenerationError(apiError(400, 'invalid_request_error', message)).actions[0], 'pickEndpoint', message);
    }
    assert.deepEqual(describeGenerationError(apiError(404, 'not_found_error', 'model with prefill support not found')).actions, ['showLastRequest', 'openSettings'], 'only a 400 is a refused prefill');
  });

  it('names a timeout and an unreachable server the same for both SDKs, with the root cause when there is one', () => {
    const timeout = { cause: 'The API did not answer within the time limit.', nextStep: 'Retry, or raise `prefillLoom.requestTimeoutSeconds`.', actions: ['retry', 'openSettings'] };
    assert.deepEqual(describeGenerationError(new APIConnectionTimeoutError()), timeout);
    assert.deepEqual(describeGenerationError(new OpenAIErrors.APIConnectionTimeoutError()), timeout);
    const unreachable = (detail: string) => ({
      cause: `Could not reach the API${detail}.`,
      nextStep: "Check your connection and the base URL (`prefillLoom.baseUrl`, or the endpoint's in `prefillLoom.endpoints`), then retry.",
      actions: ['retry', 'openSettings'],
    });
    assert.deepEqual(describeGenerationError(new OpenAIErrors.APIConnectionError({})), unreachable(''));
    const notFound = Object.assign(new Error('getaddrinfo failed for api.example.test'), { code: 'ENOTFOUND' });
    const wrapped = new TypeError('fetch failed', { cause: new Error('connect failed', { cause: notFound }) });
    assert.deepEqual(describeGenerationError(new OpenAIErrors.APIConnectionError({ cause: wrapped })), unreachable(' (ENOTFOUND: getaddrinfo failed for api.example.test)'));
    const plain = new TypeError('fetch failed', { cause: new Error('socket closed') });
    assert.deepEqual(describeGenerationError(new APIConnectionError({ cause: plain })), unreachable(' (socket closed)'));
    assert.deepEqual(describeGenerationError(new APIConnectionError({ cause: new TypeError('fetch failed', { cause: 'not an error' }) })), unreachable(' (fetch failed)'));
  });

  it('tells a cut connection (reset, or "terminated") from a reply that is not the API\'s', () => {
    const cut = { cause: `The connection was cut mid-response. ${KEEP}`, nextStep: 'Continue again from the cursor.', actions: ['retry'] };
    assert.deepEqual(describeGenerationError(new TypeError('terminated')), cut);
    assert.deepEqual(describeGenerationError(new Error('read failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })), cut);
    assert.deepEqual(describeGenerationError('not JSON'), {
      cause: `The server's reply could not be read as a Messages API response (not JSON). ${KEEP}`,
      nextStep: 'Check that `prefillLoom.baseUrl` points at an Anthropic-compatible endpoint.',
      actions: ['openSettings', 'showLastRequest'],
    });
    assert.match(describeGenerationError(new Error('read failed', { cause: Object.assign(new Error('x'), { code: 'EPIPE' }) })).cause, /could not be read/);
  });

  it('reads what little a bare error says: no message, no body, nothing thrown but undefined', () => {
    assert.equal(describeGenerationError(apiError(500, 'api_error', '')).cause, 'The API failed (500 api_error).');
    assert.equal(describeGenerationError(new OpenAIErrors.APIError(502, undefined, undefined, new Headers())).cause, 'The API failed (502 error: 502 status code (no body)).');
    assert.match(describeGenerationError(undefined).cause, /could not be read as a Messages API response \(undefined\)/);
    assert.match(describeGenerationError(new Error('other side closed', { cause: { code: 'UND_ERR_SOCKET' } })).cause, /cut mid-response/);
    assert.deepEqual(describeGenerationError(apiError(400, 'invalid_request_error', 'prefill not supported')).actions, ['pickEndpoint', 'openSettings', 'showLastRequest']);
  });
});

