import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openFile, readEditorText, runCommand, typeInEditor, type Workbench } from '../harness/workbench';
import { eventually } from '../harness/eventually';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import { E2E_KEY, openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';
import { STORY, storyTokens } from '../server/storyResponder';

const MAX_TOKENS = 12;

/** Waits until the editor shows text satisfying the predicate, returning it. */
async function editorTextWhen(page: Page, predicate: (text: string) => boolean): Promise<string> {
  let text = '';
  await eventually(async () => predicate((text = await readEditorText(page))), 'the editor text');
  return text;
}

describe('Continue at Cursor, as a person uses it', function () {
  this.timeout(180_000);
  let loom: LoomWorkbench;
  let server: FakeAnthropic;
  let workbench: Workbench;

  before(async () => {
    loom = await openLoomWorkbench({
      files: { 'story.md': '' },
      settings: { 'prefillLoom.temperature': 0, 'prefillLoom.maxTokens': MAX_TOKENS, 'prefillLoom.maxTotalTokens': MAX_TOKENS },
    });
    ({ server, workbench } = loom);
  });

  after(() => loom?.close());

  it('asks for a key when there is none, and the key set through the command is used', async () => {
    const { page } = workbench;
    await openFile(page, 'story.md');
    await typeInEditor(page, 'The weaver');
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    const notification = page.locator('.notification-toast', { hasText: 'no Anthropic API key' });
    await notification.waitFor({ timeout: 15_000 });
    await notification.locator('a.monaco-button', { hasText: 'Set API Key' }).click();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 10_000 });
    assert.equal(await input.getAttribute('type'), 'password', 'the key is typed into a password box');
    await input.fill(E2E_KEY);
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: 'API key saved' }).waitFor({ timeout: 10_000 });
    assert.equal(server.requests.filter((r) => r.path === '/v1/messages').length, 0, 'nothing was sent without a key');
  });

  it('streams the continuation in at the cursor when run from the command palette', async () => {
    const { page } = workbench;
    await typeInEditor(page, ' of Salt Lane kept her');
    const prefix = 'The weaver of Salt Lane kept her';
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    const expected = prefix + storyTokens(STORY.slice(prefix.length)).slice(0, MAX_TOKENS).join('');
    const shown = await editorTextWhen(page, (t) => t.replace(/\n/g, '').length >= expected.length);
    assert.equal(shown.replace(/\n/g, ''), expected, 'wrapped lines joined back');
    const request = server.requests.find((r) => r.path === '/v1/messages');
    assert.equal((request?.headers.authorization as string | undefined) ?? '', `Bearer ${E2E_KEY}`, 'the stored key was sent');
    // The cursor follows the stream: typing goes on after the continuation.
    await typeInEditor(page, '!');
    await editorTextWhen(page, (t) => t.replace(/\n/g, '') === `${expected}!`);
  });

  it('stops at Escape, keeping the text received', async () => {
    const { page } = workbench;
    await page.keyboard.press('Enter');
    const before = (await readEditorText(page)).replace(/\n/g, '');
    server.setTokenDelay(400);
    try {
      await runCommand(page, 'Prefill Loom: Continue at Cursor');
      const partial = await editorTextWhen(page, (t) => t.replace(/\n/g, '').length > before.length);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1500);
      const after = (await readEditorText(page)).replace(/\n/g, '');
      assert.ok(after.length >= partial.replace(/\n/g, '').length, 'the text received stays');
      assert.ok(after.length < before.length + 40, `the stream stopped early: ${JSON.stringify(after)}`);
      await page.waitForTimeout(1000);
      assert.equal((await readEditorText(page)).replace(/\n/g, ''), after, 'nothing arrives after Escape');
    } finally {
      server.setTokenDelay(0);
    }
  });

  it('names the cause of an error and offers the next step', async () => {
    const { page } = workbench;
    server.enqueueFault({ kind: 'status', status: 401 });
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    const toast = page.locator('.notification-toast', { hasText: 'rejected the API key' });
    await toast.waitFor({ timeout: 15_000 });
    assert.match(await toast.innerText(), /401 authentication_error/);
    await toast.locator('a.monaco-button', { hasText: 'Set API Key' }).waitFor({ timeout: 5_000 });
  });
});
