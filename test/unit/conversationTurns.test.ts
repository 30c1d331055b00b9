import * as assert from 'node:assert/strict';
import { conversationTurns } from '../../src/core/conversation/conversationTurns';
import { parseDocumentHeader } from '../../src/core/conversation/documentHeader';
import { resolveGenerationParams, type GenerationDefaults, type GenerationParams } from '../../src/core/conversation/generationSettings';
import { buildMessagesRequest } from '../../src/core/conversation/messagesRequest';

const DEFAULTS: GenerationDefaults = { model: 'claude-haiku-4-5', user: 'Go on.', maxTokens: 64 };

function paramsOf(document: string) {
  const header = parseDocumentHeader(document);
  assert.deepEqual(header.diagnostics, []);
  return resolveGenerationParams(DEFAULTS, header.fields);
}

describe('conversationTurns', () => {
  it('sends the default user turn when the header sets no conversation', () => {
    assert.deepEqual(conversationTurns(paramsOf('Body')), [{ role: 'user', content: 'Go on.' }]);
  });

  it('sends user: alone as a one-turn conversation', () => {
    assert.deepEqual(conversationTurns(paramsOf('---\nuser: Write.\n---\nBody')), [{ role: 'user', content: 'Write.' }]);
  });

  it('sends every turn of messages, in order', () => {
    const params = paramsOf('---\nmessages:\n  - user: One\n  - assistant: Two\n  - user: |\n      Three\n---\nBody');
    assert.deepEqual(conversationTurns(params), [
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Two' },
      { role: 'user', content: 'Three\n' },
    ]);
  });

  it('hands out a copy: a request that appends the prefill never changes the params', () => {
    const params = paramsOf('---\nmessages:\n  - user: One\n---\n');
    conversationTurns(params).push({ role: 'assistant', content: 'x' });
    assert.equal(conversationTurns(params).length, 1);
  });
});

describe('buildMessagesRequest with a conversation', () => {
  it('puts all turns before the prefill, which stays the final assistant message', () => {
    const params = paramsOf('---\nsystem: S\nmessages:\n  - user: One\n  - assistant: Two\n  - user: Three\n---\n');
    const body = buildMessagesRequest(params, 'The prefill', 64);
    assert.equal(body.system, 'S');
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Two' },
      { role: 'user', content: 'Three' },
      { role: 'assistant', content: 'The prefill' },
    ]);
  });
});

describe('resolveGenerationParams with a conversation', () => {
  it('carries the header turns into the params (and so into the tree with each node)', () => {
    const params = paramsOf('---\nmessages:\n  - user: One\n  - assistant: Two\n  - user: Three\n---\n');
    assert.deepEqual(params.messages, [
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Two' },
      { role: 'user', content: 'Three' },
    ]);
    assert.deepEqual(JSON.parse(JSON.stringify(params)), params, 'survives the tree file');
  });
});

describe('buildMessagesRequest', () => {
  const params: GenerationParams = { model: 'm', user: 'Go on.', max_tokens: 512 };

  it('sends the step budget it is given, streaming, and no optional value the params leave out', () => {
    const body = buildMessagesRequest(params, 'Once', 64);
    assert.deepEqual(body, {
      model: 'm',
      max_tokens: 64,
      messages: [
        { role: 'user', content: 'Go on.' },
        { role: 'assistant', content: 'Once' },
      ],
      stream: true,
    });
    assert.deepEqual(Object.keys(body).sort(), ['max_tokens', 'messages', 'model', 'stream']);
  });

  it('sends every sampling value the params set, zeros included', () => {
    const body = buildMessagesRequest({ ...params, system: 'S', temperature: 0, top_p: 0, top_k: 1, stop_sequences: ['###'] }, 'Once', 64);
    assert.deepEqual(
      { system: body.system, temperature: body.temperature, top_p: body.top_p, top_k: body.top_k, stop_sequences: body.stop_sequences },
      { system: 'S', temperature: 0, top_p: 0, top_k: 1, stop_sequences: ['###'] },
    );
  });

  it('leaves out an empty stop-sequence list, which the API would refuse', () => {
    assert.ok(!('stop_sequences' in buildMessagesRequest({ ...params, stop_sequences: [] }, 'Once', 64)));
  });

  it('sends no assistant turn for an empty prefill, so the model starts from scratch', () => {
    assert.deepEqual(buildMessagesRequest(params, '', 64).messages, [{ role: 'user', content: 'Go on.' }]);
  });
});
