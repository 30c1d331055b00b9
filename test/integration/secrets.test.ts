/**
 * The API key never leaves secret storage or the environment: after a session that touches
 * everything that writes (settings, the log, tree files, exports, Show Last Request, Copy as curl),
 * no file of the run (user data, logs, storage, workspace) and nothing shown holds the key.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenerationOutcome } from '../../src/core/generation/generation';
import { eventually } from '../harness/eventually';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { ApiError } from '../server/errors';
import type { Responder } from '../server/responder';
import { createStoryResponder } from '../server/storyResponder';
import { closeAllEditors, continueAtCursor, loomApi, setSetting, TEST_KEY } from './loomTestKit';
import { replaceWindowFunction, ShownMessages } from './shownMessages';

const PREFIX = 'Once upon a tide';

/** Every file under `dir` whose bytes contain `secret`. */
function filesContaining(dir: string, secret: string): string[] {
  const needle = Buffer.from(secret, 'utf8');
  const hits: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile()) continue;
    try {
      if (fs.readFileSync(file).includes(needle)) hits.push(file);
    } catch {
      // A file that vanished or cannot be read (a socket, a lock) holds nothing to leak.
    }
  }
  return hits;
}

/** The directory of this run: user data, logs, storage and the workspace all live below it. */
function runDirectory(): string {
  return path.dirname(vscode.workspace.workspaceFolders![0].uri.fsPath);
}

/** Uses everything that writes or shows something, in a document saved in the workspace. */
async function fullSession(): Promise<{ shownRequest: string; curl: string }> {
  const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const file = path.join(workspace, `secret-session-${Date.now()}.md`);
  fs.writeFileSync(file, PREFIX);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  editor.selection = new vscode.Selection(editor.document.positionAt(PREFIX.length), editor.document.positionAt(PREFIX.length));
  const outcome = await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.generateAlternatives', 2);
  assert.equal(outcome?.status, 'completed', 'the key was accepted');
  const saves = [path.join(workspace, `${path.basename(file)}.export.json`), path.join(workspace, `${path.basename(file)}.path.md`)];
  const dialogs = [
    replaceWindowFunction('showSaveDialog', () => Promise.resolve(vscode.Uri.file(saves.shift()!))),
    replaceWindowFunction('showQuickPick', ((items: string[]) => Promise.resolve(items.includes('Markdown') ? 'Markdown' : items[0])) as never),
  ];
  try {
    await vscode.commands.executeCommand('prefillLoom.exportTree');
    await vscode.commands.executeCommand('prefillLoom.exportPath');
  } finally {
    for (const d of dialogs) d.dispose();
  }
  assert.equal(saves.length, 0, 'both exports were saved');
  await vscode.commands.executeCommand('prefillLoom.showLastRequest');
  const shownRequest = vscode.window.activeTextEditor!.document.getText();
  await vscode.commands.executeCommand('prefillLoom.copyLastRequestAsCurl');
  const curl = await vscode.env.clipboard.readText();
  await (await loomApi()).sessions.flushAll();
  return { shownRequest, curl };
}

/** Checks the session's traces: the log says what it did, and nothing anywhere holds the key. */
async function assertKeyNowhere(key: string, traces: { shownRequest: string; curl: string }): Promise<void> {
  assert.match(traces.shownRequest, /"<redacted>"/);
  assert.ok(!traces.shownRequest.includes(key), 'Show Last Request');
  assert.match(traces.curl, /\$ANTHROPIC_API_KEY/);
  assert.ok(!traces.curl.includes(key), 'Copy as curl');
  // The log is written asynchronously: wait until it holds this session's requests, so the search below means something.
  const run = runDirectory();
  await eventually(() => logFiles(run).some((f) => fs.readFileSync(f, 'utf8').includes('Generation completed')), 'the Prefill Loom log file', 10_000, 100);
  const treeFiles = fs.readdirSync(vscode.workspace.workspaceFolders![0].uri.fsPath).filter((f) => f.startsWith('secret-session-'));
  assert.ok(treeFiles.some((f) => f.endsWith('.loom.json')) && treeFiles.some((f) => f.endsWith('.export.json')) && treeFiles.some((f) => f.endsWith('.path.md')));
  assert.deepEqual(filesContaining(run, key), [], 'no file of the run holds the key');
  assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('prefillLoom')).includes(key), 'no setting holds the key');
}

