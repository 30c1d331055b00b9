import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { summarizeSamples } from '../../src/core/distribution/distribution';
import { runSamples } from '../../src/core/distribution/sampleRun';
import { createOpenAIStyleClient } from '../../src/core/providers/openaiClient';
import type { DistributionPanelView, DistributionRunView } from '../../src/webviews/webviewProtocol';
import { launchBrowser } from '../harness/browser';
import { openClient } from '../harness/webviewClientPage';
import { startFakeAnthropic } from '../server/fakeAnthropic';
import { fillTokens } from '../server/fillResponder';
import type { TextModel } from '../server/openai/textModel';
import { spread, type Spread } from './stats';

export interface SamplingResult {
  samples: number;
  tokens: number;
  concurrency: number;
  /** runSamples and the summary the panel is made from. */
  panelPathMs: Spread;
  /** The same requests through the OpenAI SDK alone, the same number at a time. */
  sdkMs: Spread;
}

const PREFILL = 'Test OK,';

/**
 * Sampling wall time: `samples` completions of `tokens` tokens each, streamed as fast as the fake
 * server can, through the distribution panel's sampling path (runSamples, then the summary: groups,
 * first tokens, writing systems) against the OpenAI SDK alone making the same requests with the same
 * concurrency. Alternating, `runs` times each after one warm-up. Plain Node: the path's own cost.
 */
export async function benchSampling(samples: number, tokens: number, concurrency: number, runs: number): Promise<SamplingResult> {
  const texts = fillTokens(tokens);
  const model: TextModel = (_prompt, sampling) => ({
    tokens: texts.slice(0, sampling.maxTokens).map((text) => ({ text, bytes: [...Buffer.from(text)], logprob: -0.5, top: [] })),
    ended: sampling.maxTokens > tokens,
    promptTokens: 4,
  });
  const server = await startFakeAnthropic({ openAi: { textModel: model } });
  const baseUrl = `${server.url}/v1`;
  const expected = texts.join('');
  const params = { model: 'fill', user: 'Test', max_tokens: tokens };
  try {
    const panelPath = async (): Promise<string[]> => {
      const client = createOpenAIStyleClient({ baseUrl, timeoutMs: 60_000, maxRetries: 0 }, { kind: 'completions', prefillStyle: 'plain' });
      const run = await runSamples({ client, params, prefill: PREFILL, maxTotalTokens: tokens, count: samples, concurrency, onSample: () => undefined });
      summarizeSamples(run.samples, { model: params.model, requested: samples });
      return run.samples.map((s) => s.text);
    };
    const sdkAlone = async (): Promise<string[]> => {
      const openai = new OpenAI({ apiKey: 'no-key', baseURL: baseUrl, maxRetries: 0, organization: null, project: null });
      const out: string[] = new Array<string>(samples);
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < samples; i = next++) {
          const stream = await openai.completions.create({ model: params.model, max_tokens: tokens, prompt: PREFILL, stream: true });
          let text = '';
          for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
          out[i] = text;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return out;
    };
    const times: Record<'panel' | 'sdk', number[]> = { panel: [], sdk: [] };
    for (let run = -1; run < runs; run++) {
      for (const [name, fn] of [['panel', panelPath], ['sdk', sdkAlone]] as const) {
        const start = performance.now();
        const got = await fn();
        const ms = performance.now() - start;
        if (got.length !== samples || got.some((t) => t !== expected)) throw new Error(`${name}: not every sample arrived whole`);
        if (run >= 0) times[name].push(ms);
      }
    }
    return { samples, tokens, concurrency, panelPathMs: spread(times.panel), sdkMs: spread(times.sdk) };
  } finally {
    await server.close();
  }
}

export interface PanelRenderResult {
  samples: number;
  groups: number;
  /** From the view message to the panel drawn (the client draws synchronously on the message). */
  renderMs: Spread;
  /** Every group opened to its samples, one after another. */
  openAllMs: Spread;
  /** The floor: one JSON.parse of the same view in the same page. */
  baselineParseMs: Spread;
}

