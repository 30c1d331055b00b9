import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openFile, openWorkbench, readEditorText, runCommand, typeInEditor, type Workbench } from '../harness/workbench';

describe('the workbench, driven like a person', function () {
  this.timeout(120_000);
  let workspace: string;
  let workbench: Workbench;

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-e2e-'));
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'First line\n');
    workbench = await openWorkbench({ workspace });
  });

  after(async () => {
    await workbench?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('opens a file and shows what was typed into it', async () => {
    await openFile(workbench.page, 'notes.txt');
    await workbench.page.keyboard.press('Control+End');
    await typeInEditor(workbench.page, 'Typed by a test');
    assert.equal(await readEditorText(workbench.page), 'First line\nTyped by a test');
  });

  it('runs a built-in command from the palette', async () => {
    const lines = '.editor-group-container.active .monaco-editor .view-line';
    // Typing this much key by key would take seconds; how it gets there does not matter here.
    await workbench.page.keyboard.insertText(' and then a much longer line'.repeat(12));
    const unwrapped = await workbench.page.locator(lines).count();
    await runCommand(workbench.page, 'View: Toggle Word Wrap');
    // Wrapping splits the long line into more rendered lines.
    await workbench.page.locator(lines).nth(unwrapped).waitFor({ timeout: 10_000 });
  });
});
