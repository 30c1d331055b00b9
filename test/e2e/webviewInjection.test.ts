/**
 * Model output that looks like markup, links or terminal escapes, streamed from the server through
 * the real VS Code into the loom view, shows as inert text: no element is created and no script runs.
 * (The client alone, with a wider set of inputs, is tested in loomWebviewClient.test.ts.)
 */
import * as assert from 'node:assert/strict';
import { openAtEnd, runCommand, webviewFrame, type Workbench } from '../harness/workbench';
import { eventually } from '../harness/eventually';
import { scriptedResponder } from '../server/storyResponder';
import { E2E_KEY, openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

/** What the model "says", one alternative each, and how the view must show it. */
const HOSTILE: Array<[said: string, shown: string]> = [
  ['<script>window.__pwned = "script"</script>', '<script>window.__pwned = "script"</script>'],
  ['<img src="x" onerror="window.__pwned = \'img\'">', '<img src="x" onerror="window.__pwned = \'img\'">'],
  ['<a href="javascript:window.__pwned=\'link\'">click me</a>', '<a href="javascript:window.__pwned=\'link\'">click me</a>'],
  ['\u001b[31mred alert\u001b[0m', '‹ESC›[31mred alert‹ESC›[0m'],
  ['abc\u202Egnp.exe\u202C', 'abc‹RLO›gnp.exe‹PDF›'],
];

interface PageWindow {
  __pwned?: unknown;
}

describe('Security: model output in the loom view, through VS Code', function () {
  this.timeout(240_000);
  let loom: LoomWorkbench;
  let workbench: Workbench;

  before(async () => {
    loom = await openLoomWorkbench({
      files: { 'hostile.md': 'The model said:' },
      env: { ANTHROPIC_API_KEY: E2E_KEY },
      settings: { 'prefillLoom.alternatives': HOSTILE.length },
    });
    ({ workbench } = loom);
    // Each reply in one delta; no edge whitespace, which the view would mark.
    loom.server.setResponder(scriptedResponder(HOSTILE.map(([said]) => ({ tokens: [said] }))));
  });

  after(() => loom?.close());

  it('shows HTML, script, javascript: links, ANSI and bidi controls as text; nothing runs or is created', async () => {
    const { page } = workbench;
    await openAtEnd(page, 'hostile.md');
    await runCommand(page, 'Prefill Loom: Generate Alternatives');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: new RegExp(`^${HOSTILE.length}`) }).first().click();
    await eventually(async () => loom.server.requests.filter((r) => r.path === '/v1/messages').length === HOSTILE.length, 'every alternative requested');

    await runCommand(page, 'Prefill Loom: Loom Tree: Show Beside Editor');
    const frame = webviewFrame(page);
    const previews = frame.locator('[role="treeitem"] .preview');
    await eventually(async () => (await previews.count()) >= HOSTILE.length + 1, 'the root and every alternative in the view');
    const shown = await previews.evaluateAll((elements) => elements.map((e) => (e.textContent ?? '').trim()));
    for (const [, expected] of HOSTILE) assert.ok(shown.includes(expected), `shown as text: ${expected}\nrows: ${JSON.stringify(shown)}`);

    for (const text of ['click me', 'onerror', 'gnp']) {
      const row = frame.locator('[role="treeitem"]', { hasText: text }).first();
      await row.click();
    }
    await page.waitForTimeout(300);
    const dom = await previews.first().evaluate(() => {
      type Element = { attributes: ArrayLike<{ name: string; value: string }>; tagName: string; textContent: string | null };
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Element> } }).document;
      const all = Array.from(doc.querySelectorAll('*'));
      return {
        pwned: (globalThis as unknown as PageWindow).__pwned,
        scripts: Array.from(doc.querySelectorAll('script')).map((e) => `${Array.from(e.attributes).map((a) => `${a.name}=${a.value}`).join(' ')} ${e.textContent ?? ''}`),
        dangerous: Array.from(doc.querySelectorAll('img, a, iframe, object, embed, form')).map((e) => e.tagName),
        handlers: all.filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on'))).map((e) => e.tagName),
      };
    });
    assert.equal(dom.pwned, undefined, 'no injected script ran');
    // VS Code's own host script and ours (with its nonce) are the only ones.
    assert.ok(dom.scripts.some((s) => /nonce=\S+ .*src=\S+\/dist\/webview\.js/.test(s)), `our script: ${dom.scripts.join('\n')}`);
    assert.ok(dom.scripts.every((s) => !s.includes('pwned')), 'no script element from the model');
    assert.deepEqual(dom.dangerous, [], 'no image, link, frame or form element');
    assert.deepEqual(dom.handlers, [], 'no element with an event handler attribute');
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageWindow).__pwned), undefined, 'nothing ran in the workbench either');
  });
});
