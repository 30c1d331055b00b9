import * as assert from 'node:assert/strict';
import OpenAI, { BadRequestError } from 'openai';
import { CHAT_PREFILL_PROFILES, type ChatPrefillProfileName, type PrefillStyle } from '../server/openai/chatPrefill';
import { expectedChat } from '../server/openai/expected';
import { tokenString } from '../server/openai/logprobs';
import { generateTokenIds } from '../server/simulator/generation';
import { turnsContext } from '../server/simulator/promptContext';
import { tokenTexts } from '../server/simulator/textPieces';
import { decodeToken } from '../server/simulator/tokenizer';
import { simulatorModel } from '../server/simulator/trainedModel';
import { openAiServerSuite } from './openAiServerSuite';

const MODEL = 'simulator-chat';
const SYSTEM = 'You are a storyteller.';
const USER = 'Tell me a story.';
const PREFILL = 'Once upon a time';

type Body = OpenAI.ChatCompletionCreateParamsNonStreaming;

/** A request whose final assistant message is marked in `style` (extra fields sent as the openai package documents: in the body as is). */
function marked(style: PrefillStyle, extra: Partial<Body> = {}): Body {
  const last: Record<string, unknown> = { role: 'assistant', content: PREFILL };
  if (style === 'prefix') last.prefix = true;
  if (style === 'partial') last.partial = true;
  const body: Record<string, unknown> = {
    model: MODEL,
    max_tokens: 12,
    temperature: 0,
    messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }, last],
    ...extra,
  };
  if (style === 'continue_final_message') Object.assign(body, { continue_final_message: true, add_generation_prompt: false });
  return body as unknown as Body;
}

/** What the simulator says greedily after the turns, the assistant's one continued (prefill) or closed (undefined). */
function greedy(earlier: string[], prefill: string | undefined, maxTokens = 12): string {
  return tokenTexts(generateTokenIds(turnsContext(earlier, prefill).contextIds, { maxTokens, temperature: 0, seed: 0 }).ids).join('');
}

const CONTINUED = (): string => greedy([SYSTEM, USER], PREFILL);
const FRESH = (): string => greedy([SYSTEM, USER, PREFILL], undefined);

const STYLES: PrefillStyle[] = ['continue_final_message', 'prefix', 'partial', 'plain'];
const PROFILE_OF: Record<PrefillStyle, ChatPrefillProfileName> = {
  continue_final_message: 'vllm',
  prefix: 'prefix',
  partial: 'partial',
  plain: 'plain',
};

describe('fake server: OpenAI-style /v1/chat/completions through the openai client', () => {
  const suite = openAiServerSuite();

  it('continues the final assistant message in each of the four prefill styles, sending only the new text', async () => {
    for (const style of STYLES) {
      const response = await suite.client.chat.completions.create(marked(style));
      assert.equal(response.choices[0].message.content, CONTINUED(), style);
      assert.equal(response.choices[0].finish_reason, 'length');
    }
  });

  it('reproduces servers that know one style: theirs continues, the others get a fresh reply after a finished turn', async () => {
    for (const style of STYLES) {
      suite.server.openAi.setChatPrefill(CHAT_PREFILL_PROFILES[PROFILE_OF[style]]);
      for (const sent of STYLES) {
        const response = await suite.client.chat.completions.create(marked(sent));
        const continues = sent === style || style === 'plain';
        assert.equal(response.choices[0].message.content, continues ? CONTINUED() : FRESH(), `${style} suite.server, ${sent} request`);
      }
    }
    assert.notEqual(CONTINUED(), FRESH());
  });

  it("refuses with the real servers' 400s where they refuse", async () => {
    suite.server.openAi.setChatPrefill(CHAT_PREFILL_PROFILES['deepseek-reasoner']);
    await assert.rejects(suite.client.chat.completions.create(marked('plain')), (error: unknown) => {
      return error instanceof BadRequestError && /The last message of deepseek-reasoner must be a user message/.test(error.message);
    });
    assert.equal((await suite.client.chat.completions.create(marked('prefix'))).choices[0].message.content, CONTINUED());
    suite.server.openAi.setChatPrefill(CHAT_PREFILL_PROFILES['llamacpp-thinking']);
    await assert.rejects(suite.client.chat.completions.create(marked('plain')), /Assistant response prefill is incompatible with enable_thinking\./);
    suite.server.openAi.setChatPrefill(CHAT_PREFILL_PROFILES.vllm);
    await assert.rejects(
      suite.client.chat.completions.create({ ...marked('continue_final_message'), add_generation_prompt: true } as Body),
      /Cannot set both `continue_final_message` and `add_generation_prompt` to True\./,
    );
  });

  it('answers a conversation that ends with the user as a new assistant turn', async () => {
    const response = await suite.client.chat.completions.create({
      model: MODEL,
      max_tokens: 12,
      temperature: 0,
      messages: [{ role: 'user', content: USER }],
    });
    assert.equal(response.choices[0].message.content, greedy([USER], undefined));
    assert.equal(response.choices[0].message.role, 'assistant');
  });

  it('streams the role first, then content deltas, the finish reason on a final empty chunk, usage, [DONE]', async () => {
    const body = marked('plain', { temperature: 1, seed: 9, logprobs: true, top_logprobs: 3 });
    const stream = await suite.client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const expected = expectedChat(body) as unknown as OpenAI.ChatCompletion;
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    const content = chunks.slice(1, -2);
    assert.equal(content.map((chunk) => chunk.choices[0].delta.content).join(''), expected.choices[0].message.content);
    assert.deepEqual(content.flatMap((chunk) => chunk.choices[0].logprobs!.content), expected.choices[0].logprobs!.content);
    assert.ok(content.every((chunk) => chunk.choices[0].finish_reason === null));
    const finish = chunks[chunks.length - 2];
    assert.deepEqual(finish.choices[0].delta, {});
    assert.equal(finish.choices[0].finish_reason, expected.choices[0].finish_reason);
    assert.deepEqual(chunks[chunks.length - 1].choices, []);
    assert.deepEqual(chunks[chunks.length - 1].usage, expected.usage);
  });

  it("gives each token's logprob, bytes and alternatives from the n-gram's counts", async () => {
    const response = await suite.client.chat.completions.create(marked('plain', { temperature: 1, seed: 4, logprobs: true, top_logprobs: 5 }));
    const context = turnsContext([SYSTEM, USER], PREFILL).contextIds;
    const ids = generateTokenIds(context, { maxTokens: 12, temperature: 1, seed: 4 }).ids;
    const entries = response.choices[0].logprobs!.content!;
    assert.equal(entries.length, ids.length);
    ids.forEach((id, i) => {
      const counts = [...simulatorModel().continuations([...context, ...ids.slice(0, i)])].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const total = counts.reduce((sum, [, count]) => sum + count, 0);
      const entry = entries[i];
      assert.deepEqual(entry.bytes, Array.from(decodeToken(id)));
      assert.equal(entry.token, tokenString(entry.bytes!));
      assert.equal(entry.logprob, Math.log(counts.find(([candidate]) => candidate === id)![1] / total));
      assert.deepEqual(
        entry.top_logprobs.map((top) => [top.bytes, top.logprob]),
        counts.slice(0, 5).map(([candidate, count]) => [Array.from(decodeToken(candidate)), Math.log(count / total)]),
      );
    });
  });

  it('counts prompt tokens over every message, prefill included', async () => {
    const response = await suite.client.chat.completions.create(marked('prefix'));
    assert.equal(response.usage?.prompt_tokens, turnsContext([SYSTEM, USER], PREFILL).inputTokens);
  });
});
