import * as assert from 'node:assert/strict';
import Anthropic, { BadRequestError } from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { PREFILL_REFUSED_MESSAGE, refusesPrefill } from '../server/prefillSupport';

describe('fake server: models that refuse a prefill', () => {
  it('knows which model families refuse one', () => {
    for (const model of ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-opus-4-8', 'claude-sonnet-5', 'claude-haiku-5-5', 'claude-opus-5-5', 'claude-mythos-5-1', 'claude-fable-5']) {
      assert.equal(refusesPrefill(model), true, model);
    }
    for (const model of ['claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-opus-4-5', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4', 'claude-opus-4-1', 'claude-3-5-haiku-20241022', 'my-gateway-model']) {
      assert.equal(refusesPrefill(model), false, model);
    }
  });

  describe('over the wire', () => {
    let server: FakeAnthropic;
    let client: Anthropic;
    before(async () => {
      server = await startFakeAnthropic();
      client = new Anthropic({ apiKey: 'sk-ant-test-key', baseURL: server.url, maxRetries: 0 });
    });
    after(() => server.close());

    it('answers a prefill to such a model with the real 400', async () => {
      await assert.rejects(
        client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] }),
        (e: unknown) => e instanceof BadRequestError && e.apiMessage === PREFILL_REFUSED_MESSAGE,
      );
    });

    it('still answers such a model without a prefill', async () => {
      const message = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(message.stop_reason, 'max_tokens');
    });
  });
});
