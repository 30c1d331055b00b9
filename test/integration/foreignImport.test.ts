import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PrefillLoomApi } from '../../src/extension';
import { bonsaiFile, loomsidianFile, tkLoomFile } from '../unit/fixtures/foreignLooms';
import { eventually } from '../harness/eventually';
import { closeAllEditors, loomApi } from './loomTestKit';
import { replaceWindowFunction, ShownMessages } from './shownMessages';

function fileWith(name: string, content: unknown): vscode.Uri {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loom-foreign-')), name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return vscode.Uri.file(file);
}

describe('Import Tree from Another Loom', () => {
  let loom: PrefillLoomApi;
  let messages: ShownMessages;
  const replaced: vscode.Disposable[] = [];
  before(async () => {
    loom = await loomApi();
  });
  beforeEach(() => (messages = new ShownMessages()));
  afterEach(async () => {
    messages.dispose();
    replaced.splice(0).forEach((d) => d.dispose());
    await closeAllEditors();
  });

  it('opens a new document showing the selected path, with the whole tree as its loom, and says what was kept', async () => {
    replaced.push(replaceWindowFunction('showOpenDialog', () => Promise.resolve([fileWith('story.json', tkLoomFile())])));
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom');
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.isUntitled, true);
    assert.equal(editor.document.getText(), 'Once upon a time there was a 🐉.');
    const session = loom.sessions.get(editor.document)!;
    assert.equal(session.tree.size, 5);
    assert.equal(session.tree.textOf(session.currentId), editor.document.getText());
    assert.deepEqual([...session.tree.preorder()].filter((n) => n.bookmarked).map((n) => n.origin?.id).sort(), ['a', 'a2']);
    await messages.waitFor('information', /story\.json: imported 5 nodes from Loom \(socketteer\/loom\); kept 6 fields/);
  });

  it('asks which note of a Loomsidian data.json, listing node counts', async () => {
    let offered: string[] = [];
    replaced.push(
      replaceWindowFunction('showQuickPick', ((items: Array<{ label: string; description: string }>) => {
        offered = items.map((i) => `${i.label} (${i.description})`);
        return Promise.resolve(items[0]);
      }) as never),
    );
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', fileWith('data.json', loomsidianFile()));
    assert.deepEqual(offered, ['stories/dragon.md (5 nodes)', 'notes/other.md (1 node)']);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.getText(), 'The cave itself was 🌑 dark');
    const t = loom.sessions.get(editor.document)!.tree;
    assert.equal(t.size, 5, JSON.stringify([...t.preorder()].map((n) => [n.id, n.parentId, n.text, n.author, n.origin?.id])));
  });

  it('refuses a damaged file with the reason, opening nothing', async () => {
    const before = vscode.window.visibleTextEditors.length;
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', fileWith('broken.json', '{"nodes": ['));
    await messages.waitFor('error', /broken\.json was not imported\. The file is not valid JSON/);
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', fileWith('odd.json', { hello: 1 }));
    await messages.waitFor('error', /odd\.json was not imported\. .*Supported: Loom/);
    assert.equal(vscode.window.visibleTextEditors.length, before);
  });

  it('imports a Bonsai file with its focused path', async () => {
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', fileWith('bonsai.json', bonsaiFile()));
    assert.equal(vscode.window.activeTextEditor!.document.getText(), 'Ship log: calm 🌊 seas');
  });
});

describe('Find in Loom', () => {
  it('finds text in another branch and, on Enter, shows that branch with the match selected', async () => {
    const loom = await loomApi();
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', fileWith('story.json', tkLoomFile()));
    const editor = vscode.window.activeTextEditor!;
    const session = loom.sessions.get(editor.document)!;
    let offered: string[] = [];
    const replaced = replaceWindowFunction('createQuickPick', (() => {
      const changed = new vscode.EventEmitter<string>();
      const accepted = new vscode.EventEmitter<void>();
      const hidden = new vscode.EventEmitter<void>();
      const pick = {
        items: [] as Array<vscode.QuickPickItem>,
        selectedItems: [] as Array<vscode.QuickPickItem>,
        onDidChangeValue: changed.event,
        onDidAccept: accepted.event,
        onDidHide: hidden.event,
        show: () => {
          changed.fire('THE END');
          offered = pick.items.map((i) => `${i.label} | ${i.description}`);
          pick.selectedItems = [pick.items[0]];
          accepted.fire();
        },
        dispose: () => undefined,
      };
      return pick;
    }) as never);
    try {
      await vscode.commands.executeCommand('prefillLoom.findInLoom');
    } finally {
      replaced.dispose();
    }
    assert.deepEqual(offered, ['the end | model · depth 1']);
    assert.equal(editor.document.getText(), 'Once upon a time the end');
    assert.equal(session.tree.textOf(session.currentId), editor.document.getText());
    assert.equal(editor.document.getText(editor.selection), 'the end');
  });
});

