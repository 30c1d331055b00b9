/**
 * The bodies of `POST /v1/completions` and `POST /v1/chat/completions` that the server understands,
 * checked with 400s that name the parameter (`param`) as OpenAI-style servers do. Unknown fields are
 * passed over, as vLLM and llama.cpp pass over fields they do not know.
 */
import { invalidParam } from './errors';

type Json = Record<string, unknown>;

/** What both routes share. */
export interface SamplingRequest {
  model: string;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  n?: number;
  stop?: string | string[];
  seed?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

export interface CompletionsRequest extends SamplingRequest {
  prompt: string;
  /** How many alternatives to list per token; 0 lists only the chosen token. */
  logprobs?: number;
}

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
  /** DeepSeek and Mistral: continue this (final, assistant) message. */
  prefix?: boolean;
  /** Qwen (DashScope) and Moonshot: continue this (final, assistant) message. */
  partial?: boolean;
}

export interface ChatRequest extends SamplingRequest {
  messages: ChatMessage[];
  max_completion_tokens?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  /** vLLM and SGLang: continue the final assistant message (with `add_generation_prompt: false`). */
  continue_final_message?: boolean;
  add_generation_prompt?: boolean;
}

/** The most alternatives a request may ask for per token (OpenAI allows 5 on completions, 20 on chat; servers 20). */
export const MAX_TOP_LOGPROBS = 20;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalNumber(body: Json, param: string, min: number, max: number, integer = false): void {
  const value = body[param];
  if (value === undefined || value === null) {
    delete body[param];
    return;
  }
  if (typeof value !== 'number' || (integer && !Number.isInteger(value))) {
    throw invalidParam(param, `Invalid type for '${param}': expected ${integer ? 'an integer' : 'a decimal'}, but got ${typeof value} instead.`);
  }
  if (value < min || value > max) {
    throw invalidParam(param, `Invalid '${param}': ${value}. Expected a value between ${min} and ${max}.`);
  }
}

function optionalBoolean(body: Json, param: string): void {
  const value = body[param];
  if (value === undefined || value === null) {
    delete body[param];
  } else if (typeof value !== 'boolean') {
    throw invalidParam(param, `Invalid type for '${param}': expected a boolean, but got ${typeof value} instead.`);
  }
}

function checkStop(body: Json): void {
  const stop = body.stop;
  if (stop === undefined || stop === null) {
    delete body.stop;
    return;
  }
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string') || list.length > 4) {
    throw invalidParam('stop', "Invalid 'stop': expected a string or an array of at most 4 strings.");
  }
}

function checkSampling(value: unknown): Json {
  if (!isObject(value)) {
    throw invalidParam('body', 'The request body must be a JSON object.');
  }
  const body = { ...value };
  if (typeof body.model !== 'string' || body.model === '') {
    throw invalidParam('model', 'you must provide a model parameter');
  }
  optionalNumber(body, 'max_tokens', 1, 1_000_000, true);
  optionalNumber(body, 'temperature', 0, 2);
  optionalNumber(body, 'top_p', 0, 1);
  optionalNumber(body, 'n', 1, 128, true);
  optionalNumber(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  optionalBoolean(body, 'stream');
  checkStop(body);
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (body.stream !== true) {
      throw invalidParam('stream_options', "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
    }
    if (!isObject(body.stream_options)) {
      throw invalidParam('stream_options', "Invalid type for 'stream_options': expected an object.");
    }
  }
  return body;
}

export function validateCompletionsRequest(value: unknown): CompletionsRequest {
  const body = checkSampling(value);
  // One prompt per request: a list of one string is accepted as that string.
  const prompt = Array.isArray(body.prompt) && body.prompt.length === 1 ? body.prompt[0] : body.prompt;
  if (typeof prompt !== 'string') {
    throw invalidParam('prompt', body.prompt === undefined ? "Missing required parameter: 'prompt'." : "Invalid 'prompt': this server accepts one prompt, as a string.");
  }
  body.prompt = prompt;
  optionalNumber(body, 'logprobs', 0, MAX_TOP_LOGPROBS, true);
  return body as unknown as CompletionsRequest;
}

function messageText(content: unknown, index: number): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((part) => isObject(part) && part.type === 'text' && typeof part.text === 'string')) {
    return content.map((part) => (part as { text: string }).text).join('');
  }
  throw invalidParam(`messages[${index}].content`, `Invalid 'messages[${index}].content': expected a string or an array of text parts.`);
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant']);

function checkMessage(message: unknown, index: number): ChatMessage {
  if (!isObject(message) || typeof message.role !== 'string' || !ROLES.has(message.role)) {
    throw invalidParam(`messages[${index}].role`, `Invalid 'messages[${index}].role': expected one of system, developer, user, assistant.`);
  }
  return {
    role: message.role as ChatMessage['role'],
    content: messageText(message.content, index),
    ...(message.prefix === true ? { prefix: true } : {}),
    ...(message.partial === true ? { partial: true } : {}),
  };
}

export function validateChatRequest(value: unknown): ChatRequest {
  const body = checkSampling(value);
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw invalidParam('messages', body.messages === undefined ? "Missing required parameter: 'messages'." : "Invalid 'messages': empty array. Expected an array with minimum length 1.");
  }
  body.messages = body.messages.map(checkMessage);
  optionalNumber(body, 'max_completion_tokens', 1, 1_000_000, true);
  optionalBoolean(body, 'logprobs');
  optionalNumber(body, 'top_logprobs', 0, MAX_TOP_LOGPROBS, true);
  if (body.top_logprobs !== undefined && body.logprobs !== true) {
    throw invalidParam('top_logprobs', "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.");
  }
  optionalBoolean(body, 'continue_final_message');
  optionalBoolean(body, 'add_generation_prompt');
  return body as unknown as ChatRequest;
}
