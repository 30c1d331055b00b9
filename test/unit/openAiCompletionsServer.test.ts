import * as assert from 'node:assert/strict';
import OpenAI, { BadRequestError } from 'openai';
import { expectedCompletion, expectedTexts } from '../server/openai/expected';
import { tokenString } from '../server/openai/logprobs';
import { generateTokenIds } from '../server/simulator/generation';
import { tokenTexts } from '../server/simulator/textPieces';
import { decodeToken, encode, START_OF_TEXT } from '../server/simulator/tokenizer';
import { simulatorModel } from '../server/simulator/trainedModel';
import { openAiServerSuite } from './openAiServerSuite';

const MODEL = 'simulator-base';
const PROMPT = 'The old woman nodded';

/** A base model's context: `<SOS>` and the prompt tokenized as a whole. */
const contextOf = (prompt: string): number[] => [START_OF_TEXT, ...encode(prompt)];

/** The n-gram's own distribution after `context`, as logprobs by wire token name, most likely first. */
function countLogprobs(context: readonly number[]): Array<[string, number]> {
  const counts = [...simulatorModel().continuations(context)].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  return counts.map(([id, count]) => [tokenString(Array.from(decodeToken(id))), Math.log(count / total)]);
}

describe('fake server: OpenAI-style /v1/completions through the openai client', () => {
  const suite = openAiServerSuite();

  it('answers a non-streaming request with the simulator exactly, text, logprobs and usage', async () => {
    const request = { model: MODEL, prompt: PROMPT, max_tokens: 12, temperature: 1, seed: 11, logprobs: 3 };
    const response = await suite.client.completions.create(request);
    const expected = expectedCompletion(request);
    assert.deepEqual(response.choices, expected.choices);
    assert.deepEqual(response.usage, expected.usage);
    assert.equal(response.object, 'text_completion');
    assert.match(response.id, /^cmpl-/);
  });

  it('continues the prompt exactly as sent: a trailing space is tokenized with the prompt and changes the reply', async () => {
    const replies: string[] = [];
    for (const prompt of [PROMPT, `${PROMPT} `]) {
      const response = await suite.client.completions.create({ model: MODEL, prompt, max_tokens: 10, temperature: 0 });
      const greedy = generateTokenIds(contextOf(prompt), { maxTokens: 10, temperature: 0, seed: 0 });
      assert.equal(response.choices[0].text, tokenTexts(greedy.ids).join(''));
      assert.equal(response.usage?.prompt_tokens, encode(prompt).length);
      replies.push(response.choices[0].text);
    }
    assert.equal((suite.server.requests[1].body as { prompt: string }).prompt, `${PROMPT} `);
    // Not the same words minus their space: the model continues from a different token.
    assert.notEqual(replies[1], replies[0].replace(/^ /, ''));
  });

  it("reports each token's logprob and alternatives from the n-gram's counts, with offsets from the prompt's start", async () => {
    const response = await suite.client.completions.create({ model: MODEL, prompt: PROMPT, max_tokens: 8, temperature: 1, seed: 5, logprobs: 4 });
    const ids = generateTokenIds(contextOf(PROMPT), { maxTokens: 8, temperature: 1, seed: 5 }).ids;
    const logprobs = response.choices[0].logprobs!;
    let offset = PROMPT.length;
    ids.forEach((id, i) => {
      const distribution = countLogprobs([...contextOf(PROMPT), ...ids.slice(0, i)]);
      const name = tokenString(Array.from(decodeToken(id)));
      assert.equal(logprobs.tokens![i], name);
      assert.equal(logprobs.token_logprobs![i], distribution.find(([token]) => token === name)![1]);
      assert.deepEqual(logprobs.top_logprobs![i], Object.fromEntries(distribution.slice(0, 4)));
      assert.equal(logprobs.text_offset![i], offset);
      offset += [...tokenTexts(ids)[i]].length;
    });
  });

  it('streams one chunk per token, the finish reason on the last one, then usage with no choices, then [DONE]', async () => {
    const request = { model: MODEL, prompt: PROMPT, max_tokens: 6, temperature: 1, seed: 3, logprobs: 2 } as const;
    const stream = await suite.client.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const expected = expectedCompletion(request) as unknown as OpenAI.Completion;
    const tokenChunks = chunks.filter((chunk) => chunk.choices.length > 0);
    assert.equal(tokenChunks.map((chunk) => chunk.choices[0].text).join(''), expected.choices[0].text);
    assert.deepEqual(
      tokenChunks.flatMap((chunk) => chunk.choices[0].logprobs!.token_logprobs),
      expected.choices[0].logprobs!.token_logprobs,
    );
    assert.deepEqual(tokenChunks.map((chunk) => chunk.choices[0].finish_reason), [...Array(tokenChunks.length - 1).fill(null), 'length']);
    // With include_usage, every other chunk says `usage: null`, as OpenAI sends it.
    assert.ok(tokenChunks.every((chunk) => chunk.usage === null));
    const last = chunks[chunks.length - 1];
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, expected.usage);
  });

  it('stops before a stop string, with finish_reason stop, and counts the tokens that made it', async () => {
    const base = { model: MODEL, prompt: PROMPT, max_tokens: 20, temperature: 0 };
    const full = expectedTexts(expectedCompletion({ ...base, seed: 0 }))[0];
    const stop = full.split(' ').slice(2, 4).join(' ');
    const response = await suite.client.completions.create({ ...base, stop: [stop] });
    assert.equal(response.choices[0].text, full.slice(0, full.indexOf(stop)));
    assert.equal(response.choices[0].finish_reason, 'stop');
    assert.ok(response.usage!.completion_tokens > encode(response.choices[0].text).length);
  });

  it('is reproducible with a seed, and gives n different choices', async () => {
    const request = { model: MODEL, prompt: 'It was', max_tokens: 15, temperature: 1, seed: 42, n: 3 };
    const [first, second] = [await suite.client.completions.create(request), await suite.client.completions.create(request)];
    assert.deepEqual(second.choices, first.choices);
    assert.equal(new Set(first.choices.map((choice) => choice.text)).size, 3);
    assert.deepEqual(first.choices.map((choice) => choice.index), [0, 1, 2]);
  });

  it('defaults max_tokens to 16, as OpenAI and vLLM do', async () => {
    const response = await suite.client.completions.create({ model: MODEL, prompt: 'Holmes', temperature: 1, seed: 1 });
    assert.ok(response.usage!.completion_tokens <= 16);
  });

  it('refuses a bad request with a typed 400 that names the parameter', async () => {
    await assert.rejects(
      suite.client.completions.create({ model: MODEL, prompt: PROMPT, temperature: 3 }),
      (error: unknown) => error instanceof BadRequestError && error.param === 'temperature' && /temperature/.test(error.message),
    );
  });
});
