/**
 * Sample Distribution as a person uses it (issue 14): from the palette on the demo's distribution.md,
 * Enter through the count and the parameters, read the panel, and keep one sample in the loom.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { startDemo, type Demo } from '../../scripts/demoServer';
import { launchBrowser } from '../harness/browser';
import { eventually } from '../harness/eventually';
import { openAtEnd, runCommand, waitForWorkbench } from '../harness/workbench';
import { E2E_KEY } from './loomWorkbench';

/** The first frame (of any webview) holding `selector`. */
async function frameWith(page: Page, selector: string, what: string): Promise<Frame> {
  let found: Frame | undefined;
  await eventually(async () => {
    for (const frame of page.frames()) {
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) found = frame;
    }
    return found !== undefined;
  }, what, 120_000);
  return found!;
}

describe('Sample Distribution from the palette on the demo document', function () {
  this.timeout(300_000);
  let demo: Demo;
  let context: BrowserContext;
  let page: Page;
  let workspace: string;

  before(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-distribution-'));
    demo = await startDemo({ workspace, port: 0, apiKey: E2E_KEY });
    ({ context, page } = await launchBrowser(demo.codeServer.runDir));
    await page.goto(demo.address);
    await waitForWorkbench(page);
  });

  after(async () => {
    await context?.close();
    await demo?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('samples 20 at the end of distribution.md, shows them grouped with writing systems, and saves a ticked one into the loom', async () => {
    await openAtEnd(page, 'distribution.md');
    await runCommand(page, 'Prefill Loom: Sample Distribution…');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.filter({ hasText: /^20/ }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    await rows.filter({ hasText: 'Sample with temperature 1 and max_tokens 30' }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    if (await dialog.waitFor({ timeout: 3_000 }).then(() => true, () => false)) await dialog.locator('.monaco-button').first().click();

    const panel = await frameWith(page, 'details.group', 'the distribution panel');
    assert.equal(await panel.locator('h1').innerText(), 'Distribution at the Point');
    const facts = await panel.locator('dl').first().innerText();
    assert.match(facts, /Samples\s+20 of 20 completed, 0 failed, 0 cancelled/);
    assert.match(facts, /Model\s+simulator-mixed/);
    const counts = await panel.locator('details.group .count').allInnerTexts();
    assert.equal(counts.reduce((sum, c) => sum + Number(/^\d+/.exec(c)![0]), 0), 20, 'the groups count every sample');
    const scripts = await panel.locator('table').last().innerText();
    assert.match(scripts, /Latin/);
    assert.equal(demo.mixed.requests.filter((r) => r.path === '/v1/chat/completions').length, 21, '20 samples and the next-token request');

    const group = panel.locator('details.group').first();
    await group.locator('summary').click();
    await group.locator('input[type=checkbox]').first().check();
    await panel.locator('button', { hasText: 'Save selected to the loom (1)' }).click();
    await eventually(async () => /Saved 1 sample into the loom of distribution\.md/.test((await panel.getByRole('status').textContent()) ?? ''), 'the panel says where the sample went');
    await page.locator('.notification-toast', { hasText: 'Saved 1 sample' }).first().waitFor({ timeout: 20_000 });
  });
});
