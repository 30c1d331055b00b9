import type { NgramModel } from './ngramModel';
import { seededRandom } from '../random';
import { pickToken, type SamplingOptions } from './sampling';
import { simulatorModel } from './trainedModel';
import { END_OF_TEXT } from './tokenizer';

export interface GenerationOptions extends SamplingOptions {
  maxTokens: number;
  /** Seeds the PRNG used when temperature is above 0. */
  seed: number;
}

export interface Generation {
  /** The generated ids, without the end token. */
  ids: number[];
  /** `end_turn` when the model chose to end; `max_tokens` when it was still going. */
  stopReason: 'end_turn' | 'max_tokens';
}

/** Sees every step of a generation: the counts the pick was made from, and the id picked (the end token too). */
export type StepObserver = (counts: ReadonlyMap<number, number>, picked: number) => void;

/**
 * Continues `contextIds` one id at a time, appending each chosen id to the context. The generated
 * text is never re-tokenized: the model keeps conditioning on the ids it actually emitted, exactly
 * as an autoregressive model does, and that is what a prefill of the same text does not reproduce.
 */
export function generateTokenIds(
  contextIds: readonly number[],
  options: GenerationOptions,
  model: NgramModel = simulatorModel(),
  observe?: StepObserver,
): Generation {
  const random = seededRandom(options.seed);
  const context = [...contextIds];
  const ids: number[] = [];
  while (ids.length < options.maxTokens) {
    const counts = model.continuations(context);
    const next = pickToken(counts, options, random);
    observe?.(counts, next);
    if (next === END_OF_TEXT) {
      return { ids, stopReason: 'end_turn' };
    }
    ids.push(next);
    context.push(next);
  }
  return { ids, stopReason: 'max_tokens' };
}
