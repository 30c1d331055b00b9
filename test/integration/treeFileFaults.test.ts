/**
 * The fault matrix, tree file side, in a real VS Code: a crash mid-save, a file from a newer version
 * and a hand-edited file each load (or are left alone) without losing a node, and the user is told.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenerationOutcome } from '../../src/core/generation/generation';
import { loadTree, TreeStore } from '../../src/core/loom/treePersistence';
import { nodeTreeStorage, sidecarPaths, type TreePaths } from '../../src/core/loom/treeStorage';
import { eventually } from '../harness/eventually';
import { loomApi, userEdit } from './loomTestKit';
import { serverSuite } from './serverSuite';

const PREFIX = 'Once upon a tide';

/** A document in the test workspace, with the tree files its name gives. */
function newDocument(name: string): { file: string; paths: TreePaths } {
  const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, `${name}-${Date.now()}.md`);
  fs.writeFileSync(file, PREFIX);
  return { file, paths: sidecarPaths(file) };
}

/** Writes a tree for `file` as an earlier session would have: a snapshot, then journal entries. */
async function writeTree(file: string, paths: TreePaths): Promise<string[]> {
  const opened = await TreeStore.open(nodeTreeStorage, paths, { document: path.basename(file), initialText: PREFIX });
  assert.ok(opened.ok);
  const { tree } = opened.store;
  const first = tree.addChild(tree.rootId, ' and the boats came in.', { author: 'model' });
  await opened.store.compact();
  const second = tree.addChild(tree.rootId, ' and the gulls went out.', { author: 'model' });
  await opened.store.flush();
  opened.store.dispose();
  return [first.id, second.id];
}

async function openAtEnd(file: string): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  const end = editor.document.positionAt(editor.document.getText().length);
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

