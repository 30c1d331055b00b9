import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import * as OpenAIErrors from 'openai';
import { IncompleteResponseError } from './generation';
import { redactSecrets } from '../providers/secretRedaction';

/** Something the user can do next, offered as a button beside the message. */
export type ErrorAction = 'setApiKey' | 'retry' | 'showLastRequest' | 'openSettings' | 'pickEndpoint';

/** A failed generation explained: what happened, and what to do about it. */
export interface ErrorDescription {
  cause: string;
  nextStep: string;
  actions: ErrorAction[];
}

const RECEIVED_KEPT = 'The text received so far was kept.';

/**
 * Explains an error from a generation in words a user can act on. Servers put anything in their
 * error text, the key they were sent included, so the explanation never carries a secret.
 */
export function describeGenerationError(e: unknown): ErrorDescription {
  const description = describe(e);
  return { ...description, cause: redactSecrets(description.cause), nextStep: redactSecrets(description.nextStep) };
}

function describe(e: unknown): ErrorDescription {
  if (e instanceof APIConnectionTimeoutError || e instanceof OpenAIErrors.APIConnectionTimeoutError) {
    return {
      cause: 'The API did not answer within the time limit.',
      nextStep: 'Retry, or raise `prefillLoom.requestTimeoutSeconds`.',
      actions: ['retry', 'openSettings'],
    };
  }
  if (e instanceof APIConnectionError || e instanceof OpenAIErrors.APIConnectionError) {
    const detail = rootCause(e);
    return {
      cause: `Could not reach the API${detail ? ` (${detail})` : ''}.`,
      nextStep: 'Check your connection and the base URL (`prefillLoom.baseUrl`, or the endpoint\'s in `prefillLoom.endpoints`), then retry.',
      actions: ['retry', 'openSettings'],
    };
  }
  if (e instanceof APIError) return describeApiError({ status: e.status, type: e.type, apiMessage: e.apiMessage });
  if (e instanceof OpenAIErrors.APIError) return describeApiError(openAIErrorFacts(e));
  if (e instanceof IncompleteResponseError || isConnectionCut(e)) {
    return { cause: `The connection was cut mid-response. ${RECEIVED_KEPT}`, nextStep: 'Continue again from the cursor.', actions: ['retry'] };
  }
  const message = e instanceof Error ? e.message : String(e);
  return {
    cause: `The server's reply could not be read as a Messages API response (${message}). ${RECEIVED_KEPT}`,
    nextStep: 'Check that `prefillLoom.baseUrl` points at an Anthropic-compatible endpoint.',
    actions: ['openSettings', 'showLastRequest'],
  };
}

/** undici ends a body whose socket closed early with "terminated", the socket error as its cause. */
function isConnectionCut(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e.cause as { code?: unknown } | undefined)?.code;
  return e.message === 'terminated' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}

/** Node's fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND…) in its causes. */
function rootCause(e: Error): string {
  let deepest: unknown = e.cause;
  while (deepest instanceof Error && deepest.cause instanceof Error) deepest = deepest.cause;
  if (!(deepest instanceof Error)) return '';
  const code = (deepest as Error & { code?: unknown }).code;
  return typeof code === 'string' && !deepest.message.includes(code) ? `${code}: ${deepest.message}` : deepest.message;
}

/** What an API error says, whichever SDK raised it. */
interface ApiErrorFacts {
  status: number | undefined;
  type: string | null | undefined;
  apiMessage: string | null | undefined;
}

/** OpenAI-style servers put the reason in `error.message` (vLLM, llama.cpp), or send a bare `{message}` or `{detail}` body. */
function openAIErrorFacts(e: OpenAIErrors.APIError): ApiErrorFacts {
  const body = e.error as { message?: unknown; detail?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : typeof body?.detail === 'string' ? body.detail : undefined;
  return { status: e.status, type: e.type ?? e.code, apiMessage: message ?? e.message };
}

/**
 * Words a server uses when it will not continue a final assistant message: Anthropic's "does not
 * support assistant message prefill", vLLM's `continue_final_message` checks, a chat template that
 * requires the conversation to end with a user turn, `prefix`/`partial` flags a server does not know.
 */
const REFUSED_PREFILL = /prefill|continue_final_message|final (?:assistant )?message|must end with a user|partial mode|prefix/i;

function describeApiError(e: ApiErrorFacts): ErrorDescription {
  const what = `${e.status ?? 'stream'} ${e.type ?? 'error'}${e.apiMessage ? `: ${e.apiMessage}` : ''}`;
  if (e.status === undefined) {
    return { cause: `The API reported an error mid-response (${what}). ${RECEIVED_KEPT}`, nextStep: 'Retry in a moment.', actions: ['retry'] };
  }
  switch (e.status) {
    case 401:
      return { cause: `The API rejected the API key (${what}).`, nextStep: 'Set a valid key with "Prefill Loom: Set API Key".', actions: ['setApiKey'] };
    case 403:
      return { cause: `The API key may not do this (${what}).`, nextStep: "Check the key's permissions, or choose another model.", actions: ['setApiKey', 'showLastRequest'] };
    case 404:
      return { cause: `Not found (${what}).`, nextStep: 'Check the model name and `prefillLoom.baseUrl`.', actions: ['showLastRequest', 'openSettings'] };
    case 429:
      return { cause: `Rate limited, even after retrying (${what}).`, nextStep: 'Wait a little and retry, or generate fewer branches at once.', actions: ['retry'] };
    case 529:
      return { cause: `The API is overloaded, even after retrying (${what}).`, nextStep: 'Retry in a minute.', actions: ['retry'] };
    case 400:
      if (REFUSED_PREFILL.test(e.apiMessage ?? '')) {
        return {
          cause: `This model does not accept an assistant prefill (${what}).`,
          nextStep:
            'Pick an endpoint or model that can continue a text: on Anthropic, claude-haiku-4-5 (with `model:` in the document header or `prefillLoom.model`); a base model on a completions endpoint; or a chat endpoint with the prefill style its server needs (see the README, Endpoints).',
          actions: ['pickEndpoint', 'openSettings', 'showLastRequest'],
        };
      }
      return { cause: `The API rejected the request (${what}).`, nextStep: 'Open the last request to see exactly what was sent.', actions: ['showLastRequest'] };
    default:
      if (e.status >= 500) {
        return { cause: `The API failed (${what}).`, nextStep: 'Retry in a moment.', actions: ['retry'] };
      }
      return { cause: `The API rejected the request (${what}).`, nextStep: 'Open the last request to see exactly what was sent.', actions: ['showLastRequest'] };
  }
}
