import * as assert from 'node:assert/strict';
import OpenAI from 'openai';
import { expectedChat, expectedTexts } from '../server/openai/expected';
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

describe('simulator: the mixed-script corpus', () => {
  const suite = openAiServerSuite({ openAi: { corpus: 'mixed' } }, ['mixed']);

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
});
