import { corpusParagraphs } from './corpus';
import { trainNgramModel, type NgramModel } from './ngramModel';
import { encode, END_OF_TEXT, START_OF_TEXT } from './tokenizer';

/**
 * Order 4 (three ids of context): long enough to read like the corpus, short enough that a
 * one-token difference at the end of a prefill changes which counts the model consults.
 */
export const SIMULATOR_ORDER = 4;

let trained: NgramModel | undefined;

/**
 * The model trained on the shipped corpus, built on first use (a few hundred milliseconds) and then
 * shared. Each paragraph is one sequence `<SOS> … <EOT>`, so the model learns to start an answer
 * after `<SOS>` and to end it, with `end_turn`, where a paragraph ends.
 */
export function simulatorModel(): NgramModel {
  trained ??= trainNgramModel(
    corpusParagraphs().map((paragraph) => [START_OF_TEXT, ...encode(paragraph), END_OF_TEXT]),
    SIMULATOR_ORDER,
  );
  return trained;
}
