/**
 * The in-host benchmarks' entry, which VS Code loads into the extension host in place of the
 * integration suite (see runInHostBenchmarks): measures, writes the figures to the file the harness
 * named, and ends with the suite marker line (one "test" passed, or failed if anything threw).
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { PrefillLoomApi } from '../../../src/extension';
import { formatSuiteResult } from '../../harness/suiteResult';
import { setSetting } from '../../integration/loomTestKit';
import { benchActivation } from './activationBench';
import { BENCH_API_KEY, OUTPUT_VARIABLE, PLAN_VARIABLE, type InHostFigures, type InHostPlan, type InHostSamplingFigures } from './inHostFigures';
import { benchLoomView } from './loomViewBench';
import { benchParallel } from './parallelBench';
import { benchSamplingInHost } from './samplingBench';
import { benchStreaming } from './streamingBench';
import { benchTokenShading } from './tokenShadingBench';

export async function run(): Promise<void> {
  try {
    const plan = JSON.parse(process.env[PLAN_VARIABLE] ?? '') as InHostPlan;
    const figures = plan.samplingOnly ? await measureSampling(plan) : plan.shadingOnly ? await measureShading(plan) : await measureAll(plan);
    fs.writeFileSync(process.env[OUTPUT_VARIABLE] ?? '', JSON.stringify(figures));
    console.log(formatSuiteResult({ passed: 1, failed: 0 }));
  } catch (e) {
    console.error(`in-host benchmarks failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    console.log(formatSuiteResult({ passed: 0, failed: 1 }));
    throw e;
  }
}

export function measureAll(plan: InHostPlan): Promise<InHostFigures> {
  return withExtension(plan, async (extension, api) => ({
      activation: benchActivation(api, extension.extensionPath),
      streaming: await benchStreaming(api, plan.serverUrl, plan.streamingTokens, plan.streamingRuns),
      completionsStreaming: await benchStreaming(api, plan.serverUrl, plan.streamingTokens, plan.streamingRuns, 'completions'),
      parallel: await benchParallel(api, plan.serverUrl, plan.parallel),
      loomView: await benchLoomView(extension.extensionUri, plan.viewSizes, plan.viewRuns, plan.viewKeys),
      tokenShading: await benchTokenShading(api, plan.shadingTokens, plan.shadingRuns),
      sampling: await benchSamplingInHost(plan.serverUrl, plan.sampling),
  }));
}

function measureSampling(plan: InHostPlan): Promise<InHostSamplingFigures> {
  return withExtension(plan, async () => ({ sampling: await benchSamplingInHost(plan.serverUrl, plan.sampling) }));
}

async function withExtension<T>(plan: InHostPlan, measure: (extension: vscode.Extension<PrefillLoomApi>, api: PrefillLoomApi) => Promise<T>): Promise<T> {
  const extension = vscode.extensions.getExtension<PrefillLoomApi>('prefill-loom.prefill-loom');
  if (!extension) throw new Error('the extension is not loaded');
  process.env.ANTHROPIC_API_KEY = BENCH_API_KEY;
  await setSetting('baseUrl', plan.serverUrl);
  try {
    return await measure(extension, await extension.activate());
  } finally {
    await setSetting('baseUrl', undefined);
  }
}

/** The token shading figure alone (`npm run bench -- --shading`). */
async function measureShading(plan: InHostPlan): Promise<Pick<InHostFigures, 'tokenShading'>> {
  const api = await vscode.extensions.getExtension<PrefillLoomApi>('prefill-loom.prefill-loom')?.activate();
  if (!api) throw new Error('the extension is not loaded');
  return { tokenShading: await benchTokenShading(api, plan.shadingTokens, plan.shadingRuns) };
}
