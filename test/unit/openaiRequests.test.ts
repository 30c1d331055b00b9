import * as assert from 'node:assert/strict';
import type { GenerationParams } from '../../src/core/conversation/generationSettings';
import { buildChatRequest, buildCompletionsRequest } from '../../src/core/providers/openaiRequests';

// The bodies exactly as they go on the wire: a field sent that the user did not set changes what
// the server samples (its defaults differ from ours), and one left out silently loses a setting.

const BARE: GenerationParams = { model: 'base', user: 'Continue.', max_tokens: 4 };
const FULL: GenerationParams = { ...BARE, system: 'You write.', temperature: 0, top_p: 0.9, top_k: 40, stop_sequences: ['\n\n', 'THE END'] };

/** FULL's sampling fields as they are sent. */
const sentFields = (max_tokens: number) => ({ model: 'base', max_tokens, temperature: 0, top_p: 0.9, top_k: 40, stop: ['\n\n', 'THE END'], stream: true, stream_options: { include_usage: true } });

describe('OpenAI-style request bodies', () => {
  it('a completions body holds the prompt exactly and only the sampling fields that were set, usage always asked for', () => {
    assert.deepEqual(buildCompletionsRequest(BARE, 'Once upon a time, ', 12), {
      model: 'base',
      max_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
      prompt: 'Once upon a time, ',
    });
    assert.deepEqual(buildCompletionsRequest(FULL, 'x', 12, 5), {
      ...sentFields(12),
      prompt: 'x',
      logprobs: 5,
    });
  });

  it('sends no stop field for an empty list of stop sequences, and asks for the chosen token only at 0 alternatives', () => {
    const body = buildCompletionsRequest({ ...BARE, stop_sequences: [] }, 'x', 1, 0);
    assert.equal('stop' in body, false);
    assert.equal(body.logprobs, 0);
  });

  it('a chat body sends system, the turn and the prefill marked as the server needs', () => {
    const turns = [{ role: 'system', content: 'You write.' }, { role: 'user', content: 'Continue.' }];
    assert.deepEqual(buildChatRequest(FULL, 'It was', 8, 'continue_final_message', 3), {
      ...sentFields(8),
      messages: [...turns, { role: 'assistant', content: 'It was' }],
      continue_final_message: true,
      add_generation_prompt: false,
      logprobs: true,
      top_logprobs: 3,
    });
    assert.deepEqual(buildChatRequest(FULL, 'It was', 8, 'prefix').messages, [...turns, { role: 'assistant', content: 'It was', prefix: true }]);
    assert.deepEqual(buildChatRequest(FULL, 'It was', 8, 'partial').messages, [...turns, { role: 'assistant', content: 'It was', partial: true }]);
    const plain = buildChatRequest(BARE, 'It was', 8, 'plain');
    assert.deepEqual(plain.messages, [{ role: 'user', content: 'Continue.' }, { role: 'assistant', content: 'It was' }]);
    for (const field of ['continue_final_message', 'add_generation_prompt', 'logprobs', 'top_logprobs']) assert.equal(field in plain, false, field);
  });

  it('a chat body with an empty prefill ends with the user turn, unmarked whatever the style', () => {
    for (const style of ['continue_final_message', 'prefix', 'partial', 'plain'] as const) {
      const body = buildChatRequest(BARE, '', 8, style);
      assert.deepEqual(body.messages, [{ role: 'user', content: 'Continue.' }], style);
      assert.equal('continue_final_message' in body || 'add_generation_prompt' in body, false, style);
    }
  });
});