describe('The loom view on an imported tree', () => {
  let loom: PrefillLoomApi;
  before(async () => {
    loom = await loomApi();
  });
  afterEach(() => closeAllEditors());

  it('import from the palette opens the document and the loom view shows its tree, tags included', async function () {
    // The first loom view of a fresh VS Code comes up here; on a loaded 2-core machine its page can take longer than one measure waits.
    this.timeout(60_000);
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', fileWith('story.json', tkLoomFile()));
    const editor = vscode.window.activeTextEditor!;
    await vscode.commands.executeCommand('prefillLoom.showTree');
    const viewNodeCount = async () => (await loom.view.measure())[0]?.nodeCount;
    await eventually(async () => (await viewNodeCount()) === 5, 'the view to hold the whole imported tree', 40_000, 200);
    const snapshot = loom.viewModel.snapshot()!;
    assert.equal(snapshot.label, path.basename(editor.document.uri.path));
    assert.deepEqual(snapshot.nodes.find((n) => n.preview === ' there was a 🐉')?.tags, ['dragons']);
  });

  it("the view's find reaches another branch and its reveal switches the editor there with the match selected", async () => {
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', fileWith('story.json', tkLoomFile()));
    const editor = vscode.window.activeTextEditor!;
    const session = loom.sessions.get(editor.document)!;
    const found = loom.viewModel.find('THE END');
    assert.equal(found.total, 1);
    const [match] = found.matches;
    assert.ok(!session.tree.pathTo(session.currentId).some((n) => n.id === match.id), 'the match is in another branch');
    await loom.viewModel.handle({ type: 'reveal', id: match.id, start: match.start, end: match.end });
    assert.equal(editor.document.getText(), 'Once upon a time the end');
    assert.equal(session.currentId, match.id);
    assert.equal(vscode.window.activeTextEditor?.document.getText(vscode.window.activeTextEditor.selection), 'the end');
    assert.deepEqual(loom.viewModel.find('#dragons').matches.map((m) => session.tree.get(m.id)?.text), [' there was a 🐉']);
  });

  it("t in the view sets a node's tags through the journal; the view's snapshot carries them for the tag filter", async () => {
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', fileWith('story.json', tkLoomFile()));
    const session = loom.sessions.get(vscode.window.activeTextEditor!.document)!;
    const node = [...session.tree.preorder()].find((n) => n.text === ' the end')!;
    await loom.viewModel.handle({ type: 'setTags', id: node.id, tags: [' ending ', 'dragons', 'ending'] });
    assert.deepEqual(session.tree.get(node.id)?.tags, ['ending', 'dragons']);
    const tagged = loom.viewModel.snapshot()!.nodes.filter((n) => n.tags?.includes('dragons'));
    assert.deepEqual(tagged.map((n) => n.preview).sort(), [' the end', ' there was a 🐉']);
  });

  it('Loom Tree: Export… offers the original Loom format, whose file imports back to the same tree', async () => {
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', fileWith('story.json', tkLoomFile()));
    const session = loom.sessions.get(vscode.window.activeTextEditor!.document)!;
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loom-export-')), 'story.tk.json');
    let offered: string[] = [];
    const dialogs = [
      replaceWindowFunction('showQuickPick', ((items: string[]) => {
        offered = items;
        return Promise.resolve(items.find((i) => i.startsWith('Loom (socketteer/loom)')));
      }) as never),
      replaceWindowFunction('showSaveDialog', () => Promise.resolve(vscode.Uri.file(target))),
    ];
    try {
      await vscode.commands.executeCommand('prefillLoom.exportTree');
    } finally {
      dialogs.forEach((d) => d.dispose());
    }
    assert.equal(offered.length, 2);
    const texts = (tree: typeof session.tree): string[] => [...tree.preorder()].map((n) => `${n.author} ${JSON.stringify(n.text)} ${n.bookmarked ? '*' : ''} ${(n.tags ?? []).join(',')}`);
    const before = texts(session.tree);
    await vscode.commands.executeCommand('prefillLoom.importFromAnotherLoom', vscode.Uri.file(target));
    const again = loom.sessions.get(vscode.window.activeTextEditor!.document)!;
    assert.deepEqual(texts(again.tree), before);
  });
});
