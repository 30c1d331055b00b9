/**
 * The fault matrix, size side, in a real VS Code: a 10 MB document, a 1 MB line, and 10,000
 * alternatives asked for by mistake.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenerationOutcome } from '../../src/core/generation/generation';
import { eventually } from '../harness/eventually';
import { STORY } from '../server/storyResponder';
import { assertNothingLost, loomApi, openDocument, setSetting } from './loomTestKit';
import { serverSuite } from './serverSuite';

const MB = 1024 * 1024;

/** Story text repeated to `size` characters, as lines or as one line. */
function bigText(size: number, oneLine: boolean): string {
  const unit = oneLine ? STORY.replace(/\n/g, ' ') + ' ' : STORY + '\n\n';
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/**
 * Opens a file of the test workspace with the cursor at `cursor`, as a user opening a large file would.
 * Plain text: the built-in Markdown extension, which shares the extension host, spends seconds of its
 * own on a 10 MB .md file, and the measure is of Prefill Loom.
 */
async function openFile(name: string, text: string, cursor: number): Promise<vscode.TextEditor> {
  const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, `${name}-${Date.now()}.txt`);
  fs.writeFileSync(file, text);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  const position = editor.document.positionAt(cursor);
  editor.selection = new vscode.Selection(position, position);
  return editor;
}

/** Runs Continue at Cursor, measuring how long it takes and the longest the extension host was blocked. */
async function timedContinue(): Promise<{ outcome: GenerationOutcome | undefined; ms: number; longestBlockMs: number }> {
  let last = Date.now();
  let longestBlockMs = 0;
  const ticker = setInterval(() => {
    const now = Date.now();
    longestBlockMs = Math.max(longestBlockMs, now - last);
    last = now;
  }, 20);
  const started = Date.now();
  try {
    const outcome = await vscode.commands.executeCommand<GenerationOutcome | undefined>('prefillLoom.continueAtCursor');
    return { outcome, ms: Date.now() - started, longestBlockMs };
  } finally {
    clearInterval(ticker);
  }
}

describe('Fault matrix: large inputs', function () {
  this.timeout(180_000);
  // The server runs in the extension host too, and its story tokenizer takes seconds over 10 MB:
  // a reply that costs it nothing keeps the measure the extension's own.
  const suite = serverSuite({ temperature: 1, maxTokens: 20, maxTotalTokens: 20 }, () => ({ tokens: [' And', ' so', ' the', ' tide', ' came', ' in', '.'], inputTokens: 1 }));

  it('a 10 MB document: continues at its end, every character intact, without freezing', async () => {
    const text = bigText(10 * MB, false);
    const editor = await openFile('ten-megabytes', text, text.length);
    const { outcome, ms, longestBlockMs } = await timedContinue();
    console.log(`      10 MB document: ${ms} ms, the extension host blocked for at most ${longestBlockMs} ms`);
    assert.equal(outcome?.status, 'completed');
    assert.ok(outcome.text.length > 0);
    assert.equal((suite.server.requests[0].body as { messages: Array<{ content: string }> }).messages.at(-1)?.content, text.trimEnd());
    await assertNothingLost(editor, text.trimEnd() + outcome.text, outcome);
    assert.ok(longestBlockMs < 5000, `the extension host was blocked for ${longestBlockMs} ms`);
  });

  it('a 1 MB single line: continues in its middle, the rest of the line kept after the text', async () => {
    const line = bigText(MB, true);
    const cursor = line.lastIndexOf(' ', MB / 2) + 1;
    const editor = await openFile('one-megabyte-line', line, cursor);
    const { outcome, ms, longestBlockMs } = await timedContinue();
    console.log(`      1 MB line: ${ms} ms, the extension host blocked for at most ${longestBlockMs} ms`);
    assert.equal(outcome?.status, 'completed');
    assert.equal(outcome.replaced, ' ', 'the space before the cursor was not sent, and the continuation replaced it');
    await assertNothingLost(editor, line.slice(0, cursor - 1) + outcome.text + line.slice(cursor), outcome);
    assert.ok(longestBlockMs < 5000, `the extension host was blocked for ${longestBlockMs} ms`);
  });

  it('10,000 alternatives by mistake: a modal question names the count and the cost; No sends nothing', async () => {
    const editor = await openDocument('Once upon a tide');
    const outcome = await vscode.commands.executeCommand('prefillLoom.generateAlternatives', 10_000);
    assert.equal(outcome, undefined);
    const [question] = suite.shown.matching('warning', /alternatives/);
    assert.ok(question, 'a question was asked');
    assert.equal(question.modal, true);
    assert.match(question.message, /^Prefill Loom: generate 10,000 alternatives\? That is 10,000 requests or more, up to about \$[\d.,]+ at list price\.$/);
    assert.deepEqual(question.items, ['Generate 10,000']);
    assert.equal(suite.server.requests.length, 0, 'nothing was sent');
    assert.equal(editor.document.getText(), 'Once upon a tide');
  });

  it('the loom view\'s "alternatives" asks the same question as the command before 40 requests; No sends nothing', async () => {
    const editor = await openDocument('Once upon a tide');
    assert.equal((await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.continueAtCursor'))?.status, 'completed');
    await setSetting('alternatives', 40);
    try {
      const api = await loomApi();
      const session = api.sessions.get(editor.document)!;
      const before = suite.server.requests.length;
      await api.viewModel.handle({ type: 'generateAlternatives', id: session.currentId });
      const [question] = suite.shown.matching('warning', /generate 40 alternatives\?/);
      assert.ok(question, 'a question was asked');
      assert.equal(question.modal, true);
      assert.deepEqual(question.items, ['Generate 40']);
      assert.equal(suite.server.requests.length, before, 'nothing was sent');
    } finally {
      await setSetting('alternatives', undefined);
    }
  });

  it('more alternatives than the threshold, confirmed: they are all generated', async () => {
    suite.shown.answer = (m) => (m.modal ? m.items[0] : undefined);
    const editor = await openDocument('Once upon a tide');
    const outcome = await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.generateAlternatives', 20);
    assert.equal(outcome?.status, 'completed');
    assert.equal(suite.shown.matching('warning', /generate 20 alternatives\?/).length, 1);
    assert.equal(suite.server.requests.length, 20);
    const session = (await loomApi()).sessions.get(editor.document)!;
    const parent = session.tree.get(session.currentId)!.parentId!;
    assert.equal(session.tree.children(parent).filter((n) => n.author === 'model').length, 20);
  });

  it('10,000 alternatives confirmed, then Stop: ends at once, keeping what arrived', async () => {
    suite.shown.answer = (m) => (m.modal ? m.items[0] : undefined);
    suite.server.setTokenDelay(50);
    const editor = await openDocument('Once upon a tide');
    const running = vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.generateAlternatives', 10_000);
    await eventually(() => suite.server.requests.length >= 4, 'the first requests', 20_000);
    await vscode.commands.executeCommand('prefillLoom.stopGeneration');
    const stopped = Date.now();
    const outcome = await running;
    assert.ok(Date.now() - stopped < 5000, 'the queued alternatives were dropped, not run');
    assert.equal(outcome?.status, 'cancelled');
    assert.ok(suite.server.requests.length < 20, `${suite.server.requests.length} requests were sent`);
    await assertNothingLost(editor, 'Once upon a tide' + outcome.text, outcome);
  });
});
