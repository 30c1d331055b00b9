/**
 * The distribution panel's webview client (dist/distribution.js) on its own, in headless Chromium,
 * with a stub `acquireVsCodeApi` recording what it posts; the panel's wiring in VS Code is tested
 * in-host (test/integration/distribution.test.ts) and from the palette (distributionPanel.test.ts).
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../harness/eventually';
import { auditPage, CLIENTS, clientBrowserForSuite, openClient, send, takePosted, type PageWindow } from '../harness/webviewClientPage';
import type { DistributionPanelView, DistributionRunView, FromDistribution } from '../../src/webviews/webviewProtocol';

const HOSTILE = '<img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script>';

function run(label: string, partial = false): DistributionRunView {
  const texts = [" I'm here and ready to help", ' 我收到了你的测试消息', " I'm here and ready to help", ` ${HOSTILE}`];
  return {
    label,
    facts: [
      ['Endpoint', 'local-chat'],
      ['Samples', partial ? '4 of 10 completed, 0 failed, 6 cancelled' : '4 of 4 completed, 0 failed, 0 cancelled'],
    ],
    samples: [...texts.map((text, index) => ({ index, status: 'completed' as const, text })), ...(partial ? [{ index: 4, status: 'cancelled' as const, text: ' half' }] : [])],
    exact: [
      { text: texts[0], count: 2, share: 0.5, members: [0, 2] },
      { text: texts[1], count: 1, share: 0.25, members: [1] },
      { text: texts[3], count: 1, share: 0.25, members: [3] },
    ],
    loose: [
      { text: texts[0], count: 2, share: 0.5, members: [0, 2] },
      { text: texts[1], count: 1, share: 0.25, members: [1] },
      { text: texts[3], count: 1, share: 0.25, members: [3] },
    ],
    firstUnit: 'word',
    firstUnits: [
      { text: ' I', count: 2, share: 0.5, members: [0, 2] },
      { text: ' 我', count: 1, share: 0.25, members: [1] },
      { text: ' <', count: 1, share: 0.25, members: [3] },
    ],
    scripts: [
      { script: 'Latin', share: 0.75 },
      { script: 'Han', share: 0.25 },
    ],
    nextToken: [{ text: ' I', probability: 0.8 }],
    partial,
    savable: true,
  };
}

/** A run with `n` samples, four in five of them in one group: long enough to scroll with that group open. */
function longRun(n: number, savable: boolean): DistributionRunView {
  const texts = Array.from({ length: n }, (_, i) => (i % 5 === 4 ? ' 我收到了你的测试消息' : " I'm here and ready to help"));
  const groups = [...new Set(texts)].map((text) => {
    const members = texts.flatMap((t, i) => (t === text ? [i] : []));
    return { text, count: members.length, share: members.length / n, members };
  });
  return { ...run('At the cursor'), samples: texts.map((text, index) => ({ index, status: 'completed' as const, text })), exact: groups, loose: groups, savable };
}

const ONE: DistributionPanelView = { title: 'Distribution at the Point', runs: [run('At the cursor')] };
const TWO: DistributionPanelView = {
  title: 'Compared Distributions',
  runs: [run('At the cursor'), run('Without the last word', true)],
  aligned: {
    exact: [{ text: ' 我收到了你的测试消息', shareA: 0.25, shareB: 0, difference: -0.25 }],
    loose: [{ text: ' 我收到了你的测试消息', shareA: 0.25, shareB: 0, difference: -0.25 }],
  },
};

