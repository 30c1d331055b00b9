/**
 * What a new user meets in the first hour (issue 12): generating inside loom text branches there,
 * empty results say so, and trailing whitespace leaves neither junk branches nor a wrong view.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PrefillLoomApi } from '../../src/extension';
import type { LoomSession } from '../../src/session/loomSession';
import type { NodeSummary, TreeDelta } from '../../src/webviews/webviewProtocol';
import { eventually } from '../harness/eventually';
import { scriptedResponder } from '../server/storyResponder';
import { loomApi, openDocument, setSetting } from './loomTestKit';
import { replaceWindowFunction } from './shownMessages';
import { serverSuite } from './serverSuite';

function modelText(session: LoomSession): string[] {
  return [...session.tree.preorder()].filter((n) => n.author === 'model').map((n) => n.text);
}

/** Mirrors the loom view's deltas as the webview applies them: which root and which nodes it shows. */
class ViewMirror implements vscode.Disposable {
  rootId: string | undefined;
  readonly nodes = new Map<string, NodeSummary>();
  private readonly subscription: vscode.Disposable;
  constructor(loom: PrefillLoomApi) {
    this.subscription = loom.viewModel.onDidChange((delta: TreeDelta) => {
      if (delta.type === 'reset') {
        this.nodes.clear();
        this.rootId = delta.tree?.rootId;
        for (const n of delta.tree?.nodes ?? []) this.nodes.set(n.id, n);
      } else if (delta.type === 'upsert') {
        for (const n of delta.nodes) this.nodes.set(n.id, n);
      } else if (delta.type === 'remove') {
        for (const id of delta.ids) this.nodes.delete(id);
      }
    });
  }
  dispose(): void {
    this.subscription.dispose();
  }
}

