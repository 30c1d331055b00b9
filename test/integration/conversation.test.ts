import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MessagesRequestBody } from '../server/responder';
import { STORY } from '../server/storyResponder';
import { continueAtCursor, loomApi, openDocument } from './loomTestKit';
import { serverSuite } from './serverSuite';
import { replaceWindowFunction } from './shownMessages';

const PREFIX = STORY.slice(0, 60).trimEnd();
const TURNS = [
  { role: 'user', content: 'Tell me a story.' },
  { role: 'assistant', content: 'Which kind?\nA short one?' },
  { role: 'user', content: 'A short one, please.' },
];
const HEADER = [
  '---',
  'system: You are a storyteller.',
  'max_tokens: 2000',
  'messages:',
  '  - user: Tell me a story.',
  '  - assistant: |-',
  '      Which kind?',
  '      A short one?',
  '  - user: A short one, please.',
  '---',
  '',
].join('\n');

describe('Conversations in the header', function () {
  this.timeout(30_000);
  const suite = serverSuite({ temperature: 0 });

  function sentBodies(): MessagesRequestBody[] {
    return suite.server.requests.filter((r) => r.path === '/v1/messages').map((r) => r.body as MessagesRequestBody);
  }

  /** Runs a command, answering its quick pick with the item whose label starts with `label`. */
  async function runPicking<T>(command: string, label: string): Promise<T | undefined> {
    const picked = replaceWindowFunction('showQuickPick', ((items: readonly vscode.QuickPickItem[]) =>
      Promise.resolve(items.find((item) => item.label.startsWith(label)))) as never);
    try {
      return await vscode.commands.executeCommand<T | undefined>(command);
    } finally {
      picked.dispose();
    }
  }

  it('sends every turn of a three-turn header in order before the prefill, and shows them in the last request', async () => {
    const editor = await openDocument(HEADER + PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    assert.equal(editor.document.getText(), HEADER + STORY);
    const [body] = sentBodies();
    assert.equal(body.system, 'You are a storyteller.');
    assert.deepEqual(body.messages, [...TURNS, { role: 'assistant', content: PREFIX }]);

    await vscode.commands.executeCommand('prefillLoom.showLastRequest');
    const shown = JSON.parse(vscode.window.activeTextEditor!.document.getText());
    assert.deepEqual(shown.body.messages, body.messages);
    await vscode.commands.executeCommand('prefillLoom.copyLastRequestAsCurl');
    const curl = await vscode.env.clipboard.readText();
    for (const turn of TURNS) assert.ok(curl.includes(JSON.stringify(turn.content).slice(1, -1)), turn.content);
  });

  it('records the conversation with the node, and regeneration re-sends it after the header changed', async () => {
    const editor = await openDocument(HEADER + PREFIX);
    await continueAtCursor();
    const session = (await loomApi()).sessions.get(editor.document)!;
    const node = session.tree.get(session.currentId)!;
    assert.deepEqual(node.generation?.params.messages, TURNS);

    await editor.edit((b) => b.replace(new vscode.Range(4, 0, 4, '  - user: Tell me a story.'.length), '  - user: Something else.'));
    suite.server.reset();
    const middle = editor.document.getText().length - 10;
    editor.selection = new vscode.Selection(editor.document.positionAt(middle), editor.document.positionAt(middle));
    await vscode.commands.executeCommand('prefillLoom.regenerateAndCompare');
    const [body] = sentBodies();
    assert.deepEqual(body.messages.slice(0, 3), TURNS, 'the recorded turns, not the edited header');
  });

  it('marks a malformed messages entry on its line and sends nothing', async () => {
    const text = HEADER.replace('  - user: A short one, please.', '  - assistant: Twice in a row.') + PREFIX;
    const editor = await openDocument(text);
    const outcome = await continueAtCursor();
    assert.equal(outcome, undefined);
    assert.equal(suite.server.requests.length, 0);
    assert.equal(editor.document.getText(), text);
    const diagnostics = vscode.languages.getDiagnostics(editor.document.uri);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].range.start.line, 8);
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostics[0].message, /alternate/);
  });

  const shapes: Array<[string, unknown]> = [
    ['Anthropic', { system: 'You are a storyteller.', messages: [...TURNS.map((t) => ({ role: t.role, content: [{ type: 'text', text: t.content }] })), { role: 'assistant', content: PREFIX }] }],
    ['OpenAI', [{ role: 'system', content: 'You are a storyteller.' }, ...TURNS, { role: 'assistant', content: PREFIX }]],
  ];
  for (const [shape, json] of shapes) {
    it(`imports a conversation in the ${shape} shape from the clipboard, and continues it`, async () => {
      await vscode.env.clipboard.writeText(JSON.stringify(json));
      const editor = await runPicking<vscode.TextEditor>('prefillLoom.importConversation', 'From the Clipboard');
      assert.ok(editor, 'the imported document is open');
      const imported = editor.document.getText();
      assert.equal(imported.slice(imported.lastIndexOf('---\n')), `---\n${PREFIX}`);
      assert.equal((await continueAtCursor())?.status, 'completed');
      const [body] = sentBodies();
      assert.equal(body.system, 'You are a storyteller.');
      assert.deepEqual(body.messages, [...TURNS, { role: 'assistant', content: PREFIX }]);
      assert.equal(editor.document.getText(), imported.slice(0, -PREFIX.length) + STORY);
    });
  }

  /** Runs Import Conversation… on a file holding `bytes`, as the user picks it in the open dialog. */
  async function importFile(bytes: string | Uint8Array): Promise<vscode.TextEditor | undefined> {
    const file = vscode.Uri.file(path.join(mkdtempSync(path.join(tmpdir(), 'loom-import-')), 'chat.json'));
    writeFileSync(file.fsPath, bytes);
    const dialog = replaceWindowFunction('showOpenDialog', (() => Promise.resolve([file])) as never);
    try {
      return await runPicking<vscode.TextEditor>('prefillLoom.importConversation', 'From a File');
    } finally {
      dialog.dispose();
    }
  }

  it('imports a conversation from a JSON file', async () => {
    const editor = await importFile(JSON.stringify(shapes[0][1]));
    assert.ok(editor?.document.getText().startsWith('---\nsystem: You are a storyteller.\nmessages:\n  - user: Tell me a story.\n'));
    assert.ok(editor?.document.getText().endsWith(`---\n${PREFIX}`));
  });

  it('refuses a file that is not UTF-8 rather than altering its text', async () => {
    const json = Buffer.from('[{"role":"user","content":"caf\u00e9"}]', 'latin1');
    assert.equal(await importFile(json), undefined);
    assert.match(suite.shown.shown[0]?.message ?? '', /cannot import .*not valid UTF-8/);
  });

  it('refuses clipboard text that is not a conversation, saying why', async () => {
    await vscode.env.clipboard.writeText('not json');
    assert.equal(await runPicking('prefillLoom.importConversation', 'From the Clipboard'), undefined);
    assert.match(suite.shown.shown[0]?.message ?? '', /cannot import the conversation.*not JSON/);
  });

  it('creates a new loom document whose header is a conversation, ready to continue', async () => {
    const editor = await runPicking<vscode.TextEditor>('prefillLoom.newLoomDocument', 'Conversation');
    assert.ok(editor);
    assert.match(editor.document.getText(), /^---\nmodel: .*\nsystem: .*\nmessages:\n {2}- user: .*\n---\n$/);
    assert.equal(editor.document.offsetAt(editor.selection.active), editor.document.getText().length);
    assert.equal(vscode.languages.getDiagnostics(editor.document.uri).length, 0);
  });
});
