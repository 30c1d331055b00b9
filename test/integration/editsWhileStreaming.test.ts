/**
 * The fault matrix, user side, in a real VS Code: whatever the user does to the document while text
 * streams in, the document ends as their edits applied to their text plus exactly the text received,
 * and the loom holds it all.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationOutcome } from '../../src/core/generation/generation';
import { STORY } from '../server/storyResponder';
import { assertNothingLost, continueAtCursor, openDocument, userEdit, waitForText } from './loomTestKit';
import { serverSuite } from './serverSuite';

const PREFIX = STORY.slice(0, 60).trimEnd();
const AFTER = '\nTAIL';
const PASTE = 'a pasted\nblock of two lines';

/** Where the stream goes now, when only the stream has touched the text before AFTER. */
function insertionPoint(document: vscode.TextDocument): number {
  return document.getText().length - AFTER.length;
}

interface EditCase {
  name: string;
  /** Makes the edit, given the insertion point at that moment; returns what the final text must be. */
  edit: (document: vscode.TextDocument, b: vscode.TextEditorEdit, at: number) => (outcome: GenerationOutcome) => string;
}

const EDIT_CASES: EditCase[] = [
  {
    name: 'types at the insertion point (the typing goes after the stream)',
    edit: (d, b, at) => {
      b.insert(d.positionAt(at), 'TYPED');
      return (o) => PREFIX + o.text + 'TYPED' + AFTER;
    },
  },
  {
    name: 'pastes at the insertion point',
    edit: (d, b, at) => {
      b.insert(d.positionAt(at), PASTE);
      return (o) => PREFIX + o.text + PASTE + AFTER;
    },
  },
  {
    name: 'pastes before the insertion point',
    edit: (d, b) => {
      b.insert(d.positionAt(10), PASTE);
      return (o) => PREFIX.slice(0, 10) + PASTE + PREFIX.slice(10) + o.text + AFTER;
    },
  },
  {
    name: 'pastes after the insertion point',
    edit: (d, b) => {
      b.insert(d.positionAt(d.getText().length), PASTE);
      return (o) => PREFIX + o.text + AFTER + PASTE;
    },
  },
  {
    name: 'deletes before the insertion point',
    edit: (d, b) => {
      b.delete(new vscode.Range(d.positionAt(4), d.positionAt(20)));
      return (o) => PREFIX.slice(0, 4) + PREFIX.slice(20) + o.text + AFTER;
    },
  },
  {
    name: 'deletes after the insertion point',
    edit: (d, b, at) => {
      b.delete(new vscode.Range(d.positionAt(at + 1), d.positionAt(at + AFTER.length)));
      return (o) => PREFIX + o.text + '\n';
    },
  },
  {
    name: 'deletes streamed text up to the insertion point',
    edit: (d, b, at) => {
      b.delete(new vscode.Range(d.positionAt(at - 6), d.positionAt(at)));
      return (o) => (PREFIX + o.text).slice(0, at - 6) + (PREFIX + o.text).slice(at) + AFTER;
    },
  },
];

describe('Fault matrix: the user edits while text streams in', function () {
  this.timeout(60_000);
  // Long enough to edit during, short enough for a loaded machine: 150 tokens at 4 ms each.
  const suite = serverSuite({ temperature: 0, maxTokens: 150, maxTotalTokens: 150 });
  beforeEach(() => suite.server.setTokenDelay(4));

  for (const { name, edit } of EDIT_CASES) {
    it(`the user ${name}: their edit and every streamed character stay`, async () => {
      const editor = await openDocument(PREFIX + AFTER, PREFIX.length);
      const running = continueAtCursor();
      await waitForText(editor.document, (t) => t.length > PREFIX.length + AFTER.length + 20, 15_000);
      let expected: ((outcome: GenerationOutcome) => string) | undefined;
      await userEdit(editor, (d, b) => (expected = edit(d, b, insertionPoint(d))));
      const outcome = await running;
      assert.equal(outcome?.status, 'completed');
      assert.equal(outcome.stopReason, 'max_tokens', 'the whole continuation arrived');
      await assertNothingLost(editor, expected!(outcome), outcome);
    });
  }

  it('the user undoes their own typing mid-stream: the typing goes, the stream stays whole', async () => {
    const editor = await openDocument(PREFIX + AFTER, PREFIX.length);
    const running = continueAtCursor();
    await waitForText(editor.document, (t) => t.length > PREFIX.length + AFTER.length + 20, 15_000);
    await userEdit(editor, (d, b) => b.insert(d.positionAt(d.getText().length), ' END'));
    await vscode.commands.executeCommand('undo');
    const outcome = await running;
    assert.equal(outcome?.status, 'completed');
    await assertNothingLost(editor, PREFIX + outcome.text + AFTER, outcome);
  });

  it('the user closes one of two editors of the document: the stream goes on in the other', async () => {
    const editor = await openDocument(PREFIX);
    await vscode.commands.executeCommand('workbench.action.splitEditor');
    await vscode.window.showTextDocument(editor.document, vscode.ViewColumn.One);
    const running = continueAtCursor();
    await waitForText(editor.document, (t) => t.length > PREFIX.length + 20, 15_000);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.equal(vscode.window.visibleTextEditors.filter((e) => e.document === editor.document).length, 1, 'one editor left');
    const outcome = await running;
    assert.equal(outcome?.status, 'completed');
    await assertNothingLost(editor, PREFIX + outcome.text, outcome);
  });

  it('a second generation in the same document is refused with a message; the first ends whole', async () => {
    const editor = await openDocument(PREFIX);
    const first = continueAtCursor();
    await waitForText(editor.document, (t) => t.length > PREFIX.length + 20, 15_000);
    const second = await continueAtCursor();
    assert.equal(second, undefined);
    await suite.shown.waitFor('warning', /already running in this document\. Stop it first/);
    const outcome = await first;
    assert.equal(outcome?.status, 'completed');
    assert.equal(suite.server.requests.length, 1, 'only the first was sent');
    await assertNothingLost(editor, PREFIX + outcome.text, outcome);
  });

  it('a generation in another document runs alongside; each document gets its own text', async () => {
    const one = await openDocument(PREFIX);
    const first = continueAtCursor();
    await waitForText(one.document, (t) => t.length > PREFIX.length + 20, 15_000);
    const otherPrefix = STORY.slice(0, 200).trimEnd();
    const two = await openDocument(otherPrefix);
    const second = continueAtCursor();
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a?.status, 'completed');
    assert.equal(b?.status, 'completed');
    await assertNothingLost(one, PREFIX + a.text, a);
    await assertNothingLost(two, otherPrefix + b.text, b);
    assert.ok(STORY.startsWith(PREFIX + a.text) && STORY.startsWith(otherPrefix + b.text), 'each continues its own prefill');
    assert.equal(suite.server.requests.length, 2);
    assert.deepEqual(suite.shown.shown, [], 'no message');
  });
});
