/**
 * npm run bench: prints each figure beside a baseline measured in the same run, and the ratio.
 * Figures, not verdicts: nothing here fails on a timing. `--smoke` runs tiny sizes of the plain-Node
 * and Chromium figures and the footprint (npm test uses it); the in-host figures' smoke run is an
 * integration test (test/integration/benchSmoke.test.ts), in the suite's own VS Code.
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchTreeScale, type TreeScaleResult } from '../test/bench/treeScale';
import { benchAutoContinueJoin } from '../test/bench/autoContinueJoin';
import { benchProviderStreaming, type ProviderStreamingResult } from '../test/bench/providerStreaming';
import { measureFootprint, rebuildForDevelopment, type FootprintResult } from '../test/bench/footprint';
import type { InHostFigures, InHostPlan } from '../test/bench/inHost/inHostFigures';
import type { InHostSamplingResult, SamplingFigures } from '../test/bench/inHost/samplingBench';
import type { TokenShadingResult } from '../test/bench/inHost/tokenShadingBench';
import type { StreamingResult } from '../test/bench/inHost/streamingBench';
import { runInHostBenchmarks, runInHostSampling, runInHostShadingBenchmark } from '../test/bench/inHostBench';
import type { Spread } from '../test/bench/stats';
import { benchStartup, type StartupResult } from '../test/bench/startupBench';
import { benchLoomImport, benchTreeFind, type LoomImportResult, type TreeFindResult } from '../test/bench/loomInterop';
import { benchWebviewClient, type WebviewClientResult } from '../test/bench/webviewClientBench';
import { benchPanelRender, benchSampling, type PanelRenderResult, type SamplingResult } from '../test/bench/distributionBench';

const smoke = process.argv.includes('--smoke');
/** `--startup`: only the start-up figure (a minute, where the full run takes several). */
const startupOnly = process.argv.includes('--startup');
const STARTUP_RUNS = 3;
/** `--looms`: only the import and find figures (issue 15), in plain Node. */
const loomsOnly = process.argv.includes('--looms');
/** `--sampling`: only Sample Distribution… (plain Node, then in VS Code); `--profile=FILE` adds a CPU profile of the extension host during one more command run. */
const samplingOnly = process.argv.includes('--sampling');
const profilePath = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length);
/** `--shading`: only the token shading figure (issue 20), in VS Code. */
const shadingOnly = process.argv.includes('--shading');

/** The in-host sizes of a full run (the smoke plan is the integration test's). */
const FULL_PLAN: Omit<InHostPlan, 'serverUrl'> = {
  streamingTokens: 20_000,
  streamingRuns: 5,
  parallel: { counts: [1, 4, 8], tokensPerBranch: 100, tokenDelayMs: 5, concurrency: 8, runs: 3 },
  viewSizes: [1000, 10_000, 100_000],
  viewRuns: 3,
  viewKeys: true,
  shadingTokens: 20_000,
  shadingRuns: 5,
  sampling: { samples: 200, tokens: 50, concurrency: 4, runs: 3, pacedTokenMs: 10, pacedRuns: 3 },
};

function ms(n: number): string {
  return `${n.toFixed(n < 10 ? 2 : 0)} ms`;
}

function ratio(a: number, b: number): string {
  return b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
}

function spreadMs(s: Spread): string {
  return `median ${ms(s.median)}, p95 ${ms(s.p95)}`;
}

function kB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function printProviderStreaming(results: ProviderStreamingResult[]): void {
  console.log('\nStreaming through the core generation loop, plain Node, per endpoint kind (baseline = that kind\'s SDK alone on the same stream)');
  for (const r of results) {
    console.log(`${r.kind.padEnd(12)} ${r.tokens} tokens: loop ${spreadMs(r.loopMs)}; SDK alone ${spreadMs(r.sdkMs)}; ratio of medians ${ratio(r.loopMs.median, r.sdkMs.median)}`);
  }
}

