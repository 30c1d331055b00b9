import * as vscode from 'vscode';
import { createAnthropicClient } from './core/anthropicClient';
import { runGeneration, type GenerationOutcome, type RequestRecord } from './core/generation';
import { describeGenerationError } from './core/generationError';
import { resolveGenerationParams } from './core/generationSettings';
import { splitTrailingWhitespace } from './core/prefill';
import { ZERO_USAGE, addUsage } from './core/tokenUsage';
import type { ApiKeyStore } from './apiKeyStore';
import { reportGenerationError } from './errorNotifier';
import type { GenerationStatusBar } from './generationStatusBar';
import type { HeaderDiagnostics } from './headerDiagnostics';
import type { LastRequestStore } from './lastRequest';
import type { SendGuard } from './sendGuard';
import { readLoomSettings, type LoomSettings } from './loomSettings';
import { StreamingInsertion } from './streamingInsertion';

export const GENERATING_CONTEXT_KEY = 'prefillLoom.generating';

export interface GenerationControllerDeps {
  keys: ApiKeyStore;
  log: vscode.LogOutputChannel;
  lastRequest: LastRequestStore;
  statusBar: GenerationStatusBar;
  headers: HeaderDiagnostics;
  guard: SendGuard;
}

interface Running {
  abort: AbortController;
}

