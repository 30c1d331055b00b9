/**
 * The chunks of an OpenAI-style stream, planned before any is sent: one per generated token (the
 * units faults count), an opening chunk where the route has one, the finish reason where the quirks
 * put it, and the usage-only chunk. Each route supplies the shape of its choices.
 */
import type { Choice, FinishReason } from './choices';
import type { OpenAiQuirks } from './quirks';
import type { ModelToken } from './textModel';

/** What identifies a reply: the same in every chunk. */
export interface ReplyMeta {
  id: string;
  object: string;
  created: number;
  model: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(promptTokens: number, choices: readonly Choice[]): Usage {
  const completion = choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
  return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
}

/** A route's chunk choices; each returns the choice object without `finish_reason`. */
export interface ChoiceShape {
  /** The choice of a chunk sent before any token (chat: the role), or undefined for none. */
  opening(index: number): Record<string, unknown> | undefined;
  /** The choice of a token's chunk; `before` is the choice's text before it, `text` what to send as the token's (a fault may cut it). */
  token(index: number, token: ModelToken, before: string, text: string): Record<string, unknown>;
  /** The choice of a chunk that carries only the finish reason. */
  finish(index: number): Record<string, unknown>;
}

export interface Chunk {
  payload: Record<string, unknown>;
  /** For token chunks: the text they carry, and the same chunk with other text (for faults that cut it). */
  token?: { text: string; withText(text: string): Record<string, unknown> };
}

export interface PlanOptions {
  quirks: OpenAiQuirks;
  /** Where this route puts the finish reason when no quirk says otherwise. */
  finishHabit: 'onLastToken' | 'extraChunk';
  includeUsage: boolean;
  /** Send chunks for tokens that complete no text (when logprobs are asked for, every token is shown). */
  everyToken: boolean;
  usage: Usage;
}

function chunk(meta: ReplyMeta & { usage?: null }, choice: Record<string, unknown>, finish: FinishReason | null): Record<string, unknown> {
  return { ...meta, choices: [{ ...choice, finish_reason: finish }] };
}

function choiceChunks(meta: ReplyMeta & { usage?: null }, shape: ChoiceShape, index: number, choice: Choice, options: PlanOptions): Chunk[] {
  const place = options.quirks.finishReason ?? options.finishHabit;
  const opening = shape.opening(index);
  const chunks: Chunk[] = opening ? [{ payload: chunk(meta, opening, null) }] : [];
  let before = '';
  const sent = choice.tokens
    .map((token) => {
      const entry = { token, before };
      before += token.text;
      return entry;
    })
    .filter(({ token }) => options.everyToken || token.text !== '');
  sent.forEach(({ token, before }, i) => {
    const last = i === sent.length - 1;
    const finish = last && place !== 'extraChunk' ? choice.finishReason : null;
    const withText = (text: string): Record<string, unknown> => chunk(meta, shape.token(index, token, before, text), finish);
    chunks.push({ payload: withText(token.text), token: { text: token.text, withText } });
  });
  if (place !== 'onLastToken' || sent.length === 0) {
    chunks.push({ payload: chunk(meta, shape.finish(index), choice.finishReason) });
  }
  return chunks;
}

export function planChunks(meta: ReplyMeta, shape: ChoiceShape, choices: readonly Choice[], options: PlanOptions): Chunk[] {
  // When usage was asked for, every chunk before the usage chunk says `usage: null`, as OpenAI sends it.
  const chunkMeta = options.includeUsage ? { ...meta, usage: null } : meta;
  const chunks = choices.flatMap((choice, index) => choiceChunks(chunkMeta, shape, index, choice, options));
  if (options.includeUsage || options.quirks.usageChunkAlways) {
    chunks.push({ payload: { ...meta, choices: [], usage: options.usage } });
  }
  return chunks;
}
