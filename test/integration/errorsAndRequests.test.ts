import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { REDACTED } from '../../src/core/providers/capturedRequest';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { STORY } from '../server/storyResponder';
import { TEST_KEY, closeAllEditors, continueAtCursor, openDocument, setSetting, startServerForExtension } from './loomTestKit';

const PREFIX = STORY.slice(0, 60).trimEnd();

describe('Errors and the exact request', () => {
  let server: FakeAnthropic;
  before(async () => {
    server = await startServerForExtension();
    await setSetting('temperature', 0);
    await setSetting('maxRetries', 2);
  });
  afterEach(async () => {
    server.reset();
    process.env.ANTHROPIC_API_KEY = TEST_KEY;
    await closeAllEditors();
  });
  after(async () => {
    await setSetting('temperature', undefined);
    await setSetting('maxRetries', undefined);
    await setSetting('baseUrl', undefined);
    await server.close();
  });

  it('reports a rejected key (401) and leaves the document as it was', async () => {
    process.env.ANTHROPIC_API_KEY = 'sk-ant-wrong';
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'failed');
    assert.equal((outcome?.error as { status?: number }).status, 401);
    assert.equal(editor.document.getText(), PREFIX);
  });

  it('retries 429 (retry-after) and 529 before succeeding', async () => {
    server.enqueueFault({ kind: 'status', status: 429, retryAfterSeconds: 1 });
    server.enqueueFault({ kind: 'status', status: 529 });
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    assert.equal(editor.document.getText(), STORY);
    assert.equal(server.requests.filter((r) => r.path === '/v1/messages').length, 3);
  });

  it('fails with the cause once retries are exhausted (529 overloaded)', async () => {
    server.enqueueFault({ kind: 'status', status: 529, times: 3 });
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'failed');
    assert.equal((outcome?.error as { status?: number }).status, 529);
    assert.equal(editor.document.getText(), PREFIX);
  });

  it('fails a rejected request (400) at once, with the API message, and sends it only once', async () => {
    server.enqueueFault({ kind: 'status', status: 400, message: 'messages: something the API did not like' });
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'failed');
    assert.match(String((outcome?.error as Error).message), /something the API did not like/);
    assert.equal(server.requests.filter((r) => r.path === '/v1/messages').length, 1);
    assert.equal(editor.document.getText(), PREFIX);
  });

  it('retries a server error (500) and fails with it once retries are exhausted', async () => {
    server.enqueueFault({ kind: 'status', status: 500, times: 3 });
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'failed');
    assert.equal((outcome?.error as { status?: number }).status, 500);
    assert.equal(server.requests.filter((r) => r.path === '/v1/messages').length, 3);
    assert.equal(editor.document.getText(), PREFIX);
  });

  it('keeps the text received before the stream was cut', async () => {
    server.enqueueFault({ kind: 'cutStream', afterTokens: 6 });
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'failed');
    const text = editor.document.getText();
    assert.equal(text, PREFIX + outcome?.text);
    assert.ok(outcome!.text.length > 0 && STORY.startsWith(text));
  });

  it('keeps the text received before an error event mid-stream', async () => {
    server.enqueueFault({ kind: 'errorEvent', afterTokens: 4, errorType: 'overloaded_error' });
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'failed');
    assert.equal(editor.document.getText(), PREFIX + outcome?.text);
    assert.ok(outcome!.text.length > 0);
  });

  it('reports an unreachable server', async () => {
    await setSetting('baseUrl', 'http://127.0.0.1:9');
    try {
      await setSetting('maxRetries', 0);
      const editor = await openDocument(PREFIX);
      const outcome = await continueAtCursor();
      assert.equal(outcome?.status, 'failed');
      assert.equal(editor.document.getText(), PREFIX);
    } finally {
      await setSetting('baseUrl', server.url);
      await setSetting('maxRetries', 2);
    }
  });

  it('shows the last request exactly as sent, with the key redacted', async () => {
    await openDocument(PREFIX);
    await continueAtCursor();
    await vscode.commands.executeCommand('prefillLoom.showLastRequest');
    const shown = vscode.window.activeTextEditor?.document;
    assert.equal(shown?.uri.scheme, 'prefill-loom-request');
    const request = JSON.parse(shown!.getText());
    assert.equal(request.method, 'POST');
    assert.equal(request.url, `${server.url}/v1/messages`);
    // The SDK sends the key as a bearer token; whichever header carries it must be redacted.
    assert.equal(request.headers.authorization ?? request.headers['x-api-key'], REDACTED);
    assert.deepEqual(request.body, server.requests.at(-1)?.body);
    assert.ok(!shown!.getText().includes(TEST_KEY));
  });

  it('copies the last request as a curl command that does not contain the key', async () => {
    await openDocument(PREFIX);
    await continueAtCursor();
    await vscode.commands.executeCommand('prefillLoom.copyLastRequestAsCurl');
    const curl = await vscode.env.clipboard.readText();
    assert.match(curl, /^curl '.*\/v1\/messages'/);
    assert.match(curl, /\$ANTHROPIC_API_KEY/);
    assert.ok(!curl.includes(TEST_KEY));
  });
});
