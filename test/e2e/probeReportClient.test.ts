/**
 * The probe report webview client (dist/probeReport.js) on its own, in headless Chromium, with a
 * stub `acquireVsCodeApi` recording what it posts; the panel's wiring in VS Code is tested in-host.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { auditPage, CLIENTS, clientBrowserForSuite, openClient, send, takePosted, type PageWindow } from '../harness/webviewClientPage';
import type { FromProbeReport, ProbeReportView } from '../../src/webviews/webviewProtocol';

const HOSTILE = '<img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script>';

const REPORT: ProbeReportView = {
  title: 'Prefill consistency: 2 split points',
  facts: [
    ['Model', 'claude-haiku-4-5'],
    ['Findings', '1 consistent, 1 divergent, 0 mixed, 0 failed'],
  ],
  points: [
    { offset: 1, prefillTail: ',', expected: ' and I have', got: [' and I'], verdict: 'consistent' },
    { offset: 5, prefillTail: ', and', expected: ' I have a fiver', got: [` the weaver ${HOSTILE}`, '\u202Eevil\n'], verdict: 'divergent' },
  ],
};

describe('the probe report webview client', function () {
  this.timeout(60_000);
  const browser = clientBrowserForSuite('probeReport');
  let requests: string[];
  let p: Page;

  afterEach(async () => {
    await p?.close();
  });

  it('shows the report as a table of inert text, and posts export and reveal', async () => {
    requests = [];
    // Without a CSP, so markup would really run if the client ever parsed model text as HTML.
    p = await openClient(browser(), requests, { client: 'probeReport', csp: false });
    await send(p, { type: 'report', report: REPORT });
    assert.equal(await p.locator('h1').textContent(), REPORT.title);
    assert.deepEqual(await p.locator('dt').allTextContents(), ['Model', 'Findings']);
    const rows = p.locator('tbody tr');
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => (tr as unknown as { className: string }).className)), ['consistent', 'divergent']);
    const cells = await rows.nth(1).locator('td').allInnerTexts();
    assert.equal(cells[0], '5');
    assert.equal(cells[2], '·I have a fiver', 'a leading space shows as a dot');
    assert.equal(cells[3], `·the weaver ${HOSTILE}\n‹RLO›evil⏎`);
    assert.equal(cells[4], 'divergent');
    assert.equal(await p.locator('img, tbody script').count(), 0, 'no markup from model text');
    await p.waitForTimeout(50);
    assert.equal(await p.evaluate(() => (globalThis as unknown as PageWindow).__pwned), undefined, 'no injected script ran');

    await p.locator('button', { hasText: 'Export as Markdown' }).click();
    await rows.nth(1).locator('td button').click();
    assert.deepEqual(await takePosted<FromProbeReport>(p), [{ type: 'exportMarkdown' }, { type: 'reveal', offset: 5 }]);
    assert.deepEqual(requests.filter((r) => !['/index.html', '/theme.css', CLIENTS.probeReport.style, CLIENTS.probeReport.script].includes(r)), [], 'nothing else loads, nothing throws');
  });

  for (const theme of ['vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'] as const) {
    it(`passes an axe-core audit with no serious or critical violation (${theme})`, async () => {
      p = await openClient(browser(), [], { client: 'probeReport', theme });
      await send(p, { type: 'report', report: REPORT });
      assert.deepEqual(await auditPage(p), []);
    });
  }
});