describe('Fault matrix: tree files', () => {
  const suite = serverSuite({ maxTokens: 20, maxTotalTokens: 20 });

  it('a crash between writing the new snapshot and renaming it: the old snapshot and the journal load whole', async () => {
    const { file, paths } = newDocument('crashed-save');
    const ids = await writeTree(file, paths);
    // As the process would leave it, dying mid-write of the temp file and mid-append of the journal.
    fs.writeFileSync(`${paths.snapshot}.0123456789ab.tmp`, fs.readFileSync(paths.snapshot, 'utf8').slice(0, 90));
    fs.appendFileSync(paths.journal, '{"seq":9,"op":"append","id":"');
    const editor = await openAtEnd(file);
    const loom = await loomApi();
    await eventually(() => loom.sessions.get(editor.document) !== undefined, 'the tree to load');
    const session = loom.sessions.get(editor.document)!;
    assert.deepEqual(ids.map((id) => session.tree.get(id)?.text), [' and the boats came in.', ' and the gulls went out.']);
    await suite.shown.waitFor('warning', /was repaired on loading: ignored an incomplete last line.*interrupted while saving/);
    const outcome = await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.continueAtCursor');
    assert.equal(outcome?.status, 'completed');
    await loom.sessions.flushAll();
    const saved = await loadTree(nodeTreeStorage, paths);
    assert.equal(saved.kind, 'loaded');
    if (saved.kind !== 'loaded') return;
    assert.equal(saved.tree.size, session.tree.size, 'everything, old and new, is on disk');
    assert.equal(saved.tree.textOf(saved.currentId), editor.document.getText());
  });

  it('a file from a newer version: left untouched, the user told to update, generation still works', async () => {
    const { file, paths } = newDocument('newer-version');
    const newer = '{"format":"prefill-loom-tree","version":99,"rootId":"r","nodes":[{"id":"r","parentId":null,"text":"Once upon a tide"}],"futureField":true}\n';
    fs.writeFileSync(paths.snapshot, newer);
    const editor = await openAtEnd(file);
    const message = await suite.shown.waitFor('error', /written by a newer version of Prefill Loom \(tree format 99.*Update Prefill Loom to open it; the file has been left unchanged/);
    assert.deepEqual(message.items, ['Move Aside and Start a New Tree', 'Open Tree File']);
    const outcome = await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.continueAtCursor');
    assert.equal(outcome?.status, 'completed');
    assert.equal(editor.document.getText(), PREFIX + outcome.text);
    await (await loomApi()).sessions.flushAll();
    assert.equal(fs.readFileSync(paths.snapshot, 'utf8'), newer);
    assert.equal(fs.existsSync(paths.journal), false);
  });

  it('a hand-edited file with a missing node: every other node loads, the user is told, the original is kept', async () => {
    const { file, paths } = newDocument('hand-edited');
    const [first, second] = await writeTree(file, paths);
    const snapshot = JSON.parse(fs.readFileSync(paths.snapshot, 'utf8'));
    const orphan = { id: 'orphan1', parentId: 'deleted-by-hand', author: 'user', createdAt: 0, text: ' but the tide went out.' };
    snapshot.nodes.push(orphan);
    const edited = JSON.stringify(snapshot);
    fs.writeFileSync(paths.snapshot, edited);
    const editor = await openAtEnd(file);
    const message = await suite.shown.waitFor('warning', /hand-edited-.*\.md\.loom\.json was repaired on loading: node orphan1 has a missing parent deleted-by-hand; it was attached under the root/);
    assert.deepEqual(message.items, ['Open Tree File']);
    const session = (await loomApi()).sessions.get(editor.document)!;
    assert.equal(session.tree.get('orphan1')?.text, orphan.text);
    assert.ok(session.tree.has(first) && session.tree.has(second), 'the nodes from the journal are there too');
    assert.equal(fs.readFileSync(paths.snapshot.replace(/\.json$/, '.before-repair.json'), 'utf8'), edited);
  });

  it('two windows on the same document: the second to save keeps its tree aside and says so; neither loses a node', async () => {
    const { file, paths } = newDocument('two-windows');
    const editor = await openAtEnd(file);
    const loom = await loomApi();
    const mine = await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.continueAtCursor');
    assert.equal(mine?.status, 'completed');
    await loom.sessions.flushAll();
    // The other window: its own store on the same files, adding a branch and saving it.
    const other = await TreeStore.open(nodeTreeStorage, paths, { document: path.basename(file), initialText: PREFIX });
    assert.ok(other.ok);
    const theirs = other.store.tree.addChild(other.store.tree.rootId, ' and the other window wrote this.', { author: 'user' });
    await other.store.flush();
    other.store.dispose();
    const editorEnd = editor.document.positionAt(editor.document.getText().length);
    editor.selection = new vscode.Selection(editorEnd, editorEnd);
    const again = await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.continueAtCursor');
    assert.equal(again?.status, 'completed');
    await loom.sessions.flushAll();

    const warning = await suite.shown.waitFor('warning', /two-windows-.*\.md\.loom\.json was changed by another window or program\. It was left as they wrote it, and this window's tree is saved to .*\.conflict-.*\.json instead; use Loom Tree: Import/);
    assert.deepEqual(warning.items, ['Open Saved Copy']);
    const onDisk = await loadTree(nodeTreeStorage, paths);
    assert.ok(onDisk.kind === 'loaded' && onDisk.tree.has(theirs.id), "the other window's node is still in the file");
    const savedTo = /saved to (\S+) instead/.exec(warning.message)![1];
    const aside = await loadTree(nodeTreeStorage, { snapshot: path.join(path.dirname(file), savedTo), journal: `${file}.none` });
    assert.equal(aside.kind, 'loaded');
    if (aside.kind !== 'loaded') return;
    assert.ok([...aside.tree.preorder()].some((n) => aside.tree.textOf(n.id) === editor.document.getText()), "this window's tree, with both generations, is in the copy");
  });

  it('a cloned folder with a tree file needing repair and a link at its backup name: the linked file outside stays byte-for-byte the same', async () => {
    // The attack of issue 16: opening the document loads its tree, which needs a repair, so the
    // store would at once write the original beside it as .before-repair.json, through the link.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'loom-outside-'));
    const target = path.join(outside, 'bashrc');
    const original = 'export PATH="$HOME/bin:$PATH"\n';
    fs.writeFileSync(target, original);
    try {
      const { file, paths } = newDocument('cloned');
      const snapshot = JSON.stringify({ format: 'prefill-loom-tree', version: 1, rootId: 'r', nodes: [{ id: 'r', parentId: null, text: PREFIX }, { id: 'o', parentId: 'gone', text: ' and a shell line' }] });
      fs.writeFileSync(paths.snapshot, snapshot);
      const link = paths.snapshot.replace(/\.json$/, '.before-repair.json');
      fs.symlinkSync(target, link);
      const editor = await openAtEnd(file);
      const message = await suite.shown.waitFor('error', /cloned-.*\.md\.loom\.before-repair\.json is a symbolic link\. Prefill Loom never reads or writes tree files through links.*Delete the link/);
      assert.deepEqual(message.items, [], 'no button that would open or move the link');
      assert.equal((await loomApi()).sessions.get(editor.document), undefined, 'no tree loaded');
      const outcome = await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.continueAtCursor');
      assert.equal(outcome?.status, 'completed', 'generation still works');
      await (await loomApi()).sessions.flushAll();
      assert.equal(fs.readFileSync(target, 'utf8'), original, 'the file outside the folder is unchanged');
      assert.deepEqual(fs.readdirSync(outside), ['bashrc']);
      assert.equal(fs.readFileSync(paths.snapshot, 'utf8'), snapshot);
      assert.ok(fs.lstatSync(link).isSymbolicLink());
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a link put at the journal name while the document is open: nothing is written through it, and the user is told', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'loom-outside-'));
    try {
      const { file, paths } = newDocument('link-later');
      const editor = await openAtEnd(file);
      assert.equal((await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.continueAtCursor'))?.status, 'completed');
      await (await loomApi()).sessions.flushAll();
      fs.rmSync(paths.journal, { force: true });
      fs.symlinkSync(path.join(outside, 'created-by-loom'), paths.journal);
      editor.selection = new vscode.Selection(editor.document.positionAt(editor.document.getText().length), editor.document.positionAt(editor.document.getText().length));
      assert.equal((await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.continueAtCursor'))?.status, 'completed');
      await (await loomApi()).sessions.flushAll();
      await suite.shown.waitFor('error', /link-later-.*\.md\.loom\.journal\.jsonl is a symbolic link\. Prefill Loom never reads or writes tree files through links/);
      assert.deepEqual(fs.readdirSync(outside), [], 'nothing created where the link points');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  /**
   * Opens `file` and generates once in it while the workspace reports itself untrusted (the trust
   * state cannot be changed inside a running window), answering Send; `check` runs before trust is
   * restored. The test then calls the handler of the trust event.
   */
  async function generateWhileUntrusted(file: string, check: (editor: vscode.TextEditor) => Promise<void>): Promise<vscode.TextEditor> {
    const trust = Object.getOwnPropertyDescriptor(vscode.workspace, 'isTrusted');
    Object.defineProperty(vscode.workspace, 'isTrusted', { get: () => false, configurable: true });
    try {
      const editor = await openAtEnd(file);
      suite.shown.answer = (m) => (m.items.includes('Send') ? 'Send' : undefined);
      const outcome = await vscode.commands.executeCommand<GenerationOutcome>('prefillLoom.continueAtCursor');
      assert.equal(outcome?.status, 'completed');
      await (await loomApi()).sessions.flushAll();
      await check(editor);
      return editor;
    } finally {
      if (trust) Object.defineProperty(vscode.workspace, 'isTrusted', trust);
    }
  }

  it('an untrusted workspace: tree files are neither read nor written until it is trusted; the loom made meanwhile is kept', async () => {
    const { file, paths } = newDocument('untrusted');
    const [first] = await writeTree(file, paths);
    const before = fs.readFileSync(paths.snapshot, 'utf8');
    const journal = fs.readFileSync(paths.journal, 'utf8');
    const loom = await loomApi();
    const editor = await generateWhileUntrusted(file, async (editor) => {
      await suite.shown.waitFor('information', /this workspace is not trusted, so loom tree files are neither read nor written/);
      assert.ok(!loom.sessions.get(editor.document)!.tree.has(first), 'the tree file was not read');
      assert.equal(fs.readFileSync(paths.snapshot, 'utf8'), before, 'nor written');
      assert.equal(fs.readFileSync(paths.journal, 'utf8'), journal);
      assert.equal(suite.shown.matching('information', /not trusted/).length, 1, 'told once');
    });
    await loom.sessions.trustGranted();
    const saved = await suite.shown.waitFor('information', /the loom made while the workspace was not trusted is saved to (\S+), beside untrusted-.*\.md\.loom\.json, which is now loaded/);
    await eventually(() => loom.sessions.get(editor.document)?.tree.has(first) === true, 'the tree file to load once trusted');
    const copyName = /saved to (\S+),/.exec(saved.message)![1];
    const copy = await loadTree(nodeTreeStorage, { snapshot: path.join(path.dirname(file), copyName), journal: `${file}.none` });
    assert.ok(copy.kind === 'loaded' && [...copy.tree.preorder()].some((n) => copy.tree.textOf(n.id) === editor.document.getText()), 'the generation made meanwhile is in the copy');
  });

  it('an untrusted workspace, a document without a tree file: the loom made in memory becomes its tree file once trusted', async () => {
    const { file, paths } = newDocument('untrusted-new');
    const loom = await loomApi();
    const editor = await generateWhileUntrusted(file, async () => {
      assert.ok(!fs.existsSync(paths.snapshot) && !fs.existsSync(paths.journal), 'nothing written while untrusted');
    });
    await loom.sessions.trustGranted();
    await loom.sessions.flushAll();
    const saved = await loadTree(nodeTreeStorage, paths);
    assert.ok(saved.kind === 'loaded', 'written once trusted');
    assert.equal(saved.tree.textOf(saved.currentId), editor.document.getText(), 'with the generation made meanwhile');
    await userEdit(editor, (d, b) => b.insert(d.positionAt(d.getText().length), ' More.'));
    await loom.sessions.flushAll();
    const again = await loadTree(nodeTreeStorage, paths);
    assert.ok(again.kind === 'loaded' && again.tree.textOf(again.currentId).endsWith(' More.'), 'later changes are saved too');
  });
});
