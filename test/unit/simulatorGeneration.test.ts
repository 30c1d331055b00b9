import * as assert from 'node:assert/strict';
import { generateTokenIds } from '../server/simulator/generation';
import { trainNgramModel } from '../server/simulator/ngramModel';
import { pickToken } from '../server/simulator/sampling';
import { seededRandom } from '../server/random';
import { simulatorModel } from '../server/simulator/trainedModel';
import { decode, encode, END_OF_TEXT, START_OF_TEXT } from '../server/simulator/tokenizer';

const context = (prefill: string) => [START_OF_TEXT, ...encode(prefill)];

describe('simulator n-gram model', () => {
  before(function () {
    // Training on the shipped corpus is a one-off cost shared by every simulator test.
    this.timeout(30_000);
    simulatorModel();
  });

  it('backs off to the longest context it has seen', () => {
    const model = trainNgramModel([[4, 10, 11, 12], [4, 20, 11, 13]], 3);
    assert.deepEqual([...model.continuations([10, 11])], [[12, 1]]);
    assert.deepEqual([...model.continuations([99, 11])], [[12, 1], [13, 1]]);
    assert.equal(model.continuations([99]).get(11), 2);
  });

  it('breaks temperature-0 ties by the lower id', () => {
    const counts = new Map([[9, 2], [3, 2], [5, 1]]);
    assert.equal(pickToken(counts, { temperature: 0 }, () => 0.99), 3);
  });

  it('honours top_k and top_p', () => {
    const counts = new Map([[1, 50], [2, 30], [3, 20]]);
    const draws = (options: { topK?: number; topP?: number }) => {
      const random = seededRandom(1);
      return new Set(Array.from({ length: 200 }, () => pickToken(counts, { temperature: 1, ...options }, random)));
    };
    assert.deepEqual(draws({}), new Set([1, 2, 3]));
    assert.deepEqual(draws({ topK: 1 }), new Set([1]));
    assert.deepEqual(draws({ topP: 0.8 }), new Set([1, 2]));
  });

  it('is deterministic at temperature 0 whatever the seed', () => {
    const runs = [1, 2, 3].map((seed) => generateTokenIds(context('Once upon a time'), { maxTokens: 80, temperature: 0, seed }));
    assert.deepEqual(runs[1], runs[0]);
    assert.deepEqual(runs[2], runs[0]);
    assert.match(decode(runs[0].ids), /^ there was/);
  });

  it('samples differently for different seeds, and identically for the same seed', () => {
    const sample = (seed: number) => decode(generateTokenIds(context(''), { maxTokens: 40, temperature: 1, seed }).ids);
    assert.equal(sample(7), sample(7));
    assert.ok(new Set([1, 2, 3, 4, 5].map(sample)).size > 1);
  });

  it('ends with end_turn where a paragraph would end, and stops at maxTokens otherwise', () => {
    const ended = generateTokenIds(context('"You have'), { maxTokens: 100, temperature: 0, seed: 0 });
    assert.equal(ended.stopReason, 'end_turn');
    assert.ok(!ended.ids.includes(END_OF_TEXT));
    const cut = generateTokenIds(context('"You have'), { maxTokens: 2, temperature: 0, seed: 0 });
    assert.deepEqual(cut, { ids: ended.ids.slice(0, 2), stopReason: 'max_tokens' });
  });
});
