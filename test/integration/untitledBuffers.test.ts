import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually } from '../harness/eventually';
import { closeAllEditors, loomApi } from './loomTestKit';
import { ShownMessages } from './shownMessages';

/**
 * Opens an untitled buffer the way File: New Untitled Text File does (or, given a `name`, one of that
 * name), and gives it a loom with one model branch.
 */
async function untitledWithLoom(content: string, name?: string): Promise<vscode.TextDocument> {
  const loom = await loomApi();
  const document = await (name ? vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: name })) : vscode.workspace.openTextDocument({ content }));
  await vscode.window.showTextDocument(document);
  if (name) await vscode.window.activeTextEditor!.edit((b) => b.insert(new vscode.Position(0, 0), content));
  const session = (await loom.sessions.sessionFor(document))!;
  session.tree.addChild(session.currentId, ' and its branch', { author: 'model' });
  await loom.sessions.flushAll();
  return document;
}

/** Closes every untitled buffer, those opened without an editor too: left to close late, one would free its name in the middle of the next test. */
async function closeUntitledBuffers(): Promise<void> {
  for (const open of vscode.workspace.textDocuments.filter((d) => d.isUntitled)) await vscode.window.showTextDocument(open);
  await closeAllEditors();
  await eventually(() => vscode.workspace.textDocuments.every((d) => !d.isUntitled), 'every untitled buffer closed', 30_000, 50);
}

describe('Untitled buffers', () => {
  beforeEach(closeUntitledBuffers);
  afterEach(closeUntitledBuffers);

  it('a new buffer that reuses a closed one’s name starts a loom of its own; the old tree is kept under another name', async function () {
    this.timeout(60_000);
    const loom = await loomApi();
    const first = await untitledWithLoom('First buffer');
    const paths = loom.sessions.pathsFor(first);
    await closeAllEditors();
    await eventually(() => first.isClosed, 'the first buffer closes', 30_000, 50);
    const second = await vscode.workspace.openTextDocument({ content: 'Second buffer' });
    assert.equal(second.uri.toString(), first.uri.toString(), 'the new buffer reuses the name (what makes this case)');
    const session = (await loom.sessions.sessionFor(second))!;
    assert.deepEqual([...session.tree.preorder()].map((n) => n.text), ['Second buffer']);
    const stem = path.basename(paths.snapshot, '.json');
    const kept = fs.readdirSync(path.dirname(paths.snapshot)).filter((f) => f.startsWith(`${stem}.closed-`) && f.endsWith('.json'));
    const old = kept.map((f) => fs.readFileSync(path.join(path.dirname(paths.snapshot), f), 'utf8')).find((t) => t.includes(' and its branch'));
    assert.ok(old?.includes('First buffer'), `the closed buffer's tree is kept beside (${kept.join(', ')})`);
  });

  it('a closed buffer’s loom changed after the close writes nothing, tells of no conflict, and leaves the new buffer’s saves on time', async function () {
    this.timeout(60_000);
    const loom = await loomApi();
    const shown = new ShownMessages();
    try {
      const first = await untitledWithLoom('First buffer');
      const closed = loom.sessions.get(first)!;
      await closeAllEditors();
      await eventually(() => first.isClosed, 'the first buffer closes', 30_000, 50);
      const second = await vscode.workspace.openTextDocument({ content: 'Second buffer' });
      assert.equal(second.uri.toString(), first.uri.toString(), 'the new buffer reuses the name (what makes this case)');
      const session = (await loom.sessions.sessionFor(second))!;
      // A generation that ends after its buffer closed still records into the closed loom.
      closed.tree.addChild(closed.tree.rootId, ' too late', { author: 'model' });
      session.tree.addChild(session.currentId, ' the new branch', { author: 'model' });
      const { snapshot, journal } = loom.sessions.pathsFor(second);
      const saved = () => [snapshot, journal].map((f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '')).join('');
      await eventually(() => saved().includes(' the new branch'), 'the new buffer’s change saved', 10_000, 50);
      assert.ok(!saved().includes(' too late'), 'nothing of the closed loom in the new one’s files');
      assert.deepEqual(shown.shown.map((m) => m.message), []);
    } finally {
      shown.dispose();
    }
  });

  it('keeps its loom when its language changes (VS Code closes and reopens the document)', async function () {
    this.timeout(60_000);
    const loom = await loomApi();
    // A name of its own: a new Untitled-1 just after another closed can come back with the closed one's text (seen in code-server).
    const document = await untitledWithLoom('A buffer whose language changes', `language-change-${Date.now()}`);
    const changed = await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await eventually(() => loom.sessions.get(changed) !== undefined, 'the loom to come back', 10_000, 20);
    const session = loom.sessions.get(changed)!;
    assert.deepEqual([...session.tree.preorder()].map((n) => n.text), ['A buffer whose language changes', ' and its branch']);
  });
});