describe('The first hour', function () {
  this.timeout(30_000);
  const suite = serverSuite({ temperature: 1 });
  let loom: PrefillLoomApi;
  before(async () => {
    loom = await loomApi();
  });

  describe('generating inside loom text', () => {
    const START = 'The keeper climbed the stairs.';
    const FIRST = ' The lamp was lit (it was late) and the sea lay calm below.';
    const CURSOR = START.length + FIRST.indexOf(' and the sea');

    async function continuedDocument(second: string): Promise<{ editor: vscode.TextEditor; session: LoomSession }> {
      suite.server.setResponder(scriptedResponder([{ text: FIRST }, { text: second }]));
      const editor = await openDocument(START);
      await loom.generations.continueAtCursor(editor);
      assert.equal(editor.document.getText(), START + FIRST);
      editor.selection = new vscode.Selection(editor.document.positionAt(CURSOR), editor.document.positionAt(CURSOR));
      return { editor, session: loom.sessions.get(editor.document)! };
    }

    it('branches at the cursor: the new generation replaces the rest in the editor, the rest stays a model sibling', async () => {
      const { editor, session } = await continuedDocument(' and nobody came.');
      await loom.generations.continueAtCursor(editor);
      assert.equal(editor.document.getText(), START + ' The lamp was lit (it was late) and nobody came.');
      assert.equal(session.tree.textOf(session.currentId), editor.document.getText());
      const head = session.tree.parent(session.currentId)!;
      assert.equal(head.author, 'model', 'the model text before the cursor stays model text');
      const siblings = session.tree.children(head.id);
      assert.deepEqual(siblings.map((n) => [n.author, n.text]), [
        ['model', ' and the sea lay calm below.'],
        ['model', ' and nobody came.'],
      ]);
      assert.equal(siblings[0].generation?.status, 'completed', 'the old rest keeps its generation record');
      assert.ok([...session.tree.preorder()].every((n) => n.author === 'model' || n.parentId === null), 'no model text re-labelled as user text');
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), START + FIRST, 'one undo step brings the old rest back');
    });

    it('branches at the cursor for Generate Alternatives too', async () => {
      const { editor, session } = await continuedDocument(' and nobody came.');
      suite.server.setResponder(scriptedResponder([{ text: ' and nobody came.' }, { text: ' and the gulls slept.' }]));
      await loom.generations.generateAlternatives(editor, 2);
      assert.ok(!editor.document.getText().includes('calm below'), 'the old rest is not kept in the editor');
      assert.equal(session.tree.textOf(session.currentId), editor.document.getText());
      assert.equal(modelText(session).filter((t) => t === ' and the sea lay calm below.').length, 1);
    });
  });

  describe('trailing whitespace', () => {
    const TEXT = 'The lighthouse keeper opened the door and ';

    it('leaves no one-space branch: the replaced whitespace is in the generation record', async () => {
      suite.server.setResponder(scriptedResponder([{ text: ' stepped out into the wind.' }]));
      const editor = await openDocument(TEXT);
      await loom.generations.continueAtCursor(editor);
      const session = loom.sessions.get(editor.document)!;
      assert.equal(editor.document.getText(), TEXT.trimEnd() + ' stepped out into the wind.');
      const nodes = [...session.tree.preorder()];
      assert.deepEqual(nodes.map((n) => n.text), [TEXT.trimEnd(), ' stepped out into the wind.'], 'no whitespace-only branch');
      assert.equal(session.tree.get(session.currentId)?.generation?.replacedWhitespace, ' ');
    });

    it('shows the right tree in the view after continuing an untitled document ending in a space', async () => {
      suite.server.setResponder(scriptedResponder([{ text: ' stepped out into the wind.' }]));
      const mirror = new ViewMirror(loom);
      try {
        const editor = await openDocument(TEXT);
        await loom.generations.continueAtCursor(editor);
        const session = loom.sessions.get(editor.document)!;
        await eventually(() => mirror.rootId === session.tree.rootId && mirror.nodes.size === session.tree.size, 'the view to show the tree', 3000, 10);
        assert.equal(mirror.nodes.get(mirror.rootId!)?.preview, TEXT.trimEnd());
      } finally {
        mirror.dispose();
      }
    });
  });

  describe('empty results', () => {
    it('says what happened when Continue returns nothing', async () => {
      suite.server.setResponder(scriptedResponder([{ tokens: [] }]));
      const editor = await openDocument('The end.');
      await loom.generations.continueAtCursor(editor);
      const shown = await suite.shown.waitFor('information', /no text/);
      assert.match(shown.message, /end_turn/);
      assert.match(shown.message, /0 output tokens/);
      assert.match(shown.message, /finished/);
    });

    it('says how many alternatives came back empty', async () => {
      suite.server.setResponder(scriptedResponder([{ tokens: [] }, { tokens: [] }, { tokens: [] }]));
      const editor = await openDocument('The end.');
      await loom.generations.generateAlternatives(editor, 3);
      const shown = await suite.shown.waitFor('information', /no text/);
      assert.match(shown.message, /3 of 3/);
    });
  });

  describe('tree files', () => {
    it('are written beside a file on its first save, not while it was never saved', async () => {
      suite.server.setResponder(scriptedResponder([{ text: ' and the lamp was lit.' }]));
      const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const file = path.join(folder, `first-save-${Date.now()}.md`);
      fs.writeFileSync(file, 'The keeper climbed the stairs');
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
      const end = editor.document.positionAt(editor.document.getText().length);
      editor.selection = new vscode.Selection(end, end);
      await loom.generations.continueAtCursor(editor);
      // Past the save delay of a tree that changed: nothing may appear while the file is unsaved.
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(!fs.existsSync(`${file}.loom.json`), 'no tree file for a file never saved');
      await editor.document.save();
      await eventually(() => fs.existsSync(`${file}.loom.json`), 'the tree file after the first save', 5000, 20);
    });
  });

  describe('the alternatives picker', () => {
    afterEach(() => setSetting('alternatives', undefined));

    it('highlights the configured count and names it without a raw setting id', async () => {
      await setSetting('alternatives', 4);
      let shown: vscode.QuickPick<vscode.QuickPickItem> | undefined;
      const original = vscode.window.createQuickPick;
      const replaced = replaceWindowFunction('createQuickPick', (() => {
        shown = original();
        return shown;
      }) as never);
      try {
        await openDocument('Once upon a tide');
        const picked = vscode.commands.executeCommand('prefillLoom.generateAlternatives');
        await eventually(() => (shown?.activeItems.length ?? 0) > 0, 'the picker with a highlighted count', 3000, 10);
        assert.equal(shown!.activeItems[0].label, '4');
        assert.ok(shown!.items.every((item) => !item.description?.includes('prefillLoom.')), JSON.stringify(shown!.items));
        shown!.hide();
        await picked;
      } finally {
        replaced.dispose();
      }
    });
  });

  describe('identical alternatives', () => {
    afterEach(() => setSetting('temperature', 1));

    it('collapses identical alternatives at temperature 0 into one branch, saying how many', async () => {
      await setSetting('temperature', 0);
      const editor = await openDocument('Once upon a tide');
      await loom.generations.generateAlternatives(editor, 3);
      const session = loom.sessions.get(editor.document)!;
      const parentId = session.tree.get(session.currentId)!.parentId!;
      assert.equal(session.tree.children(parentId).length, 1, 'one branch for three identical texts');
      const shown = await suite.shown.waitFor('information', /identical/);
      assert.match(shown.message, /3 alternatives/);
      assert.match(shown.message, /temperature 0/);
    });

    it('says "branch i of n" when cycling through siblings', async () => {
      const messages: string[] = [];
      const replaced = replaceWindowFunction('setStatusBarMessage', ((text: string) => {
        messages.push(text);
        return new vscode.Disposable(() => undefined);
      }) as never);
      try {
        const editor = await openDocument('Once upon a tide');
        await loom.generations.generateAlternatives(editor, 3);
        await vscode.commands.executeCommand('prefillLoom.nextSibling');
        assert.ok(messages.some((m) => /branch [123] of 3/.test(m)), `a "branch i of 3" message; got ${JSON.stringify(messages)}`);
      } finally {
        replaced.dispose();
      }
    });
  });
});
