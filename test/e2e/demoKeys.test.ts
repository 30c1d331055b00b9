/**
 * The loom keys in the demo as a new user presses them (issue 19): on arrival the cursor stands at
 * the end of welcome.md's text, and the keys the README lists reach their commands there.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startDemo, type Demo } from '../../scripts/demoServer';
import { launchBrowser } from '../harness/browser';
import { eventually } from '../harness/eventually';
import { readEditorText, waitForLoomContributions, waitForWorkbench } from '../harness/workbench';
import { E2E_KEY } from './loomWorkbench';

/** Where keyboard focus is, for a failure message: keys reach a command only from the editor's text. */
async function focusOf(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as { document: { hasFocus(): boolean; activeElement: { tagName: string; className: string } | null } };
    const active = document.activeElement;
    return `${document.hasFocus() ? 'page focused' : 'page NOT focused'}, active element ${active?.tagName.toLowerCase()} "${active?.className}"`;
  });
}

describe('The loom keys in the demo workspace, pressed as a person does', function () {
  this.timeout(300_000);
  let demo: Demo;
  let context: BrowserContext;
  let page: Page;
  let workspace: string;
  const messages = () => demo.model.requests.filter((r) => r.path === '/v1/messages').length;

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-demokeys-'));
    demo = await startDemo({ workspace, port: 0, apiKey: E2E_KEY });
    ({ context, page } = await launchBrowser(demo.codeServer.runDir));
    await page.goto(demo.address);
    await waitForWorkbench(page);
    await eventually(async () => (await readEditorText(page)).includes('The old woman nodded (it was late)'), "welcome.md's text", 60_000);
  });

  after(async () => {
    await context?.close();
    await demo?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('Ctrl+Alt+Enter on arrival, once the editor has focus, continues welcome.md at the cursor', async () => {
    const before = await readEditorText(page);
    // On arrival the editor's text area holds the page's focus, yet VS Code does not count the editor
    // as focused (its editorTextFocus context key stays false until focus moves: the keybinding log says
    // "no when clauses matched" while plain arrows work); a click on the tab, as a person makes on a
    // new page, moves focus without moving the cursor. README: Keys.
    await waitForLoomContributions(page);
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'welcome.md' }).click();
    await page.keyboard.press('Control+Alt+Enter');
    await eventually(async () => messages() >= 1, `the continuation's request (focus: ${await focusOf(page)})`, 30_000);
    await eventually(async () => (await readEditorText(page)).length > before.length, 'the continuation in the editor', 60_000);
    // The status bar says it in words (its accessible name): the loom keys wait for the generation to end.
    await page.locator('[aria-label^="Prefill Loom generation finished"]').first().waitFor({ timeout: 60_000 });
  });

  it('Ctrl+Alt+R in the continuation regenerates it and compares', async () => {
    const sent = messages();
    // Into the model's text: a few characters back from the end.
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Alt+R');
    await eventually(async () => messages() > sent, `the regeneration's request (focus: ${await focusOf(page)})`, 30_000);
    await page.locator('.notification-toast', { hasText: /the regeneration (differs|is identical)/ }).waitFor({ timeout: 60_000 });
    assert.ok(messages() > sent);
  });
});
