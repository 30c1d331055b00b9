import * as assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_API_KEY } from '../server/fakeAnthropic';
import { expectedChat, expectedTexts, requestSeeds } from '../server/openai/expected';
import { createSimulatorResponder } from '../server/simulator/simulatorResponder';
import { openAiServerSuite } from './openAiServerSuite';

const SEEDS = Array.from({ length: 200 }, (_, seed) => seed);
const hasHan = (text: string): boolean => /\p{Script=Han}/u.test(text);

function chatBody(prefill: string, seed: number): OpenAI.ChatCompletionCreateParamsNonStreaming {
  return {
    model: 'simulator-mixed',
    max_tokens: 30,
    temperature: 1,
    seed,
    messages: [{ role: 'user', content: 'Test' }, { role: 'assistant', content: prefill }],
  };
}

const RUN_SEED = 1234;
const sorted = (texts: string[]): string[] => [...texts].sort();

describe('simulator: the mixed-script corpus', () => {
  const suite = openAiServerSuite(
    { openAi: { corpus: 'mixed', seed: RUN_SEED }, responder: createSimulatorResponder({ corpus: 'mixed', sequenceSeed: RUN_SEED }) },
    ['mixed'],
  );

  it("switches to Chinese in 33 of 200 seeded samples after 'OK,' and in 8 after 'OK' (the corpus README's figures)", () => {
    const switched = (prefill: string): number =>
      SEEDS.filter((seed) => hasHan(expectedTexts(expectedChat(chatBody(prefill, seed), { corpus: 'mixed' }))[0])).length;
    assert.equal(switched('OK,'), 33);
    assert.equal(switched('OK'), 8);
  });

  it('serves those samples exactly, in both scripts, at temperature 1', async () => {
    const texts = await Promise.all(
      SEEDS.slice(0, 20).map(async (seed) => (await suite.client.chat.completions.create(chatBody('OK,', seed))).choices[0].message.content ?? ''),
    );
    assert.deepEqual(
      texts,
      SEEDS.slice(0, 20).map((seed) => expectedTexts(expectedChat(chatBody('OK,', seed), { corpus: 'mixed' }))[0]),
    );
    assert.ok(texts.some(hasHan) && texts.some((text) => /\p{Script=Latin}/u.test(text) && !hasHan(text)));
  });

  it('a seeded server makes a run of unseeded samples exact as a whole, concurrent or not, on chat and on the Messages API alike', async () => {
    const { seed: _unseeded, ...unseeded } = chatBody('OK,', 0);
    const expected = requestSeeds(RUN_SEED, 20).map((seed) => expectedTexts(expectedChat({ ...unseeded, seed }, { corpus: 'mixed' }))[0]);
    const chat = await Promise.all(expected.map(async () => (await suite.client.chat.completions.create(unseeded)).choices[0].message.content ?? ''));
    assert.deepEqual(sorted(chat), sorted(expected));
    assert.ok(new Set(chat).size > 1);
    const anthropic = new Anthropic({ apiKey: DEFAULT_API_KEY, baseURL: suite.server.url, maxRetries: 0 });
    const messages = await Promise.all(
      expected.map(async () => {
        const reply = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 30, messages: unseeded.messages as Anthropic.MessageParam[] });
        return reply.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      }),
    );
    assert.deepEqual(sorted(messages), sorted(expected));
  });
});
