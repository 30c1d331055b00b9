import * as assert from 'node:assert/strict';
import { ALTERNATIVES_WITHOUT_ASKING, alternativesQuestion } from '../../src/core/generation/alternativesConfirmation';

describe('alternativesQuestion', () => {
  const request = { model: 'claude-haiku-4-5', promptChars: 4000, outputTokensEach: 1000 };

  it(`asks nothing up to ${ALTERNATIVES_WITHOUT_ASKING}`, () => {
    assert.equal(alternativesQuestion({ ...request, count: 1 }), undefined);
    assert.equal(alternativesQuestion({ ...request, count: ALTERNATIVES_WITHOUT_ASKING }), undefined);
  });

  it('above that, names the count, the requests and an upper bound of the cost', () => {
    const question = alternativesQuestion({ ...request, count: 10_000 });
    assert.ok(question);
    // 10,000 × (1,000 input tokens at $1/MTok + 1,000 output tokens at $5/MTok) = $60.
    assert.equal(question.message, 'Prefill Loom: generate 10,000 alternatives? That is 10,000 requests or more, up to about $60.00 at list price.');
    assert.match(question.detail, /up to 1,000 output tokens with claude-haiku-4-5/);
    assert.equal(question.confirm, 'Generate 10,000');
  });

  it('says so when the model has no known price', () => {
    const question = alternativesQuestion({ ...request, model: 'some-gateway-model', count: 17 });
    assert.match(question!.message, /17 requests or more, at a price unknown for some-gateway-model\./);
  });

  it('counts what it is asked to count, and says how to ask for fewer', () => {
    const question = alternativesQuestion({ ...request, count: 1200, noun: 'samples' });
    assert.equal(question!.message, 'Prefill Loom: generate 1,200 samples? That is 1,200 requests or more, up to about $7.20 at list price.');
    assert.equal(question!.detail, 'Each may write up to 1,000 output tokens with claude-haiku-4-5. To ask for fewer, choose a smaller number.');
    assert.equal(question!.confirm, 'Generate 1,200');
    assert.match(alternativesQuestion({ ...request, count: ALTERNATIVES_WITHOUT_ASKING + 1 })!.message, /^Prefill Loom: generate 17 alternatives\?/);
  });
});
