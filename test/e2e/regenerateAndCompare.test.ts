import * as assert from 'node:assert/strict';
import { readEditorText, openFile, runCommand, webviewFrame, type Workbench } from '../harness/workbench';
import { eventually } from '../harness/eventually';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { createSimulatorResponder } from '../server/simulator/simulatorResponder';
import { E2E_KEY, openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

/** The simulator's worked example: a prefill of its own text up to ", and" changes what follows. */
const STORY = '---\nuser: Tell me a story.\ntemperature: 0\n---\nThe old woman nodded (it was late)';

describe('Regenerate and Compare, as a person uses it, against the simulator', function () {
  this.timeout(240_000);
  let loom: LoomWorkbench;
  let server: FakeAnthropic;
  let workbench: Workbench;

  before(async () => {
    loom = await openLoomWorkbench({
      files: { 'story.md': STORY },
      env: { ANTHROPIC_API_KEY: E2E_KEY },
      settings: { 'prefillLoom.maxTokens': 200, 'prefillLoom.maxTotalTokens': 200 },
      responder: createSimulatorResponder(),
    });
    ({ server, workbench } = loom);
  });

  after(() => loom?.close());

  it('regenerates from the cursor and shows the divergence in the tree and in the editor hover', async () => {
    const { page } = workbench;
    await openFile(page, 'story.md');
    await page.keyboard.press('Control+End');
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
});
