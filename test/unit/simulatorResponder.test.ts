import * as assert from 'node:assert/strict';
import type { MessagesRequestBody, ReplyPlan } from '../server/responder';
import { createSimulatorResponder } from '../server/simulator/simulatorResponder';
import { simulatorModel } from '../server/simulator/trainedModel';
import { encode } from '../server/simulator/tokenizer';

function request(overrides: Partial<MessagesRequestBody> & { prefill?: string }): MessagesRequestBody {
  const { prefill, ...rest } = overrides;
  return {
    model: 'claude-simulator',
    max_tokens: 120,
    messages: [
      { role: 'user', content: 'Tell me a story.' },
      ...(prefill === undefined ? [] : [{ role: 'assistant' as const, content: prefill }]),
    ],
    ...rest,
  };
}

const text = (plan: ReplyPlan) => plan.tokens.join('');

describe('createSimulatorResponder', () => {
  before(function () {
    this.timeout(30_000);
    simulatorModel();
  });

  it('continues a prefill deterministically at temperature 0', async () => {
    const body = request({ prefill: 'Once upon a time', temperature: 0 });
    const [first, second] = [await createSimulatorResponder()(body), await createSimulatorResponder()(body)];
    assert.deepEqual(second, first);
    assert.match(text(first), /^ there was/);
  });

  it('varies parallel samples of one request, unless the seed is fixed', async () => {
    const body = request({ temperature: 1 });
    const responder = createSimulatorResponder();
    const samples = await Promise.all([1, 2, 3, 4, 5].map(() => responder(body)));
    assert.ok(new Set(samples.map(text)).size > 1);
    const [a, b] = [await createSimulatorResponder({ seed: 42 })(body), await createSimulatorResponder({ seed: 42 })(body)];
    assert.deepEqual(a, b);
  });

  it('emits only whole characters, even where a token carries part of an emoji', async () => {
    const plan = await createSimulatorResponder()(
      request({ prefill: '"It is already in my notebook," she said. "Page forty-two.', temperature: 0 }),
    );
    assert.equal(text(plan), ' 🙂"');
    for (const piece of plan.tokens) {
      assert.ok(piece.length > 0 && !piece.includes('\uFFFD'));
      assert.equal(new TextDecoder().decode(new TextEncoder().encode(piece)), piece);
    }
  });

  it('reports end_turn when the model ends, and nothing when max_tokens cut it', async () => {
    const ended = await createSimulatorResponder()(request({ prefill: '"You have', temperature: 0 }));
    assert.equal(ended.naturalStop, 'end_turn');
    assert.equal(text(ended), ' the photograph?"');
    const cut = await createSimulatorResponder()(request({ prefill: 'Once upon a time', temperature: 0, max_tokens: 5 }));
    assert.equal(cut.naturalStop, undefined);
    assert.equal(cut.tokens.length, 5);
  });

  it('counts input tokens with the real tokenizer', async () => {
    const body = request({ system: 'You are a storyteller.', prefill: 'Once upon a time', temperature: 0 });
    const plan = await createSimulatorResponder()(body);
    const expected = ['You are a storyteller.', 'Tell me a story.', 'Once upon a time'].map((s) => encode(s).length);
    assert.equal(plan.inputTokens, expected.reduce((a, b) => a + b, 0));
  });
});
