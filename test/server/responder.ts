/**
 * The contract between the wire-compatible fake Anthropic server and whatever decides what it says.
 * The server owns HTTP, validation, SSE framing, usage accounting and faults; a responder only
 * decides the text of a reply, token by token.
 */

/** A text block or a plain string, as the Messages API accepts for `content`. */
export type ContentParam = string | Array<{ type: 'text'; text: string }>;

export interface MessageParam {
  role: 'user' | 'assistant';
  content: ContentParam;
}

/** The subset of a `POST /v1/messages` body the fake server understands. */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  messages: MessageParam[];
  system?: ContentParam;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
  metadata?: unknown;
}

/**
 * What a responder wants to say. `tokens` are the pieces the model would emit, in order; the server
 * applies `max_tokens` and `stop_sequences` to them, so a responder never has to.
 * `inputTokens` overrides the server's own count of the prompt when the responder tokenizes for real.
 */
export interface ReplyPlan {
  tokens: string[];
  /** Why the model stopped if neither max_tokens nor a stop sequence cut it short. */
  naturalStop?: 'end_turn';
  inputTokens?: number;
}

/** Decides a reply. Must be deterministic when `temperature` is 0. */
export type Responder = (request: MessagesRequestBody) => ReplyPlan | Promise<ReplyPlan>;
