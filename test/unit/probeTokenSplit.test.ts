import * as assert from 'node:assert/strict';
import type { GenerationParams } from '../../src/core/conversation/generationSettings';
import { runGeneration } from '../../src/core/generation/generation';
import { createOpenAIStyleClient } from '../../src/core/providers/openaiClient';
import { planProbe, runProbe } from '../../src/core/reproducibility/prefillProbe';
import { generateTokenIds } from '../server/simulator/generation';
import { textPieces, tokenTexts } from '../server/simulator/textPieces';
import { encode, START_OF_TEXT } from '../server/simulator/tokenizer';
import { openAiServerSuite } from './openAiServerSuite';

/**
 * A base model's document start; the completions route continues it as `<SOS>` + its tokens. At
 * temperature 0 the simulator goes on `, and I have a fiver on it …`, emitting ")" then ","; a
 * prefill that ends in "," tokenizes as ")," instead, and the model goes elsewhere (see
 * simulatorPrefillEffect.test.ts).
 */
const PROMPT = 'The old woman nodded (it was late)';
const ORIGINAL_TOKENS = 40;
const PROBE_TOKENS = 6;
const PARAMS: GenerationParams = { model: 'simulator', user: '', temperature: 0, max_tokens: ORIGINAL_TOKENS };

const contextFor = (prompt: string): number[] => [START_OF_TEXT, ...encode(prompt)];

/** The original generation, token by token, computed here rather than through the client. */
function originalIds(): number[] {
  return generateTokenIds(contextFor(PROMPT), { maxTokens: ORIGINAL_TOKENS, temperature: 0, seed: 0 }).ids;
}

/** The test's own finding at the cut after `n` generated tokens: same ids as generated, and what greedy decoding says there. */
function findingAfter(ids: number[], n: number) {
  const texts = tokenTexts(ids);
  const text = texts.join('');
  const k = texts.slice(0, n).join('').length;
  const prefilled = contextFor(PROMPT + text.slice(0, k));
  const sameTokens = prefilled.join() === [...contextFor(PROMPT), ...ids.slice(0, n)].join();
  const greedy = generateTokenIds(prefilled, { maxTokens: PROBE_TOKENS, temperature: 0, seed: 0 });
  const said = textPieces(greedy.ids).join('');
  const rest = text.slice(k);
  const agrees = rest.startsWith(said) || said.startsWith(rest);
  return { k, sameTokens, consistent: agrees && !(greedy.stopReason === 'end_turn' && said.length < rest.length) };
}

describe('the probe at the model’s own token boundaries (completions route, simulator)', function () {
  this.timeout(60_000);
  const suite = openAiServerSuite();

  it('prefills the first n tokens for every n and finds exactly the known divergence points', async () => {
    const client = (logprobs?: number) => createOpenAIStyleClient({ baseUrl: `${suite.server.url}/v1`, timeoutMs: 20_000, maxRetries: 0 }, { kind: 'completions', prefillStyle: 'plain', logprobs });
    const original = await runGeneration({ client: client(0), params: PARAMS, prefill: PROMPT, maxTotalTokens: ORIGINAL_TOKENS });
    const ids = originalIds();
    assert.equal(original.text, tokenTexts(ids).join(''));
    assert.equal(original.tokens?.length, ids.length);

    const report = await runProbe({ client: client(), params: PARAMS, basePrefill: PROMPT, nodeText: original.text, split: 'token', tokens: original.tokens, samples: 1, probeTokens: PROBE_TOKENS });

    // Every cut between two tokens that completes a character, as the test's own tokenizer counts them.
    const cuts = [...new Set(ids.map((_, n) => findingAfter(ids, n + 1).k))].filter((k) => k > 0 && k < original.text.length);
    assert.deepEqual(report.points.map((p) => p.offset), cuts);
    const divergent: number[] = [];
    for (let n = 1; n < ids.length; n++) {
      const finding = findingAfter(ids, n);
      const point = report.points.find((p) => p.offset === finding.k);
      if (!point) continue;
      const at = `after ${n} tokens (${JSON.stringify(original.text.slice(0, finding.k))})`;
      if (finding.sameTokens) assert.equal(point.verdict, 'consistent', `${at}: the prefill is the generated ids`);
      assert.equal(point.verdict, finding.consistent ? 'consistent' : 'divergent', at);
      if (point.verdict === 'divergent') divergent.push(point.offset);
    }
    assert.deepEqual(divergent.slice(0, 2), [1, ', and'.length], 'the known divergences: after "," and after ", and"');
  });

  it('needs the tokens to split at token boundaries, and says so', () => {
    assert.throws(() => planProbe({ params: PARAMS, basePrefill: PROMPT, nodeText: ' and so', split: 'token', samples: 1, probeTokens: 4 }), /token boundaries.*probabilities/);
  });
});