describe('the distribution panel webview client', function () {
  this.timeout(60_000);
  const browser = clientBrowserForSuite('distribution');
  let p: Page;

  afterEach(async () => {
    await p?.close();
  });

  it('shows groups as inert text, posts the ticked samples, a group or all for saving, and marks them saved', async () => {
    const requests: string[] = [];
    p = await openClient(browser(), requests, { client: 'distribution', csp: false });
    await send(p, { type: 'distribution', view: ONE });
    assert.equal(await p.locator('h1').textContent(), 'Distribution at the Point');
    const groups = p.locator('details.group');
    assert.equal(await groups.count(), 3);
    assert.match((await groups.nth(0).locator('summary').innerText()).replace(/\s+/g, ' '), /2 \(50\.0%\)/);
    assert.equal(await p.locator('img, details script').count(), 0, 'no markup from model text');
    const saveSelected = p.locator('button', { hasText: 'Save selected to the loom' });
    assert.equal(await saveSelected.isDisabled(), true, 'nothing ticked yet');

    await groups.nth(0).locator('summary').click();
    await groups.nth(0).getByLabel('Sample 3').check();
    await groups.nth(1).locator('summary').click();
    await groups.nth(1).getByLabel('Sample 2').check();
    assert.equal(await saveSelected.textContent(), 'Save selected to the loom (2)');
    await saveSelected.click();
    await groups.nth(0).locator('button', { hasText: 'Save this group to the loom (2)' }).click();
    await p.locator('button', { hasText: 'Save all 4 to the loom' }).click();
    assert.deepEqual(await takePosted<FromDistribution>(p), [
      { type: 'save', run: 0, samples: [2, 1] },
      { type: 'save', run: 0, samples: [0, 2] },
      { type: 'save', run: 0, samples: [0, 1, 2, 3] },
    ]);

    await send(p, { type: 'saved', run: 0, samples: [2, 1], message: 'Saved 2 samples into the loom of demo.md as branches at the point.' });
    assert.equal(await p.getByRole('status').textContent(), 'Saved 2 samples into the loom of demo.md as branches at the point.');
    assert.equal(await saveSelected.textContent(), 'Save selected to the loom (0)', 'the ticks are cleared once saved');
    // The redraw keeps the groups the person opened open.
    assert.match(await p.locator('details.group').nth(0).locator('li').nth(1).innerText(), /\(in the loom\)/);
    await p.waitForTimeout(50);
    assert.equal(await p.evaluate(() => (globalThis as unknown as PageWindow).__pwned), undefined, 'no injected script ran');
    assert.deepEqual(requests.filter((r) => !['/index.html', '/theme.css', CLIENTS.distribution.style, CLIENTS.distribution.script].includes(r)), [], 'nothing else loads, nothing throws');
  });

  it('shows a run filling as samples arrive: how many so far, no saving or exports yet, an opened group kept open', async () => {
    p = await openClient(browser(), [], { client: 'distribution' });
    const arriving = { ...run('At the cursor'), savable: false };
    await send(p, { type: 'distribution', view: { ...ONE, runs: [arriving], progress: '4 of 10 samples' } });
    assert.match(await p.locator('p.progress').innerText(), /^Sampling: 4 of 10 samples so far\./);
    assert.equal(await p.locator('.exports, .save').count(), 0, 'nothing to save or export before the end');
    await p.locator('details.group').first().locator('summary').click();
    // A group draws its samples on its toggle event, which comes after the click.
    await eventually(async () => (await p.locator('details.group').first().locator('ol.samples li').count()) === 2, 'the opened group with its two samples');

    await send(p, { type: 'distribution', view: { ...ONE, runs: [{ ...arriving, exact: [{ ...arriving.exact[0], count: 3, members: [0, 2, 4] }, ...arriving.exact.slice(1)] }], progress: '5 of 10 samples' } });
    assert.match(await p.locator('p.progress').innerText(), /^Sampling: 5 of 10 samples/);
    await eventually(async () => (await p.locator('details.group').first().locator('ol.samples li').count()) === 3, 'the opened group, still open, with the new sample');

    await send(p, { type: 'distribution', view: ONE });
    assert.equal(await p.locator('p.progress').count(), 0);
    assert.equal(await p.locator('.exports button').count(), 3);
    assert.equal(await p.locator('button', { hasText: 'Save all 4 to the loom' }).count(), 1);
  });

  it('keeps the focus, the scroll position and the ticked boxes through updates', async () => {
    p = await openClient(browser(), [], { client: 'distribution' });
    const scrollY = () => p.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY);
    const arriving = (n: number): DistributionPanelView => ({ ...ONE, runs: [longRun(n, false)], progress: `${n} of 100 samples` });
    await send(p, { type: 'distribution', view: arriving(40) });
    await p.locator('details.group summary').first().click();
    const rows = p.locator('details.group').first().locator('ol.samples li');
    await eventually(async () => (await rows.count()) === 32, 'the group open');
    await p.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 1e6));
    const scrolled = await scrollY();
    assert.ok(scrolled > 0, 'the page scrolls');
    for (const n of [45, 50]) await send(p, { type: 'distribution', view: arriving(n) });
    await eventually(async () => (await rows.count()) === 40, 'the open group with the new samples');
    assert.equal(await scrollY(), scrolled, 'the page stays where the person scrolled it');
    assert.equal(await p.locator('details.group > summary:focus').count(), 1, 'the group keeps the focus');

    const finished: DistributionPanelView = { ...TWO, runs: [longRun(50, true), TWO.runs[1]] };
    await send(p, { type: 'distribution', view: finished });
    const box = p.locator('section[data-run="0"]').getByLabel('Sample 3', { exact: true });
    await box.check();
    await send(p, { type: 'saved', run: 1, samples: [0], message: 'Saved 1 sample into the loom.' });
    await send(p, { type: 'distribution', view: finished });
    assert.equal(await box.isChecked(), true, 'the ticked box stays ticked');
    assert.equal(await p.locator('input[type=checkbox]:focus').count(), 1, 'and keeps the focus');
    assert.equal(await p.locator('button', { hasText: 'Save selected to the loom (1)' }).count(), 1);
  });

  it('keeps each sample’s text from the view that first carried it: later views leave it out', async () => {
    p = await openClient(browser(), [], { client: 'distribution' });
    /** `n` samples arrived, the text sent for those from `sent` on only. */
    const arriving = (n: number, sent: number): DistributionPanelView => {
      const r = longRun(n, false);
      return { ...ONE, runs: [{ ...r, samples: r.samples.map(({ index, status, text }) => (index >= sent ? { index, status, text } : { index, status })) }], progress: `${n} of 100 samples` };
    };
    await send(p, { type: 'distribution', view: arriving(5, 0) });
    await send(p, { type: 'distribution', view: arriving(10, 5) });
    // Opened only now: its first four samples' texts came with the first view only.
    await p.locator('details.group summary').first().click();
    const rows = p.locator('details.group').first().locator('ol.samples li code');
    await eventually(async () => (await rows.count()) === 8, 'the group open');
    assert.deepEqual(await rows.allTextContents(), Array(8).fill(" I'm here and ready to help".replace(' ', '·')));
  });

  it('says a cancelled run is partial', async () => {
    p = await openClient(browser(), [], { client: 'distribution' });
    await send(p, { type: 'distribution', view: TWO });
    const notes = p.locator('.run .partial');
    assert.equal(await notes.count(), 1);
    assert.match(await notes.innerText(), /^Cancelled: a partial run\. The shares are over the 4 samples that completed/);
  });

  for (const theme of ['vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'] as const) {
    it(`passes an axe-core audit with no serious or critical violation, groups open (${theme})`, async () => {
      p = await openClient(browser(), [], { client: 'distribution', theme });
      await send(p, { type: 'distribution', view: TWO });
      await send(p, { type: 'saved', run: 0, samples: [1], message: 'Saved 1 sample into the loom.' });
      const groups = p.locator('details.group');
      await groups.evaluateAll((ds) => ds.forEach((d) => ((d as unknown as { open: boolean }).open = true)));
      const total = await groups.count();
      await eventually(async () => (await p.locator('details.group ol.samples').count()) === total, 'every group open with its samples');
      assert.deepEqual(await auditPage(p), []);
    });
  }
});
