/**
 * Token probabilities as a person uses them: shading turned on from the palette, a hover over a
 * model token, a click on one of its alternatives, and the new branch in the editor and the loom
 * view; Show Next-Token Probabilities by keyboard alone, an alternative inserted with or without
 * the continuation. The shaded editor with its hover and the next-token list are left in
 * out/screenshots/; with PREFILL_LOOM_UPDATE_README=1 the first replaces media/readme/token-probabilities.png.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../harness/codeServer';
import { eventually } from '../harness/eventually';
import { openAtEnd, readEditorText, runCommand, runCommandByKeyboard, webviewFrame } from '../harness/workbench';
import type { RecordedRequest } from '../server/fakeAnthropic';
import { expectedCompletion, expectedTexts, requestSeeds } from '../server/openai/expected';
import type { CompletionsLogprobs } from '../server/openai/logprobs';
import { openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

const PREFIX = 'The old lighthouse keeper';
const NEXT_PREFIX = 'The harbour was';
const ENTER_PREFIX = 'At dawn the fishermen';
const SEED = 11;
const SCREENSHOT = path.join(repoRoot, 'out', 'screenshots', 'token-probabilities.png');
const PICKER_SCREENSHOT = path.join(repoRoot, 'out', 'screenshots', 'next-token-picker.png');
const SHOW_NEXT_TOKEN = 'Prefill Loom: Show Next-Token Probabilities';
const PICK_ROWS = '.quick-input-widget .monaco-list-row';
/** Background decorations of ranges, as Monaco draws them under the text. */
const SHADES = '.editor-group-container.active .monaco-editor .view-overlays .cdr';

/** The editor's text once it stopped changing (a continuation finished), longer than `longerThan`. */
async function settledText(page: Page, longerThan: number): Promise<string> {
  let settled = '';
  await eventually(async () => {
    const text = await readEditorText(page);
    const same = text === settled && text.length > longerThan;
    settled = text;
    return same;
  }, 'the continuation to finish', 30_000, 500);
  return settled;
}

/** The token a row of the next-token list stands for: its label drawn with visible whitespace. */
function rowToken(label: string): string {
  return label.replace(/·/g, ' ').replace(/⏎/g, '\n').replace(/→/g, '\t');
}

/** The alternatives the simulator gave for the next token in its answer to `request`, most likely first. */
function nextTokenAlternatives(request: RecordedRequest, seed: number): string[] {
  const [choice] = expectedCompletion(request.body as object, { seed }).choices as Array<{ logprobs: CompletionsLogprobs }>;
  return Object.entries(choice.logprobs.top_logprobs[0]).sort(([, a], [, b]) => b - a).map(([token]) => token);
}

/**
 * Hovers the shaded tokens of the continuation, from the third on, until one's hover offers an
 * alternative to branch at (a token the model was sure of lists only itself), and returns that hover.
 */
async function hoverATokenWithAlternatives(page: Page): Promise<Locator> {
  const hover = page.locator('.monaco-hover', { hasText: 'log-probability' }).first();
  const link = hover.locator('table a').first();
  const shades = await page.locator(SHADES).count();
  for (let i = 2; i < shades; i++) {
    const box = await page.locator(SHADES).nth(i).boundingBox();
    if (!box) continue;
    for (let attempt = 0; attempt < 3 && !(await hover.isVisible()); attempt++) {
      await page.mouse.move(box.x + 2 + attempt, box.y + box.height / 2);
      await page.mouse.move(box.x + 5 + attempt, box.y + box.height / 2);
      await hover.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
    }
    if (await link.isVisible()) return hover;
    // Away from the text, so the next token gets a hover of its own.
    await page.mouse.move(1, 1);
    await hover.waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
  }
  await page.screenshot({ path: SCREENSHOT.replace('.png', '-no-hover.png') });
  return assert.fail(`none of the ${shades} shaded tokens showed a hover with an alternative`);
}

const SETTINGS = (url: string): Record<string, unknown> => ({
  'prefillLoom.endpoints': [{ name: 'local-probs', kind: 'completions', baseUrl: `${url}/v1`, model: 'simulator', logprobs: true, topLogprobs: 5 }],
  'prefillLoom.defaultEndpoint': 'local-probs',
  'prefillLoom.maxTokens': 40,
  'prefillLoom.maxTotalTokens': 40,
  'editor.hover.delay': 100,
  'editor.wordWrap': 'on',
});

