import * as assert from 'node:assert/strict';
import type { GenerationOutcome } from '../../src/core/generation/generation';
import { describeOutcomes } from '../../src/core/generation/outcomeSummary';

function outcome(status: GenerationOutcome['status'], text: string, stopReason: string | null, error?: unknown): GenerationOutcome {
  return { status, text, replaced: '', requests: [], stopReason, usage: { input_tokens: 1, output_tokens: 1 }, warnings: [], error };
}

describe('describeOutcomes: how a command ended, in words for the status bar and a screen reader', () => {
  it('says how many characters one generation wrote and why it stopped', () => {
    assert.equal(describeOutcomes([outcome('completed', 'Hello there', 'end_turn')]), 'generation finished: 11 characters, stop reason end_turn');
  });

  it('adds up alternatives, names each stop reason once, and leaves out those that never started', () => {
    const said = describeOutcomes([outcome('completed', 'ab', 'end_turn'), undefined, outcome('completed', 'cde', 'max_tokens'), outcome('completed', '', 'end_turn')]);
    assert.equal(said, '3 generations finished: 5 characters, stop reason end_turn, max_tokens');
  });

  it('says a stopped generation was stopped', () => {
    assert.equal(describeOutcomes([outcome('cancelled', 'ab', null)]), 'generation stopped: 2 characters, stop reason none');
  });

  it('puts a failure first, with its cause', () => {
    const said = describeOutcomes([outcome('completed', 'ab', 'end_turn'), outcome('failed', '', null, new Error('socket hang up'))]);
    assert.match(said, /^1 of 2 generations failed: \S/);
  });

  it('says one failed generation failed, with its cause without the final full stop', () => {
    assert.equal(describeOutcomes([outcome('failed', 'ab', null, new Error('terminated'))]), 'generation failed: The connection was cut mid-response. The text received so far was kept');
  });

  it('calls a set stopped only when every generation in it was stopped', () => {
    assert.equal(describeOutcomes([outcome('cancelled', 'ab', null), outcome('completed', 'c', 'end_turn')]), '2 generations finished: 3 characters, stop reason none, end_turn');
  });

  it('says nothing was written when no generation started', () => {
    assert.equal(describeOutcomes([]), '0 generations finished: 0 characters, stop reason none');
    assert.equal(describeOutcomes([undefined]), '0 generations finished: 0 characters, stop reason none');
  });
});
