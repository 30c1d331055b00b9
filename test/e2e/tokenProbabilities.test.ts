/**
 * Token probabilities as a person uses them: shading turned on from the palette, a hover over a
 * model token, a click on one of its alternatives, and the new branch in the editor and the loom
 * view. The shaded editor with its hover is left in out/screenshots/; with
 * PREFILL_LOOM_UPDATE_README=1 it replaces media/readme/token-probabilities.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../harness/codeServer';
import { eventually } from '../harness/eventually';
import { openAtEnd, readEditorText, runCommand, webviewFrame } from '../harness/workbench';
import { openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

const PREFIX = 'The old lighthouse keeper';
const SCREENSHOT = path.join(repoRoot, 'out', 'screenshots', 'token-probabilities.png');
/** Background decorations of ranges, as Monaco draws them under the text. */
const SHADES = '.editor-group-container.active .monaco-editor .view-overlays .cdr';

/** The editor's text once it stopped changing (a continuation finished), longer than `longerThan`. */
async function settledText(page: Page, longerThan: number): Promise<string> {
  let settled = '';
  await eventually(async () => {
    const text = await readEditorText(page);
    const same = text === settled && text.length > longerThan;
    settled = text;
    return same;
  }, 'the continuation to finish', 30_000, 500);
  return settled;
}

describe('Token probabilities, as a person uses them', function () {
  // A workbench start, two generations on the simulator and the loom view.
  this.timeout(240_000);
  let loom: LoomWorkbench;

  before(async () => {
    loom = await openLoomWorkbench({
      files: { 'story.txt': PREFIX },
      settings: (url) => ({
        'prefillLoom.endpoints': [{ name: 'local-probs', kind: 'completions', baseUrl: `${url}/v1`, model: 'simulator', logprobs: true, topLogprobs: 5 }],
        'prefillLoom.defaultEndpoint': 'local-probs',
        'prefillLoom.maxTokens': 40,
        'prefillLoom.maxTotalTokens': 40,
        'editor.hover.delay': 100,
        'editor.wordWrap': 'on',
      }),
    });
  });

  after(() => loom?.close());

  const completions = () => loom.server.requests.filter((r) => r.path === '/v1/completions');

  it('shades the model’s tokens, shows a token’s alternatives on hover, and branches from the one clicked', async () => {
    const { page } = loom.workbench;
    await openAtEnd(page, 'story.txt');
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    await eventually(() => completions().length === 1, 'the completions request', 30_000);
    await settledText(page, PREFIX.length);
    assert.equal(await page.locator(SHADES).count(), 0, 'no shading before it is turned on');

    await runCommand(page, 'Prefill Loom: Toggle Token Probabilities');
    await eventually(async () => (await page.locator(SHADES).count()) > 3, 'the tokens to be shaded', 15_000);

    // Hover a token in the middle of the continuation (the third shade).
    const box = await page.locator(SHADES).nth(2).boundingBox();
    assert.ok(box);
    const hover = page.locator('.monaco-hover', { hasText: 'log-probability' }).first();
    for (let attempt = 0; attempt < 5 && !(await hover.isVisible()); attempt++) {
      await page.mouse.move(box.x + 2 + attempt, box.y + box.height / 2);
      await page.mouse.move(box.x + 5 + attempt, box.y + box.height / 2);
      await hover.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
    }
    if (!(await hover.isVisible())) await page.screenshot({ path: SCREENSHOT.replace('.png', '-no-hover.png') });
    assert.ok(await hover.isVisible(), 'the token hover');
    await hover.locator('table').waitFor({ timeout: 5000 });
    assert.match(await hover.innerText(), /Shading: /);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    if (process.env.PREFILL_LOOM_UPDATE_README === '1') fs.copyFileSync(SCREENSHOT, path.join(repoRoot, 'media', 'readme', 'token-probabilities.png'));
    console.log(`    token probabilities screenshot: ${SCREENSHOT}`);

    const link = hover.locator('table a').first();
    const alternative = (await link.innerText()).replace(/·/g, ' ').replace(/⏎/g, '\n');
    const before = await readEditorText(page);
    await link.click();
    await eventually(() => completions().length === 2, 'the branch’s continuation request', 30_000);
    const prompt = (completions()[1].body as { prompt: string }).prompt;
    assert.ok(prompt.startsWith(PREFIX) && prompt.endsWith(alternative), `the branch continues after ${JSON.stringify(alternative)}: ${JSON.stringify(prompt)}`);
    await eventually(async () => {
      const text = await readEditorText(page);
      return text !== before && text.replace(/\n/g, '').startsWith(prompt.replace(/\n/g, ''));
    }, 'the editor to show the new branch', 30_000);

    await runCommand(page, 'Prefill Loom: Loom Tree: Show Beside Editor');
    const rows = webviewFrame(page).locator('[role="treeitem"]');
    // The root, the text before the token, the written tail, the alternative and its continuation.
    await eventually(async () => (await rows.count()) >= 5, 'the new branch in the loom view', 30_000);
    assert.ok(await webviewFrame(page).locator('.row.current').isVisible());
  });
});
