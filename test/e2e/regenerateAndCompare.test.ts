import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { openAtEnd, readEditorText, runCommand, webviewFrame, type Workbench } from '../harness/workbench';
import { eventually } from '../harness/eventually';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { createSimulatorResponder } from '../server/simulator/simulatorResponder';
import { E2E_KEY, openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

/** The simulator's worked example: a prefill of its own text up to ", and" changes what follows. */
const STORY = '---\nuser: Tell me a story.\ntemperature: 0\n---\nThe old woman nodded (it was late)';

describe('Regenerate and Compare and the probe, as a person uses them, against the simulator', function () {
  this.timeout(240_000);
  let loom: LoomWorkbench;
  let server: FakeAnthropic;
  let workbench: Workbench;

  before(async () => {
    loom = await openLoomWorkbench({
      files: { 'story.md': STORY, 'probe.md': STORY },
      env: { ANTHROPIC_API_KEY: E2E_KEY },
      settings: { 'prefillLoom.maxTokens': 200, 'prefillLoom.maxTotalTokens': 200 },
      responder: createSimulatorResponder(),
    });
    ({ server, workbench } = loom);
  });

  after(() => loom?.close());

  it('regenerates from the cursor and shows the divergence in the tree and in the editor hover', async () => {
    const { page } = workbench;
    await openAtEnd(page, 'story.md');
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    await eventually(async () => (await readEditorText(page)).includes('fiver'), 'the continuation');

    // Find puts the selection on " I have": Regenerate and Compare prefills everything before it.
    await page.keyboard.press('Control+F');
    await page.keyboard.type(' I have');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await runCommand(page, 'Prefill Loom: Regenerate and Compare');
    await eventually(async () => server.requests.filter((r) => r.path === '/v1/messages').length === 2, 'the regeneration request');

    const pane = webviewFrame(page).locator('.comparison');
    await eventually(async () => (await pane.locator('ins.diff-added').count()) > 0, 'the comparison in the loom view');
    assert.match(await pane.locator('.comparison-summary').innerText(), /^Regeneration: differs from character 2 on/);
    assert.match(await pane.locator('del.diff-removed').first().innerText(), /^I have a fiver/);
    assert.match(await pane.locator('ins.diff-added').first().innerText(), /^the weaver/);

    await page.locator('.notification-toast', { hasText: 'the regeneration differs' }).waitFor({ timeout: 20_000 });
    await page.keyboard.press('Control+1');
    // Without whitespace: a long line wraps, and a wrapped line may lose its space at the wrap.
    assert.ok((await readEditorText(page)).replace(/\s+/g, '').includes('(itwaslate),andIhaveafiver'), 'the editor still shows the original');
    // The innermost span with the word: Monaco splits a line into spans where decorations start and end.
    const word = page.locator('.editor-group-container.active .view-line span[class*="mtk"]', { hasText: 'fiver' }).last();
    const box = await word.boundingBox();
    assert.ok(box, 'the original is on screen');
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.move(box.x + 6, box.y + box.height / 2);
    await page.locator('.monaco-hover', { hasText: 'The regeneration has here' }).first().waitFor({ timeout: 20_000 });
    assert.match(await page.locator('.monaco-hover', { hasText: 'The regeneration has here' }).first().innerText(), /the\sweaver/, 'the hover quotes the regeneration');
  });

  it('probes the continuation from the palette: picks the split, confirms the estimate, reads the report', async () => {
    const { page } = workbench;
    await openAtEnd(page, 'probe.md');
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    await eventually(async () => (await readEditorText(page)).includes('bred'), 'the continuation');
    const before = server.requests.length;

    await runCommand(page, 'Prefill Loom: Probe Prefill Consistency…');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Word boundaries' }).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20_000 });
    assert.match(await dialog.innerText(), /Probe \d+ split points with \d+ requests to claude-haiku-4-5\? Estimated [\d,]+ input and [\d,]+ output tokens, about \$/);
    await dialog.locator('.monaco-button', { hasText: 'Run Probe' }).click();

    let report: Frame | undefined;
    await eventually(async () => {
      for (const frame of page.frames()) {
        if ((await frame.locator('tbody tr').count().catch(() => 0)) > 0) report = frame;
      }
      return report !== undefined;
    }, 'the probe report panel');
    const rows = report!.locator('tbody tr');
    assert.equal(await rows.count(), server.requests.length - before, 'one row per request sent');
    // The split after ", and" (offset 5), where the prefill tokenizes "),"" as one token.
    const merge = rows.filter({ has: report!.locator('td:first-child', { hasText: /^5$/ }) });
    assert.equal(await merge.getAttribute('class'), 'divergent');
    assert.match(await merge.innerText(), /·the\s+weaver/);
  });
});
