/**
 * How a chat server treats a conversation that ends with an assistant message. The four ways clients
 * mark "continue this message" are the prefill styles; a server continues on the styles it knows and,
 * for a trailing assistant message it does not continue, either answers it as a finished turn (a new
 * reply after it) or refuses it with the 400 the real server sends.
 */
import { OpenAiError } from './errors';
import type { ChatMessage, ChatRequest } from './requests';
import type { ModelPrompt } from './textModel';

export type PrefillStyle = 'continue_final_message' | 'prefix' | 'partial' | 'plain';

export const PREFILL_STYLES: readonly PrefillStyle[] = ['continue_final_message', 'prefix', 'partial', 'plain'];

export interface ChatPrefillProfile {
  /** The styles that make this server continue; `plain` continues any trailing assistant message. */
  continues: readonly PrefillStyle[];
  /** A trailing assistant message not continued: answered as a finished turn, or refused with `message`. */
  otherwise: { kind: 'fresh' } | { kind: 'reject'; message: string; code?: string | null };
}

/** Servers as they behave, by name (usable over the control API and from main.ts). */
export const CHAT_PREFILL_PROFILES = {
  /** Continues whatever the marks: one server for all four styles (the default). */
  any: { continues: PREFILL_STYLES, otherwise: { kind: 'fresh' } },
  /** vLLM / SGLang: `continue_final_message`; otherwise the template closes the assistant turn. */
  vllm: { continues: ['continue_final_message'], otherwise: { kind: 'fresh' } },
  /** DeepSeek `/beta`, Mistral: `prefix: true`. */
  prefix: { continues: ['prefix'], otherwise: { kind: 'fresh' } },
  /** Qwen (DashScope), Moonshot: `partial: true`. */
  partial: { continues: ['partial'], otherwise: { kind: 'fresh' } },
  /** llama.cpp (`--prefill-assistant`, on by default), OpenRouter, Groq, Ollama: any trailing assistant message. */
  plain: { continues: ['plain'], otherwise: { kind: 'fresh' } },
  /** OpenAI's own chat models: a trailing assistant message is a finished turn, answered afresh. */
  fresh: { continues: [], otherwise: { kind: 'fresh' } },
  /** deepseek-reasoner (and DeepSeek without `/beta` for `prefix`): refuses. */
  'deepseek-reasoner': {
    continues: ['prefix'],
    otherwise: {
      kind: 'reject',
      code: 'invalid_request_error',
      message:
        'The last message of deepseek-reasoner must be a user message, or an assistant message with prefix mode on (refer to https://api-docs.deepseek.com/guides/chat_prefix_completion).',
    },
  },
  /** llama.cpp with a thinking template: refuses every prefill. */
  'llamacpp-thinking': { continues: [], otherwise: { kind: 'reject', message: 'Assistant response prefill is incompatible with enable_thinking.' } },
} satisfies Record<string, ChatPrefillProfile>;

export type ChatPrefillProfileName = keyof typeof CHAT_PREFILL_PROFILES;

export function isProfileName(name: unknown): name is ChatPrefillProfileName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CHAT_PREFILL_PROFILES, name);
}

/** The marks on a request that ends with an assistant message (`plain` is always there: the message itself). */
function stylesMarked(request: ChatRequest, last: ChatMessage): PrefillStyle[] {
  return [
    ...(request.continue_final_message === true ? ['continue_final_message' as const] : []),
    ...(last.prefix === true ? ['prefix' as const] : []),
    ...(last.partial === true ? ['partial' as const] : []),
    'plain',
  ];
}

function checkMarks(request: ChatRequest, last: ChatMessage | undefined): void {
  // vLLM's check, made before anything else (its add_generation_prompt defaults to true but is only checked when sent).
  if (request.continue_final_message === true && request.add_generation_prompt === true) {
    throw new OpenAiError(400, 'Cannot set both `continue_final_message` and `add_generation_prompt` to True.', null, { type: 'BadRequestError', code: null });
  }
  if (last?.role !== 'assistant' && (request.continue_final_message === true || last?.prefix === true || last?.partial === true)) {
    throw new OpenAiError(400, 'The final message must be an assistant message to be continued.', 'messages');
  }
}

/**
 * The prompt the model sees for a chat request under `profile`: every earlier message a finished turn,
 * and the final assistant message continued (the prefill) or closed, or a 400.
 */
export function chatPrompt(request: ChatRequest, profile: ChatPrefillProfile): ModelPrompt {
  const messages = request.messages;
  const last = messages[messages.length - 1];
  checkMarks(request, last);
  const texts = messages.map((message) => message.content);
  if (last.role !== 'assistant') {
    return { kind: 'turns', earlierTurns: texts, prefill: undefined };
  }
  if (stylesMarked(request, last).some((style) => profile.continues.includes(style))) {
    return { kind: 'turns', earlierTurns: texts.slice(0, -1), prefill: last.content };
  }
  if (profile.otherwise.kind === 'reject') {
    throw new OpenAiError(400, profile.otherwise.message, 'messages', { code: profile.otherwise.code ?? null });
  }
  return { kind: 'turns', earlierTurns: texts, prefill: undefined };
}
