/**
 * The control API, for scripting a fake server that runs in another process (e.g. one started with
 * main.ts):
 *
 * - `POST /__control/fault` with a Fault as JSON: enqueue it.
 * - `POST /__control/delay` with `{"ms": n}`: set the delay before each streamed token.
 * - `POST /__control/reset`: clear faults and recorded requests, restore responder and delay.
 * - `GET /__control/requests`: the recorded requests as a JSON array.
 * - `POST /__control/quirks` with OpenAiQuirks as JSON: the OpenAI-style streams' oddities (openai/quirks.ts).
 * - `POST /__control/chat-prefill` with `{"profile": name}`: how chat treats a final assistant message
 *   (a name from CHAT_PREFILL_PROFILES in openai/chatPrefill.ts).
 * - `POST /__control/corpus` with `{"corpus": "stories" | "mixed"}`: the simulator's training text, on every route.
 *
 * Answers `{"ok": true}` (or the requests); errors use the API's error body shape.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from './errors';
import type { FakeAnthropic } from './fakeAnthropic';
import { parseFault } from './faults';
import { CHAT_PREFILL_PROFILES, isProfileName } from './openai/chatPrefill';
import { quirksProblem, type OpenAiQuirks } from './openai/quirks';
import { simulatorTextModel } from './openai/textModel';
import { CORPUS_NAMES, type CorpusName } from './simulator/corpus';
import { createSimulatorResponder } from './simulator/simulatorResponder';
import { sendJson } from './http';
import { parseJsonBody } from './validate';

function parseDelay(body: unknown): number {
  const ms = (body as { ms?: unknown } | null)?.ms;
  if (typeof ms !== 'number' || !(ms >= 0)) {
    throw new ApiError(400, 'delay: ms must be a non-negative number');
  }
  return ms;
}

function parseQuirks(body: unknown): OpenAiQuirks {
  const problem = quirksProblem(body);
  if (problem) throw new ApiError(400, `quirks: ${problem}`);
  return body as OpenAiQuirks;
}

function field(body: unknown, name: string): unknown {
  return (body as Record<string, unknown> | null)?.[name];
}

function parseProfile(body: unknown): keyof typeof CHAT_PREFILL_PROFILES {
  const profile = field(body, 'profile');
  if (!isProfileName(profile)) {
    throw new ApiError(400, `chat-prefill: profile must be one of ${Object.keys(CHAT_PREFILL_PROFILES).join(', ')}`);
  }
  return profile;
}

function parseCorpus(body: unknown): CorpusName {
  const corpus = field(body, 'corpus');
  if (!CORPUS_NAMES.includes(corpus as CorpusName)) {
    throw new ApiError(400, `corpus: must be one of ${CORPUS_NAMES.join(', ')}`);
  }
  return corpus as CorpusName;
}

/** Throws ApiError for a bad control request; the caller sends it like any API error. */
export function handleControl(server: FakeAnthropic, method: string, path: string, raw: string, res: ServerResponse): void {
  switch (`${method} ${path}`) {
    case 'POST /__control/fault':
      server.enqueueFault(parseFault(parseJsonBody(raw)));
      break;
    case 'POST /__control/delay':
      server.setTokenDelay(parseDelay(parseJsonBody(raw)));
      break;
    case 'POST /__control/reset':
      server.reset();
      break;
    case 'POST /__control/quirks':
      server.openAi.setQuirks(parseQuirks(parseJsonBody(raw)));
      break;
    case 'POST /__control/chat-prefill':
      server.openAi.setChatPrefill(CHAT_PREFILL_PROFILES[parseProfile(parseJsonBody(raw))]);
      break;
    case 'POST /__control/corpus': {
      const corpus = parseCorpus(parseJsonBody(raw));
      server.setResponder(createSimulatorResponder({ corpus }));
      server.openAi.setTextModel(simulatorTextModel(corpus));
      break;
    }
    case 'GET /__control/requests':
      sendJson(res, 200, server.requests);
      return;
    default:
      throw new ApiError(404);
  }
  sendJson(res, 200, { ok: true });
}
