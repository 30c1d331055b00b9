import * as vscode from 'vscode';
import { pickAlternativeCount } from './alternativeCountPicker';
import { alternativesQuestion } from '../core/generation/alternativesConfirmation';
import { createAnthropicClient } from '../core/providers/anthropicClient';
import { concurrencyLimit } from '../core/shared/concurrencyLimit';
import { outputTokenBudget } from '../core/providers/connectionSettings';
import type { DocumentHeader } from '../core/conversation/documentHeader';
import { runGeneration, type GenerationClient, type GenerationInput, type GenerationOutcome } from '../core/generation/generation';
import type { LineEnding } from '../core/generation/continuationText';
import { ANTHROPIC_ENDPOINT_NAME, isLocalEndpoint, resolveEndpoint, type EndpointSettings } from '../core/providers/endpointSettings';
import { createOpenAIStyleClient } from '../core/providers/openaiClient';
import { describeGenerationError } from '../core/generation/generationError';
import { resolveGenerationParams, type GenerationParams } from '../core/conversation/generationSettings';
import { splitTrailingWhitespace } from '../core/conversation/prefill';
import { describeEmptyResults } from '../core/generation/emptyResult';
import { describeOutcomes } from '../core/generation/outcomeSummary';
import { collapseIdentical } from '../core/generation/identicalAlternatives';
import type { ApiKeyStore } from '../endpoints/apiKeyStore';
import { reportGenerationError } from './errorNotifier';
import { GenerationRecorder, type GenerationOrigin } from './generationRecorder';
import type { CapturedRequest } from '../core/providers/capturedRequest';
import type { GenerationInfo } from '../core/loom/loomNode';
import type { CommandEnd, GenerationStatusBar } from './generationStatusBar';
import type { HeaderDiagnostics } from '../conversation/headerDiagnostics';
import type { LastRequestStore } from '../endpoints/lastRequest';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';
import { readLoomSettings, type LoomSettings } from '../conversation/loomSettings';
import type { SendGuard } from '../endpoints/sendGuard';
import { RequestTally } from './requestTally';
import { StreamingInsertion, type LandingProbe } from './streamingInsertion';

export const GENERATING_CONTEXT_KEY = 'prefillLoom.generating';

export interface GenerationControllerDeps {
  keys: ApiKeyStore;
  log: vscode.LogOutputChannel;
  lastRequest: LastRequestStore;
  statusBar: GenerationStatusBar;
  headers: HeaderDiagnostics;
  guard: SendGuard;
  sessions: LoomSessions;
}

/** How Continue at Cursor goes on after a branch made at a token. */
export interface ContinueOptions {
  /** A node's record: the continuation goes to that node's endpoint with its parameters. */
  like?: GenerationInfo;
  /** The continuation joins the undo step of the edit that showed the branch, so one undo takes both back. */
  joinUndo?: boolean;
}

/** Everything a request needs that does not depend on where the cursor is. */
interface RequestContext {
  endpoint: EndpointSettings;
  /** Where requests go (the endpoint's URL as resolved): checked (and, if need be, agreed to) by the send guard. */
  url: string;
  /** Undefined for an endpoint without a key (a local server): no Authorization header is sent. */
  apiKey: string | undefined;
  settings: LoomSettings;
  params: GenerationParams;
  header: DocumentHeader;
}

/** Which tree-only generations to run, hanging where. */
interface TreeGenerationPlan {
  session: LoomSession;
  parentId: string;
  count: number;
  params: GenerationParams;
  kind: 'generation' | 'regeneration';
  comparesTo?: string;
  /** The number of the first branch in the log: 2 when the first alternative streams into the editor. */
  firstBranch?: number;
}

/** What a generation reports to while it runs. */
type GenerationHooks = Pick<GenerationInput, 'onEdit' | 'onRequestStart' | 'onRequestEnd' | 'lineEnding'>;

