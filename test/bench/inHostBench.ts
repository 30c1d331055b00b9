/**
 * Runs the in-host benchmarks (test/bench/inHost) in one real VS Code through the integration
 * harness, presses the keys they ask for in the loom view, and returns their figures.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../harness/codeServer';
import { runInHostSuite } from '../harness/inHostSuite';
import { webviewFrame } from '../harness/workbench';
import { BENCH_API_KEY, OUTPUT_VARIABLE, PLAN_VARIABLE, type InHostFigures, type InHostPlan, type InHostSamplingFigures } from './inHost/inHostFigures';
import { parseKeyRequest, type KeyRequest } from './inHost/keyRequest';
import { createFillResponder, createFillTextModel } from '../server/fillResponder';
import { startFakeAnthropic } from '../server/fakeAnthropic';

/** Lines of the workbench console shown when the run fails. */
const CONSOLE_TAIL_LINES = 80;

/** Runs them against a fake server in this process, the network side of the extension host. */
export function runInHostBenchmarks(plan: Omit<InHostPlan, 'serverUrl' | 'samplingOnly' | 'shadingOnly'>): Promise<InHostFigures> {
  return runInHost<InHostFigures>(plan);
}

/** Only Sample Distribution… against the SDK alone, in a VS Code of its own. */
export function runInHostSampling(sampling: InHostPlan['sampling']): Promise<InHostSamplingFigures> {
  const none = { streamingTokens: 0, streamingRuns: 0, parallel: { counts: [], tokensPerBranch: 0, tokenDelayMs: 0, concurrency: 1, runs: 0 }, viewSizes: [], viewRuns: 0, viewKeys: false, shadingTokens: 0, shadingRuns: 0 };
  return runInHost<InHostSamplingFigures>({ ...none, sampling, samplingOnly: true });
}

/** Only the token shading figure (`npm run bench -- --shading`): a few minutes less of VS Code. */
export function runInHostShadingBenchmark(plan: Omit<InHostPlan, 'serverUrl' | 'samplingOnly' | 'shadingOnly'>): Promise<Pick<InHostFigures, 'tokenShading'>> {
  return runInHost<Pick<InHostFigures, 'tokenShading'>>({ ...plan, shadingOnly: true });
}

async function runInHost<T>(plan: Omit<InHostPlan, 'serverUrl'>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-'));
  const output = path.join(dir, 'figures.json');
  const consoleTail: string[] = [];
  const server = await startFakeAnthropic({ apiKey: BENCH_API_KEY, responder: createFillResponder(), openAi: { textModel: createFillTextModel() } });
  try {
    const result = await runInHostSuite({
      testsPath: path.join(repoRoot, 'out', 'test', 'bench', 'inHost', 'index'),
      env: { [PLAN_VARIABLE]: JSON.stringify({ ...plan, serverUrl: server.url }), [OUTPUT_VARIABLE]: output },
      onConsoleLine: (line, page) => {
        consoleTail.push(line);
        if (consoleTail.length > CONSOLE_TAIL_LINES) consoleTail.shift();
        const request = parseKeyRequest(line);
        if (request) void pressKeys(page, request);
      },
    });
    if (result.failed > 0 || !fs.existsSync(output)) {
      throw new Error(`the in-host benchmarks failed; the workbench console ended:\n${consoleTail.join('\n')}`);
    }
    return JSON.parse(fs.readFileSync(output, 'utf8')) as T;
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Clicks into the loom view, presses the keys as a person would, and tells the host it is done. */
async function pressKeys(page: Page, request: KeyRequest): Promise<void> {
  try {
    await webviewFrame(page).locator('.tree .row').first().click();
    for (const key of request.keys) await page.keyboard.press(key);
  } catch (e) {
    console.error(`could not press keys in the loom view: ${(e as Error).message}`);
  } finally {
    fs.writeFileSync(request.done, '');
  }
}