function logFiles(run: string): string[] {
  return fs
    .readdirSync(run, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.log') && e.parentPath.includes('prefill-loom'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Answers the first request with the story and fails the next with an error whose text holds `key`, as some gateways do. */
function failSecondRequest(key: string): Responder {
  const story = createStoryResponder();
  let calls = 0;
  return (request) => {
    if (++calls === 1) return story(request);
    throw new ApiError(400, `invalid request from credential ${key}`);
  };
}

describe('Security: the API key leaks nowhere', function () {
  this.timeout(60_000);
  let server: FakeAnthropic;
  let shown: ShownMessages;
  const key = `sk-ant-secret-${randomBytes(12).toString('hex')}`;

  before(async () => {
    server = await startFakeAnthropic({ apiKey: key });
    await vscode.extensions.getExtension('prefill-loom.prefill-loom')?.activate();
    await setSetting('baseUrl', server.url);
    await setSetting('maxTokens', 20);
    await setSetting('maxTotalTokens', 20);
    await setSetting('temperature', 1);
  });
  beforeEach(() => {
    shown = new ShownMessages();
  });
  afterEach(async () => {
    shown.dispose();
    process.env.ANTHROPIC_API_KEY = TEST_KEY;
    await closeAllEditors();
  });
  after(async () => {
    for (const name of ['baseUrl', 'maxTokens', 'maxTotalTokens', 'temperature']) await setSetting(name, undefined);
    await server.close();
  });

  it('a key set through Set API Key (secret storage) is in no file, setting, log, export, request view or curl', async () => {
    delete process.env.ANTHROPIC_API_KEY;
    const input = replaceWindowFunction('showInputBox', () => Promise.resolve(key));
    try {
      await vscode.commands.executeCommand('prefillLoom.setApiKey');
    } finally {
      input.dispose();
    }
    await shown.waitFor('information', /API key saved in secret storage/);
    try {
      await assertKeyNowhere(key, await fullSession());
    } finally {
      const clear = replaceWindowFunction('showInputBox', () => Promise.resolve(''));
      await vscode.commands.executeCommand('prefillLoom.setApiKey');
      clear.dispose();
    }
  });

  it('a key from ANTHROPIC_API_KEY is in no file, setting, log, export, request view or curl', async () => {
    process.env.ANTHROPIC_API_KEY = key;
    await assertKeyNowhere(key, await fullSession());
  });

  it('a key the server echoes in its error text (401, and 400 after text arrived) is in no toast, log line or tree file', async () => {
    // Not shaped like an Anthropic key: only knowing the configured key can hide it.
    const echoed = `gateway-credential-${randomBytes(12).toString('hex')}`;
    const echoing = await startFakeAnthropic({ apiKey: echoed, responder: failSecondRequest(echoed) });
    process.env.ANTHROPIC_API_KEY = echoed;
    await setSetting('baseUrl', echoing.url);
    await setSetting('maxTokens', 5);
    await setSetting('maxTotalTokens', 50);
    try {
      echoing.enqueueFault({ kind: 'status', status: 401, message: `invalid x-api-key: ${echoed}` });
      const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const file = path.join(workspace, `secret-echo-${Date.now()}.md`);
      fs.writeFileSync(file, PREFIX);
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
      editor.selection = new vscode.Selection(editor.document.positionAt(PREFIX.length), editor.document.positionAt(PREFIX.length));
      assert.equal((await continueAtCursor())?.status, 'failed');
      await shown.waitFor('error', /401/);
      const outcome = await continueAtCursor();
      assert.equal(outcome?.status, 'failed', 'the second request of the generation failed');
      assert.ok(outcome.text.length > 0, 'after text arrived, so the node stores the error');
      await shown.waitFor('error', /400/);
      const api = await loomApi();
      await api.sessions.flushAll();
      const tree = [`${file}.loom.json`, `${file}.loom.journal.jsonl`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
      assert.match(tree, /"error":/, 'the node keeps why it failed');
      assert.ok(tree.includes('<redacted>'), 'with the key replaced');
      for (const message of shown.shown) assert.ok(!JSON.stringify(message).includes(echoed), `shown: ${message.message}`);
      const run = runDirectory();
      await eventually(() => logFiles(run).some((f) => fs.readFileSync(f, 'utf8').includes('400')), 'the failure in the log file', 10_000, 100);
      assert.deepEqual(filesContaining(run, echoed), [], 'no file of the run holds the key');
    } finally {
      await setSetting('baseUrl', server.url);
      await setSetting('maxTokens', 20);
      await setSetting('maxTotalTokens', 20);
      await echoing.close();
    }
  });

  it('the search would find a key written to a file of the run', async () => {
    const probe = path.join(runDirectory(), `leak-probe-${Date.now()}.txt`);
    fs.writeFileSync(probe, `x-api-key: ${key}\n`);
    try {
      assert.deepEqual(filesContaining(runDirectory(), key), [probe]);
    } finally {
      fs.rmSync(probe);
    }
  });
});
