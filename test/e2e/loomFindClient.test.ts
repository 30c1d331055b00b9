/**
 * Tags, find and the tag filter in the loom tree webview client, in headless Chromium (see
 * loomWebviewClient.test.ts for the page): what the rows show, which keys do what, what the client
 * posts to the host, and that the ARIA tree and the axe audit hold with the bars open.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertCleanPage, auditPage, clientBrowserForSuite, node, openClient, send, takePosted } from '../harness/webviewClientPage';
import { encodeTree, type FoundView, type FromWebview, type TreeSnapshot } from '../../src/webviews/webviewProtocol';

const ROW = '.tree .row';

/**
 *   root  "The keeper"                  (current path: root, a)
 *   ├─ a  " climbed the lamp stairs."   #draft
 *   │  └─ a1 " He lit the lamp."        #good #draft
 *   └─ b  " slept."
 *      └─ b1 " A lamp flickered."       #good
 */
function tagged(): TreeSnapshot {
  return {
    rootId: 'root',
    currentPath: ['root', 'a'],
    nodes: [
      node('root', undefined, 'The keeper', { childIds: ['a', 'b'] }),
      node('a', 'root', ' climbed the lamp stairs.', { childIds: ['a1'], tags: ['draft'] }),
      node('a1', 'a', ' He lit the lamp.', { tags: ['good', 'draft'] }),
      node('b', 'root', ' slept.', { childIds: ['b1'] }),
      node('b1', 'b', ' A lamp flickered.', { tags: ['good'] }),
    ],
  };
}

/** The host's answer for "lamp" in {@link tagged}. */
const LAMP: FoundView = {
  total: 3,
  matches: [
    { id: 'a', start: 13, end: 17, before: ' climbed the ', match: 'lamp', after: ' stairs.' },
    { id: 'a1', start: 12, end: 16, before: ' He lit the ', match: 'lamp', after: '.' },
    { id: 'b1', start: 3, end: 7, before: ' A ', match: 'lamp', after: ' flickered.' },
  ],
};

async function press(p: Page, ...keys: string[]): Promise<void> {
  for (const key of keys) await p.keyboard.press(key);
}

async function focusedText(p: Page): Promise<string | null> {
  const id = await p.locator('.tree').getAttribute('aria-activedescendant');
  assert.ok(id, 'the tree has an active descendant');
  return p.locator(`#${id} .preview`).textContent();
}

/** Rows in display order: preview and level. */
async function shownRows(p: Page): Promise<string[]> {
  const rows = await p.locator(ROW).evaluateAll((elements) =>
    elements.map((e) => {
      const el = e as unknown as { style: { transform: string }; getAttribute(n: string): string | null; querySelector(s: string): { textContent: string } };
      return { top: Number(/translateY\((\d+)px\)/.exec(el.style.transform)?.[1] ?? -1), text: `${el.getAttribute('aria-level')} ${el.querySelector('.preview').textContent}` };
    }),
  );
  return rows.sort((x, y) => x.top - y.top).map((r) => r.text);
}

/** Waits for the client's find request and answers it. */
async function answerFind(p: Page, query: string, result: FoundView): Promise<void> {
  const request = await waitForPosted(p, (m) => m.type === 'find' && m.query === query);
  assert.ok(request.type === 'find');
  await send(p, { type: 'found', requestId: request.requestId, result });
}

async function waitForPosted(p: Page, wanted: (m: FromWebview) => boolean): Promise<FromWebview> {
  for (let i = 0; i < 100; i++) {
    const found = (await takePosted(p)).find(wanted);
    if (found) return found;
    await p.waitForTimeout(20);
  }
  assert.fail('the client did not post the message');
}

