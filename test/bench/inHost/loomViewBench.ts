/**
 * The loom view inside VS Code: a generated tree goes through the extension's provider and VS Code's
 * webview messaging into the real webview, which times its first render and the keys pressed in it
 * with performance.now() and reports back through the protocol's `measure`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LoomViewProvider } from '../../../src/webviews/loomViewProvider';
import type { PerfReport } from '../../../src/webviews/webviewProtocol';
import { eventually } from '../../harness/eventually';
import { loomLikeTree } from '../../harness/webviewClientPage';
import { TestViewSource } from '../../integration/loomTestKit';
import { spread, type Spread } from '../stats';
import { formatKeyRequest, NAVIGATION_KEYS } from './keyRequest';

export interface LoomViewResult {
  nodes: number;
  /** In the webview: from the snapshot message arriving to its rows laid out. */
  firstRenderMs: Spread;
  /** In the host: from handing the tree to the provider to the view's answer (one more round trip). */
  hostWallMs: Spread;
  /** Keypress to render in the webview, from the browser's key event; undefined when no keys were asked for. */
  keys?: Pick<PerfReport, 'keyCount' | 'keyMedianMs' | 'keyP95Ms' | 'keyMaxMs'>;
}

const KEYS_TIMEOUT_MS = 120_000;

export async function benchLoomView(extensionUri: vscode.Uri, sizes: readonly number[], runs: number, pressKeys: boolean): Promise<LoomViewResult[]> {
  const log = vscode.window.createOutputChannel('Loom View Benchmark', { log: true });
  const results: LoomViewResult[] = [];
  try {
    for (const nodes of sizes) results.push(await benchOneSize(extensionUri, log, nodes, runs, pressKeys));
  } finally {
    log.dispose();
  }
  return results;
}

async function benchOneSize(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, nodes: number, runs: number, pressKeys: boolean): Promise<LoomViewResult> {
  const source = new TestViewSource(undefined);
  const provider = new LoomViewProvider({ extensionUri, source, log });
  try {
    provider.showBeside({ preserveFocus: true });
    await onlyReport(provider);
    source.tree = loomLikeTree(nodes);
    const firstRender: number[] = [];
    const hostWall: number[] = [];
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      source.emitter.fire({ type: 'reset', tree: source.tree });
      const report = await onlyReport(provider);
      hostWall.push(performance.now() - start);
      if (report.nodeCount !== nodes || report.snapshotMs === undefined) throw new Error(`the view holds ${report.nodeCount} of ${nodes} nodes`);
      firstRender.push(report.snapshotMs);
    }
    return { nodes, firstRenderMs: spread(firstRender), hostWallMs: spread(hostWall), keys: pressKeys ? await keysPressedByHarness(provider) : undefined };
  } finally {
    provider.dispose();
    source.emitter.dispose();
  }
}

/** Asks the harness to press the navigation keys in the view, waits for it, and reads the view's timings. */
async function keysPressedByHarness(provider: LoomViewProvider): Promise<LoomViewResult['keys']> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-keys-'));
  try {
    const done = path.join(dir, 'done');
    console.log(formatKeyRequest({ keys: NAVIGATION_KEYS, done }));
    await eventually(() => fs.existsSync(done), 'the harness to press the keys', KEYS_TIMEOUT_MS, 50);
    const { keyCount, keyMedianMs, keyP95Ms, keyMaxMs } = await onlyReport(provider);
    if (keyCount === 0) throw new Error('the view handled none of the keys pressed');
    return { keyCount, keyMedianMs, keyP95Ms, keyMaxMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function onlyReport(provider: LoomViewProvider): Promise<PerfReport> {
  const reports = await provider.measure();
  if (reports.length !== 1) throw new Error(`${reports.length} loom views answered, expected one`);
  return reports[0];
}
