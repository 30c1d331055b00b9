/**
 * Sample Distribution as a person uses it (issue 14): from the palette on the demo's distribution.md,
 * Enter through the count and the parameters, read the panel, keep one sample in the loom and see it
 * marked there.
 */
import * as assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import type { Demo } from '../../scripts/demoServer';
import { eventually } from '../harness/eventually';
import { openAtEnd, readEditorText, runCommand, waitForWorkbench } from '../harness/workbench';
import { demoForSuite, frameWith } from './demoWorkbench';

describe('Sample Distribution from the palette on the demo document', function () {
  this.timeout(300_000);
  const session = demoForSuite('pl-distribution-');
  let demo: Demo;
  let page: Page;

  before(async () => {
    ({ demo, page } = session());
    await page.goto(demo.address);
    await waitForWorkbench(page);
    // The demo opens welcome.md first; opening another file before it is up loses the keys.
    await page.locator('.editor-group-container.active .tab.active', { hasText: 'welcome.md' }).waitFor({ timeout: 60_000 });
    await eventually(async () => (await readEditorText(page)).includes('The old woman nodded'), "welcome.md's text", 60_000);
  });

  /** From the palette at the end of distribution.md: 20 samples, Enter through the parameters and the cost question; resolves with the panel once it shows a group. */
  async function sampleTwenty(): Promise<Frame> {
    await openAtEnd(page, 'distribution.md');
    await runCommand(page, 'Prefill Loom: Sample Distribution…');
    const rows = page.locator('.quick-input-widget .monaco-list-row');
    await rows.filter({ hasText: /^20/ }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    await rows.filter({ hasText: 'Sample with temperature 1 and max_tokens 30' }).first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    // 20 is above the count sent without asking: the cost question comes first.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20_000 });
    assert.match(await dialog.innerText(), /generate 20 samples\? That is 20 requests or more/);
    await dialog.locator('.monaco-button', { hasText: 'Generate 20' }).click();
    // The panel opens as sampling starts and fills as samples arrive.
    return frameWith(page, 'details.group', 'the distribution panel', 120_000);
  }

  /** The run is done when the panel says all 20 completed and none cancelled (while arriving, the rest are "to come"). */
  async function allTwenty(panel: Frame): Promise<void> {
    await eventually(async () => /Samples\s+20 of 20 completed, 0 failed, 0 cancelled/.test(await panel.locator('dl').first().innerText()), 'every sample in the panel', 120_000);
  }

  it('samples 20 at the end of distribution.md, shows them grouped with writing systems, and saves a ticked one into the loom', async () => {
    const panel = await sampleTwenty();
    assert.equal(await panel.locator('h1').innerText(), 'Distribution at the Point');
    await allTwenty(panel);
    const facts = await panel.locator('dl').first().innerText();
    assert.match(facts, /Model\s+simulator-mixed/);
    const counts = await panel.locator('details.group .count').allInnerTexts();
    assert.equal(counts.reduce((sum, c) => sum + Number(/^\d+/.exec(c)![0]), 0), 20, 'the groups count every sample');
    const edges = await panel.locator('details.group summary').evaluateAll((summaries) =>
      summaries.map((summary) => [summary.querySelector('.count')!.getBoundingClientRect().right, summary.querySelector('code')!.getBoundingClientRect().left]),
    );
    assert.ok(edges.every(([countRight, textLeft]) => textLeft >= countRight), `every continuation starts right of its count, long ones wrapping there: ${JSON.stringify(edges)}`);
    const scripts = await panel.locator('table').last().innerText();
    assert.match(scripts, /Latin/);
    assert.equal(demo.mixed.requests.filter((r) => r.path === '/v1/chat/completions').length, 21, '20 samples and the next-token request');

    const group = panel.locator('details.group').first();
    await group.locator('summary').click();
    await group.locator('input[type=checkbox]').first().check();
    await panel.locator('button', { hasText: 'Save selected to the loom (1)' }).click();
    await eventually(async () => /Saved 1 sample into the loom of distribution\.md/.test((await panel.getByRole('status').textContent()) ?? ''), 'the panel says where the sample went');
    await page.locator('.notification-toast', { hasText: 'Saved 1 sample' }).first().waitFor({ timeout: 20_000 });

    // The Loom view shows it as a sample; the editor still shows the prefill alone.
    await page.locator('.editor-group-container .tab', { hasText: 'distribution.md' }).first().click();
    assert.match(await readEditorText(page), /\nOK,$/);
    await runCommand(page, 'Prefill Loom: Loom Tree: Show Beside Editor');
    const sampled = '[role="treeitem"][aria-label^="sampled"]';
    const view = await frameWith(page, sampled, 'the saved sample in the Loom view', 60_000);
    assert.match((await view.locator(sampled).first().getAttribute('aria-label')) ?? '', /^sampled \(sample \d+ of 20\) by simulator-mixed/);
    assert.equal(await view.locator(`${sampled} .mark.sample:not([hidden])`).count(), 1);
  });

  it('keeps keyboard focus on a group while the panel fills, so Enter opens and closes it mid-run', async () => {
    // Slow samples (250 ms a token, 4 at a time): the panel is updated many times while the person works in it.
    demo.mixed.setTokenDelay(250);
    try {
      const panel = await sampleTwenty();
      const progress = panel.locator('p.progress');
      const focusedGroup = panel.locator('details.group > summary:focus code');
      const focused = async () => ((await focusedGroup.count()) === 1 ? focusedGroup.innerText() : undefined);
      await panel.locator('details.group summary').first().click();
      const group = await focused();
      assert.ok(group !== undefined, 'the click focuses the group');
      for (let update = 0; update < 2; update++) {
        const before = await progress.innerText();
        await eventually(async () => (await progress.innerText()) !== before, 'a further update of the panel', 60_000);
      }
      assert.ok(await progress.count(), 'still sampling');
      assert.equal(await focused(), group, 'the group keeps the focus through the updates');
      const opened = async () => (await panel.locator('details.group[open] > summary:focus').count()) === 1;
      assert.equal(await opened(), true, 'the click opened it');
      await page.keyboard.press('Enter');
      await eventually(async () => (await opened()) === false, 'Enter closing the focused group');
      await allTwenty(panel);
      assert.equal(await focused(), group, 'and keeps it when the finished run is shown');
    } finally {
      demo.mixed.setTokenDelay(15);
    }
  });
});
