/**
 * What the OpenAI-style routes ask of a model: continue a prompt token by token, and say for each
 * token how likely it was and what else was likely. The simulator answers with the n-gram's real
 * counts; a scripted model answers with fixed tokens, for tests of wire behaviour alone.
 */
import type { CorpusName } from '../simulator/corpus';
import { generateTokenIds } from '../simulator/generation';
import { turnsContext } from '../simulator/promptContext';
import { samplingDistribution, type SamplingOptions } from '../simulator/sampling';
import { tokenTexts } from '../simulator/textPieces';
import { decodeToken, encode, START_OF_TEXT } from '../simulator/tokenizer';
import { simulatorModel } from '../simulator/trainedModel';

/** A raw text (completions: a base model sees it as is), or turns ending in the assistant's (chat). */
export type ModelPrompt =
  | { kind: 'text'; text: string }
  | { kind: 'turns'; earlierTurns: readonly string[]; prefill: string | undefined };

export interface ModelSampling {
  maxTokens: number;
  temperature: number;
  topP?: number;
  seed: number;
  /** How many alternatives to report per token (most likely first). */
  topLogprobs: number;
}

export interface Alternative {
  /** The token's own bytes: for a byte-level BPE, possibly only part of a character. */
  bytes: number[];
  logprob: number;
}

export interface ModelToken extends Alternative {
  /** The text this token completes (bytes of an unfinished character are held back, so it may be ''). */
  text: string;
  top: Alternative[];
}

export interface ModelReply {
  tokens: ModelToken[];
  /** True when the model chose to end (end-of-text), false when `maxTokens` stopped it. */
  ended: boolean;
  promptTokens: number;
}

export type TextModel = (prompt: ModelPrompt, sampling: ModelSampling) => ModelReply;

function contextOf(prompt: ModelPrompt): { contextIds: number[]; inputTokens: number } {
  if (prompt.kind === 'turns') {
    return turnsContext(prompt.earlierTurns, prompt.prefill);
  }
  // A base model's prompt opens a document: `<SOS>` then the text, tokenized as a whole, exactly as sent.
  const ids = encode(prompt.text);
  return { contextIds: [START_OF_TEXT, ...ids], inputTokens: ids.length };
}

const bytesOf = (id: number): number[] => Array.from(decodeToken(id));

/**
 * The offline model behind the OpenAI-style routes. A token's logprob is the log of its probability
 * in the distribution the pick was made from (see `samplingDistribution`); its alternatives are the
 * head of that same distribution, the chosen token among them when it ranks there.
 */
export function simulatorTextModel(corpus: CorpusName = 'stories'): TextModel {
  const model = simulatorModel(corpus);
  return (prompt, sampling) => {
    const context = contextOf(prompt);
    const options: SamplingOptions = { temperature: sampling.temperature, topP: sampling.topP };
    const distributions: Array<Array<[number, number]>> = [];
    const generation = generateTokenIds(
      context.contextIds,
      { ...options, maxTokens: sampling.maxTokens, seed: sampling.seed },
      model,
      (counts) => distributions.push(samplingDistribution(counts, options)),
    );
    const texts = tokenTexts(generation.ids);
    const tokens = generation.ids.map((id, i): ModelToken => {
      const distribution = distributions[i];
      const probability = distribution.find(([candidate]) => candidate === id)?.[1] ?? 0;
      return {
        text: texts[i],
        bytes: bytesOf(id),
        logprob: Math.log(probability),
        top: distribution.slice(0, sampling.topLogprobs).map(([candidate, p]) => ({ bytes: bytesOf(candidate), logprob: Math.log(p) })),
      };
    });
    return { tokens, ended: generation.stopReason === 'end_turn', promptTokens: context.inputTokens };
  };
}

/**
 * A model that always says `tokens` (then ends), each with probability 1: for tests of wire behaviour,
 * e.g. `['Hello', ' café']` to put a multi-byte character where a fault cuts.
 */
export function scriptedTextModel(tokens: readonly string[]): TextModel {
  return (_prompt, sampling) => {
    const said = tokens.slice(0, sampling.maxTokens).map((text): ModelToken => {
      const bytes = Array.from(Buffer.from(text, 'utf8'));
      return { text, bytes, logprob: 0, top: sampling.topLogprobs > 0 ? [{ bytes, logprob: 0 }] : [] };
    });
    return { tokens: said, ended: said.length === tokens.length, promptTokens: 0 };
  };
}