/** Runs generations into editors: one at a time per document, any number across documents. */
export class GenerationController implements vscode.Disposable {
  private readonly running = new Map<string, Running>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: GenerationControllerDeps) {
    this.subscriptions = [vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKey())];
  }

  /** Continues the text before the cursor; resolves when the generation has ended, however it ended. */
  async continueAtCursor(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): Promise<GenerationOutcome | undefined> {
    if (!editor) {
      void vscode.window.showInformationMessage('Prefill Loom: open a text file and place the cursor where the model should continue.');
      return undefined;
    }
    const document = editor.document;
    if (this.running.has(document.uri.toString())) {
      void vscode.window.showWarningMessage('Prefill Loom: a generation is already running in this document. Stop it first (Escape).');
      return undefined;
    }
    const prepared = await this.prepare(editor);
    if (!prepared) return undefined;
    return this.generate(document, prepared);
  }

  /** Stops the generation in the given document, or every generation when none is given. */
  stop(document?: vscode.TextDocument): boolean {
    const targets = document ? [this.running.get(document.uri.toString())] : [...this.running.values()];
    let stopped = false;
    for (const run of targets) {
      if (run) {
        run.abort.abort();
        stopped = true;
      }
    }
    return stopped;
  }

  dispose(): void {
    this.stop();
    for (const s of this.subscriptions) s.dispose();
  }

  private async prepare(editor: vscode.TextEditor): Promise<Prepared | undefined> {
    const document = editor.document;
    const header = this.deps.headers.check(document);
    const firstError = header.diagnostics.find((d) => d.severity === 'error');
    if (firstError) {
      void vscode.window.showErrorMessage(`Prefill Loom: the document header has an error on line ${firstError.line + 1}: ${firstError.message}`);
      return undefined;
    }
    const cursor = document.offsetAt(editor.selection.active);
    if (cursor < header.bodyOffset) {
      void vscode.window.showWarningMessage('Prefill Loom: the cursor is inside the document header. Place it in the text after the header.');
      return undefined;
    }
    const settings = readLoomSettings();
    for (const problem of settings.problems) this.deps.log.warn(problem);
    if (settings.problems.length > 0) {
      void vscode.window.showWarningMessage(`Prefill Loom: ${settings.problems[0]}`, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'prefillLoom');
      });
    }
    const apiKey = await this.deps.keys.get();
    if (!apiKey) {
      const choice = await vscode.window.showErrorMessage(
        'Prefill Loom: no Anthropic API key. Set one (kept in secret storage), or set ANTHROPIC_API_KEY in the environment.',
        'Set API Key',
      );
      if (choice) await vscode.commands.executeCommand('prefillLoom.setApiKey');
      return undefined;
    }
    if (!(await this.deps.guard.maySend(settings.connection.baseUrl))) return undefined;
    return {
      apiKey,
      settings,
      params: resolveGenerationParams(settings.defaults, header.fields),
      prefill: document.getText().slice(header.bodyOffset, cursor),
      cursor,
    };
  }

  private async generate(document: vscode.TextDocument, prepared: Prepared): Promise<GenerationOutcome> {
    const { log, statusBar, lastRequest } = this.deps;
    const key = document.uri.toString();
    const abort = new AbortController();
    this.running.set(key, { abort });
    this.updateContextKey();
    const insertion = new StreamingInsertion(document, prepared.cursor, () => {
      log.info('The document was closed; stopping its generation.');
      abort.abort();
    });
    logTrailingWhitespace(log, prepared.prefill);
    let usage = ZERO_USAGE;
    let requestCount = 0;
    const model = prepared.params.model;
    statusBar.show(model, usage, 0, true);
    try {
      const client = createAnthropicClient({
        apiKey: prepared.apiKey,
        baseUrl: prepared.settings.connection.baseUrl,
        timeoutMs: prepared.settings.connection.requestTimeoutSeconds * 1000,
        maxRetries: prepared.settings.connection.maxRetries,
        onRequest: (r) => lastRequest.record(r),
      });
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Prefill Loom: generating' },
        () =>
          runGeneration({
            client,
            params: prepared.params,
            prefill: prepared.prefill,
            maxTotalTokens: Math.max(prepared.settings.connection.maxTotalTokens, prepared.params.max_tokens),
            signal: abort.signal,
            onEdit: (edit) => insertion.push(edit),
            onRequestStart: (record) => logRequestStart(log, record, requestCount),
            onRequestEnd: (record) => {
              requestCount++;
              usage = addUsage(usage, record.usage);
              statusBar.show(model, usage, requestCount, true);
              logRequestEnd(log, record);
            },
          }),
      );
      await insertion.flushed();
      statusBar.show(model, outcome.usage, outcome.requests.length, false);
      this.report(outcome);
      return outcome;
    } finally {
      insertion.dispose();
      this.running.delete(key);
      this.updateContextKey();
    }
  }

  private report(outcome: GenerationOutcome): void {
    const { log } = this.deps;
    log.info(`Generation ${outcome.status}: ${outcome.text.length} characters in ${outcome.requests.length} request(s), stop_reason ${outcome.stopReason ?? 'none'}.`);
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

interface Prepared {
  apiKey: string;
  settings: LoomSettings;
  params: ReturnType<typeof resolveGenerationParams>;
  prefill: string;
  cursor: number;
}

function logTrailingWhitespace(log: vscode.LogOutputChannel, prefill: string): void {
  const { trailingWhitespace } = splitTrailingWhitespace(prefill);
  if (trailingWhitespace) {
    log.info(`The prefill ends in whitespace ${JSON.stringify(trailingWhitespace)}, which the API rejects: it is not sent, and the continuation replaces it.`);
  }
}

function logRequestStart(log: vscode.LogOutputChannel, record: RequestRecord, index: number): void {
  const tail = JSON.stringify(record.prefillSent.slice(-40));
  log.info(`Request ${index + 1}: model ${record.body.model}, max_tokens ${record.body.max_tokens}, prefill of ${record.prefillSent.length} characters ending ${tail}.`);
}

function logRequestEnd(log: vscode.LogOutputChannel, record: RequestRecord): void {
  log.info(
    `Response: stop_reason ${record.stopReason ?? 'none'}, ${record.usage.input_tokens} input / ${record.usage.output_tokens} output tokens, ${record.text.length} characters in ${record.durationMs} ms${record.error ? `, error: ${record.error}` : ''}.`,
  );
}
