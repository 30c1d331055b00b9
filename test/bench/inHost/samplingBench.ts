/**
 * Sample Distribution… inside the extension host: the command as a user runs it (requests, the
 * progress notification, the summary and the panel it opens), against the `openai` package alone
 * making the same requests the same number at a time. Alternating, after one warm-up of each.
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import OpenAI from 'openai';
import * as vscode from 'vscode';
import type { LabelledRun } from '../../../src/webviews/distributionPanel';
import { closeAllEditors, loomApi, openDocument, setSetting } from '../../integration/loomTestKit';
import { spread, type Spread } from '../stats';
import { setTokenDelay } from './parallelBench';

/** One way of serving the samples: the command (to its return, and to its page holding them) against the SDK alone. */
export interface SamplingFigures {
  /** The server's delay before each token (0: as fast as it can). */
  tokenDelayMs: number;
  /** From the command to its panel's page holding every sample. */
  commandMs: Spread;
  /** From the command to its return, with every sample: the panel's page may still be loading. */
  returnedMs: Spread;
  sdkMs: Spread;
  /** CPU time of the extension host over the same spans: less swayed than wall time by other processes on a busy machine. */
  commandCpuMs: Spread;
  sdkCpuMs: Spread;
}

export interface InHostSamplingResult {
  samples: number;
  tokens: number;
  concurrency: number;
  /** The server as fast as it can: the command's fixed costs (the key, the progress notification, the panel's page) weigh most. */
  instant: SamplingFigures;
  /** The server at a hosted API's pace, where those fixed costs are spread over a run of seconds. */
  paced?: SamplingFigures;
}

export interface SamplingSetup {
  samples: number;
  tokens: number;
  concurrency: number;
  runs: number;
  /** With a delay before each token (ms), the same runs again at that pace. */
  pacedTokenMs?: number;
  pacedRuns?: number;
  /** Where to write a CPU profile of the extension host during one more command run, after the timed ones. */
  profilePath?: string;
}

const ENDPOINT = 'bench-sampling';
const PREFILL = 'Test OK,';

/** `serverUrl`: the fake server with the fill text model behind its completions route (see InHostPlan). */
export async function benchSamplingInHost(serverUrl: string, setup: SamplingSetup): Promise<InHostSamplingResult> {
  await setSetting('endpoints', [{ name: ENDPOINT, kind: 'completions', baseUrl: `${serverUrl}/v1`, model: 'fill' }]);
  await setSetting('defaultEndpoint', ENDPOINT);
  await setSetting('maxTokens', setup.tokens);
  await setSetting('concurrency', setup.concurrency);
  try {
    const instant = await measure(serverUrl, setup, setup.runs, 0);
    if (setup.profilePath) await profile(setup.profilePath, () => sampleWithCommand(setup.samples));
    const paced = setup.pacedTokenMs ? await measure(serverUrl, setup, setup.pacedRuns ?? setup.runs, setup.pacedTokenMs) : undefined;
    return { samples: setup.samples, tokens: setup.tokens, concurrency: setup.concurrency, instant, ...(paced ? { paced } : {}) };
  } finally {
    for (const name of ['endpoints', 'defaultEndpoint', 'maxTokens', 'concurrency']) await setSetting(name, undefined);
  }
}

/** `runs` alternating runs of the command and the SDK alone, after one warm-up of each, with the server waiting `tokenDelayMs` before each token. */
async function measure(serverUrl: string, setup: SamplingSetup, runs: number, tokenDelayMs: number): Promise<SamplingFigures> {
  const times: Record<'command' | 'returned' | 'sdk' | 'commandCpu' | 'sdkCpu', number[]> = { command: [], returned: [], sdk: [], commandCpu: [], sdkCpu: [] };
  await setTokenDelay(serverUrl, tokenDelayMs);
  try {
    for (let run = -1; run < runs; run++) {
      const command = await sampleWithCommand(setup.samples);
      const sdk = await sampleWithSdk(serverUrl, setup);
      if (run >= 0) {
        times.command.push(command.wallMs);
        times.returned.push(command.returnedMs);
        times.commandCpu.push(command.cpuMs);
        times.sdk.push(sdk.wallMs);
        times.sdkCpu.push(sdk.cpuMs);
      }
    }
  } finally {
    await setTokenDelay(serverUrl, 0);
  }
  return { tokenDelayMs, commandMs: spread(times.command), returnedMs: spread(times.returned), sdkMs: spread(times.sdk), commandCpuMs: spread(times.commandCpu), sdkCpuMs: spread(times.sdkCpu) };
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

async function timed(body: () => Promise<void>): Promise<Timing> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await body();
  const { user, system } = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (user + system) / 1000 };
}

async function sampleWithCommand(samples: number): Promise<Timing & { returnedMs: number }> {
  await openDocument(PREFILL);
  try {
    const start = performance.now();
    let returned = 0;
    const timing = await timed(async () => {
      const runs = await vscode.commands.executeCommand<LabelledRun[] | undefined>('prefillLoom.sampleDistribution', { count: samples, confirm: false });
      const done = runs?.[0]?.run.samples.filter((s) => s.status === 'completed').length ?? 0;
      if (done !== samples) throw new Error(`${done} of ${samples} samples completed`);
      returned = performance.now();
      // The command can return before the panel's page has loaded; the run is through the panel once the page has it.
      await (await loomApi()).distributions.lastPanel?.shown;
    });
    return { ...timing, returnedMs: returned - start };
  } finally {
    await closeAllEditors();
  }
}

async function sampleWithSdk(serverUrl: string, setup: SamplingSetup): Promise<Timing> {
  const client = new OpenAI({ apiKey: 'unused', baseURL: `${serverUrl}/v1`, maxRetries: 0, organization: null, project: null });
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < setup.samples; i = next++) {
      const stream = await client.completions.create({ model: 'fill', prompt: PREFILL, max_tokens: setup.tokens, stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
      if (text.length === 0) throw new Error('the SDK received no text');
    }
  };
  return timed(async () => void (await Promise.all(Array.from({ length: setup.concurrency }, worker))));
}

/** Runs `body` under the V8 profiler of this extension host and writes the profile (open it in Chrome's DevTools). */
async function profile(file: string, body: () => Promise<unknown>): Promise<void> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  try {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    await body();
    const { profile: recorded } = (await post('Profiler.stop')) as { profile: object };
    fs.writeFileSync(file, JSON.stringify(recorded));
  } finally {
    session.disconnect();
  }
}
