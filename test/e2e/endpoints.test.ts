import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../harness/eventually';
import { openFile, readEditorText, runCommand, typeInEditor, type Workbench } from '../harness/workbench';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { E2E_KEY, openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

const QUICK_INPUT = '.quick-input-widget .quick-input-box input';

/** Answers the quick input the command shows now: types `text` (replacing what is there) and presses Enter. */
async function answer(page: Page, text: string | undefined): Promise<void> {
  const input = page.locator(QUICK_INPUT);
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  if (text !== undefined) await input.fill(text);
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
}

describe('Endpoints, as a person uses them', function () {
  this.timeout(180_000);
  let loom: LoomWorkbench;
  let server: FakeAnthropic;
  let workbench: Workbench;

  before(async () => {
    loom = await openLoomWorkbench({
      files: { 'base.txt': '' },
      env: { ANTHROPIC_API_KEY: E2E_KEY },
      settings: { 'prefillLoom.temperature': 0, 'prefillLoom.maxTokens': 16, 'prefillLoom.maxTotalTokens': 16 },
    });
    ({ server, workbench } = loom);
  });

  after(() => loom?.close());

  it('adds a local vLLM endpoint from its preset, with no key, and continues a base-model text there as it streams', async () => {
    const { page } = workbench;
    await runCommand(page, 'Prefill Loom: Add Endpoint…');
    await answer(page, 'vLLM');
    await answer(page, 'completions');
    await answer(page, `${server.url}/v1`);
    await answer(page, undefined); // the suggested name, local-vllm
    await answer(page, 'simulator');
    await page.locator('.notification-toast', { hasText: 'endpoint local-vllm added' }).waitFor({ timeout: 15_000 });
    const status = page.locator('.statusbar-item', { hasText: 'local-vllm · simulator' });
    await status.waitFor({ timeout: 10_000 });

    await openFile(page, 'base.txt');
    const prefix = 'The lighthouse keeper ';
    await typeInEditor(page, prefix);
    server.setTokenDelay(150);
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    const lengths = new Set<number>();
    await eventually(async () => {
      const text = (await readEditorText(page)).replace(/\n/g, '');
      if (text.length > prefix.length) lengths.add(text.length);
      return lengths.size >= 3;
    }, 'the continuation to arrive in several steps', 30_000, 20);
    await eventually(() => server.requests.some((r) => r.path === '/v1/completions'), 'the completions request');
    const request = server.requests.find((r) => r.path === '/v1/completions')!;
    assert.equal((request.body as { prompt: string }).prompt, prefix, 'the trailing space is sent as written');
    assert.equal(request.headers.authorization, undefined, 'a local server is sent no key');
    server.setTokenDelay(0);
  });

  it('picks the Anthropic endpoint back from the status bar', async () => {
    const { page } = workbench;
    await page.waitForTimeout(4000);
    await page.locator('.statusbar-item', { hasText: 'local-vllm · simulator' }).click();
    await answer(page, 'Anthropic');
    await page.locator('.statusbar-item', { hasText: 'Anthropic · claude-haiku-4-5' }).waitFor({ timeout: 10_000 });
    await typeInEditor(page, '\n\nThe weaver');
    const before = server.requests.filter((r) => r.path === '/v1/messages').length;
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    await eventually(() => server.requests.filter((r) => r.path === '/v1/messages').length > before, 'a Messages request');
  });
});
