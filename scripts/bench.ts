/**
 * npm run bench: prints each figure beside a baseline measured in the same run, and the ratio.
 * Figures, not verdicts: nothing here fails on a timing. `--smoke` runs tiny sizes (npm test uses it).
 */
import * as os from 'node:os';
import { benchTreeScale, type TreeScaleResult } from '../test/bench/treeScale';
import { benchAutoContinueJoin } from '../test/bench/autoContinueJoin';
import { benchWebviewClient } from '../test/bench/webviewClientBench';

const smoke = process.argv.includes('--smoke');

function ms(n: number): string {
  return `${n.toFixed(n < 10 ? 2 : 0)} ms`;
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}

function printTreeScale(results: TreeScaleResult[]): void {
  const base = results[0];
  console.log('\nTree scale (load = read + parse + build; baseline = read + JSON.parse alone)');
  console.log('nodes      file        load         baseline     ratio   save 1 change   ÷ save(smallest)   pathTo(deepest)');
  for (const r of results) {
    const baseline = r.readMs + r.jsonParseMs;
    console.log(
      [
        String(r.nodes).padEnd(10),
        `${(r.fileBytes / 1e6).toFixed(1)} MB`.padEnd(11),
        ms(r.loadMs).padEnd(12),
        ms(baseline).padEnd(12),
        ratio(r.loadMs, baseline).padEnd(7),
        ms(r.saveOneChangeMs).padEnd(15),
        ratio(r.saveOneChangeMs, base.saveOneChangeMs).padEnd(18),
        `${r.navigationUs.pathToDeepest.toFixed(1)} µs`,
      ].join(' '),
    );
  }
}

async function main(): Promise<void> {
  console.log(`Prefill Loom benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}${smoke ? ' (smoke sizes)' : ''}`);
  printTreeScale(await benchTreeScale(smoke ? [50, 200] : [1000, 10000, 100000]));
  console.log('\nLoom view in Chromium (first render; baseline = one JSON.parse and id index of the same snapshot; keys = keypress to render)');
  for (const n of smoke ? [1000] : [1000, 10000, 100000]) {
    const r = await benchWebviewClient(n);
    console.log(
      `${String(n).padEnd(8)} ${r.snapshotMB.toFixed(1)} MB  first render ${ms(r.firstRenderMs)} vs baseline ${ms(r.baselineParseMs)} (${ratio(r.firstRenderMs, r.baselineParseMs)})  ` +
        `${r.keys} keys: mean ${ms(r.keyMeanMs)}, p95 ${ms(r.keyP95Ms)}, max ${ms(r.keyMaxMs)} (target p95 ≤ 16 ms: ${ratio(r.keyP95Ms, 16)})  rows in DOM ${r.renderedRows}`,
    );
  }
  const join = await benchAutoContinueJoin(smoke ? 3 : 10);
  console.log(`\nAuto-continue join: ${join.boundaries} forced max_tokens boundaries, joined text ${join.equal ? 'equals' : 'DIFFERS FROM'} the server's full text (${join.requests} requests, ${join.characters} characters).`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
