import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readEditorText, runCommand, webviewFrame, type Workbench } from '../harness/workbench';
import { eventually } from '../harness/eventually';
import { tkLoomFile } from '../unit/fixtures/foreignLooms';
import { openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

const QUICK_INPUT_BOX = '.quick-input-widget .quick-input-box input';
/** The imported document's editor: the workbench's only text editor, whichever group is active (the loom view beside takes the keyboard). */
const TEXT_EDITOR = '.editor-group-container .monaco-editor';

describe('Import a tree from another loom, find and filter by tag in it, as a person does', function () {
  this.timeout(240_000);
  let loom: LoomWorkbench;
  let workbench: Workbench;

  before(async () => {
    loom = await openLoomWorkbench({ files: { 'story.json': JSON.stringify(tkLoomFile()) }, settings: {} });
    ({ workbench } = loom);
  });

  after(() => loom?.close());

  it('imports a Loom file from the palette, then / in the loom view finds text in another branch and Enter shows it in the editor', async () => {
    const { page } = workbench;
    await runCommand(page, 'Prefill Loom: Import Tree from Another Loom…');
    // code-server's open dialog is a quick input taking a path.
    const input = page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ state: 'visible' });
    // It writes its folder into the box once it has read it, over anything typed before: type after that.
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'story.json' }).waitFor();
    const file = path.join(loom.workspace, 'story.json');
    await input.fill(file);
    await eventually(async () => (await input.inputValue()) === file, 'the path in the open dialog');
    await page.keyboard.press('Enter');
    // Reading, importing and opening the document and the view take several seconds on a loaded machine.
    await eventually(async () => (await readEditorText(page, TEXT_EDITOR)) === 'Once upon a time there was a 🐉.', 'the selected path of the imported tree in a new editor', 60_000);
    const view = webviewFrame(page);
    const rows = view.locator('[role="treeitem"]');
    await eventually(async () => (await rows.count()) === 5, 'the whole imported tree in the loom view');
    assert.deepEqual(await view.locator('.tree .row .tag').allTextContents(), ['#dragons'], 'the imported tag shows');

    await view.locator('.tree').focus();
    await page.keyboard.press('/');
    const find = view.locator('.prompt-bar input');
    await find.waitFor({ state: 'visible' });
    await page.keyboard.type('THE END');
    await eventually(async () => /1 of 1/.test((await view.locator('.prompt-status').textContent()) ?? ''), 'one match counted');
    await page.keyboard.press('Enter');
    await eventually(async () => (await readEditorText(page, TEXT_EDITOR)) === 'Once upon a time the end', 'the branch with the match in the editor');

    // The keys are the tree's again: # shows only the tagged node and its ancestors, Escape all again.
    await page.keyboard.press('#');
    await view.locator('.prompt-bar input').fill('dragons');
    await page.keyboard.press('Enter');
    await eventually(async () => (await rows.count()) === 2, 'the tagged node and the root');
    assert.match((await view.locator('.filter-bar').textContent()) ?? '', /Only #dragons \(1 node\)/);
    await page.keyboard.press('Escape');
    await eventually(async () => (await rows.count()) === 5, 'every node again');
  });
});