/** A generation that ran into the tree: its node (gone again if it produced nothing) and how it ended. */
interface TreeGenerationResult {
  nodeId: string;
  outcome: GenerationOutcome;
}

/** Runs generations into editors and looms: one editor stream per document, branches alongside. */
export class GenerationController implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();
  private readonly subscriptions: vscode.Disposable[];
  /** Timings of text streaming into editors, for the benchmarks (npm run bench); unset, it costs nothing. */
  landingProbe: LandingProbe | undefined;

  constructor(private readonly deps: GenerationControllerDeps) {
    this.subscriptions = [vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKey())];
  }

  /**
   * Continues the text before the cursor, streaming into the editor; with `alternatives` > 1 the
   * others stream into the loom as sibling branches. Resolves when all have ended. See
   * {@link ContinueOptions} for a continuation of a branch made at a token.
   */
  async continueAtCursor(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor, alternatives = 1, options: ContinueOptions = {}): Promise<GenerationOutcome | undefined> {
    if (!editor) {
      void vscode.window.showInformationMessage('Prefill Loom: open a text file and place the cursor where the model should continue.');
      return undefined;
    }
    const document = editor.document;
    if (this.isBusy(document)) return undefined;
    const header = this.checkHeader(document);
    if (!header) return undefined;
    const cursor = document.offsetAt(editor.selection.active);
    if (cursor < header.bodyOffset) {
      void vscode.window.showWarningMessage('Prefill Loom: the cursor is inside the document header. Place it in the text after the header.');
      return undefined;
    }
    const context = await this.requestContext(header, originEndpoint(options.like));
    if (!context) return undefined;
    const params = (options.like?.params as GenerationParams | undefined) ?? context.params;
    return this.track(document, (abort) => this.streamIntoEditor(document, { ...context, params }, cursor, alternatives, abort, options.joinUndo === true));
  }

  /** Asks for several continuations at the cursor (the setting's count, or one the user picks). */
  async generateAlternatives(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor, count?: number): Promise<GenerationOutcome | undefined> {
    const n = count ?? (await pickAlternativeCount(readLoomSettings().connection.alternatives));
    if (n === undefined || (editor && !(await this.confirmAlternativesAt(editor, n)))) return undefined;
    return this.continueAtCursor(editor, n);
  }

  /**
   * Grows the tree without touching the editor: new children of `nodeId` ('alternatives'), or a
   * regeneration of `nodeId` from its own original request, as its sibling ('regenerate'). Resolves
   * with the ids of the nodes made (none for a generation that failed before any text).
   */
  async generateFromNode(session: LoomSession, nodeId: string, mode: 'alternatives' | 'regenerate'): Promise<string[]> {
    const node = session.tree.get(nodeId);
    const header = this.checkHeader(session.document);
    if (!node || !header || this.isBusy(session.document)) return [];
    // A regeneration re-sends the node's own request to the endpoint that produced it.
    const context = await this.requestContext(header, mode === 'regenerate' ? originEndpoint(node.generation) : undefined);
    if (!context) return [];
    // Another loom's generation has no request here: it is generated again with the current settings.
    const original = node.generation?.imported === undefined ? (node.generation?.params as GenerationParams | undefined) : undefined;
    const plan: TreeGenerationPlan =
      mode === 'regenerate' && node.parentId !== null
        ? { session, parentId: node.parentId, count: 1, params: original ?? context.params, kind: 'regeneration', comparesTo: nodeId }
        : { session, parentId: nodeId, count: context.settings.connection.alternatives, params: context.params, kind: 'generation' };
    if (!(await this.confirmAlternatives(plan.count, plan.params, context.settings, session.tree.textOf(plan.parentId).length))) return [];
    const tally = this.startTally(plan.params.model);
    const results = await this.track(session.document, (abort) => Promise.all(this.startTreeGenerations(plan, context, abort, tally)));
    tally.finish(endOf(results.map((r) => r?.outcome)));
    this.reportEmpty(results.map((r) => r?.outcome), plan.count);
    return results.flatMap((r) => (r && session.tree.has(r.nodeId) ? [r.nodeId] : []));
  }

  /**
   * What any request about `document` needs, checked as for a generation (header, settings, key,
   * endpoint): the resolved parameters and a client. `generation`, when given, is a node's record:
   * its endpoint is used. Undefined after telling the user what is missing.
   */
  async prepareRequests(document: vscode.TextDocument, generation?: GenerationInfo): Promise<{ client: GenerationClient; settings: LoomSettings; params: GenerationParams } | undefined> {
    const header = this.checkHeader(document);
    const context = header && (await this.requestContext(header, originEndpoint(generation)));
    return context && { client: this.clientFor(context), settings: context.settings, params: context.params };
  }

  /** Counts the requests of a command from here on (its own, or a probe's) in the status bar and the log. */
  startTally(model: string): RequestTally {
    return new RequestTally(this.deps.log, this.deps.statusBar, model);
  }

  /** Stops the generations of the given document, or every generation when none is given. */
  stop(document?: vscode.TextDocument): boolean {
    const targets = document ? [this.running.get(document.uri.toString())] : [...this.running.values()];
    const live = targets.filter((t): t is AbortController => t !== undefined);
    for (const abort of live) abort.abort();
    return live.length > 0;
  }

  dispose(): void {
    this.stop();
    for (const s of this.subscriptions) s.dispose();
  }

  /** Whether a generation runs in the document now; if so the user is told to stop it first. */
  isBusy(document: vscode.TextDocument): boolean {
    if (!this.running.has(document.uri.toString())) return false;
    void vscode.window.showWarningMessage('Prefill Loom: a generation is already running in this document. Stop it first (Escape).');
    return true;
  }

  private checkHeader(document: vscode.TextDocument): DocumentHeader | undefined {
    const header = this.deps.headers.check(document);
    const firstError = header.diagnostics.find((d) => d.severity === 'error');
    if (!firstError) return header;
    void vscode.window.showErrorMessage(`Prefill Loom: the document header has an error on line ${firstError.line + 1}: ${firstError.message}`);
    return undefined;
  }

  /** Everything a request needs; `endpointName` (a node's endpoint) overrides the header and the default. */
  private async requestContext(header: DocumentHeader, endpointName?: string): Promise<RequestContext | undefined> {
    const settings = readLoomSettings();
    for (const problem of settings.problems) this.deps.log.warn(problem);
    if (settings.problems.length > 0) {
      void vscode.window.showWarningMessage(`Prefill Loom: ${settings.problems[0]}`, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'prefillLoom');
      });
    }
    const endpoint = resolveEndpoint(settings.endpoints, settings.defaultEndpoint, endpointName ?? header.fields.endpoint);
    if ('problem' in endpoint) {
      void vscode.window.showErrorMessage(`Prefill Loom: ${endpoint.problem}`, 'Pick Endpoint').then((choice) => {
        if (choice) void vscode.commands.executeCommand('prefillLoom.pickEndpoint');
      });
      return undefined;
    }
    let apiKey = await this.deps.keys.get(endpoint);
    if (!apiKey && endpoint.kind === 'anthropic') {
      const choice = await vscode.window.showErrorMessage(
        'Prefill Loom: no Anthropic API key. Set one (kept in secret storage), or set ANTHROPIC_API_KEY in the environment.',
        'Set API Key',
      );
      if (choice) await vscode.commands.executeCommand('prefillLoom.setApiKey');
      return undefined;
    }
    // A server elsewhere without a key would only answer 401 after the text had left the machine.
    if (!apiKey && !isLocalEndpoint(endpoint)) {
      apiKey = await this.deps.keys.askFor(endpoint);
      if (!apiKey) {
        void vscode.window.showErrorMessage(`Prefill Loom: no API key for ${endpoint.name} (${endpoint.baseUrl}), so nothing was sent. Give one when asked or with Set API Key, or set OPENAI_API_KEY in the environment.`);
        return undefined;
      }
    }
    const url = await this.deps.guard.maySend(endpoint.baseUrl, endpoint.kind);
    if (url === undefined) return undefined;
    const defaults = { ...settings.defaults, model: endpoint.model ?? settings.defaults.model };
    return { endpoint, url, apiKey, settings, params: resolveGenerationParams(defaults, header.fields), header };
  }

  private confirmAlternativesAt(editor: vscode.TextEditor, count: number): Promise<boolean> {
    const settings = readLoomSettings();
    const params = resolveGenerationParams(settings.defaults, this.deps.headers.check(editor.document).fields);
    return this.confirmAlternatives(count, params, settings, editor.document.offsetAt(editor.selection.active));
  }

  /**
   * Asks before sending more alternatives than anyone is likely to want at once (a slip of the
   * keyboard, or a count a workspace chose): every path that sends several generations comes here,
   * the command and the loom view's intent alike.
   */
  private async confirmAlternatives(count: number, params: GenerationParams, settings: LoomSettings, promptChars: number): Promise<boolean> {
    const question = alternativesQuestion({ count, model: params.model, promptChars, outputTokensEach: outputTokenBudget(settings.connection, params.max_tokens) });
    if (!question) return true;
    const choice = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, question.confirm);
    if (choice !== question.confirm) this.deps.log.info(`Generate Alternatives: ${count} alternatives were not confirmed; nothing was sent.`);
    return choice === question.confirm;
  }

  /** Registers the document's generations so Stop and Escape reach them, for as long as they run. */
  private async track<T>(document: vscode.TextDocument, work: (abort: AbortController) => Promise<T>): Promise<T> {
    const key = document.uri.toString();
    const abort = new AbortController();
    this.running.set(key, abort);
    this.updateContextKey();
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Prefill Loom: generating' }, () => work(abort));
    } finally {
      this.running.delete(key);
      this.updateContextKey();
    }
  }

  /**
   * Puts text the model gave (a token picked among its alternatives) at the cursor exactly as a
   * generation would: a model node in the loom recording `outcome`, one undo step, a branch where model
   * text follows the cursor. Resolves with the offset after the text, or undefined if nothing was inserted.
   */
  async insertModelText(editor: vscode.TextEditor, outcome: GenerationOutcome): Promise<number | undefined> {
    const document = editor.document;
    if (this.isBusy(document)) return undefined;
    const header = this.checkHeader(document);
    const context = header && (await this.requestContext(header));
    if (!context) return undefined;
    const cursor = document.offsetAt(editor.selection.active);
    let inserted = '';
    await this.track(document, (abort) =>
      this.streamIntoEditor(document, context, cursor, 1, abort, false, async ({ onEdit, lineEnding }) => {
        inserted = lineEnding ? outcome.text.replace(/\r\n|\r|\n/g, lineEnding) : outcome.text;
        onEdit?.({ replace: 0, text: inserted });
        return { ...outcome, text: inserted };
      }),
    );
    return cursor + inserted.length;
  }

  private async streamIntoEditor(
    document: vscode.TextDocument,
    context: RequestContext,
    cursor: number,
    alternatives: number,
    abort: AbortController,
    joinUndo = false,
    /** Where the text comes from; by default a generation from the prefill. */
    produce?: (hooks: GenerationHooks) => Promise<GenerationOutcome>,
  ): Promise<GenerationOutcome> {
    const { log } = this.deps;
    const prefill = document.getText().slice(context.header.bodyOffset, cursor);
    if (context.endpoint.kind === 'anthropic') logTrailingWhitespace(log, prefill);
    const insertion = new StreamingInsertion(document, cursor, () => {
      log.info('The document was closed; stopping its generation.');
      abort.abort();
    }, this.landingProbe);
    if (joinUndo) insertion.joinPreviousUndoStep();
    const recorder = await GenerationRecorder.forEditor(this.deps.sessions, document, context.params, prefill, origin(context));
    if (recorder?.restLength) insertion.replaceOnFirstEdit(recorder.restLength);
    const tally = this.startTally(context.params.model);
    const branches =
      recorder && alternatives > 1
        ? this.startTreeGenerations({ session: recorder.session, parentId: recorder.parentId, count: alternatives - 1, params: context.params, kind: 'generation', firstBranch: 2 }, context, abort, tally)
        : [];
    try {
      const outcome = await (produce ?? ((hooks: GenerationHooks) => this.run(context, context.params, prefill, abort.signal, hooks)))({
        lineEnding: lineEndingOf(document),
        onEdit: (edit) => {
          insertion.push(edit);
          recorder?.append(edit.text);
        },
        ...tally.hooks(''),
      });
      await insertion.flushed();
      recorder?.finish(outcome);
      this.report(outcome);
      const others = await Promise.all(branches);
      tally.finish(endOf([outcome, ...others.map((r) => r?.outcome)]));
      this.reportEmpty([outcome, ...others.map((r) => r?.outcome)], alternatives);
      if (recorder && alternatives > 1) this.collapseIdentical(recorder.session, [recorder.nodeId, ...others.map((r) => r?.nodeId)], context.params);
      return outcome;
    } finally {
      recorder?.release();
      insertion.dispose();
    }
  }

  /**
   * Starts `plan.count` generations into the tree, at most `concurrency` at a time; one failing spares
   * the rest. Each resolves with its node and outcome, or undefined when it never started.
   */
  private startTreeGenerations(plan: TreeGenerationPlan, context: RequestContext, abort: AbortController, tally: RequestTally): Array<Promise<TreeGenerationResult | undefined>> {
    const limited = concurrencyLimit(context.settings.connection.concurrency);
    const prefill = plan.session.tree.textOf(plan.parentId);
    return Array.from({ length: plan.count }, (_, i) =>
      limited(async () => {
        if (abort.signal.aborted) return undefined;
        const recorder = GenerationRecorder.forTree(plan.session, plan.parentId, sentLength(context, prefill), plan.params, origin(context), plan.kind, plan.comparesTo);
        const label = plan.kind === 'regeneration' ? 'Regeneration' : `Branch ${(plan.firstBranch ?? 1) + i}`;
        const outcome = await this.run(context, plan.params, prefill, abort.signal, { onEdit: (edit) => recorder.append(edit.text), lineEnding: lineEndingOf(plan.session.document), ...tally.hooks(label) });
        recorder.finish(outcome);
        if (outcome.status === 'failed') this.deps.log.warn(`${label} failed: ${describeGenerationError(outcome.error).cause}`);
        for (const warning of outcome.warnings) this.deps.log.warn(`${label}: ${warning}`);
        return { nodeId: recorder.nodeId, outcome };
      }),
    );
  }

  /** Keeps one branch of each text among the alternatives just made (the editor's first), and says so. */
  private collapseIdentical(session: LoomSession, ids: ReadonlyArray<string | undefined>, params: GenerationParams): void {
    const { tree } = session;
    const made = ids.flatMap((id) => (id && tree.has(id) && tree.get(id)!.generation?.status === 'completed' ? [{ id, text: tree.get(id)!.text }] : []));
    const collapse = collapseIdentical(made, params.temperature);
    if (!collapse) return;
    for (const id of collapse.drop) if (tree.has(id) && id !== session.currentId) tree.removeSubtree(id);
    this.deps.log.info(collapse.message);
    void vscode.window.showInformationMessage(collapse.message);
  }

  /** Generations that completed without any text are never silent: the user hears what happened. */
  private reportEmpty(outcomes: ReadonlyArray<GenerationOutcome | undefined>, total: number): void {
    const empty = outcomes.filter((o): o is GenerationOutcome => o?.status === 'completed' && o.text.length === 0);
    const message = describeEmptyResults(empty, total);
    if (!message) return;
    this.deps.log.warn(message);
    void vscode.window.showInformationMessage(message, 'Show Last Request').then((choice) => {
      if (choice) void vscode.commands.executeCommand('prefillLoom.showLastRequest');
    });
  }

  private run(context: RequestContext, params: GenerationParams, prefill: string, signal: AbortSignal, hooks: GenerationHooks): Promise<GenerationOutcome> {
    const maxTotalTokens = outputTokenBudget(context.settings.connection, params.max_tokens);
    return runGeneration({ client: this.clientFor(context), params, prefill, maxTotalTokens, signal, ...hooks });
  }

  /** A client for the context's endpoint, carrying that endpoint's key only. */
  private clientFor(context: RequestContext): GenerationClient {
    const { connection } = context.settings;
    const { endpoint, apiKey } = context;
    const shared = {
      baseUrl: context.url,
      timeoutMs: connection.requestTimeoutSeconds * 1000,
      maxRetries: connection.maxRetries,
      onRequest: (r: CapturedRequest) => this.deps.lastRequest.record(r),
    };
    if (endpoint.kind === 'anthropic') return createAnthropicClient({ ...shared, apiKey: apiKey ?? '' });
    return createOpenAIStyleClient({ ...shared, apiKey }, { kind: endpoint.kind, prefillStyle: endpoint.prefillStyle, logprobs: endpoint.logprobs });
  }

  private report(outcome: GenerationOutcome): void {
    const { log } = this.deps;
    log.info(`Generation ${outcome.status}: ${outcome.text.length} characters in ${outcome.requests.length} request(s), stop_reason ${outcome.stopReason ?? 'none'}.`);
    for (const warning of outcome.warnings) log.warn(warning);
    if (outcome.warnings.length > 0) void vscode.window.showWarningMessage(`Prefill Loom: ${outcome.warnings.join(' ')}`);
    if (outcome.status === 'failed') {
      const description = describeGenerationError(outcome.error);
      log.error(`${description.cause} ${description.nextStep}`);
      void reportGenerationError(description);
    }
  }

  private updateContextKey(): void {
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    void vscode.commands.executeCommand('setContext', GENERATING_CONTEXT_KEY, active !== undefined && this.running.has(active));
  }
}

