import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually } from '../harness/eventually';
import { closeAllEditors, loomApi } from './loomTestKit';

/** Opens an untitled buffer the way File: New Untitled Text File does, and gives it a loom with one model branch. */
async function untitledWithLoom(content: string): Promise<vscode.TextDocument> {
  const loom = await loomApi();
  const document = await vscode.workspace.openTextDocument({ content });
  await vscode.window.showTextDocument(document);
  const session = (await loom.sessions.sessionFor(document))!;
  session.tree.addChild(session.currentId, ' and its branch', { author: 'model' });
  await loom.sessions.flushAll();
  return document;
}

describe('Untitled buffers', () => {
  afterEach(closeAllEditors);

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

  it('keeps its loom when its language changes (VS Code closes and reopens the document)', async function () {
    this.timeout(60_000);
    const loom = await loomApi();
    const document = await untitledWithLoom('A buffer whose language changes');
    const changed = await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await eventually(() => loom.sessions.get(changed) !== undefined, 'the loom to come back', 10_000, 20);
    const session = loom.sessions.get(changed)!;
    assert.deepEqual([...session.tree.preorder()].map((n) => n.text), ['A buffer whose language changes', ' and its branch']);
  });
});
