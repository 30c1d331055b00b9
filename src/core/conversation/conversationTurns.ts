import type { GenerationParams } from './generationSettings';

/** One turn of the conversation that comes before the prefill. */
export interface ConversationTurn {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * The turns every endpoint kind that takes messages sends before the prefill, in order. One place
 * decides them, so the Messages and chat requests can never disagree about the conversation.
 */
export function conversationTurns(params: GenerationParams): ConversationTurn[] {
  return [{ role: 'user', content: params.user }];
}