/**
 * How much of the prefill the request sends, which is where the node hangs: on Anthropic the text
 * without its trailing whitespace (the continuation replaces it), elsewhere all of it.
 */
function sentLength(context: RequestContext, prefill: string): number {
  return context.endpoint.kind === 'anthropic' ? prefill.trimEnd().length : prefill.length;
}

function endOf(outcomes: ReadonlyArray<GenerationOutcome | undefined>): CommandEnd {
  return { summary: describeOutcomes(outcomes), failed: outcomes.some((o) => o?.status === 'failed') };
}

function origin(context: RequestContext): GenerationOrigin {
  return { endpoint: context.endpoint.name, endpointKind: context.endpoint.kind };
}

/** The endpoint a node was generated on; nodes from before endpoints came from Anthropic. */
function originEndpoint(generation: GenerationInfo | undefined): string | undefined {
  return generation ? (generation.endpoint ?? ANTHROPIC_ENDPOINT_NAME) : undefined;
}

/**
 * The editor turns every inserted line break into the document's own, so the continuation is made of
 * those from the start: the editor, the tree and the follow-up requests then all hold the same text.
 */
function lineEndingOf(document: vscode.TextDocument): LineEnding {
  return document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
}

function logTrailingWhitespace(log: vscode.LogOutputChannel, prefill: string): void {
  const { trailingWhitespace } = splitTrailingWhitespace(prefill);
  if (trailingWhitespace) {
    log.info(`The prefill ends in whitespace ${JSON.stringify(trailingWhitespace)}, which the API rejects: it is not sent, and the continuation replaces it.`);
  }
}
