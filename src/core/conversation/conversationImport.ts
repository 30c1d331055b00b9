import { renderDocumentHeader, type ConversationTurn, type HeaderFields } from './documentHeader';

/** A loom document made from a conversation, or why it could not be made. */
export type ImportResult = { document: string } | { problem: string };

const EXAMPLE_SHAPES = 'a messages array such as [{"role": "user", "content": "Hello."}] (Anthropic or OpenAI shape), or a request body holding one';

/**
 * Turns a JSON conversation into a loom document: the turns go into the header's `messages`, a
 * final assistant turn becomes the body (the prefill to continue). Takes a bare messages array or
 * a request body (`{model, system, messages}`) in the Anthropic Messages shape (content a string
 * or text blocks, `system` beside the messages) or the OpenAI chat shape (`system`/`developer`
 * messages in the list). Consecutive turns of one role are joined, as the header asks for
 * alternating turns; anything but text (images, tool calls) is refused rather than dropped.
 */
export function importConversation(json: string): ImportResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return { problem: `The text is not JSON (${(error as Error).message}). Copy ${EXAMPLE_SHAPES}.` };
  }
  const request = Array.isArray(parsed) ? { messages: parsed } : parsed;
  if (!isRecord(request) || !Array.isArray(request.messages)) return { problem: `No messages array found. Copy ${EXAMPLE_SHAPES}.` };
  if (request.messages.length === 0) return { problem: 'The conversation has no messages; there is nothing to import.' };
  const fields: HeaderFields = {};
  if (typeof request.model === 'string' && request.model.trim() !== '') fields.model = request.model;
  const systems: string[] = [];
  if (request.system !== undefined) {
    const system = textOf(request.system, 'the system prompt');
    if (typeof system !== 'string') return system;
    // The header refuses a blank system prompt; writing one would give a document that cannot be sent.
    if (system.trim() === '') return { problem: 'The system prompt is blank; a header cannot hold a blank one. Remove "system" and import again.' };
    systems.push(system);
  }
  const turns: ConversationTurn[] = [];
  for (const [index, message] of request.messages.entries()) {
    const read = readMessage(message, index + 1);
    if ('problem' in read) return read;
    if (read.role === 'system') systems.push(read.content);
    else appendTurn(turns, { role: read.role, content: read.content });
  }
  if (systems.length > 0) fields.system = systems.join('\n\n');
  const body = turns[turns.length - 1]?.role === 'assistant' ? turns.pop()!.content : '';
  if (turns[0]?.role !== 'user') {
    return { problem: 'The first message (after any system message) must be a user message: the conversation before the prefill starts with the user.' };
  }
  fields.messages = turns;
  return { document: renderDocumentHeader(fields) + body };
}

/**
 * A new document whose header shows where the conversation goes: a system prompt and a first user
 * turn to edit, and an empty body for the prefill.
 */
export function newLoomDocument(model?: string): string {
  return renderDocumentHeader({
    ...(model !== undefined ? { model } : {}),
    system: 'You are a novelist.',
    messages: [{ role: 'user', content: 'Write the opening of a story.' }],
  });
}

type Read = { role: 'system' | 'user' | 'assistant'; content: string } | { problem: string };

function readMessage(message: unknown, number: number): Read {
  if (!isRecord(message)) return { problem: `Message ${number} is not an object with "role" and "content".` };
  const { role } = message;
  if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer') {
    return { problem: `Message ${number} has the role ${JSON.stringify(role)}; only user, assistant and system (or developer) messages can be imported.` };
  }
  const content = textOf(message.content, `message ${number}`);
  if (typeof content !== 'string') return content;
  if (content.trim() === '') return { problem: `The content of message ${number} is blank; the API rejects blank turns. Remove it and import again.` };
  return { role: role === 'developer' ? 'system' : role, content };
}

/** A string, or the joined text of content blocks/parts; anything else is refused by name. */
function textOf(content: unknown, what: string): string | { problem: string } {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return { problem: `The content of ${what} is neither text nor a list of text blocks.` };
  const texts: string[] = [];
  for (const block of content) {
    if (!isRecord(block) || block.type !== 'text' || typeof block.text !== 'string') {
      const type = isRecord(block) ? JSON.stringify(block.type) : 'a non-object';
      return { problem: `The content of ${what} holds a block of type ${type}; only text can be imported into a loom document.` };
    }
    texts.push(block.text);
  }
  return texts.join('');
}

/** The header asks turns to alternate; two in a row of one role become one turn. */
function appendTurn(turns: ConversationTurn[], turn: ConversationTurn): void {
  const last = turns[turns.length - 1];
  if (last && last.role === turn.role) last.content = `${last.content}\n\n${turn.content}`;
  else turns.push(turn);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