describe('the loom view client: tags, find and the tag filter', function () {
  this.timeout(60_000);
  const browser = clientBrowserForSuite('loomView');
  const requests: string[] = [];
  let p: Page;

  beforeEach(async () => {
    requests.length = 0;
    p = await openClient(browser(), requests);
    await send(p, { type: 'snapshot', tree: encodeTree(tagged()) });
    await p.locator('.tree').focus();
    await takePosted(p);
  });

  afterEach(() => assertCleanPage(p, requests));

  it('shows tags in the rows and says them in the accessible name', async () => {
    const row = p.locator(ROW, { hasText: 'He lit' });
    assert.deepEqual(await row.locator('.tag').allTextContents(), ['#good', '#draft']);
    assert.match((await row.getAttribute('aria-label')) ?? '', /tagged good, draft/);
    assert.equal(await p.locator(ROW, { hasText: 'slept' }).locator('.tag').count(), 0);
    assert.doesNotMatch((await p.locator(ROW, { hasText: 'slept' }).getAttribute('aria-label')) ?? '', /tagged/);
  });

  it('/ finds across branches: the first match is focused as results come, n and N move and reveal, Enter jumps and gives the keys back to the tree', async () => {
    await press(p, '/');
    const input = p.locator('.prompt-bar input');
    assert.ok(await input.isVisible());
    assert.ok(await input.evaluate((e) => e === (e as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement), 'the find input has the keyboard');
    await input.fill('lamp');
    await answerFind(p, 'lamp', LAMP);
    assert.match((await p.locator('.prompt-bar .prompt-status').textContent()) ?? '', /1 of 3/);
    assert.equal(await focusedText(p), '·climbed the lamp stairs.');
    assert.equal(await p.locator(`${ROW}.match`).count(), 3, 'every matched row is marked');
    await press(p, 'ArrowDown');
    assert.equal(await focusedText(p), '·He lit the lamp.');
    await press(p, 'Enter');
    assert.deepEqual(await waitForPosted(p, (m) => m.type === 'reveal'), { type: 'reveal', id: 'a1', start: 12, end: 16 });
    assert.ok(await p.locator('.tree').evaluate((e) => e === (e as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement), 'the tree has the keyboard again');
    await press(p, 'n');
    assert.equal(await focusedText(p), '·A lamp flickered.', 'n goes on into the other branch');
    assert.deepEqual(await waitForPosted(p, (m) => m.type === 'reveal'), { type: 'reveal', id: 'b1', start: 3, end: 7 });
    await press(p, 'n');
    assert.equal(await focusedText(p), '·climbed the lamp stairs.', 'n wraps round');
    await press(p, 'N');
    assert.equal(await focusedText(p), '·A lamp flickered.');
    assert.match((await p.locator('.prompt-bar .prompt-status').textContent()) ?? '', /3 of 3/);
    assert.deepEqual(await auditPage(p), [], 'the find bar passes the audit');
    await press(p, 'Escape');
    assert.ok(await p.locator('.prompt-bar').isHidden(), 'Escape in the tree ends the find');
    assert.equal(await p.locator(`${ROW}.match`).count(), 0);
  });

  it('find opens a folded branch and leaves a hoisted one to show its match', async () => {
    await p.locator(ROW, { hasText: 'slept' }).click();
    await press(p, 'ArrowLeft'); // fold b
    assert.equal(await p.locator(ROW, { hasText: 'flickered' }).count(), 0);
    await press(p, '/');
    await p.locator('.prompt-bar input').fill('flick');
    await answerFind(p, 'flick', { total: 1, matches: [{ id: 'b1', start: 3, end: 8, before: ' A lamp ', match: 'flick', after: 'ered.' }] });
    assert.equal(await focusedText(p), '·A lamp flickered.');
  });

  it('says when nothing matches and shows an invalid pattern\'s error', async () => {
    await press(p, '/');
    await p.locator('.prompt-bar input').fill('zebra');
    await answerFind(p, 'zebra', { total: 0, matches: [] });
    assert.match((await p.locator('.prompt-bar .prompt-status').textContent()) ?? '', /No matches/);
  });

  it('t edits the focused node\'s tags: Enter sets them, Escape leaves them', async () => {
    await p.locator(ROW, { hasText: 'He lit' }).click();
    await takePosted(p);
    await press(p, 't');
    const input = p.locator('.prompt-bar input');
    assert.equal(await input.inputValue(), 'good, draft');
    await input.fill('good, #final ,, keeper');
    await press(p, 'Enter');
    assert.deepEqual(await waitForPosted(p, (m) => m.type === 'setTags'), { type: 'setTags', id: 'a1', tags: ['good', 'final', 'keeper'] });
    assert.ok(await p.locator('.prompt-bar').isHidden());
    await press(p, 't');
    await p.locator('.prompt-bar input').fill('nothing');
    await press(p, 'Escape');
    assert.deepEqual((await takePosted(p)).filter((m) => m.type === 'setTags'), []);
  });

  it('# filters by a tag: only tagged nodes and their ancestors, a bar saying so, Escape shows all again', async () => {
    await p.locator(ROW, { hasText: 'flickered' }).click();
    await press(p, '#');
    const input = p.locator('.prompt-bar input');
    assert.equal(await input.inputValue(), 'good', 'the focused node\'s first tag is offered');
    await input.fill('draft');
    await press(p, 'Enter');
    assert.deepEqual(await shownRows(p), ['1 The keeper', '2 ·climbed the lamp stairs.', '3 ·He lit the lamp.']);
    assert.match((await p.locator('.filter-bar').textContent()) ?? '', /#draft.*2 nodes/);
    const root = p.locator(ROW, { hasText: 'keeper' });
    assert.equal(await p.locator(ROW, { hasText: 'climbed' }).getAttribute('aria-setsize'), '1', 'the sizes are those of the rows shown');
    assert.equal(await root.getAttribute('aria-level'), '1');
    assert.equal(await p.locator('[tabindex="0"]').count(), 1, 'one tab stop');
    assert.deepEqual(await auditPage(p), [], 'the filtered tree passes the audit');
    await press(p, 'Escape');
    assert.ok(await p.locator('.filter-bar').isHidden());
    assert.equal((await shownRows(p)).length, 5);
  });

  it('a tag prompt ends a find, so one Escape then clears the filter', async () => {
    await press(p, '/');
    await p.locator('.prompt-bar input').fill('lamp');
    await answerFind(p, 'lamp', LAMP);
    await press(p, 'Enter');
    await press(p, '#');
    await p.locator('.prompt-bar input').fill('good');
    await press(p, 'Enter');
    assert.equal(await p.locator(`${ROW}.match`).count(), 0, 'the find ended');
    await press(p, 'Escape');
    assert.ok(await p.locator('.filter-bar').isHidden());
  });

  it('a click on a tag filters by it; the bar\'s button clears the filter', async () => {
    await p.locator(ROW, { hasText: 'flickered' }).locator('.tag').click();
    assert.deepEqual(await shownRows(p), ['1 The keeper', '2 ·climbed the lamp stairs.', '3 ·He lit the lamp.', '2 ·slept.', '3 ·A lamp flickered.']);
    assert.match((await p.locator('.filter-bar').textContent()) ?? '', /#good/);
    await p.locator('.filter-bar button').click();
    assert.ok(await p.locator('.filter-bar').isHidden());
  });

  it('keeps the filter as the tree changes: a node tagged later shows up', async () => {
    await p.locator(ROW, { hasText: 'climbed' }).click();
    await press(p, '#', 'Enter');
    assert.equal((await shownRows(p)).length, 3);
    await send(p, { type: 'deltas', deltas: [{ type: 'upsert', nodes: [node('b', 'root', ' slept.', { childIds: ['b1'], tags: ['draft'] })] }] });
    assert.deepEqual(await shownRows(p), ['1 The keeper', '2 ·climbed the lamp stairs.', '3 ·He lit the lamp.', '2 ·slept.']);
  });
});
