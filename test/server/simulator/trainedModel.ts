import { corpusParagraphs, type CorpusName } from './corpus';
import { trainNgramModel, type NgramModel } from './ngramModel';
import { encode, END_OF_TEXT, START_OF_TEXT } from './tokenizer';

/**
 * Order 4 (three ids of context): long enough to read like the corpus, short enough that a
 * one-token difference at the end of a prefill changes which counts the model consults.
 */
export const SIMULATOR_ORDER = 4;

const trained = new Map<CorpusName, NgramModel>();

/**
 * The model trained on a shipped corpus (by default the stories), built on first use (a few hundred milliseconds) and then
 * shared. Each paragraph is one sequence `<SOS> … <EOT>`, so the model learns to start an answer
 * after `<SOS>` and to end it, with `end_turn`, where a paragraph ends.
 */
export function simulatorModel(corpus: CorpusName = 'stories'): NgramModel {
  let model = trained.get(corpus);
  if (!model) {
    model = trainNgramModel(
      corpusParagraphs(corpus).map((paragraph) => [START_OF_TEXT, ...encode(paragraph), END_OF_TEXT]),
      SIMULATOR_ORDER,
    );
    trained.set(corpus, model);
  }
  return model;
}