function printTreeScale(results: TreeScaleResult[], title = 'Tree scale'): void {
  const base = results[0];
  console.log(`\n${title} (load = read + parse + build; baseline = read + JSON.parse alone)`);
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

function printWebviewClient(r: WebviewClientResult): void {
  console.log(
    `${String(r.nodes).padEnd(8)} ${r.snapshotMB.toFixed(1)} MB  first render ${ms(r.firstRenderMs)} vs baseline ${ms(r.baselineParseMs)} (${ratio(r.firstRenderMs, r.baselineParseMs)})  ` +
      `${r.keys} keys: median ${ms(r.keyMedianMs)}, p95 ${ms(r.keyP95Ms)}, max ${ms(r.keyMaxMs)} (target p95 ≤ 16 ms: ${ratio(r.keyP95Ms, 16)})  rows in DOM ${r.renderedRows}`,
  );
}

function printFootprint(f: FootprintResult): void {
  console.log('\nFootprint (production build, as packaged by npm run package; baseline = the SDK alone, bundled and minified)');
  for (const b of f.bundles) console.log(`dist/${b.name.padEnd(14)} ${kB(b.bytes).padStart(10)}  ÷ SDK alone (${kB(f.sdkAloneBytes)}): ${ratio(b.bytes, f.sdkAloneBytes)}`);
  console.log(`.vsix               ${kB(f.vsixBytes).padStart(10)}`);
}

function printShading(t: TokenShadingResult): void {
  console.log(`\nToken probability shading in VS Code, ${t.tokens} recorded tokens with top-5 alternatives, ${t.windowTokens} of them on the lines in view and the margin (host side; baseline = the same ranges set on one plain decoration type)`);
  console.log(`toggle on, to the lines in view decorated  ${spreadMs(t.toggleMs)}   baseline ${spreadMs(t.plainToggleMs)}   ratio ${ratio(t.toggleMs.median, t.plainToggleMs.median)} (one frame: ${ratio(t.toggleMs.median, 16)} of 16 ms); the first shading, decoding the record: ${ms(t.firstShadeMs)}`);
  console.log(`scroll one screen, to the lines decorated  ${spreadMs(t.scrollMs)} over ${t.scrollMs.samples} screens   baseline (plain decorations of the window at every scroll) ${spreadMs(t.plainScrollMs)}   ratio ${ratio(t.scrollMs.median, t.plainScrollMs.median)} (one frame: ${ratio(t.scrollMs.median, 16)} of 16 ms)`);
  console.log(`for scale: all ${t.tokens} ranges on one plain decoration type ${spreadMs(t.plainWholeMs)}`);
  console.log(`hover one token            ${spreadMs(t.hoverMs)} over ${t.hoverMs.samples} tokens   baseline (plain-text hover of the word) ${spreadMs(t.plainHoverMs)}   ratio ${ratio(t.hoverMs.median, t.plainHoverMs.median)}`);
}

function printInHost(figures: InHostFigures, plainViews: WebviewClientResult[]): void {
  const { activation: a, streaming: s, parallel: p, loomView: v, tokenShading: t } = figures;
  console.log('\nActivation, in the VS Code extension host (baseline = a fresh require of the SDK alone)');
  console.log(`activate() start to return ${ms(a.activateMs)} (target ≤ 50 ms: ${ratio(a.activateMs, 50)}); fresh require of dist/extension.js ${ms(a.bundleLoadMs)} vs SDK alone ${ms(a.sdkLoadMs)} (${ratio(a.bundleLoadMs, a.sdkLoadMs)})`);

  for (const streaming of [s, figures.completionsStreaming]) printEditorStreaming(streaming);

  const setup = FULL_PLAN.parallel;
  console.log(`\nParallel branches through generateFromNode, in VS Code (fake server: ${setup.tokensPerBranch} tokens, ${setup.tokenDelayMs} ms before each; prefillLoom.concurrency ${setup.concurrency}; baseline = one branch)`);
  for (const r of p) console.log(`N = ${String(r.branches).padEnd(3)} wall ${spreadMs(r.wallMs)}   ÷ wall(1) ${ratio(r.wallMs.median, p[0].wallMs.median)} (target ≤ 1.2)`);

  console.log('\nLoom view inside VS Code (performance.now() in the real webview; baseline = the same client in a plain Chromium page, above)');
  for (const r of v) {
    const plain = plainViews.find((c) => c.nodes === r.nodes);
    const keys = r.keys ? `${r.keys.keyCount} keys: median ${ms(r.keys.keyMedianMs)}, p95 ${ms(r.keys.keyP95Ms)}, max ${ms(r.keys.keyMaxMs)}${plain ? ` (p95 ÷ plain page ${ratio(r.keys.keyP95Ms, plain.keyP95Ms)})` : ''}` : 'no keys';
    console.log(
      `${String(r.nodes).padEnd(8)} first render ${spreadMs(r.firstRenderMs)}${plain ? ` ÷ plain page ${ratio(r.firstRenderMs.median, plain.firstRenderMs)}` : ''}; host to answer ${spreadMs(r.hostWallMs)}   ${keys}`,
    );
  }

  printShading(t);

  printInHostSampling(figures.sampling);
}

function printInHostSampling(d: InHostSamplingResult): void {
  console.log(`\nSample Distribution… in VS Code, the command to its panel (baseline = the openai package alone making the same ${d.samples} requests, ${d.concurrency} at a time, in the extension host), ${d.instant.commandMs.samples} runs`);
  printSamplingFigures(d, d.instant, 'server as fast as it can');
  if (d.paced) printSamplingFigures(d, d.paced, `server waiting ${d.paced.tokenDelayMs} ms before each token (${Math.round(1000 / d.paced.tokenDelayMs)} tokens a second, a hosted API's pace), ${d.paced.commandMs.samples} runs`);
}

function printSamplingFigures(d: InHostSamplingResult, f: SamplingFigures, server: string): void {
  console.log(`${d.samples} samples of ${d.tokens} tokens, ${server}: command to the page holding them ${spreadMs(f.commandMs)}; SDK alone ${spreadMs(f.sdkMs)}; ratio of medians ${ratio(f.commandMs.median, f.sdkMs.median)} (target ≤ 1.1); the command's own time ${ms(f.commandMs.median - f.sdkMs.median)}`);
  console.log(`  of which the command to its return (the page may still be loading) ${spreadMs(f.returnedMs)}; ratio of medians ${ratio(f.returnedMs.median, f.sdkMs.median)}`);
  console.log(`  extension host CPU time over the same spans: command ${spreadMs(f.commandCpuMs)}; SDK alone ${spreadMs(f.sdkCpuMs)}; ratio of medians ${ratio(f.commandCpuMs.median, f.sdkCpuMs.median)}`);
}

function printEditorStreaming(s: StreamingResult): void {
  const sdk = s.kind === 'anthropic' ? '@anthropic-ai/sdk' : 'openai';
  console.log(`\nStreaming ${s.tokens} tokens (${s.characters} characters) into the editor through Continue at Cursor on a ${s.kind} endpoint, in VS Code (baseline = ${sdk} alone consuming the same stream in the extension host), ${s.editorMs.samples} runs`);
  console.log(`full text in the document  ${spreadMs(s.editorMs)}   baseline ${spreadMs(s.sdkMs)}   ratio ${ratio(s.editorMs.median, s.sdkMs.median)} (target ≤ 1.05)`);
  console.log(`delta to document lag      ${spreadMs(s.lagMs)}, max ${ms(s.lagMs.max)} over ${s.lagMs.samples} pieces (target p95 ≤ 16 ms: ${ratio(s.lagMs.p95, 16)})`);
  console.log(`  its floor: one small edit's round trip to the workbench, idle  ${spreadMs(s.editRoundTripMs)} (lag p95 ÷ round trip p95 ${ratio(s.lagMs.p95, s.editRoundTripMs.p95)})`);
  console.log(`edits per run              ${s.editsPerRun.toFixed(0)} for ${s.piecesPerRun.toFixed(0)} text pieces (${(s.piecesPerRun / s.editsPerRun).toFixed(1)} pieces per edit)`);
  console.log(`heap growth per generation median ${s.heapGrowthMB.median.toFixed(1)} MB, p95 ${s.heapGrowthMB.p95.toFixed(1)} MB (document, loom node and journal still held)`);
}

function printDistribution(s: SamplingResult, r: PanelRenderResult): void {
  console.log(`\nSample Distribution, plain Node (baseline = the OpenAI SDK alone making the same ${s.samples} requests, ${s.concurrency} at a time), ${s.panelPathMs.samples} runs`);
  console.log(`${s.samples} samples of ${s.tokens} tokens: panel's sampling path ${spreadMs(s.panelPathMs)}; SDK alone ${spreadMs(s.sdkMs)}; ratio of medians ${ratio(s.panelPathMs.median, s.sdkMs.median)} (target ≤ 1.1)`);
  console.log(`Distribution panel in Chromium, ${r.samples} samples in ${r.groups} groups (baseline = one JSON.parse of the same view), ${r.renderMs.samples} runs`);
  console.log(`render ${spreadMs(r.renderMs)} vs baseline ${spreadMs(r.baselineParseMs)} (${ratio(r.renderMs.median, r.baselineParseMs.median)}); every group opened ${spreadMs(r.openAllMs)}`);
}

function printLooms(): void {
  const imported: LoomImportResult = benchLoomImport(smoke ? 500 : 100_000, smoke ? 1 : 5);
  const r = imported;
  console.log('\nImport from another loom: a generated Loom (socketteer/loom) file, read + parse + import into a loom tree (baseline = read + JSON.parse of the same file)');
  console.log(
    `${String(r.nodes).padEnd(8)} ${(r.fileBytes / 1e6).toFixed(1)} MB, depth ${r.depth}, ${r.withTokens} nodes with tokens: import ${spreadMs(r.importMs)}; baseline ${spreadMs(r.parseMs)}; ratio of medians ${ratio(r.importMs.median, r.parseMs.median)} (target ≤ 1.5); CPU time ${ms(r.importCpuMs.median)} vs ${ms(r.parseCpuMs.median)} (${ratio(r.importCpuMs.median, r.parseCpuMs.median)})`,
  );
  const u = r.firstUse;
  console.log(`First use of the imported tree, ${u.firstViewMs.samples} runs (its tokens are packed when first asked for; baseline = the same again, packed)`);
  console.log(`first loom view (snapshot) ${spreadMs(u.firstViewMs)}; again ${spreadMs(u.laterViewMs)}; CPU time ${ms(u.firstViewCpuMs.median)} vs ${ms(u.laterViewCpuMs.median)} (${ratio(u.firstViewCpuMs.median, u.laterViewCpuMs.median)})`);
  console.log(`first save (tree file text) ${spreadMs(u.firstSaveMs)}; again ${spreadMs(u.laterSaveMs)}; CPU time ${ms(u.firstSaveCpuMs.median)} vs ${ms(u.laterSaveCpuMs.median)} (${ratio(u.firstSaveCpuMs.median, u.laterSaveCpuMs.median)})`);
  console.log('\nFind in the loom over every node (baseline = a plain toLowerCase().includes scan of the same texts)');
  for (const query of ['dragon gull', 'lighthouse', 'lamp']) {
    const f: TreeFindResult = benchTreeFind(imported.tree, query, smoke ? 2 : 21);
    console.log(`${String(f.nodes).padEnd(8)} "${f.query}" ${f.matches} matches: find ${spreadMs(f.findMs)}; scan ${spreadMs(f.scanMs)}; ratio of medians ${ratio(f.findMs.median, f.scanMs.median)} (target median ≤ 50 ms: ${ratio(f.findMs.median, 50)}); CPU time ${ms(f.findCpuMs.median)} vs ${ms(f.scanCpuMs.median)}`);
  }
}

function printStartup(r: StartupResult): void {
  console.log(`\nStart-up, window reload in code-server (${r.runs} runs; baseline = the same window with the extension disabled, reload → the document's text visible)`);
  console.log(`reload → loom tree visible    ${spreadMs(r.treeVisible)}  ÷ baseline (${spreadMs(r.baseline)}): ${ratio(r.treeVisible.median, r.baseline.median)}`);
  console.log(`reload → "Loading loom…" shown ${spreadMs(r.placeholderVisible)}`);
}

async function main(): Promise<void> {
  console.log(`Prefill Loom benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}${smoke ? ' (smoke sizes)' : ''}`);
  if (startupOnly) {
    printStartup(await benchStartup(STARTUP_RUNS));
    return;
  }
  if (loomsOnly) {
    printLooms();
    return;
  }
  if (samplingOnly) {
    printDistribution(await benchSampling(200, 50, 4, 5), await benchPanelRender(1000, 5));
    // The bundles as packaged, as a full run measures them.
    execFileSync(process.execPath, ['esbuild.js', '--production'], { stdio: 'pipe' });
    try {
      printInHostSampling((await runInHostSampling({ ...FULL_PLAN.sampling, runs: 5, ...(profilePath ? { profilePath: path.resolve(profilePath) } : {}) })).sampling);
    } finally {
      rebuildForDevelopment();
    }
    console.log(`load at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    return;
  }
  if (shadingOnly) {
    printShading((await runInHostShadingBenchmark(FULL_PLAN)).tokenShading);
    return;
  }
  printTreeScale(await benchTreeScale(smoke ? [50, 200] : [1000, 10000, 100000]));
  printProviderStreaming(await benchProviderStreaming(smoke ? 200 : 5000, smoke ? 1 : 5));
  // Every model node with its token probabilities, 5 alternatives each (issue 13).
  printTreeScale(await benchTreeScale(smoke ? [50, 200] : [1000, 10000], { topLogprobs: 5 }), 'Tree scale with token probabilities (top 5 on every model node)');
  console.log('\nLoom view in Chromium (first render; baseline = one JSON.parse and id index of the same snapshot; keys = keypress to render)');
  const plainViews: WebviewClientResult[] = [];
  for (const n of smoke ? [1000] : FULL_PLAN.viewSizes) {
    const r = await benchWebviewClient(n);
    plainViews.push(r);
    printWebviewClient(r);
  }
  printDistribution(await benchSampling(smoke ? 10 : 200, smoke ? 10 : 50, 4, smoke ? 1 : 5), await benchPanelRender(smoke ? 50 : 1000, smoke ? 1 : 5));
  printLooms();
  const join = await benchAutoContinueJoin(smoke ? 3 : 10);
  console.log(`\nAuto-continue join: ${join.boundaries} forced max_tokens boundaries, joined text ${join.equal ? 'equals' : 'DIFFERS FROM'} the server's full text (${join.requests} requests, ${join.characters} characters).`);
  // A full run measures VS Code with the bundles as shipped, then puts the development build back.
  printFootprint(measureFootprint(!smoke));
  if (smoke) return;
  try {
    printInHost(await runInHostBenchmarks(FULL_PLAN), plainViews);
    printStartup(await benchStartup(STARTUP_RUNS));
  } finally {
    rebuildForDevelopment();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
