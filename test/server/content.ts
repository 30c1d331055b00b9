import type { ContentParam, MessageParam, MessagesRequestBody } from './responder';

/** The text of a message's content; non-text blocks contribute nothing. */
export function contentText(content: ContentParam): string {
  if (typeof content === 'string') {
    return content;
  }
  return content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

/** The assistant prefill the reply continues, or '' when the request ends with a user turn. */
export function prefillOf(request: MessagesRequestBody): string {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'assistant' ? contentText(last.content) : '';
}

/** The text of the last user turn: what the model is answering. */
export function lastUserText(request: Pick<MessagesRequestBody, 'messages'>): string {
  const users = request.messages.filter((message: MessageParam) => message.role === 'user');
  const last = users[users.length - 1];
  return last ? contentText(last.content) : '';
}
