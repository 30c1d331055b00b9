/**
 * Where text and the key may go, in a real VS Code: plain http to another machine is asked about
 * before anything is sent, a document header can never redirect a request or supply a key, and an
 * untrusted workspace asks before a document's text leaves.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { continueAtCursor, openDocument, setSetting, TEST_KEY } from './loomTestKit';
import { serverSuite } from './serverSuite';

const PREFIX = 'Once upon a tide';
/** A host that can never resolve (RFC 2606): nothing may ever be sent to it. */
const PLAIN_HTTP_ELSEWHERE = 'http://loom-relay.invalid';

/** The key the server saw on its last request, however the SDK sent it. */
function keySent(server: FakeAnthropic): string | undefined {
  const headers = server.requests.at(-1)?.headers ?? {};
  return (headers['x-api-key'] as string | undefined) ?? (headers.authorization as string | undefined)?.replace(/^Bearer /, '');
}

describe('Security: where requests go', () => {
  const suite = serverSuite({ maxTokens: 10, maxTotalTokens: 10 });
  afterEach(() => setSetting('baseUrl', suite.server.url));

  it('plain http to another machine: a modal warning before the key is sent; declining sends nothing', async () => {
    await setSetting('baseUrl', PLAIN_HTTP_ELSEWHERE);
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome, undefined, 'no generation started');
    const [warning] = suite.shown.matching('warning', /plain http/);
    assert.ok(warning, 'the user was warned');
    assert.equal(warning.modal, true);
    assert.equal(warning.message, `Prefill Loom: ${PLAIN_HTTP_ELSEWHERE} is plain http, so your API key and text would travel unencrypted.`);
    assert.match(warning.detail ?? '', /Use an https URL in prefillLoom\.baseUrl, or send anyway/);
    assert.deepEqual(warning.items, ['Send Anyway']);
    assert.equal(editor.document.getText(), PREFIX);
  });

  it('an empty prefillLoom.baseUrl with $ANTHROPIC_BASE_URL set: the URL from the environment is the one checked and named', async () => {
    await setSetting('baseUrl', undefined);
    process.env.ANTHROPIC_BASE_URL = PLAIN_HTTP_ELSEWHERE;
    try {
      await openDocument(PREFIX);
      assert.equal(await continueAtCursor(), undefined, 'declined: no generation');
      const [warning] = suite.shown.matching('warning', /plain http/);
      assert.equal(warning?.message, `Prefill Loom: ${PLAIN_HTTP_ELSEWHERE} is plain http, so your API key and text would travel unencrypted.`);
      assert.equal(warning.modal, true);
      assert.equal(suite.server.requests.length, 0);
    } finally {
      delete process.env.ANTHROPIC_BASE_URL;
    }
  });

  it('plain http to this machine (the test server) goes without asking', async () => {
    await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    assert.deepEqual(suite.shown.shown, []);
    assert.equal(keySent(suite.server), TEST_KEY);
  });

  it('a header naming a base URL or a key: marked as an error, nothing sent anywhere; without it, the configured server and key', async () => {
    const header = `---\nbaseUrl: ${PLAIN_HTTP_ELSEWHERE}\napi_key: sk-ant-from-the-document\n---\n`;
    const editor = await openDocument(header + PREFIX);
    assert.equal(await continueAtCursor(), undefined);
    assert.equal(suite.server.requests.length, 0, 'nothing was sent');
    const diagnostics = vscode.languages.getDiagnostics(editor.document.uri);
    assert.deepEqual(diagnostics.map((d) => [d.range.start.line, d.severity]), [[1, vscode.DiagnosticSeverity.Error], [2, vscode.DiagnosticSeverity.Error]]);
    assert.ok(diagnostics.every((d) => !d.message.includes('sk-ant-from-the-document') && !d.message.includes('.invalid')), 'the values are not echoed');
    await suite.shown.waitFor('error', /the document header has an error on line 2/);
    const clean = await openDocument('---\nmax_tokens: 10\n---\n' + PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    assert.equal(suite.server.requests.length, 1, 'the request went to the configured server');
    assert.equal(keySent(suite.server), TEST_KEY, 'with the configured key');
    assert.equal(clean.document.getText(), '---\nmax_tokens: 10\n---\n' + PREFIX + outcome.text);
  });

  it('an untrusted workspace: asks before sending the text; No sends nothing, Send sends and is not asked again', async () => {
    // The trust state cannot be changed from inside a running window, so the workspace API reports
    // an untrusted workspace to the extension for this test; the prompt and the refusal are the product's.
    const trust = Object.getOwnPropertyDescriptor(vscode.workspace, 'isTrusted');
    Object.defineProperty(vscode.workspace, 'isTrusted', { get: () => false, configurable: true });
    try {
      await openDocument(PREFIX);
      assert.equal(await continueAtCursor(), undefined);
      assert.equal(suite.server.requests.length, 0, 'declined: nothing sent');
      const [question] = suite.shown.matching('warning', /not trusted/);
      assert.equal(question?.modal, true);
      assert.equal(question.message, "Prefill Loom: this workspace is not trusted. Send this document's text to the model?");
      assert.equal(question.detail, `The text before the cursor would be sent to ${suite.server.url}.`, 'the real destination is named');
      assert.deepEqual(question.items, ['Send']);

      suite.shown.answer = (m) => (m.items.includes('Send') ? 'Send' : undefined);
      assert.equal((await continueAtCursor())?.status, 'completed');
      assert.equal(suite.server.requests.length, 1, 'accepted: sent');
      assert.equal((await continueAtCursor())?.status, 'completed');
      assert.equal(suite.shown.matching('warning', /not trusted/).length, 2, 'a yes holds for the session');
    } finally {
      if (trust) Object.defineProperty(vscode.workspace, 'isTrusted', trust);
    }
  });
});
