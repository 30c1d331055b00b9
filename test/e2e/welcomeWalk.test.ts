/**
 * The demo as a new user meets it (issue 12): the bare address opens VS Code with the extension and
 * welcome.md, and its three steps, done literally in order, each show the effect they promise.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { WELCOME_STEPS, type Demo } from '../../scripts/demoServer';
import { eventually } from '../harness/eventually';
import { readEditorText, runCommand, waitForWorkbench } from '../harness/workbench';
import { demoForSuite, frameWith } from './demoWorkbench';

const SCREENSHOTS = process.env.PREFILL_LOOM_SCREENSHOTS;

async function snap(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

describe('welcome.md, walked step by step as it says', function () {
  this.timeout(300_000);
  const session = demoForSuite('pl-welcome-');
  let demo: Demo;
  let page: Page;
  before(() => {
    ({ demo, page } = session());
  });

  it('the bare address opens VS Code with the extension and welcome.md, the cursor at the end of its text', async () => {
    assert.match(demo.address, /^http:\/\/127\.0\.0\.1:\d+$/);
    await page.goto(demo.address);
    await waitForWorkbench(page);
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'welcome.md' }).waitFor({ timeout: 60_000 });
    await eventually(async () => (await readEditorText(page)).includes('The old woman nodded (it was late)'), 'welcome.md\'s text', 60_000);
    const lines = (await readEditorText(page)).split('\n');
    await page.locator('.statusbar-item', { hasText: `Ln ${lines.length}, Col ${lines[lines.length - 1].length + 1}` }).waitFor({ timeout: 20_000 });
    assert.ok(WELCOME_STEPS.every((line) => !line.includes('(it was late)')), 'the steps quote no text of the body');
    await snap(page, '0-arrival');
  });

  // The steps run their commands from the palette, as the walkthrough's buttons do; the keys
  // themselves are the subject of loomKeys.test.ts.
  it('step 1: Continue at Cursor continues the text', async () => {
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    await eventually(async () => (await readEditorText(page)).replace(/\s+/g, '').includes('(itwaslate),andIhaveafiver'), 'the continuation', 60_000);
    // The status bar item's accessible name says when the generation ended (its spinner is an icon, not text).
    await page.locator('[aria-label^="Prefill Loom generation finished"]').first().waitFor({ timeout: 60_000 });
    assert.ok(demo.model.requests.some((r) => r.path === '/v1/messages'), 'a request reached the server');
    await snap(page, '1-continued');
  });

  it('step 2: the probe with the cursor left there marks where prefilling changes what the model writes', async () => {
    await runCommand(page, 'Prefill Loom: Probe Prefill Consistency…');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Word boundaries' }).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20_000 });
    await dialog.locator('.monaco-button', { hasText: 'Run Probe' }).click();
    const report = await frameWith(page, 'tbody tr', 'the probe report');
    await page.locator('.notification-toast', { hasText: /[1-9]\d* of \d+ split points are not consistent/ }).waitFor({ timeout: 60_000 });
    assert.ok((await report.locator('tbody tr.divergent').count()) > 0, 'a red (divergent) row');
    await snap(page, '2-probed');
  });

  it('step 3: clicking the first red row puts the cursor there, and Regenerate and Compare shows how the regeneration differs', async () => {
    const report = await frameWith(page, 'tbody tr.divergent', 'the probe report');
    await report.locator('tbody tr.divergent').first().locator('button').click();
    const tab = page.locator('.editor-group-container .tab.active', { hasText: 'welcome.md' }).first();
    await tab.waitFor({ timeout: 20_000 });
    // Focus may still be in the report's webview; clicking the editor's tab moves it back without moving the cursor.
    await tab.click();
    await runCommand(page, 'Prefill Loom: Regenerate and Compare');
    await page.locator('.notification-toast', { hasText: 'the regeneration differs' }).waitFor({ timeout: 60_000 });
    const pane = await frameWith(page, '.comparison ins.diff-added', 'the comparison in the loom view');
    assert.match(await pane.locator('.comparison-summary').innerText(), /^Regeneration: differs/);
    await snap(page, '3-compared');
  });
});
