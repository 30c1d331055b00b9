import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadTree } from '../../src/core/loom/treePersistence';
import { nodeTreeStorage, sidecarPaths } from '../../src/core/loom/treeStorage';
import type { PrefillLoomApi } from '../../src/extension';
import type { LoomSession } from '../../src/session/loomSession';
import { eventually } from '../harness/eventually';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { closeAllEditors, loomApi, openDocument, setSetting, startServerForExtension, userEdit, waitForText } from './loomTestKit';

/** Not the start of the story, so each sample at temperature 1 is a different continuation. */
const PREFIX = 'Once upon a tide';

function modelChildren(session: LoomSession, parentId: string) {
  return session.tree.children(parentId).filter((n) => n.author === 'model');
}

/** The node whose path text is exactly `text`: where branches at the end of `text` hang. */
function nodeWithText(session: LoomSession, text: string): string {
  const node = [...session.tree.preorder()].find((n) => session.tree.textOf(n.id) === text);
  assert.ok(node, `no node ends at ${JSON.stringify(text)}`);
  return node.id;
}


describe('The loom', () => {
  let server: FakeAnthropic;
  let loom: PrefillLoomApi;
  before(async () => {
    server = await startServerForExtension();
    loom = await loomApi();
    await setSetting('temperature', 1);
    await setSetting('maxTokens', 20);
    await setSetting('maxTotalTokens', 20);
  });
  afterEach(async () => {
    server.reset();
    await closeAllEditors();
  });
  after(async () => {
    for (const name of ['temperature', 'maxTokens', 'maxTotalTokens', 'baseUrl']) await setSetting(name, undefined);
    await server.close();
  });

  it('streams 4 alternatives into the tree, the first into the editor', async () => {
    const editor = await openDocument(PREFIX);
    const outcome = await loom.generations.generateAlternatives(editor, 4);
    const session = loom.sessions.get(editor.document)!;
    const branches = modelChildren(session, nodeWithText(session, PREFIX));
    assert.equal(branches.length, 4);
    assert.equal(new Set(branches.map((b) => b.text)).size, 4, 'four different continuations');
    assert.ok(branches.every((b) => b.generation?.status === 'completed' && b.generation.usage.output_tokens > 0));
    assert.equal(editor.document.getText(), PREFIX + outcome!.text);
    assert.equal(session.tree.textOf(session.currentId), editor.document.getText());
  });

  it('keeps the other branches going when one fails', async () => {
    server.enqueueFault({ kind: 'status', status: 400, message: 'messages: this one branch is refused' });
    const editor = await openDocument(PREFIX);
    await loom.generations.generateAlternatives(editor, 3);
    const session = loom.sessions.get(editor.document)!;
    const branches = modelChildren(session, nodeWithText(session, PREFIX));
    assert.equal(branches.length, 2, 'the failed branch left no empty node');
    assert.ok(branches.every((b) => b.generation?.status === 'completed'));
    assert.equal(server.requests.filter((r) => r.path === '/v1/messages').length, 3);
  });

  it('switches the editor between branches from the keyboard, each switch one undo step', async () => {
    const editor = await openDocument(PREFIX);
    await loom.generations.generateAlternatives(editor, 3);
    const session = loom.sessions.get(editor.document)!;
    const first = editor.document.getText();
    const seen = new Set([first]);
    for (let i = 0; i < 2; i++) {
      await vscode.commands.executeCommand('prefillLoom.nextSibling');
      seen.add(editor.document.getText());
      assert.equal(session.tree.textOf(session.currentId), editor.document.getText());
    }
    assert.equal(seen.size, 3, 'three branches shown in turn');
    await vscode.commands.executeCommand('prefillLoom.nextSibling');
    assert.equal(editor.document.getText(), first, 'cycling comes back to the first');
    await vscode.commands.executeCommand('undo');
    assert.notEqual(editor.document.getText(), first);
    assert.ok(seen.has(editor.document.getText()), 'undo goes back to the previous branch');
  });

  it('switches branches from the view and follows hand edits without losing anything', async () => {
    const editor = await openDocument(PREFIX);
    await loom.generations.generateAlternatives(editor, 2);
    const session = loom.sessions.get(editor.document)!;
    const parentId = session.tree.get(session.currentId)!.parentId!;
    const other = modelChildren(session, parentId).find((n) => n.id !== session.currentId)!;
    await loom.viewModel.handle({ type: 'select', id: other.id });
    assert.equal(editor.document.getText(), session.tree.textOf(other.id));
    await userEdit(editor, (d, b) => b.insert(d.positionAt(d.getText().length), ' and then'));
    await eventually(() => session.tree.textOf(session.currentId) === editor.document.getText(), 'the tree to follow the edit');
    const edited = session.tree.get(session.currentId)!;
    assert.equal(edited.author, 'user');
    assert.equal(edited.text, ' and then');
    assert.equal(modelChildren(session, parentId).length, 2, 'both branches are still there');
  });

  it('shows the new root and the current branch in the sidebar and the panel after an edit at the very start', async function () {
    // Two webviews come up first; on a loaded 2-core machine that alone can take most of mocha's default.
    this.timeout(60_000);
    const editor = await openDocument(PREFIX);
    await loom.generations.generateAlternatives(editor, 2);
    const session = loom.sessions.get(editor.document)!;
    await vscode.commands.executeCommand('prefillLoom.tree.focus');
    loom.view.showBeside({ preserveFocus: true });
    await vscode.window.showTextDocument(editor.document);
    const oldRoot = session.tree.rootId;
    const shows = async (rootId: string) => {
      const reports = await loom.view.measure();
      return reports.length === 2 && reports.every((r) => r.topRowId === rootId && r.currentId === session.currentId && r.currentRowIndex !== undefined);
    };
    await eventually(() => shows(oldRoot), 'both views to show the loom', 20_000, 100);
    await userEdit(editor, (_, b) => b.insert(new vscode.Position(0, 0), 'Oh. '));
    await eventually(() => session.tree.rootId !== oldRoot, 'the edit to split the root');
    await eventually(() => shows(session.tree.rootId), 'both views to show the new root with the current branch', 5000, 100);
    const [sidebar, panel] = await loom.view.measure();
    assert.equal(sidebar.rowCount, panel.rowCount);
    assert.equal(sidebar.nodeCount, session.tree.size);
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
  });

  it('regenerates, bookmarks and deletes from the view', async () => {
    const editor = await openDocument(PREFIX);
    await loom.generations.continueAtCursor(editor);
    const session = loom.sessions.get(editor.document)!;
    const original = session.currentId;
    const parentId = session.tree.get(original)!.parentId!;
    await loom.viewModel.handle({ type: 'regenerate', id: original });
    const again = modelChildren(session, parentId).find((n) => n.id !== original)!;
    assert.equal(again.kind, 'regeneration');
    assert.equal(again.comparesTo, original);
    assert.deepEqual(again.generation?.params, session.tree.get(original)!.generation?.params, 'the same request again');
    await loom.viewModel.handle({ type: 'bookmark', id: again.id, bookmarked: true });
    assert.equal(session.tree.get(again.id)!.bookmarked, true);
    void loom.viewModel.handle({ type: 'delete', id: again.id });
    await eventually(() => !session.tree.has(again.id), 'the branch to be deleted');
    assert.ok(session.tree.has(original), 'only that branch went');
    assert.equal(editor.document.getText(), session.tree.textOf(session.currentId));
  });

  it('saves the tree beside the file, readable as it was', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, `story-${Date.now()}.md`);
    fs.writeFileSync(file, PREFIX);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    editor.selection = new vscode.Selection(editor.document.positionAt(PREFIX.length), editor.document.positionAt(PREFIX.length));
    await loom.generations.generateAlternatives(editor, 2);
    await loom.sessions.flushAll();
    const saved = JSON.parse(fs.readFileSync(`${file}.loom.json`, 'utf8'));
    assert.equal(saved.format, 'prefill-loom-tree');
    const session = loom.sessions.get(editor.document)!;
    const loaded = await loadTree(nodeTreeStorage, sidecarPaths(file));
    assert.equal(loaded.kind, 'loaded');
    if (loaded.kind !== 'loaded') return;
    assert.equal(loaded.tree.size, session.tree.size);
    assert.equal(loaded.tree.textOf(loaded.currentId), editor.document.getText());
    assert.ok(!fs.readFileSync(`${file}.loom.json`, 'utf8').includes('sk-ant-'), 'no key in the tree file');
  });

  it('never overwrites a corrupt tree file, and still generates', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, `corrupt-${Date.now()}.md`);
    fs.writeFileSync(file, PREFIX);
    const garbage = '{ "format": "prefill-loom-tree", "version": 1, "nodes": [ this is not json';
    fs.writeFileSync(`${file}.loom.json`, garbage);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    editor.selection = new vscode.Selection(editor.document.positionAt(PREFIX.length), editor.document.positionAt(PREFIX.length));
    const outcome = await vscode.commands.executeCommand<{ status: string; text: string }>('prefillLoom.continueAtCursor');
    assert.equal(outcome?.status, 'completed');
    await waitForText(editor.document, (t) => t === PREFIX + outcome!.text);
    assert.equal(loom.sessions.get(editor.document), undefined, 'no tree is kept for it');
    await loom.sessions.flushAll();
    assert.equal(fs.readFileSync(`${file}.loom.json`, 'utf8'), garbage, 'the file is untouched');
  });
});
