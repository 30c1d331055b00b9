import type { ConversationTurn } from './documentHeader';
import type { GenerationParams } from './generationSettings';

export type { ConversationTurn } from './documentHeader';

/**
 * The turns every endpoint kind that takes messages sends before the prefill, in order. One place
 * decides them, so the Messages and chat requests can never disagree about the conversation: the
 * header's `messages` when it has them (already checked to start and end with a user turn and to
 * alternate), else the one `user` turn. A fresh copy each time, as requests append the prefill.
 */
export function conversationTurns(params: GenerationParams): ConversationTurn[] {
  if (params.messages !== undefined && params.messages.length > 0) return params.messages.map((turn) => ({ ...turn }));
  return [{ role: 'user', content: params.user }];
}
