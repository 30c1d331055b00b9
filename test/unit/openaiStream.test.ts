import * as assert from 'node:assert/strict';
import type { OpenAIStyleClient } from '../../src/core/providers/openaiClient';
import { streamOpenAIStyle, type OpenAIStreamEvent } from '../../src/core/providers/openaiStream';

// The chunks as the openai package hands them over (parsed SSE), in the shapes real servers send:
// the events they become are what the generation loop appends, stops on and counts.

/** A client whose package returns `chunks` for either route, recording the options it was given. */
function fakeClient(chunks: unknown[]): { client: OpenAIStyleClient; options: unknown[] } {
  const options: unknown[] = [];
  const create = async (_body: unknown, opts: unknown) => {
    options.push(opts);
    return (async function* () {
      yield* chunks;
    })();
  };
  return { client: { openai: { completions: { create }, chat: { completions: { create } } } } as unknown as OpenAIStyleClient, options };
}

async function events(route: 'completions' | 'chat', chunks: unknown[], signal?: AbortSignal): Promise<{ events: OpenAIStreamEvent[]; options: unknown[] }> {
  const { client, options } = fakeClient(chunks);
  const body = route === 'completions' ? { prompt: 'x' } : { messages: [] };
  const out: OpenAIStreamEvent[] = [];
  for await (const event of streamOpenAIStyle(client, body as never, signal)) out.push(event);
  return { events: out, options };
}

describe('streamOpenAIStyle: chunks into events', () => {
  it('passes the caller\'s abort signal to the package on both routes', async () => {
    const signal = new AbortController().signal;
    for (const route of ['completions', 'chat'] as const) assert.deepEqual((await events(route, [], signal)).options, [{ signal }], route);
  });

  it('completions: text, a finish reason on its own chunk, usage on a chunk without choices (or none at all)', async () => {
    const { events: seen } = await events('completions', [
      { choices: [{ text: 'Hel', finish_reason: null, logprobs: null }] },
      { choices: [{ text: '', finish_reason: null }] },
      { choices: [{ text: null, finish_reason: 'length' }] },
      { choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } },
      { usage: { prompt_tokens: null, completion_tokens: null } },
    ]);
    assert.deepEqual(seen, [
      { type: 'text', text: 'Hel', tokens: [] },
      { type: 'stop', reason: 'length' },
      { type: 'usage', usage: { input_tokens: 5, output_tokens: 2 } },
      { type: 'usage', usage: { input_tokens: 0, output_tokens: 0 } },
    ]);
  });

  it('chat: content from the delta, none from a delta without it, the finish reason and usage', async () => {
    const { events: seen } = await events('chat', [
      { choices: [{ delta: { role: 'assistant', content: 'lo' }, finish_reason: null }] },
      { choices: [{ delta: {}, finish_reason: null }] },
      { choices: [{ finish_reason: 'stop' }] },
      { choices: [], usage: { prompt_tokens: 7, completion_tokens: 1 } },
      {},
    ]);
    assert.deepEqual(seen, [
      { type: 'text', text: 'lo', tokens: [] },
      { type: 'stop', reason: 'stop' },
      { type: 'usage', usage: { input_tokens: 7, output_tokens: 1 } },
    ]);
  });

  it('completions: a token with no text yet (half a UTF-8 character) still comes through; a missing or non-finite log-probability is -9999', async () => {
    const { events: seen } = await events('completions', [
      { choices: [{ text: '', logprobs: { tokens: ['\u00e2'], token_logprobs: [-0.5], top_logprobs: [{ '\u00e2': -0.5, x: null }] } }] },
      { choices: [{ text: 'ab', logprobs: { tokens: ['a', 'b'], token_logprobs: [null, Number.NEGATIVE_INFINITY] } }] },
      { choices: [{ text: 'c', logprobs: { tokens: ['c'] } }] },
    ]);
    assert.deepEqual(seen, [
      { type: 'text', text: '', tokens: [{ text: '\u00e2', logprob: -0.5, top: [{ text: '\u00e2', logprob: -0.5 }, { text: 'x', logprob: -9999 }] }] },
      { type: 'text', text: 'ab', tokens: [{ text: 'a', logprob: -9999, top: [] }, { text: 'b', logprob: -9999, top: [] }] },
      { type: 'text', text: 'c', tokens: [{ text: 'c', logprob: -9999, top: [] }] },
    ]);
  });

  it('chat: tokens from logprobs.content, alternatives from each token\'s list or none', async () => {
    const { events: seen } = await events('chat', [
      { choices: [{ delta: {}, logprobs: { content: [{ token: 'Hi', logprob: -0.25, top_logprobs: [{ token: 'Hi', logprob: -0.25 }, { token: 'Hey', logprob: '-1' }] }] } }] },
      { choices: [{ delta: { content: '!' }, logprobs: { content: [{ token: '!', logprob: Number.NaN, top_logprobs: null }] } }] },
      { choices: [{ delta: { content: '?' }, logprobs: { content: null } }] },
    ]);
    assert.deepEqual(seen, [
      { type: 'text', text: '', tokens: [{ text: 'Hi', logprob: -0.25, top: [{ text: 'Hi', logprob: -0.25 }, { text: 'Hey', logprob: -9999 }] }] },
      { type: 'text', text: '!', tokens: [{ text: '!', logprob: -9999, top: [] }] },
      { type: 'text', text: '?', tokens: [] },
    ]);
  });
});
