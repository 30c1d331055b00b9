/**
 * Per-token probabilities in the two shapes OpenAI-style servers use: the completions shape (parallel
 * arrays, alternatives as a dict) and the chat shape (one object per token, with its bytes).
 */
import type { Alternative, ModelToken } from './textModel';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * How a token is named on the wire: its text when its bytes are whole characters, otherwise OpenAI's
 * `bytes:\xe6\x88` form, since a token that holds part of a character has no text of its own.
 */
export function tokenString(bytes: readonly number[]): string {
  try {
    return STRICT_UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return `bytes:${bytes.map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('')}`;
  }
}

export interface CompletionsLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Array<Record<string, number>>;
  text_offset: number[];
}

/** Length in code points, as the Python servers count `text_offset`. */
export function codePoints(text: string): number {
  return [...text].length;
}

/**
 * `text_offset` counts from the start of the prompt (OpenAI's convention, which vLLM follows), so the
 * first generated token's offset is the prompt's length; `start` is that offset for `tokens[0]`.
 */
export function completionsLogprobs(tokens: readonly ModelToken[], start: number): CompletionsLogprobs {
  const offsets: number[] = [];
  let offset = start;
  for (const token of tokens) {
    offsets.push(offset);
    offset += codePoints(token.text);
  }
  return {
    tokens: tokens.map((token) => tokenString(token.bytes)),
    token_logprobs: tokens.map((token) => token.logprob),
    top_logprobs: tokens.map((token) => Object.fromEntries(token.top.map((alt) => [tokenString(alt.bytes), alt.logprob]))),
    text_offset: offsets,
  };
}

export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface ChatLogprobEntry extends ChatTokenLogprob {
  top_logprobs: ChatTokenLogprob[];
}

function chatToken(alternative: Alternative): ChatTokenLogprob {
  return { token: tokenString(alternative.bytes), logprob: alternative.logprob, bytes: [...alternative.bytes] };
}

export function chatLogprobs(tokens: readonly ModelToken[]): { content: ChatLogprobEntry[]; refusal: null } {
  return { content: tokens.map((token) => ({ ...chatToken(token), top_logprobs: token.top.map(chatToken) })), refusal: null };
}
