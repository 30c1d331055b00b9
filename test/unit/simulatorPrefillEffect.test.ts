import * as assert from 'node:assert/strict';
import type { MessagesRequestBody } from '../server/responder';
import { generateTokenIds } from '../server/simulator/generation';
import { promptContext } from '../server/simulator/promptContext';
import { simulatorModel } from '../server/simulator/trainedModel';
import { decode, encode } from '../server/simulator/tokenizer';

const USER = 'Tell me a story.';

function request(prefill: string): MessagesRequestBody {
  return {
    model: 'claude-simulator',
    max_tokens: 200,
    temperature: 0,
    messages: [
      { role: 'user', content: USER },
      { role: 'assistant', content: prefill },
    ],
  };
}

/** Greedy continuation of a prefill, as the responder computes it. */
function continueGreedily(prefill: string, maxTokens = 200): number[] {
  return generateTokenIds(promptContext(request(prefill)).contextIds, { maxTokens, temperature: 0, seed: 0 }).ids;
}

/** Cut points where `text[0:k]` ends a word: the next character is a space. */
function wordBoundaries(text: string): number[] {
  return [...text.matchAll(/(?<=\S) /g)].map((match) => match.index);
}

/**
 * The effect researchers need to see, happening for real in the simulated model.
 *
 * Worked example (user "Tell me a story.", temperature 0):
 *   P = 'The old woman nodded (it was late)'
 *   C = ', and I have a fiver on it that the bird I ate is country bred."'   (then end_turn)
 * The model emitted C one token at a time after the prefill's last token ")": its ids start
 *   … " late" | ")" | "," | " and" | " I" …            (encode(P) ++ generated ids)
 * Prefilling P + C[0:5] = '… (it was late), and' instead tokenizes as a whole, and BPE merges "),":
 *   … " late" | ")," | " and"                           (encode(P + C[0:5]))
 * Same text, different ids, so the model consults different counts and continues with
 *   ' the weaver, "it was perfectly obvious from the first that …'  instead of  ' I have a fiver on it …'.
 */
describe('prefill versus generated tokenization in the simulator', () => {
  before(function () {
    this.timeout(30_000);
    simulatorModel();
  });

  it('diverges when the prefill of generated text tokenizes differently from the generated ids', () => {
    const prefill = 'The old woman nodded (it was late)';
    const generated = continueGreedily(prefill);
    const continuation = decode(generated);
    assert.equal(continuation, ', and I have a fiver on it that the bird I ate is country bred."');

    const k = ', and'.length;
    assert.ok(wordBoundaries(continuation).includes(k));
    const asGenerated = [...encode(prefill), ...generated];
    const asPrefilled = encode(prefill + continuation.slice(0, k));
    // The responder itself tokenizes the prefill in one piece, exactly like this.
    assert.deepEqual(promptContext(request(prefill + continuation.slice(0, k))).prefillIds, asPrefilled);
    assert.deepEqual(
      asPrefilled.slice(-3).map((id) => decode([id])),
      [' late', '),', ' and'],
    );
    assert.deepEqual(
      asGenerated.slice(asPrefilled.length - 3, asPrefilled.length + 1).map((id) => decode([id])),
      [' late', ')', ',', ' and'],
    );
    assert.notDeepEqual(asPrefilled, asGenerated.slice(0, asPrefilled.length));

    const reprefilled = decode(continueGreedily(prefill + continuation.slice(0, k)));
    assert.ok(!reprefilled.startsWith(continuation.slice(k)) && !continuation.slice(k).startsWith(reprefilled));
    assert.match(reprefilled, /^ the weaver, "it was perfectly obvious/);
  });

  it('continues exactly as generated wherever the prefill tokenizes to the generated ids', () => {
    const prefill = 'Once upon a time';
    const generated = continueGreedily(prefill);
    const continuation = decode(generated);
    let checked = 0;
    for (const k of wordBoundaries(continuation)) {
      const prefilled = encode(prefill + continuation.slice(0, k));
      const consumed = prefilled.length - encode(prefill).length;
      if (prefilled.join() !== [...encode(prefill), ...generated.slice(0, consumed)].join()) {
        continue;
      }
      checked++;
      const rest = continueGreedily(prefill + continuation.slice(0, k), generated.length - consumed);
      assert.deepEqual(rest, generated.slice(consumed), `cut after ${JSON.stringify(continuation.slice(0, k))}`);
    }
    assert.ok(checked >= 10, `only ${checked} cuts had matching token sequences`);
  });
});
