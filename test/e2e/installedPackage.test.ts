/**
 * What a person who installs the packaged extension sees first: its details page in the Extensions
 * view of a VS Code with no extension under development, the README's images rendered. The README
 * images are https URLs into the repository (npm run package rewrites them); offline, the browser
 * is served those files from this checkout, so a URL naming a file that is not there fails.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rebuildForDevelopment } from '../bench/footprint';
import { repoRoot } from '../harness/codeServer';
import { openWorkbench, webviewFrame, type Workbench } from '../harness/workbench';

const RAW = 'https://github.com/prefill-loom/prefill-loom/raw/HEAD/';
/** Where the screenshot of the details page is left for a person to look at. */
const SCREENSHOT = path.join(repoRoot, 'out', 'screenshots', 'extension-details.png');

describe('The packaged extension, installed', function () {
  this.timeout(300_000);
  let workbench: Workbench | undefined;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-vsix-'));
    const vsix = path.join(dir, 'prefill-loom.vsix');
    try {
      execFileSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: repoRoot, stdio: 'pipe' });
    } finally {
      rebuildForDevelopment();
    }
    workbench = await openWorkbench({ installedVsix: vsix });
  });

  after(async () => {
    await workbench?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows its details page with the icon, the README and its images rendered', async () => {
    const { page } = workbench!;
    const served: string[] = [];
    await page.context().route(`${RAW}**`, async (route) => {
      const file = path.join(repoRoot, decodeURI(route.request().url().slice(RAW.length)));
      served.push(path.relative(repoRoot, file));
      if (fs.existsSync(file)) await route.fulfill({ path: file });
      else await route.fulfill({ status: 404, body: 'not in the repository' });
    });
    // As a person opens it; the gallery is off here, so the view lists what is installed.
    await page.keyboard.press('Control+Shift+X');
    const item = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Prefill Loom' }).first();
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    await item.click();
    const editor = page.locator('.extension-editor');
    await editor.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal((await editor.locator('.header .name').first().textContent())?.trim(), 'Prefill Loom');
    // The README is a webview, laid over the editor outside its DOM; it is the only one open.
    const readme = webviewFrame(page);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await readme.locator('h1', { hasText: 'Prefill Loom' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await readme.locator('h2', { hasText: 'Privacy' }).first().waitFor({ state: 'attached' });
    const images = readme.locator('img');
    assert.ok((await images.count()) > 0, 'the README has an image');
    for (let i = 0; i < (await images.count()); i++) {
      const image = images.nth(i);
      await image.scrollIntoViewIfNeeded();
      const loaded = await image.evaluate(
        (img) =>
          new Promise<{ src: string; width: number }>((resolve) => {
            const element = img as unknown as { src: string; complete: boolean; naturalWidth: number; addEventListener(e: string, f: () => void): void };
            const done = (): void => resolve({ src: element.src, width: element.naturalWidth });
            if (element.complete) done();
            else {
              element.addEventListener('load', done);
              element.addEventListener('error', done);
            }
          }),
      );
      assert.ok(loaded.width > 0, `the README image ${loaded.src} renders`);
    }
    assert.ok(served.length > 0, 'the images came from the repository URLs');
    await readme.locator('h1').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
    console.log(`    details page: ${SCREENSHOT}`);
  });
});
