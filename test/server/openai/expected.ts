/**
 * What the simulator answers a request, computed without a server: tests assert the exact text,
 * finish reason, usage and logprobs a client must end up with. The request is checked and defaulted
 * exactly as the routes do (so the openai package's own param types can be passed), and must name its `seed` (or pass one) so the sample is determined.
 */
import { CHAT_PREFILL_PROFILES, type ChatPrefillProfile } from './chatPrefill';
import { chatBody, chatMeta, generateChat } from './chatRoute';
import { completionsBody, completionsMeta, generateCompletion } from './completionsRoute';
import { validateChatRequest, validateCompletionsRequest } from './requests';
import type { CorpusName } from '../simulator/corpus';
import { simulatorTextModel } from './textModel';
import { sequenceSeed } from '../random';

export interface ExpectationOptions {
  /** The server's corpus; default `stories`. */
  corpus?: CorpusName;
  /** The seed the server uses for this request when it names none: one of `requestSeeds(serverSeed, n)`. */
  seed?: number;
}

function seedOf(request: { seed?: number }, options: ExpectationOptions): number {
  const seed = request.seed ?? options.seed;
  if (seed === undefined) {
    throw new Error('expected reply: give the request a seed (or pass the server\'s pinned seed), or the sample is not determined');
  }
  return seed;
}

/** Body fields that differ from one response to the next. */
type Stable<T> = Omit<T, 'id' | 'created'>;

function stable<T extends object>(body: T): Stable<T> {
  const { id: _id, created: _created, ...rest } = body as T & { id: unknown; created: unknown };
  return rest as Stable<T>;
}

/** The non-streaming `/v1/completions` body for `request`, without `id` and `created`. */
export function expectedCompletion(request: object, options: ExpectationOptions = {}): Record<string, unknown> {
  const checked = validateCompletionsRequest(request);
  const generated = generateCompletion(simulatorTextModel(options.corpus), checked, seedOf(checked, options));
  return stable(completionsBody(completionsMeta('', checked.model), checked, generated)) as Record<string, unknown>;
}

/** The non-streaming `/v1/chat/completions` body for `request` on a server with `profile` (default `any`). */
export function expectedChat(
  request: object,
  options: ExpectationOptions & { profile?: ChatPrefillProfile } = {},
): Record<string, unknown> {
  const checked = validateChatRequest(request);
  const generated = generateChat(simulatorTextModel(options.corpus), checked, options.profile ?? CHAT_PREFILL_PROFILES.any, seedOf(checked, options));
  return stable(chatBody(chatMeta('', checked.model, false), checked, generated)) as Record<string, unknown>;
}

/** The seeds a server started with `seed` gives its first `count` requests that name none (in arrival order). */
export function requestSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => sequenceSeed(seed, k));
}

/** Just the text of each choice. */
export function expectedTexts(body: Record<string, unknown>): string[] {
  return (body.choices as Array<{ text?: string; message?: { content: string } }>).map((choice) => choice.text ?? choice.message?.content ?? '');
}
