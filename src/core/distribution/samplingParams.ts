import { MAX_TOKENS_LIMIT } from '../conversation/documentHeader';

/** A value typed for a run, or why it cannot be used (a sentence naming what is allowed). */
export type Typed = { value: number } | { problem: string };

/** A temperature for a run: a number from 0 to 1, as the document header allows. */
export function typedTemperature(text: string): Typed {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 1 ? { value: n } : { problem: 'Type a temperature from 0 to 1, e.g. 1 or 0.7.' };
}

/** A `max_tokens` for a run: a whole number from 1 to the header's limit. */
export function typedMaxTokens(text: string): Typed {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_TOKENS_LIMIT ? { value: n } : { problem: `Type a whole number of tokens from 1 to ${MAX_TOKENS_LIMIT}, e.g. 50.` };
}