/** A run of `samples` samples in a mix of scripts, about one group per ten samples. */
export function sampleView(samples: number): DistributionPanelView {
  const phrases = [" I'm here and ready to help", ' 我收到了你的测试消息', ' 测试成功!', ' Hello! How can I help', ' Привет, чем помочь'];
  const texts = Array.from({ length: samples }, (_, i) => `${phrases[i % phrases.length]} ${i % Math.max(1, Math.round(samples / 10 / phrases.length))}`);
  const members = new Map<string, number[]>();
  texts.forEach((t, i) => members.set(t, [...(members.get(t) ?? []), i]));
  const groups = [...members].map(([text, m]) => ({ text, count: m.length, share: m.length / samples, members: m })).sort((a, b) => b.count - a.count);
  const run: DistributionRunView = {
    label: 'At the cursor',
    facts: [['Samples', `${samples} of ${samples} completed, 0 failed, 0 cancelled`]],
    samples: texts.map((text, index) => ({ index, status: 'completed', text })),
    exact: groups,
    loose: groups,
    firstUnit: 'word',
    firstUnits: groups.slice(0, 5),
    scripts: [
      { script: 'Latin', share: 0.6 },
      { script: 'Han', share: 0.4 },
    ],
    partial: false,
    savable: true,
  };
  return { title: 'Distribution at the Point', runs: [run] };
}

/** What the page code below uses of the page (the tests compile without the DOM's types). */
interface PanelWindow {
  dispatchEvent(event: unknown): boolean;
  MessageEvent: new (type: string, init: { data: unknown }) => unknown;
  setTimeout(callback: () => void, ms: number): number;
  document: {
    body: { getBoundingClientRect(): { height: number } };
    querySelectorAll(selector: string): { length: number; forEach(callback: (element: { open: boolean }) => void): void };
  };
}

/** Renders `samples` samples in the distribution panel's client in headless Chromium, `runs` times. */
export async function benchPanelRender(samples: number, runs: number): Promise<PanelRenderResult> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-bench-'));
  const { context } = await launchBrowser(runDir);
  const view = sampleView(samples);
  const times: Record<'render' | 'open' | 'parse', number[]> = { render: [], open: [], parse: [] };
  try {
    for (let run = -1; run < runs; run++) {
      const page = await openClient(context, [], { client: 'distribution' });
      const json = JSON.stringify({ type: 'distribution', view });
      const parse = await page.evaluate((text) => {
        const start = performance.now();
        return JSON.parse(text) ? performance.now() - start : 0;
      }, json);
      const render = await page.evaluate((text) => {
        const w = globalThis as unknown as PanelWindow;
        const start = performance.now();
        w.dispatchEvent(new w.MessageEvent('message', { data: JSON.parse(text) }));
        // Layout included: reading a size forces it.
        return w.document.body.getBoundingClientRect().height > 0 ? performance.now() - start : NaN;
      }, json);
      const open = await page.evaluate(() => {
        const w = globalThis as unknown as PanelWindow;
        const start = performance.now();
        w.document.querySelectorAll('details.group').forEach((d) => (d.open = true));
        // A toggle event fills a group; it is queued, so wait for the list to be there.
        return new Promise<number>((resolve) => {
          const check = (): void => {
            if (w.document.querySelectorAll('details.group ol.samples').length === w.document.querySelectorAll('details.group').length) {
              resolve(w.document.body.getBoundingClientRect().height > 0 ? performance.now() - start : NaN);
            } else w.setTimeout(check, 0);
          };
          check();
        });
      });
      await page.close();
      if (run >= 0) {
        times.parse.push(parse);
        times.render.push(render);
        times.open.push(open);
      }
    }
    return { samples, groups: view.runs[0].exact.length, renderMs: spread(times.render), openAllMs: spread(times.open), baselineParseMs: spread(times.parse) };
  } finally {
    await context.close();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
