import type { Responder } from '../responder';
import { generateTokenIds } from './generation';
import { promptContext } from './promptContext';
import { hashText, mixSeed, sequenceSeed } from '../random';
import { textPieces } from './textPieces';
import { simulatorModel } from './trainedModel';
import type { CorpusName } from './corpus';

export interface SimulatorOptions {
  /** Fixes the sampling seed for every request, so tests can replay sampled replies. */
  seed?: number;
  /**
   * Seeds a run instead: the k-th request samples with `sequenceSeed(sequenceSeed, k)`, so N samples
   * of one prompt differ and are still exact as a whole (as on the OpenAI-style routes' `seed`).
   */
  sequenceSeed?: number;
  /** The training text; default `stories`. */
  corpus?: CorpusName;
}

/**
 * A responder backed by the offline n-gram model over Claude's BPE ids. Temperature 0 is greedy
 * and deterministic. Above 0 it samples with a seed drawn from the request and a per-responder
 * counter, so parallel alternatives of one prompt differ, unless `options.seed` pins it.
 */
export function createSimulatorResponder(options: SimulatorOptions = {}): Responder {
  // Train now, while the server starts, rather than stalling its first request for most of a second.
  const model = simulatorModel(options.corpus);
  let requestCount = 0;
  return (request) => {
    const prompt = promptContext(request);
    const seed =
      options.seed ??
      (options.sequenceSeed === undefined
        ? mixSeed(hashText(JSON.stringify([request.system, request.messages])), requestCount++)
        : sequenceSeed(options.sequenceSeed, requestCount++));
    const generation = generateTokenIds(
      prompt.contextIds,
      {
        maxTokens: request.max_tokens,
        // The API's default temperature is 1.
        temperature: request.temperature ?? 1,
        topK: request.top_k,
        topP: request.top_p,
        seed,
      },
      model,
    );
    return {
      tokens: textPieces(generation.ids),
      naturalStop: generation.stopReason === 'end_turn' ? 'end_turn' : undefined,
      inputTokens: prompt.inputTokens,
    };
  };
}
