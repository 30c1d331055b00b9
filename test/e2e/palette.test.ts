/**
 * The command palette as a new user types in it (issue 12, item 10): the words they type first find
 * the extension's command first. VS Code lists the commands whose label (category included) matches,
 * recently used first, the rest by label; a fresh profile has none recently used.
 */
import * as assert from 'node:assert/strict';
import { openAtEnd, runCommand, type Workbench } from '../harness/workbench';
import { eventually } from '../harness/eventually';
import { openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

const QUICK_INPUT = '.quick-input-widget';
const PROBE = /^Prefill Loom: Probe Prefill Consistency…$/;

describe('The command palette finds our commands first for the words users type', function () {
  this.timeout(240_000);
  let loom: LoomWorkbench;
  let workbench: Workbench;

  before(async () => {
    loom = await openLoomWorkbench({ files: { 'story.md': 'Once upon a time' }, settings: {} });
    ({ workbench } = loom);
    await openAtEnd(workbench.page, 'story.md');
  });

  after(() => loom?.close());

  /** The labels the palette lists for `typed`, top first, once our commands are registered. */
  async function paletteFor(typed: string, ours: RegExp): Promise<string[]> {
    const { page } = workbench;
    let labels: string[] = [];
    await eventually(async () => {
      await page.keyboard.press('F1');
      await page.locator(`${QUICK_INPUT} .quick-input-box input`).fill(`>${typed}`);
      await page.waitForTimeout(1000);
      labels = await page.locator(`${QUICK_INPUT} .monaco-list-row .label-name`).allInnerTexts();
      await page.keyboard.press('Escape');
      return labels.some((l) => ours.test(l));
    }, `our command among the palette's matches for "${typed}"`, 60_000, 500);
    return labels.map((l) => l.replace(/\s+/g, ' ').trim());
  }

  it('"loom tree" lists our commands first, the Loom Tree ones among them', async () => {
    const labels = await paletteFor('loom tree', /^Prefill Loom: Loom Tree: /);
    const others = labels.findIndex((l) => !l.startsWith('Prefill Loom: '));
    const ours = others === -1 ? labels : labels.slice(0, others);
    assert.ok(ours.length > 0, `the palette lists, top first: ${JSON.stringify(labels.slice(0, 8))}`);
    for (const title of ['Show Beside Editor', 'Export…', 'Import…']) {
      assert.ok(ours.includes(`Prefill Loom: Loom Tree: ${title}`), `Loom Tree: ${title} before any other extension's or VS Code's command: ${JSON.stringify(labels.slice(0, 8))}`);
    }
  });

  it('"loom probe" lists Probe Prefill Consistency first', async () => {
    const labels = await paletteFor('loom probe', PROBE);
    assert.match(labels[0], PROBE, `the palette lists, top first: ${JSON.stringify(labels.slice(0, 8))}`);
  });

  // "probe" alone also matches VS Code's "Go to Next Problem …" (p-r-o-b in Problem, e in Error),
  // whose labels sort before "Prefill Loom: …" until ours has been run once (README: Commands).
  it('"probe" lists Probe Prefill Consistency first once it has been run from the palette', async () => {
    await runCommand(workbench.page, 'Prefill Loom: Probe Prefill Consistency…');
    // The cursor is in text the user wrote: the command says so and sends nothing.
    await workbench.page.locator('.notification-toast', { hasText: 'put the cursor in text the model wrote' }).waitFor({ timeout: 30_000 });
    const labels = await paletteFor('probe', PROBE);
    assert.match(labels[0], PROBE, `the palette lists, top first: ${JSON.stringify(labels.slice(0, 8))}`);
  });
});
