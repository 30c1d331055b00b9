/**
 * The README's screenshot, taken as a person sees the extension: a document with a header, the
 * alternatives Generate Alternatives streamed in, and the loom tree beside the editor. It is left in
 * out/screenshots/; with PREFILL_LOOM_UPDATE_README=1 it replaces media/readme/screenshot.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/codeServer';
import { eventually } from '../harness/eventually';
import { openAtEnd, readEditorText, runCommand, webviewFrame } from '../harness/workbench';
import { E2E_KEY, openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

const DOCUMENT = `---
model: claude-haiku-4-5
user: Tell me a story.
temperature: 1
---
The old lighthouse keeper`;
const SCREENSHOT = path.join(repoRoot, 'out', 'screenshots', 'readme.png');

describe('The README screenshot', function () {
  this.timeout(240_000);
  let loom: LoomWorkbench;

  before(async () => {
    loom = await openLoomWorkbench({
      files: { 'lighthouse.md': DOCUMENT },
      env: { ANTHROPIC_API_KEY: E2E_KEY },
      settings: { 'prefillLoom.maxTokens': 24, 'prefillLoom.maxTotalTokens': 24 },
    });
  });

  after(() => loom?.close());

  it('shows a document, its continuation and the loom tree of its alternatives beside it', async () => {
    const { page } = loom.workbench;
    await openAtEnd(page, 'lighthouse.md');
    await runCommand(page, 'Prefill Loom: Generate Alternatives');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: /^3/ }).first().click();
    await eventually(async () => (await readEditorText(page)).length > DOCUMENT.length + 20, 'the first continuation');
    await runCommand(page, 'Prefill Loom: Loom Tree: Show Beside Editor');
    const rows = webviewFrame(page).locator('[role="treeitem"]');
    await eventually(async () => (await rows.count()) >= 4, 'a root and three branches in the tree');
    await eventually(async () => (await webviewFrame(page).locator('.row.streaming').count()) === 0, 'every branch to finish', 60_000);
    assert.ok(await webviewFrame(page).locator('.row.current').isVisible());
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    if (process.env.PREFILL_LOOM_UPDATE_README === '1') fs.copyFileSync(SCREENSHOT, path.join(repoRoot, 'media', 'readme', 'screenshot.png'));
    console.log(`    README screenshot: ${SCREENSHOT}`);
  });
});
