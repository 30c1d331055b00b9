/**
 * The fault matrix, network side, in a real VS Code: every way the server or the connection can fail
 * leaves the document as the user's text plus exactly the text received, the loom holding it, and a
 * message that names the cause and the next step.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually } from '../harness/eventually';
import type { Fault } from '../server/fakeAnthropic';
import { STORY } from '../server/storyResponder';
import { assertNothingLost, continueAtCursor, openDocument, setSetting } from './loomTestKit';
import { serverSuite } from './serverSuite';

const PREFIX = STORY.slice(0, 60).trimEnd();

interface StreamCase {
  name: string;
  fault: Fault;
  /** The error message the user sees. */
  message: RegExp;
}

const STREAM_CASES: StreamCase[] = [
  { name: 'a connection reset mid-response', fault: { kind: 'cutStream', afterTokens: 6 }, message: /connection was cut mid-response\. The text received so far was kept\. Continue again/ },
  { name: 'a cut in the middle of a UTF-8 character', fault: { kind: 'cutMidUtf8', afterTokens: 1 }, message: /connection was cut mid-response.*Continue again/ },
  { name: 'a cut in the middle of a surrogate pair', fault: { kind: 'cutMidSurrogate', afterTokens: 1 }, message: /connection was cut mid-response.*Continue again/ },
  { name: 'an error event mid-stream', fault: { kind: 'errorEvent', afterTokens: 4 }, message: /reported an error mid-response \(stream overloaded_error: Overloaded\).*Retry/ },
  { name: 'malformed SSE', fault: { kind: 'malformedSse', afterTokens: 5 }, message: /could not be read as a Messages API response.*Check that `prefillLoom\.baseUrl`/ },
];

interface StatusCase {
  status: 401 | 403 | 400 | 429 | 500 | 529;
  /** Requests the SDK sends before giving up (maxRetries is 2). */
  requests: number;
  message: RegExp;
  button: string;
}

const STATUS_CASES: StatusCase[] = [
  { status: 401, requests: 1, message: /rejected the API key \(401 authentication_error.*Set a valid key/, button: 'Set API Key' },
  { status: 403, requests: 1, message: /may not do this \(403 permission_error.*Check the key's permissions/, button: 'Set API Key' },
  { status: 400, requests: 1, message: /rejected the request \(400 invalid_request_error: messages: not like this\)\. Open the last request/, button: 'Show Last Request' },
  { status: 429, requests: 3, message: /Rate limited, even after retrying \(429 rate_limit_error.*Wait a little and retry/, button: 'Retry' },
  { status: 500, requests: 3, message: /The API failed \(500 api_error.*Retry in a moment/, button: 'Retry' },
  { status: 529, requests: 3, message: /overloaded, even after retrying \(529 overloaded_error.*Retry in a minute/, button: 'Retry' },
];

describe('Fault matrix: the server and the connection', () => {
  const suite = serverSuite({ temperature: 0, maxRetries: 2 });
  afterEach(() => setSetting('requestTimeoutSeconds', undefined));

  for (const { name, fault, message } of STREAM_CASES) {
    it(`${name}: keeps exactly the text received, in the document and the tree, and says why`, async () => {
      suite.server.enqueueFault(fault);
      const editor = await openDocument(PREFIX);
      const outcome = await continueAtCursor();
      assert.equal(outcome?.status, 'failed');
      assert.ok(outcome.text.length > 0, 'some text arrived before the fault');
      assert.ok(STORY.startsWith(PREFIX + outcome.text), 'what arrived is the start of the continuation');
      await assertNothingLost(editor, PREFIX + outcome.text, outcome);
      await suite.shown.waitFor('error', message);
    });
  }

  it('a cut in the middle of a surrogate pair keeps every whole character before it', async () => {
    suite.server.enqueueFault({ kind: 'cutMidSurrogate', afterTokens: 1 });
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    const emoji = /\p{Extended_Pictographic}/u.exec(STORY)!.index;
    assert.equal(PREFIX.length + outcome!.text.length, emoji, 'everything up to the emoji, whose high half is all that came');
    await assertNothingLost(editor, STORY.slice(0, emoji), outcome);
  });

  for (const { status, requests, message, button } of STATUS_CASES) {
    it(`${status}: leaves the document as it was and names the cause, the next step and a button`, async () => {
      suite.server.enqueueFault({ kind: 'status', status, times: 3, retryAfterSeconds: 0.01, message: status === 400 ? 'messages: not like this' : undefined });
      const editor = await openDocument(PREFIX);
      const outcome = await continueAtCursor();
      assert.equal(outcome?.status, 'failed');
      assert.equal(suite.server.requests.filter((r) => r.path === '/v1/messages').length, requests);
      await assertNothingLost(editor, PREFIX, outcome);
      const error = await suite.shown.waitFor('error', message);
      assert.ok(error.items.includes(button), `offers ${button}: ${error.items.join(', ')}`);
    });
  }

  it('a server that never answers: the timeout setting is honoured, with a message naming it', async () => {
    await setSetting('requestTimeoutSeconds', 1);
    await setSetting('maxRetries', 0);
    try {
      suite.server.enqueueFault({ kind: 'hang' });
      const editor = await openDocument(PREFIX);
      const started = Date.now();
      const outcome = await continueAtCursor();
      const elapsed = Date.now() - started;
      assert.equal(outcome?.status, 'failed');
      assert.ok(elapsed >= 900 && elapsed < 10_000, `gave up after ${elapsed} ms, for a 1 s timeout`);
      await assertNothingLost(editor, PREFIX, outcome);
      const error = await suite.shown.waitFor('error', /did not answer within the time limit\. Retry, or raise `prefillLoom\.requestTimeoutSeconds`/);
      assert.deepEqual(error.items, ['Retry', 'Open Settings']);
    } finally {
      await setSetting('maxRetries', 2);
    }
  });

  it('a server that never answers: Stop ends the wait at once, quietly', async () => {
    suite.server.enqueueFault({ kind: 'hang' });
    const editor = await openDocument(PREFIX);
    const running = continueAtCursor();
    await eventually(() => suite.server.requests.length === 1, 'the request to reach the server', 5000, 10);
    const stopped = Date.now();
    await vscode.commands.executeCommand('prefillLoom.stopGeneration');
    const outcome = await running;
    assert.equal(outcome?.status, 'cancelled');
    assert.ok(Date.now() - stopped < 2000, 'the stop did not wait for the server');
    await assertNothingLost(editor, PREFIX, outcome);
    assert.deepEqual(suite.shown.matching('error', /./), [], 'a stop is not an error');
  });
});
