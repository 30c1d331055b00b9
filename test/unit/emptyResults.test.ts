import * as assert from 'node:assert/strict';
import { describeEmptyResults } from '../../src/core/generation/emptyResult';
import { collapseIdentical } from '../../src/core/generation/identicalAlternatives';

// What the user is told when generations come back empty or the same: the whole message, since
// each part (how many, the stop reason as the API named it, the tokens, what to do) is read.

const usage = (output_tokens: number) => ({ input_tokens: 10, output_tokens });

describe('describeEmptyResults: an empty result is never silent', () => {
  it('reads an OpenAI-style stop like Anthropic\'s end_turn, and tells the user what to write', () => {
    for (const stopReason of ['end_turn', 'stop']) {
      assert.equal(
        describeEmptyResults([{ stopReason, usage: usage(1) }], 1),
        'Prefill Loom: The model returned no text: the model ended its turn at once (end_turn, 1 output tokens). The text before the cursor probably reads as a finished answer: write the start of what should come next, or put the cursor earlier.',
      );
    }
  });

  it('names a stop sequence that matched at once', () => {
    assert.equal(
      describeEmptyResults([{ stopReason: 'stop_sequence', usage: usage(0) }], 1),
      "Prefill Loom: The model returned no text: a stop sequence matched at once (stop_sequence, 0 output tokens). The continuation starts with one of the header's stop_sequences: change them, or the text before the cursor.",
    );
  });

  it('names the output budget, as the API called it, when it ran out before any text', () => {
    for (const stopReason of ['max_tokens', 'length']) {
      assert.equal(
        describeEmptyResults([{ stopReason, usage: usage(16) }], 1),
        `Prefill Loom: The model returned no text: the output budget ran out before any text (${stopReason}, 16 output tokens). Raise max_tokens in the header or prefillLoom.maxTokens.`,
      );
    }
  });

  it('points at the request for any other stop reason, or none', () => {
    assert.equal(
      describeEmptyResults([{ stopReason: 'refusal', usage: usage(2) }], 1),
      'Prefill Loom: The model returned no text: the response held no text (stop reason refusal, 2 output tokens). Show Last Request has the exact request.',
    );
    assert.match(describeEmptyResults([{ stopReason: null, usage: usage(0) }], 1)!, /\(stop reason none, 0 output tokens\)/);
  });

  it('counts the empty ones among alternatives, and reads the first for the reason', () => {
    const message = describeEmptyResults([{ stopReason: 'length', usage: usage(3) }, { stopReason: 'end_turn', usage: usage(0) }], 4);
    assert.match(message!, /^Prefill Loom: 2 of 4 alternatives returned no text: the output budget ran out before any text \(length, 3 output tokens\)/);
    assert.equal(describeEmptyResults([], 1), undefined);
  });
});

describe('collapseIdentical: copies among alternatives', () => {
  it('drops every later copy of a text, keeping the first of each', () => {
    const collapse = collapseIdentical(
      [{ id: 'a', text: 'x' }, { id: 'b', text: 'y' }, { id: 'c', text: 'x' }, { id: 'd', text: 'y' }, { id: 'e', text: 'z' }],
      0.7,
    );
    assert.deepEqual(collapse, { drop: ['c', 'd'], message: 'Prefill Loom: 2 of the 5 alternatives repeated another; 3 different branches are kept.' });
  });

  it('says why at temperature 0, and only there', () => {
    const same = [{ id: 'a', text: 'x' }, { id: 'b', text: 'x' }];
    assert.equal(
      collapseIdentical(same, 0)!.message,
      'Prefill Loom: The 2 alternatives were identical (temperature 0 gives the same continuation every time: raise it in the header or prefillLoom.temperature for different ones); they are kept as one branch.',
    );
    for (const temperature of [undefined, 1]) assert.equal(collapseIdentical(same, temperature)!.message, 'Prefill Loom: The 2 alternatives were identical; they are kept as one branch.');
  });

  it('says nothing when all differ, or when there is one', () => {
    assert.equal(collapseIdentical([{ id: 'a', text: 'x' }], 0), undefined);
    assert.equal(collapseIdentical([], 0), undefined);
  });
});
