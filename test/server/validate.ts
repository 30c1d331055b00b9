/**
 * Request validation with the real API's error messages, so a client that passes here sends what the
 * real API accepts. The fake is stricter than the real API in one respect: the real API now merges
 * consecutive same-role turns and accepts an assistant turn first, while this rejects both with the
 * messages the API used before; a request the fake accepts is therefore accepted by the real API too.
 * Fields the fake does not know are passed over rather than rejected, so new API features don't break
 * tests.
 */
import { ApiError } from './errors';
import { contentText } from './content';
import { PREFILL_REFUSED_MESSAGE, refusesPrefill } from './prefillSupport';
import type { ContentParam, MessageParam, MessagesRequestBody } from './responder';

export const TRAILING_WHITESPACE_MESSAGE = 'messages: final assistant content cannot end with trailing whitespace';

type Json = Record<string, unknown>;

function invalid(message: string): ApiError {
  return new ApiError(400, message);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a request body; the real API names the body as the culprit. */
export function parseJsonBody(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw invalid(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function requireObject(body: unknown): Json {
  if (!isObject(body)) {
    throw invalid('The request body must be a JSON object');
  }
  return body;
}

function requireField(body: Json, field: string): unknown {
  if (body[field] === undefined) {
    throw invalid(`${field}: Field required`);
  }
  return body[field];
}

function validateContent(content: unknown, path: string): ContentParam {
  if (typeof content === 'string') {
    return content;
  }
  if (!Array.isArray(content)) {
    throw invalid(`${path}: Input should be a valid string or a valid list`);
  }
  content.forEach((block: unknown, index) => {
    if (!isObject(block) || typeof block.type !== 'string') {
      throw invalid(`${path}.${index}.type: Field required`);
    }
    if (block.type !== 'text') {
      return;
    }
    if (typeof block.text !== 'string') {
      throw invalid(`${path}.${index}.text: Field required`);
    }
    if (block.text === '') {
      throw invalid('messages: text content blocks must be non-empty');
    }
  });
  return content as ContentParam;
}

function validateMessage(value: unknown, index: number): MessageParam {
  const path = `messages.${index}`;
  if (!isObject(value)) {
    throw invalid(`${path}: Input should be a valid dictionary`);
  }
  if (value.role !== 'user' && value.role !== 'assistant') {
    throw invalid(`${path}.role: Input should be 'user' or 'assistant'`);
  }
  return { role: value.role, content: validateContent(requireField(value, 'content'), `${path}.content`) };
}

function isEmptyContent(content: ContentParam): boolean {
  return typeof content === 'string' ? content === '' : content.length === 0;
}

function validateMessages(value: unknown): MessageParam[] {
  if (!Array.isArray(value)) {
    throw invalid('messages: Input should be a valid list');
  }
  if (value.length === 0) {
    throw invalid('messages: at least one message is required');
  }
  const messages = value.map(validateMessage);
  if (messages[0].role !== 'user') {
    throw invalid('messages: first message must use the "user" role');
  }
  messages.forEach((message, index) => {
    const previous = messages[index - 1];
    if (previous && previous.role === message.role) {
      throw invalid(
        `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`,
      );
    }
    const isFinalAssistant = index === messages.length - 1 && message.role === 'assistant';
    const text = contentText(message.content);
    if (isFinalAssistant) {
      if (/\s$/u.test(text)) {
        throw invalid(TRAILING_WHITESPACE_MESSAGE);
      }
      return;
    }
    if (isEmptyContent(message.content)) {
      throw invalid(
        `messages.${index}: all messages must have non-empty content except for the optional final assistant message`,
      );
    }
    if (text.trim() === '' && text !== '') {
      throw invalid('messages: text content blocks must contain non-whitespace text');
    }
  });
  return messages;
}

function validateSystem(value: unknown): ContentParam | undefined {
  return value === undefined ? undefined : validateContent(value, 'system');
}

function optionalNumber(body: Json, field: string): number | undefined {
  const value = body[field];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`${field}: Input should be a valid number`);
  }
  return value;
}

function validateTemperature(body: Json): number | undefined {
  const temperature = optionalNumber(body, 'temperature');
  if (temperature !== undefined && (temperature < 0 || temperature > 1)) {
    throw invalid('temperature: range: 0..1');
  }
  return temperature;
}

function validateMaxTokens(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid('max_tokens: Input should be a valid integer');
  }
  if (value < 1) {
    throw invalid('max_tokens: Input should be greater than or equal to 1');
  }
  return value;
}

function validateModel(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw invalid('model: Input should be a valid string');
  }
  return value;
}

function validateStopSequences(value: unknown): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalid('stop_sequences: Input should be a valid list of strings');
  }
  return value as string[];
}

function validateStream(value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw invalid('stream: Input should be a valid boolean');
  }
  return value;
}

/** Validates a `POST /v1/messages` body, in the order the fields' errors take precedence. */
export function validateMessagesRequest(body: unknown): MessagesRequestBody {
  const json = requireObject(body);
  const model = validateModel(requireField(json, 'model'));
  const maxTokens = validateMaxTokens(requireField(json, 'max_tokens'));
  const messages = validateMessages(requireField(json, 'messages'));
  if (messages[messages.length - 1].role === 'assistant' && refusesPrefill(model)) {
    throw invalid(PREFILL_REFUSED_MESSAGE);
  }
  const request: MessagesRequestBody = {
    model,
    max_tokens: maxTokens,
    messages,
    system: validateSystem(json.system),
    temperature: validateTemperature(json),
    top_p: optionalNumber(json, 'top_p'),
    top_k: optionalNumber(json, 'top_k'),
    stop_sequences: validateStopSequences(json.stop_sequences),
    stream: validateStream(json.stream),
    metadata: json.metadata,
  };
  return request;
}

/** Validates a `POST /v1/messages/count_tokens` body, which has no `max_tokens`. */
export function validateCountTokensRequest(body: unknown): Pick<MessagesRequestBody, 'model' | 'messages' | 'system'> {
  const json = requireObject(body);
  return {
    model: validateModel(requireField(json, 'model')),
    messages: validateMessages(requireField(json, 'messages')),
    system: validateSystem(json.system),
  };
}
