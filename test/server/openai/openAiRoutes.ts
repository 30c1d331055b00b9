/**
 * The OpenAI-style routes of the fake server: `POST /v1/completions`, `POST /v1/chat/completions` and
 * `GET /v1/models`, on the same port as the Messages API, sharing its fault queue, token delay and
 * request record. A key is required only when one is configured (a cloud server); without one the
 * server is a local one and takes any request, with or without `Authorization`.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { strikeBeforeReply } from '../earlyFaults';
import type { Fault, StatusFault } from '../faults';
import { sendJson } from '../http';
import { newOpenAiId } from '../ids';
import { sendBody } from '../nonStreaming';
import { hashText, mixSeed, sequenceSeed } from '../random';
import type { CorpusName } from '../simulator/corpus';
import { CHAT_PREFILL_PROFILES, type ChatPrefillProfile } from './chatPrefill';
import { planChunks, usageOf, type ChoiceShape, type ReplyMeta } from './chunks';
import { chatBody, chatMeta, chatShape, generateChat } from './chatRoute';
import { completionsBody, completionsMeta, completionsShape, generateCompletion } from './completionsRoute';
import { missingKey, modelNotFound, OpenAiError, wrongKey, type OpenAiErrorStatus } from './errors';
import type { Generated } from './generate';
import type { OpenAiQuirks } from './quirks';
import { validateChatRequest, validateCompletionsRequest, type SamplingRequest } from './requests';
import { streamChunks } from './stream';
import { parseJsonBody } from '../validate';
import { simulatorTextModel, type TextModel } from './textModel';

export interface OpenAiOptions {
  /** The key required as `Authorization: Bearer`; none (the default) makes a local server that asks for none. */
  apiKey?: string;
  /** The models served; others get 404 `model_not_found`. Default: any name is served. */
  models?: readonly string[];
  /** Default: the simulator on the `corpus` below, trained on first use. `reset()` returns to it. */
  textModel?: TextModel;
  /** The simulator's training text when no `textModel` is given; default `stories`. */
  corpus?: CorpusName;
  /**
   * Seeds the requests that name no `seed`: the k-th of them since the start (or `reset()`) samples with
   * `sequenceSeed(seed, k)` (`requestSeeds` in expected.ts lists them), so a run of N samples is exact
   * as a whole, and as a multiset when they arrive concurrently in any order. Without it, seeds come from the prompt and
   * a counter: parallel samples differ, but not reproducibly.
   */
  seed?: number;
  /** Default `any`: every prefill style continues. */
  chatPrefill?: ChatPrefillProfile;
  quirks?: OpenAiQuirks;
}

/** What the routes borrow from the server they run in. */
export interface ServerServices {
  takeFault(): Fault | undefined;
  tokenDelayMs(): number;
}

function openAiStatus(status: StatusFault['status']): OpenAiErrorStatus {
  if (status === 529) return 503;
  if (status === 413) return 400;
  return status;
}

const STREAM_ERROR = (fault: { errorType?: 'overloaded_error' | 'api_error' }): OpenAiError =>
  new OpenAiError(fault.errorType === 'api_error' ? 500 : 503);

export class OpenAiRoutes {
  private textModel: TextModel | undefined;
  private profile: ChatPrefillProfile;
  private quirks: OpenAiQuirks;
  private requestCount = 0;
  private seededCount = 0;

  constructor(
    private readonly options: OpenAiOptions,
    private readonly services: ServerServices,
  ) {
    this.textModel = options.textModel;
    this.profile = options.chatPrefill ?? CHAT_PREFILL_PROFILES.any;
    this.quirks = { ...options.quirks };
  }

  setTextModel(model: TextModel): void {
    this.textModel = model;
  }

  setChatPrefill(profile: ChatPrefillProfile): void {
    this.profile = profile;
  }

  setQuirks(quirks: OpenAiQuirks): void {
    this.quirks = { ...quirks };
  }

  reset(): void {
    this.textModel = this.options.textModel;
    this.profile = this.options.chatPrefill ?? CHAT_PREFILL_PROFILES.any;
    this.quirks = { ...this.options.quirks };
    this.seededCount = 0;
  }