describe('Token probabilities, as a person uses them', function () {
  // A workbench start, two generations on the simulator and the loom view.
  this.timeout(240_000);
  let loom: LoomWorkbench;

  before(async () => {
    loom = await openLoomWorkbench({ files: { 'story.txt': PREFIX }, settings: SETTINGS });
  });

  after(() => loom?.close());

  const completions = () => loom.server.requests.filter((r) => r.path === '/v1/completions');

  it('shades the model’s tokens, shows a token’s alternatives on hover, and branches from the one clicked', async () => {
    const { page } = loom.workbench;
    await openAtEnd(page, 'story.txt');
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    await eventually(() => completions().length === 1, 'the completions request', 30_000);
    await settledText(page, PREFIX.length);
    assert.equal(await page.locator(SHADES).count(), 0, 'no shading before it is turned on');

    await runCommand(page, 'Prefill Loom: Toggle Token Probabilities');
    await eventually(async () => (await page.locator(SHADES).count()) > 3, 'the tokens to be shaded', 15_000);

    const hover = await hoverATokenWithAlternatives(page);
    await hover.locator('table').waitFor({ timeout: 5000 });
    assert.match(await hover.innerText(), /Shading: /);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    if (process.env.PREFILL_LOOM_UPDATE_README === '1') fs.copyFileSync(SCREENSHOT, path.join(repoRoot, 'media', 'readme', 'token-probabilities.png'));
    console.log(`    token probabilities screenshot: ${SCREENSHOT}`);

    const link = hover.locator('table a').first();
    const alternative = (await link.innerText()).replace(/·/g, ' ').replace(/⏎/g, '\n');
    const before = await readEditorText(page);
    await link.click();
    await eventually(() => completions().length === 2, 'the branch’s continuation request', 30_000);
    const prompt = (completions()[1].body as { prompt: string }).prompt;
    assert.ok(prompt.startsWith(PREFIX) && prompt.endsWith(alternative), `the branch continues after ${JSON.stringify(alternative)}: ${JSON.stringify(prompt)}`);
    await eventually(async () => {
      const text = await readEditorText(page);
      return text !== before && text.replace(/\n/g, '').startsWith(prompt.replace(/\n/g, ''));
    }, 'the editor to show the new branch', 30_000);

    await runCommand(page, 'Prefill Loom: Loom Tree: Show Beside Editor');
    const rows = webviewFrame(page).locator('[role="treeitem"]');
    // The root, the text before the token, the written tail, the alternative and its continuation.
    await eventually(async () => (await rows.count()) >= 5, 'the new branch in the loom view', 30_000);
    assert.ok(await webviewFrame(page).locator('.row.current').isVisible());
  });

});

describe('Show Next-Token Probabilities, by keyboard alone', function () {
  // A workbench start and three requests on a seeded simulator, whose replies the tests compute.
  this.timeout(240_000);
  let loom: LoomWorkbench;

  before(async () => {
    loom = await openLoomWorkbench({ files: { 'next.txt': NEXT_PREFIX, 'enter.txt': ENTER_PREFIX }, openAi: { seed: SEED }, settings: SETTINGS });
  });

  after(() => loom?.close());

  const completions = () => loom.server.requests.filter((r) => r.path === '/v1/completions');

  /** Opens the next-token list at the end of `file` by keyboard, moves to its second row and returns that row's token. */
  async function secondAlternative(file: string): Promise<string> {
    const { page } = loom.workbench;
    await openAtEnd(page, file);
    await runCommandByKeyboard(page, SHOW_NEXT_TOKEN);
    await page.locator(PICK_ROWS).nth(1).waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('ArrowDown');
    const focused = page.locator(`${PICK_ROWS}.focused`);
    await eventually(async () => (await focused.getAttribute('aria-posinset')) === '2', 'the second row to be highlighted', 5000);
    return rowToken(await focused.locator('.label-name').innerText());
  }

  it('inserts the next-token alternative highlighted with the arrow keys and continues after it on Alt+Right, by keyboard alone', async () => {
    const { page } = loom.workbench;
    loom.server.reset();
    const token = await secondAlternative('next.txt');
    assert.equal(completions().length, 1, 'one request for the next token');
    assert.equal(token, nextTokenAlternatives(completions()[0], requestSeeds(SEED, 1)[0])[1], 'the second row is the simulator’s second most likely token');
    // What a person reads before pressing: the title and the filter box's placeholder.
    const hint = `${await page.locator('.quick-input-widget .quick-input-title').innerText()} ${await page.locator('.quick-input-widget .quick-input-box input').getAttribute('placeholder')}`;
    fs.mkdirSync(path.dirname(PICKER_SCREENSHOT), { recursive: true });
    await page.screenshot({ path: PICKER_SCREENSHOT });
    console.log(`    next-token picker screenshot: ${PICKER_SCREENSHOT}`);

    await page.keyboard.press('Alt+ArrowRight');
    await eventually(() => completions().length === 2, 'the continuation request after the token', 30_000);
    const continuation = completions()[1];
    assert.equal((continuation.body as { prompt: string }).prompt, NEXT_PREFIX + token, 'the continuation goes on after the picked token');
    const [written] = expectedTexts(expectedCompletion(continuation.body as object, { seed: requestSeeds(SEED, 2)[1] }));
    assert.ok(written.length > 0, 'the simulator writes a continuation');
    // The editor wraps lines: compare without line breaks.
    const expected = (NEXT_PREFIX + token + written).replace(/\n/g, '');
    await eventually(async () => (await readEditorText(page)).replace(/\n/g, '') === expected, `the editor to show the token and the continuation: ${JSON.stringify(expected)}`, 30_000);
    assert.match(hint, /Alt\+→.*continue/, `the list says which key continues: ${JSON.stringify(hint)}`);
  });

  it('inserts the next-token alternative highlighted on plain Enter and continues nothing', async () => {
    const { page } = loom.workbench;
    loom.server.reset();
    const token = await secondAlternative('enter.txt');
    await page.keyboard.press('Enter');
    await eventually(async () => (await readEditorText(page)).replace(/\n/g, '') === (ENTER_PREFIX + token).replace(/\n/g, ''), 'the editor to show the token', 30_000);
    // Asked again at the cursor: had Enter continued, its request would come before this one, and this one would ask after the continuation.
    await runCommandByKeyboard(page, SHOW_NEXT_TOKEN);
    await page.locator(PICK_ROWS).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Escape');
    assert.deepEqual(completions().map((r) => [(r.body as { prompt: string }).prompt, (r.body as { max_tokens: number }).max_tokens]), [
      [ENTER_PREFIX, 1],
      [ENTER_PREFIX + token, 1],
    ]);
  });
});
