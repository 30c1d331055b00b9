import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { STORY } from '../server/storyResponder';
import { closeAllEditors, continueAtCursor, openDocument, setSetting, startServerForExtension, userEdit, waitForText } from './loomTestKit';

const PREFIX = STORY.slice(0, 60).trimEnd();

describe('Continue at Cursor', () => {
  let server: FakeAnthropic;
  before(async () => {
    server = await startServerForExtension();
    await setSetting('temperature', 0);
  });
  afterEach(async () => {
    server.reset();
    await setSetting('maxTokens', undefined);
    await setSetting('maxTotalTokens', undefined);
    await closeAllEditors();
  });
  after(async () => {
    await setSetting('temperature', undefined);
    await setSetting('baseUrl', undefined);
    await server.close();
  });

  it('streams the continuation in at the cursor', async () => {
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    assert.equal(editor.document.getText(), STORY);
    const sent = server.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    assert.deepEqual(sent.messages.at(-1), { role: 'assistant', content: PREFIX });
  });

  it('keeps the text after the cursor after the inserted text', async () => {
    const after = '\n\n(notes after the cursor)';
    const editor = await openDocument(PREFIX + after, PREFIX.length);
    await continueAtCursor();
    assert.equal(editor.document.getText(), STORY + after);
  });

  it('continues past max_tokens with seamless joins', async () => {
    await setSetting('maxTokens', 9);
    await setSetting('maxTotalTokens', 100000);
    const editor = await openDocument(PREFIX);
    const outcome = await continueAtCursor();
    assert.ok((outcome?.requests.length ?? 0) > 5, 'several requests were joined');
    assert.equal(editor.document.getText(), STORY);
  });

  it('replaces trailing whitespace with the continuation, never doubling it', async () => {
    const paragraphEnd = STORY.indexOf('\n\n');
    const editor = await openDocument(STORY.slice(0, paragraphEnd) + '\n\n');
    const outcome = await continueAtCursor();
    assert.equal(outcome?.replaced, '\n\n');
    assert.equal(editor.document.getText(), STORY);
  });

  it('sends the header as the conversation around the prefill, never as prefill', async () => {
    const header = '---\nuser: Tell the story.\nsystem: You are a storyteller.\nmax_tokens: 2000\n---\n';
    const editor = await openDocument(header + PREFIX);
    await continueAtCursor();
    assert.equal(editor.document.getText(), header + STORY);
    const sent = server.requests.at(-1)?.body as Record<string, unknown> & { messages: Array<{ content: string }> };
    assert.equal(sent.system, 'You are a storyteller.');
    assert.equal(sent.max_tokens, 2000);
    assert.deepEqual(sent.messages.map((m) => m.content), ['Tell the story.', PREFIX]);
  });

  it('refuses to send a document whose header is malformed, and marks the line', async () => {
    const text = '---\ntemperature: hot\n---\n' + PREFIX;
    const editor = await openDocument(text);
    const outcome = await continueAtCursor();
    assert.equal(outcome, undefined);
    assert.equal(server.requests.length, 0);
    assert.equal(editor.document.getText(), text);
    const diagnostics = vscode.languages.getDiagnostics(editor.document.uri);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].range.start.line, 1);
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
  });

  it('undoes the whole generation in one step', async () => {
    const editor = await openDocument(PREFIX);
    await continueAtCursor();
    assert.equal(editor.document.getText(), STORY);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), PREFIX);
  });

  it('stops mid-stream on Stop Generation, keeping the text received', async () => {
    server.setTokenDelay(25);
    const editor = await openDocument(PREFIX);
    const running = continueAtCursor();
    await waitForText(editor.document, (t) => t.length > PREFIX.length + 10);
    await vscode.commands.executeCommand('prefillLoom.stopGeneration');
    const outcome = await running;
    assert.equal(outcome?.status, 'cancelled');
    const text = editor.document.getText();
    assert.equal(text, PREFIX + (outcome?.text ?? ''));
    assert.ok(STORY.startsWith(text) && text.length < STORY.length);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(editor.document.getText(), text, 'nothing arrives after the stop');
  });

  it('stops the generation when its document is closed', async () => {
    server.setTokenDelay(25);
    const editor = await openDocument(PREFIX);
    const running = continueAtCursor();
    await waitForText(editor.document, (t) => t.length > PREFIX.length + 10);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    const outcome = await running;
    assert.equal(outcome?.status, 'cancelled');
    assert.ok(STORY.startsWith(PREFIX + (outcome?.text ?? '')), 'what arrived is the start of the continuation');
  });

  it('keeps both the stream and the user’s typing intact when the user edits during streaming', async () => {
    server.setTokenDelay(4);
    const after = '\nTAIL';
    const editor = await openDocument(PREFIX + after, PREFIX.length);
    const running = continueAtCursor();
    await waitForText(editor.document, (t) => t.length > PREFIX.length + after.length + 5);
    await userEdit(editor, (_, b) => b.insert(new vscode.Position(0, 0), 'HEAD '));
    await waitForText(editor.document, (t) => t.length > PREFIX.length + after.length + 40);
    await userEdit(editor, (d, b) => b.insert(d.positionAt(d.getText().length), ' END'));
    await running;
    assert.equal(editor.document.getText(), 'HEAD ' + STORY + after + ' END');
  });

  it('keeps streaming into the document when the user switches to another editor', async () => {
    server.setTokenDelay(4);
    const editor = await openDocument(PREFIX);
    const running = continueAtCursor();
    await waitForText(editor.document, (t) => t.length > PREFIX.length + 5);
    const other = await vscode.workspace.openTextDocument({ content: 'another file' });
    await vscode.window.showTextDocument(other);
    const outcome = await running;
    assert.equal(outcome?.status, 'completed');
    assert.equal(editor.document.getText(), STORY);
    assert.equal(other.getText(), 'another file');
  });
});
