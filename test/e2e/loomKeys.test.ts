import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openAtEnd, readEditorText, runCommand, webviewFrame, type Workbench } from '../harness/workbench';
import { eventually } from '../harness/eventually';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { E2E_KEY, openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

const PREFIX = 'The lighthouse keeper';
/** Git-ignored: screenshots are for a person to look at, not compared by the tests. */
const SCREENSHOTS = path.resolve(__dirname, '../../../test-results/screenshots');
const PLAIN = 'first line\nsecond line\nthird line';

async function cursorCount(page: Page): Promise<number> {
  return page.locator('.editor-group-container.active .cursors-layer .cursor').count();
}

describe('Loom keys, as a person presses them', function () {
  this.timeout(240_000);
  let loom: LoomWorkbench;
  let server: FakeAnthropic;
  let workbench: Workbench;
  let workspace: string;

  before(async () => {
    loom = await openLoomWorkbench({
      files: { 'plain.md': PLAIN, 'keeper.md': PREFIX },
      env: { ANTHROPIC_API_KEY: E2E_KEY },
      settings: { 'prefillLoom.temperature': 1, 'prefillLoom.maxTokens': 8, 'prefillLoom.maxTotalTokens': 8 },
    });
    ({ server, workbench, workspace } = loom);
  });

  after(() => loom?.close());

  it("leaves an ordinary file's keys to VS Code: Shift+Alt+Up (Linux) still adds a cursor, the loom keys do nothing", async () => {
    const { page } = workbench;
    await openAtEnd(page, 'plain.md');
    await page.keyboard.press('Shift+Alt+PageUp');
    await page.keyboard.press('Control+Alt+BracketRight');
    await page.waitForTimeout(500);
    assert.equal(await readEditorText(page), PLAIN, 'the loom keys changed nothing');
    assert.equal(fs.existsSync(path.join(workspace, 'plain.md.loom.json')), false, 'no loom was made for the ordinary file');
    assert.equal(await cursorCount(page), 1);
    await page.keyboard.press('Shift+Alt+ArrowUp');
    await eventually(async () => (await cursorCount(page)) === 2, 'a second cursor above');
    await page.keyboard.press('Escape');
  });

  it('moves between branches and up to the parent with the loom keys in a document with a loom', async () => {
    const { page } = workbench;
    await openAtEnd(page, 'keeper.md');
    await runCommand(page, 'Prefill Loom: Generate Alternatives');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: /^3/ }).first().click();
    await eventually(async () => server.requests.filter((r) => r.path === '/v1/messages').length === 3, 'three requests');
    await eventually(async () => (await readEditorText(page)).length > PREFIX.length, 'the first continuation');
    await page.waitForTimeout(1500);
    const first = await readEditorText(page);
    await page.keyboard.press('Control+Alt+BracketRight');
    await eventually(async () => (await readEditorText(page)) !== first, 'the next branch in the editor');
    await page.keyboard.press('Shift+Alt+PageUp');
    await eventually(async () => (await readEditorText(page)).trim() === PREFIX, 'the parent in the editor');
  });

  for (const theme of ['Dark High Contrast', 'Light High Contrast']) {
    it(`shows the loom view in ${theme} (screenshot in test-results/screenshots)`, async () => {
      const { page } = workbench;
      await runCommand(page, 'Preferences: Color Theme');
      await page.locator('.quick-input-widget .quick-input-box input').fill(theme);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: theme }).first().waitFor();
      await page.keyboard.press('Enter');
      await eventually(async () => (await page.locator('.monaco-workbench.hc-black, .monaco-workbench.hc-light').count()) === 1, `the ${theme} theme`);
      await openAtEnd(page, 'keeper.md');
      await runCommand(page, 'Prefill Loom: Loom Tree: Show Beside Editor');
      const rows = webviewFrame(page).locator('[role="treeitem"]');
      await eventually(async () => (await rows.count()) >= 4, 'the root and three branches');
      await page.waitForTimeout(500);
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, `loom-view-${theme.toLowerCase().replace(/ /g, '-')}.png`) });
    });
  }
});
