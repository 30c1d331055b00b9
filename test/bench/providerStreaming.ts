import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { runGeneration } from '../../src/core/generation/generation';
import { createAnthropicClient } from '../../src/core/providers/anthropicClient';
import { createOpenAIStyleClient } from '../../src/core/providers/openaiClient';
import { startFakeAnthropic } from '../server/fakeAnthropic';
import { createFillResponder, createFillTextModel, fillTokens } from '../server/fillResponder';
import { spread, type Spread } from './stats';

/** One kind's figure: the generation loop against its own SDK alone consuming the same stream. */
export interface ProviderStreamingResult {
  kind: 'anthropic' | 'completions';
  tokens: number;
  loopMs: Spread;
  sdkMs: Spread;
}

const KEY = 'sk-bench';
const PREFILL = 'A benchmark prefill, which the fill model ignores:';

/**
 * Streams `tokens` tokens from the fake server as fast as it can, through the core generation loop
 * (one request, no auto-continue) and through the kind's SDK alone, alternately, `runs` times each
 * after one warm-up. Plain Node: the loop's own cost, without an editor.
 */
export async function benchProviderStreaming(tokens: number, runs: number): Promise<ProviderStreamingResult[]> {
  const server = await startFakeAnthropic({ apiKey: KEY, responder: createFillResponder(), openAi: { textModel: createFillTextModel() } });
  const params = { model: 'claude-haiku-4-5', user: 'Continue.', max_tokens: tokens + 1 };
  const expected = fillTokens(tokens).join('');
  try {
    const anthropic = await measure(runs, expected, async () => {
      const client = createAnthropicClient({ apiKey: KEY, baseUrl: server.url, timeoutMs: 60_000, maxRetries: 0 });
      return (await runGeneration({ client, params, prefill: PREFILL, maxTotalTokens: tokens + 1 })).text;
    }, async () => {
      const stream = await new Anthropic({ apiKey: KEY, baseURL: server.url, maxRetries: 0 }).messages.create({ ...params, messages: [{ role: 'user', content: 'Continue.' }, { role: 'assistant', content: PREFILL }], stream: true });
      let text = '';
      for await (const e of stream) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
      return text;
    });
    const completions = await measure(runs, expected, async () => {
      const client = createOpenAIStyleClient({ baseUrl: `${server.url}/v1`, timeoutMs: 60_000, maxRetries: 0 }, { kind: 'completions', prefillStyle: 'plain' });
      return (await runGeneration({ client, params: { ...params, model: 'fill' }, prefill: PREFILL, maxTotalTokens: tokens + 1 })).text;
    }, async () => {
      const openai = new OpenAI({ apiKey: KEY, baseURL: `${server.url}/v1`, maxRetries: 0, organization: null, project: null });
      const stream = await openai.completions.create({ model: 'fill', prompt: PREFILL, max_tokens: tokens + 1, stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
      return text;
    });
    return [
      { kind: 'anthropic', tokens, ...anthropic },
      { kind: 'completions', tokens, ...completions },
    ];
  } finally {
    await server.close();
  }
}

async function measure(runs: number, expected: string, loop: () => Promise<string>, sdk: () => Promise<string>): Promise<{ loopMs: Spread; sdkMs: Spread }> {
  const loopMs: number[] = [];
  const sdkMs: number[] = [];
  for (let run = -1; run < runs; run++) {
    for (const [fn, into] of [[loop, loopMs], [sdk, sdkMs]] as const) {
      const start = performance.now();
      const text = await fn();
      const ms = performance.now() - start;
      if (text !== expected) throw new Error(`the stream did not arrive whole (${text.length} of ${expected.length} characters)`);
      if (run >= 0) into.push(ms);
    }
  }
  return { loopMs: spread(loopMs), sdkMs: spread(sdkMs) };
}