  async completions(res: ServerResponse, raw: string, headers: IncomingHttpHeaders): Promise<void> {
    this.authenticate(headers);
    const request = validateCompletionsRequest(parseJsonBody(raw));
    this.checkModel(request.model);
    await this.answer(res, request, {
      generate: (model, seed) => generateCompletion(model, request, seed),
      meta: () => completionsMeta(newOpenAiId('cmpl'), request.model),
      shape: completionsShape(request),
      body: (meta, generated) => completionsBody(meta, request, generated),
      finishHabit: 'onLastToken',
      everyToken: request.logprobs !== undefined,
      fingerprint: request.prompt,
    });
  }

  async chat(res: ServerResponse, raw: string, headers: IncomingHttpHeaders): Promise<void> {
    this.authenticate(headers);
    const request = validateChatRequest(parseJsonBody(raw));
    this.checkModel(request.model);
    await this.answer(res, request, {
      generate: (model, seed) => generateChat(model, request, this.profile, seed),
      meta: (streaming) => chatMeta(newOpenAiId('chatcmpl'), request.model, streaming),
      shape: chatShape(request),
      body: (meta, generated) => chatBody(meta, request, generated),
      finishHabit: 'extraChunk',
      everyToken: request.logprobs === true,
      fingerprint: JSON.stringify(request.messages),
    });
  }

  listModels(res: ServerResponse, headers: IncomingHttpHeaders): void {
    this.authenticate(headers);
    const ids = this.options.models ?? ['simulator'];
    sendJson(res, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'prefill-loom-test' })) });
  }

  private authenticate(headers: IncomingHttpHeaders): void {
    const key = this.options.apiKey;
    if (key === undefined) return;
    const authorization = headers.authorization;
    if (authorization === undefined) throw missingKey();
    const sent = authorization.replace(/^Bearer\s+/i, '');
    if (sent !== key) throw wrongKey(sent);
  }

  private checkModel(model: string): void {
    if (this.options.models && !this.options.models.includes(model)) throw modelNotFound(model);
  }

  /** The request's seed; else the next of the server's seed sequence; else one from the prompt and a counter. */
  private seedFor(request: SamplingRequest, fingerprint: string): number {
    if (request.seed !== undefined) return request.seed;
    if (this.options.seed !== undefined) return sequenceSeed(this.options.seed, this.seededCount++);
    return mixSeed(hashText(fingerprint), this.requestCount++);
  }

  private model(): TextModel {
    this.textModel ??= simulatorTextModel(this.options.corpus);
    return this.textModel;
  }

  private async answer(res: ServerResponse, request: SamplingRequest, route: RouteParts): Promise<void> {
    const fault = strikeBeforeReply(
      res,
      this.services.takeFault(),
      (status) => new OpenAiError(openAiStatus(status.status), status.message, null, {}, status.retryAfterSeconds),
    );
    if (fault === 'answered') return;
    const generated = route.generate(this.model(), this.seedFor(request, route.fingerprint));
    const streaming = request.stream === true;
    const meta = route.meta(streaming);
    if (!streaming) {
      await sendBody(res, route.body(meta, generated), fault, STREAM_ERROR);
      return;
    }
    const chunks = planChunks(meta, route.shape, generated.choices, {
      quirks: this.quirks,
      finishHabit: route.finishHabit,
      includeUsage: request.stream_options?.include_usage === true,
      everyToken: route.everyToken,
      usage: usageOf(generated.promptTokens, generated.choices),
    });
    await streamChunks(res, chunks, this.quirks, fault, () => this.services.tokenDelayMs());
  }
}

interface RouteParts {
  generate(model: TextModel, seed: number): Generated;
  meta(streaming: boolean): ReplyMeta;
  shape: ChoiceShape;
  body(meta: ReplyMeta, generated: Generated): object;
  finishHabit: 'onLastToken' | 'extraChunk';
  /** Tokens that complete no text get chunks too (so every token's logprob is shown). */
  everyToken: boolean;
  /** What the default seed is drawn from: the prompt. */
  fingerprint: string;
}
