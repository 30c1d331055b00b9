/**
 * Typing a header above a document that has a loom, in a real VS Code: while the header is open
 * (a `---` with no closing line yet) the tree does not follow the buffer, and header text never
 * reaches the tree or its files (issue 16 item 8).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoomSession } from '../../src/session/loomSession';
import { continueAtCursor, loomApi, userEdit } from './loomTestKit';
import { serverSuite } from './serverSuite';

const BODY = 'The weaver of Salt Lane kept her loom';
/** Longer than the pause after which the tree catches up with hand edits. */
const PAST_THE_RECONCILE_PAUSE_MS = 900;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function treeShape(session: LoomSession): string {
  return JSON.stringify([...session.tree.preorder()].map((n) => [n.id, n.parentId, n.author, n.text]));
}

/** Every file of the document's loom (snapshot, journal, backups) as text. */
function loomFiles(file: string): string {
  const dir = path.dirname(file);
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(`${path.basename(file)}.loom`))
    .map((name) => fs.readFileSync(path.join(dir, name), 'utf8'))
    .join('\n');
}

describe('Typing a header above a document with a loom', () => {
  serverSuite({ maxTokens: 8, maxTotalTokens: 8 });

  it('leaves the tree as it was while the header is open, and keeps header text out of the tree files', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, `header-typing-${Date.now()}.md`);
    fs.writeFileSync(file, BODY);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    editor.selection = new vscode.Selection(editor.document.positionAt(BODY.length), editor.document.positionAt(BODY.length));
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    const loom = await loomApi();
    const session = loom.sessions.get(editor.document)!;
    await pause(PAST_THE_RECONCILE_PAUSE_MS);
    assert.equal(session.tree.size, 2, 'a 2-node loom: the user\'s text and the generation');
    const before = treeShape(session);

    const top = new vscode.Position(0, 0);
    await userEdit(editor, (_, b) => b.insert(top, '---\n'));
    await pause(PAST_THE_RECONCILE_PAUSE_MS);
    assert.equal(treeShape(session), before, 'typing the opening --- changes nothing in the tree');
    for (const line of ['model: claude-haiku-4-5\n', 'temperature: 0.7\n', 'system: HEADER-SYSTEM-PROMPT\n']) {
      await userEdit(editor, (d, b) => b.insert(d.positionAt(d.getText().indexOf(BODY)), line));
      await pause(PAST_THE_RECONCILE_PAUSE_MS);
      assert.equal(treeShape(session), before, `typing ${JSON.stringify(line)} changes nothing in the tree`);
    }
    await loom.sessions.flushAll();
    assert.ok(!loomFiles(file).includes('HEADER-SYSTEM-PROMPT'), 'no header text in the tree files while the header is open');
    const typed = editor.document.getText();
    const root = [...session.tree.preorder()][0];
    assert.equal(await session.switchTo(root.id), false, 'moving through the loom waits for the header to be closed');
    assert.equal(editor.document.getText(), typed, 'the header lines are still there');
    assert.equal(treeShape(session), before);

    await userEdit(editor, (d, b) => b.insert(d.positionAt(d.getText().indexOf(BODY)), '---\n'));
    await pause(PAST_THE_RECONCILE_PAUSE_MS);
    assert.equal(treeShape(session), before, 'closing the header leaves the tree as it was');
    await loom.sessions.flushAll();
    assert.ok(!loomFiles(file).includes('HEADER-SYSTEM-PROMPT'), 'no header text in the tree files');
    assert.ok(!loomFiles(file).includes('model: claude-haiku'), 'no header text in the tree files');
    assert.equal(session.body(), session.tree.textOf(session.currentId));
  });
});
