import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchBrowser } from '../harness/browser';
import { loomLikeTree, measure, openClient, type PageWindow } from '../harness/webviewClientPage';
import { encodeTree } from '../../src/webviews/webviewProtocol';
import { NAVIGATION_KEYS } from './inHost/keyRequest';

export interface WebviewClientResult {
  nodes: number;
  snapshotMB: number;
  /** From the snapshot message to the first rows drawn. */
  firstRenderMs: number;
  /** The floor of receiving the tree on this machine: one JSON.parse and an id index, in the same page. */
  baselineParseMs: number;
  keys: number;
  keyMeanMs: number;
  keyMedianMs: number;
  keyP95Ms: number;
  keyMaxMs: number;
  renderedRows: number;
}

/** Renders a generated tree in the webview client in headless Chromium and times the first render and keys. */
export async function benchWebviewClient(nodes: number): Promise<WebviewClientResult> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-'));
  const { context } = await launchBrowser(runDir);
  try {
    const page = await openClient(context, []);
    const json = encodeTree(loomLikeTree(nodes));
    const baselineParseMs = await page.evaluate((text) => {
      const start = performance.now();
      const index = new Map((JSON.parse(text) as { nodes: [string][] }).nodes.map((node, i) => [node[0], i]));
      return index.size > 0 ? performance.now() - start : 0;
    }, json);
    await page.evaluate((text) => (globalThis as unknown as PageWindow).postMessage({ type: 'snapshot', tree: text }, '*'), json);
    await page.waitForFunction(() => (globalThis as unknown as PageWindow).document.querySelector('.tree .row') !== null);
    const loaded = await measure(page);
    await page.locator('.tree').focus();
    for (const key of NAVIGATION_KEYS) await page.keyboard.press(key);
    const keys = await measure(page);
    return {
      nodes,
      snapshotMB: json.length / 1e6,
      firstRenderMs: loaded.snapshotMs ?? NaN,
      baselineParseMs,
      keys: keys.keyCount,
      keyMeanMs: keys.keyMeanMs,
      keyMedianMs: keys.keyMedianMs,
      keyP95Ms: keys.keyP95Ms,
      keyMaxMs: keys.keyMaxMs,
      renderedRows: keys.renderedRowCount,
    };
  } finally {
    await context.close();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
