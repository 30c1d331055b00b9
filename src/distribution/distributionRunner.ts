import * as vscode from 'vscode';
import { prefillAtCursor } from '../conversation/prefillAtCursor';
import { parseDocumentHeader } from '../core/conversation/documentHeader';
import type { GenerationParams } from '../core/conversation/generationSettings';
import { splitTrailingWhitespace } from '../core/conversation/prefill';
import { summarizeSamples } from '../core/distribution/distribution';
import type { DistributionRun } from '../core/distribution/distributionExport';
import { withoutLastWord } from '../core/distribution/firstTokens';
import { nextTokenDistribution, type NextTokenDistribution } from '../core/distribution/nextToken';
import { runSamples, type Sample } from '../core/distribution/sampleRun';
import { addSampleNodes, type SamplePoint } from '../core/distribution/sampleNodes';
import { typedMaxTokens, typedTemperature, type Typed } from '../core/distribution/samplingParams';
import { alternativesQuestion } from '../core/generation/alternativesConfirmation';
import type { GenerationClient } from '../core/generation/generation';
import { outputTokenBudget } from '../core/providers/connectionSettings';
import type { EndpointKind } from '../core/providers/endpointKind';
import { throttle } from '../core/shared/throttle';
import { addUsage, ZERO_USAGE } from '../core/shared/tokenUsage';
import { OpenAIStyleClient } from '../core/providers/openaiClient';
import type { LoomSettings } from '../conversation/loomSettings';
import { pickAlternativeCount } from '../generation/alternativeCountPicker';
import type { GenerationController } from '../generation/generationController';
import type { LoomSessions } from '../session/loomSessions';
import { DistributionPanel, type LabelledRun } from '../webviews/distributionPanel';

/** Samples asked for when nobody says otherwise: enough to see a 15% switch at a glance. */
export const DEFAULT_SAMPLE_COUNT = 20;
const PREFILL_TAIL = 80;
/** The progress line and the status bar follow the samples at most this often (and once more at the end). */
const UPDATE_INTERVAL_MS = 100;

export interface DistributionRunnerDeps {
  generations: GenerationController;
  sessions: LoomSessions;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

/**
 * What a script or keybinding may pass instead of being asked; `confirm: false` skips the cost
 * question. With a count given, temperature and max_tokens are the document's unless given too.
 */
export interface DistributionRequest {
  count?: number;
  confirm?: boolean;
  temperature?: number;
  maxTokens?: number;
}

interface Prepared {
  client: GenerationClient;
  settings: LoomSettings;
  params: GenerationParams;
  endpoint: string;
  endpointKind: EndpointKind;
}

/** Where a panel's samples go when saved into the loom: the document, and the point of each run. */
interface SaveTarget {
  document: vscode.TextDocument;
  points: SamplePoint[];
  prepared: Prepared;
}

/**
 * Samples the distribution at the cursor (or two, side by side) with the document's endpoint and
 * parameters, and shows it in a distribution panel.
 */
export class DistributionRunner implements vscode.Disposable {
  private readonly panels = new Set<DistributionPanel>();
  private readonly running = new Set<AbortController>();
  private latest: DistributionPanel | undefined;

  constructor(private readonly deps: DistributionRunnerDeps) {}

  /** Samples at the cursor; resolves with the runs shown, or undefined if nothing ran. */
  sampleAtCursor(editor = vscode.window.activeTextEditor, raw?: unknown): Promise<LabelledRun[] | undefined> {
    return this.sample(editor, parseRequest(raw), (prefill) => [{ label: 'At the cursor', prefill }]);
  }

  /** Samples the text up to the cursor and the same without its last word, and shows both aligned. */
  compareAtCursor(editor = vscode.window.activeTextEditor, raw?: unknown): Promise<LabelledRun[] | undefined> {
    return this.sample(editor, parseRequest(raw), (prefill) => [
      { label: 'At the cursor', prefill },
      { label: 'Without the last word', prefill: withoutLastWord(prefill) },
    ]);
  }

  /** The panel opened last, while it is open. */
  get lastPanel(): DistributionPanel | undefined {
    return this.latest;
  }

  /** Stops the sampling runs in progress, keeping what arrived; false when none was running. */
  stop(): boolean {
    for (const abort of this.running) abort.abort();
    return this.running.size > 0;
  }

  dispose(): void {
    this.stop();
    for (const panel of this.panels) panel.panel.dispose();
  }

  private async sample(
    editor: vscode.TextEditor | undefined,
    request: DistributionRequest,
    points: (prefill: string) => Array<{ label: string; prefill: string }>,
  ): Promise<LabelledRun[] | undefined> {
    const at = editor && prefillAtCursor(editor);
    if (!editor || at === undefined) {
      void vscode.window.showInformationMessage('Prefill Loom: put the cursor in the body of a document (below its header), then sample the distribution there.');
      return undefined;
    }
    const ready = await this.prepare(editor.document);
    if (!ready) return undefined;
    const count = request.count ?? (await pickAlternativeCount(DEFAULT_SAMPLE_COUNT, COUNT_QUESTION));
    if (!count) return undefined;
    const params = request.count === undefined ? await pickSamplingParams(ready.params) : withOverrides(ready.params, request);
    if (!params) return undefined;
    const prepared = { ...ready, params };
    const targets = points(at);
    const session = await this.deps.sessions.sessionFor(editor.document);
    // The point in the loom, caught up with the buffer now: the buffer may have moved on when samples are saved.
    session?.bodyOffsetAt(editor.selection.active);
    const anchorId = session?.currentId;
    if (request.confirm !== false && !(await confirmCost(count * targets.length, prepared, at.length))) return undefined;
    const tally = this.deps.generations.startTally(prepared.params.model);
    const total = count * targets.length;
    // Samples of each point as they end, in the order they end.
    const arrived = targets.map((): Sample[] => []);
    const liveRuns = () => targets.map((target, i) => labelledRun(prepared, target, count, arrived[i]));
    const progressText = (done: number) => `${done} of ${total} samples`;
    // Open before the first request, so its creation overlaps the requests and the person sees the distribution forming.
    const panel = this.track(DistributionPanel.open(this.deps.extensionUri, liveRuns(), progressText(0), this.deps.log));
    let stopped = false;
    const runs = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Prefill Loom: sampling the distribution', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        this.running.add(abort);
        token.onCancellationRequested(() => abort.abort());
        let done = 0;
        // What ended since the status bar, the progress line and the panel last showed it.
        let unshown = { samples: 0, usage: ZERO_USAGE, requests: 0 };
        const update = throttle(() => {
          tally.count(unshown.usage, unshown.requests);
          progress.report({ increment: (100 * unshown.samples) / total, message: progressText(done) });
          panel.update(liveRuns(), progressText(done));
          unshown = { samples: 0, usage: ZERO_USAGE, requests: 0 };
        }, UPDATE_INTERVAL_MS);
        const results: LabelledRun[] = [];
        try {
          for (const [i, target] of targets.entries()) {
            if (abort.signal.aborted) break;
            results.push(
              await this.run(prepared, target, count, abort.signal, (sample) => {
                done++;
                arrived[i].push(sample);
                unshown = { samples: unshown.samples + 1, usage: addUsage(unshown.usage, sample.usage), requests: unshown.requests + sample.requests };
                update.changed();
              }),
            );
          }
        } finally {
          update.flush();
          this.running.delete(abort);
          stopped = abort.signal.aborted;
        }
        return results;
      },
    );
    const sampled = runs.reduce((n, r) => n + r.run.samples.length, 0);
    tally.finish({ summary: `sampling ${stopped ? 'stopped' : 'finished'}: ${sampled} samples`, failed: false });
    const saveTarget = anchorId === undefined ? undefined : { document: editor.document, prepared, points: runs.map((_, i) => ({ anchorId, offset: sentText(prepared, targets[i].prefill).length })) };
    await this.present(panel, runs, saveTarget);
    return runs;
  }

  /** Hangs samples of a run into the document's loom at the run's point; says where, or why not. */
  private async save(target: SaveTarget, run: LabelledRun, point: SamplePoint, indices: readonly number[]): Promise<string | undefined> {
    const name = vscode.workspace.asRelativePath(target.document.uri);
    const session = target.document.isClosed ? undefined : await this.deps.sessions.sessionFor(target.document);
    if (!session || !session.tree.has(point.anchorId) || session.tree.textOf(point.anchorId).length < point.offset) {
      void vscode.window.showWarningMessage(`Prefill Loom: the samples could not be saved: the point they were drawn at is no longer in the loom of ${name} (the document was closed, or that part of the loom was deleted). Sample again at the cursor to keep samples.`);
      return undefined;
    }
    const chosen = new Set(indices);
    const samples = run.run.samples.filter((s) => chosen.has(s.index) && s.text.length > 0);
    const { params, endpoint, endpointKind } = target.prepared;
    addSampleNodes(session.tree, point, samples, { run: runId(run), of: run.run.summary.totals.requested, model: params.model, params: { ...params }, endpoint, endpointKind });
    const empty = indices.length - samples.length;
    const message = `Saved ${plural(samples.length, 'sample')} into the loom of ${name} as branches at the point${empty > 0 ? ` (${plural(empty, 'empty sample')} left out: nothing to show)` : ''}. The editor is unchanged: pick a sample in the Loom view to show it.`;
    this.deps.log.info(`Sample Distribution: ${message}`);
    void vscode.window.showInformationMessage(`Prefill Loom: ${message}`);
    return message;
  }

  private async prepare(document: vscode.TextDocument): Promise<Prepared | undefined> {
    const prepared = await this.deps.generations.prepareRequests(document);
    if (!prepared) return undefined;
    const endpoint = parseDocumentHeader(document.getText()).fields.endpoint ?? prepared.settings.defaultEndpoint;
    const endpointKind = prepared.settings.endpoints.find((e) => e.name === endpoint)?.kind ?? 'anthropic';
    return { ...prepared, endpoint, endpointKind };
  }

  private async run(prepared: Prepared, target: { label: string; prefill: string }, count: number, signal: AbortSignal, onSample: (sample: Sample) => void): Promise<LabelledRun> {
    const { client, settings, params } = prepared;
    const generation = { client, params, prefill: target.prefill, signal };
    const run = await runSamples({ ...generation, maxTotalTokens: outputTokenBudget(settings.connection, params.max_tokens), count, concurrency: settings.connection.concurrency, onSample });
    // After the samples, not among them: a seeded server then gives the samples the first seeds, as the CLI's run does.
    const nextToken = signal.aborted ? undefined : await nextTokenDistribution(generation).catch(() => undefined);
    const labelled = labelledRun(prepared, target, count, run.samples, nextToken);
    const { totals } = labelled.run.summary;
    this.deps.log.info(`Sample Distribution (${target.label}): ${totals.completed} of ${count} samples completed, ${totals.failed} failed.`);
    return labelled;
  }

  /**
   * The finished runs in the panel that showed them arriving, or in a new one if that was closed
   * meanwhile (the samples were paid for); the panel closes when no run started at all.
   */
  private async present(panel: DistributionPanel, runs: LabelledRun[], target: SaveTarget | undefined): Promise<void> {
    if (runs.length === 0) {
      panel.panel.dispose();
      return;
    }
    const save = target && ((run: number, samples: readonly number[]) => this.save(target, runs[run], target.points[run], samples));
    if (panel.isDisposed) this.track(DistributionPanel.show(this.deps.extensionUri, runs, this.deps.log, save));
    else await panel.finish(runs, save);
  }

  private track(panel: DistributionPanel): DistributionPanel {
    this.panels.add(panel);
    this.latest = panel;
    panel.panel.onDidDispose(() => {
      this.panels.delete(panel);
      if (this.latest === panel) this.latest = undefined;
    });
    return panel;
  }
}

/**
 * A point's run from the samples that ended so far (in any order: shown in index order), with the
 * model's own next-token distribution once known.
 */
function labelledRun(prepared: Prepared, target: { label: string; prefill: string }, count: number, samples: readonly Sample[], nextToken?: NextTokenDistribution): LabelledRun {
  const { settings, params } = prepared;
  const inOrder = [...samples].sort((a, b) => a.index - b.index);
  const run: DistributionRun = {
    request: {
      endpoint: prepared.endpoint,
      model: params.model,
      temperature: params.temperature ?? null,
      maxTokens: params.max_tokens,
      concurrency: settings.connection.concurrency,
      prefillTail: sentText(prepared, target.prefill).slice(-PREFILL_TAIL),
    },
    samples: inOrder,
    summary: summarizeSamples(inOrder, { model: params.model, requested: count }),
  };
  return { label: target.label, run, ...(nextToken ? { nextToken } : {}) };
}

/** The prefill as sent: only Anthropic holds its trailing whitespace back. */
function sentText(prepared: Prepared, prefill: string): string {
  return prepared.client instanceof OpenAIStyleClient ? prefill : splitTrailingWhitespace(prefill).sent;
}

/** One id per run, the same for every save from it, so a reader of the tree can tell runs apart. */
const runIds = new WeakMap<LabelledRun, string>();
function runId(run: LabelledRun): string {
  let id = runIds.get(run);
  if (!id) runIds.set(run, (id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`));
  return id;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const COUNT_QUESTION = {
  title: 'Prefill Loom: how many samples?',
  placeholder: 'Each sample is a whole continuation at the cursor; the panel groups and counts them. Type a number for another count',
  usual: [10, 50, 100, 200],
  configuredLabel: 'default',
};

/** The confirmation Generate Alternatives asks above its threshold, worded for samples. */
async function confirmCost(count: number, prepared: Prepared, promptChars: number): Promise<boolean> {
  const question = alternativesQuestion({
    count,
    model: prepared.params.model,
    promptChars,
    outputTokensEach: outputTokenBudget(prepared.settings.connection, prepared.params.max_tokens),
    noun: 'samples',
  });
  if (!question) return true;
  const choice = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, question.confirm);
  return choice === question.confirm;
}

function parseRequest(raw: unknown): DistributionRequest {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const typed = (read: (text: string) => Typed, value: unknown) => {
    const t = typeof value === 'number' ? read(String(value)) : undefined;
    return t && 'value' in t ? t.value : undefined;
  };
  return {
    count: Number.isSafeInteger(r.count) && (r.count as number) >= 1 ? (r.count as number) : undefined,
    confirm: r.confirm === false ? false : undefined,
    temperature: typed(typedTemperature, r.temperature),
    maxTokens: typed(typedMaxTokens, r.maxTokens),
  };
}

function withOverrides(params: GenerationParams, request: DistributionRequest): GenerationParams {
  return { ...params, ...(request.temperature !== undefined ? { temperature: request.temperature } : {}), ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}) };
}

interface ParamItem extends vscode.QuickPickItem {
  action: 'run' | 'temperature' | 'maxTokens';
}

/**
 * The run's temperature and max_tokens: the document's, taken with Enter, or changed for this run
 * only (the document is not edited). Undefined when the user backs out.
 */
async function pickSamplingParams(documentParams: GenerationParams): Promise<GenerationParams | undefined> {
  let params = documentParams;
  for (;;) {
    const temperature = params.temperature === undefined ? 'the API default' : String(params.temperature);
    const changed = (now: unknown, was: unknown) => (now === was ? 'from the document' : 'for this run only');
    const items: ParamItem[] = [
      { action: 'run', label: `Sample with temperature ${temperature} and max_tokens ${params.max_tokens}` },
      { action: 'temperature', label: 'Change the temperature…', description: `${temperature} (${changed(params.temperature, documentParams.temperature)})` },
      { action: 'maxTokens', label: 'Change max_tokens…', description: `${params.max_tokens} (${changed(params.max_tokens, documentParams.max_tokens)})` },
    ];
    const choice = await vscode.window.showQuickPick(items, { title: 'Prefill Loom: sampling parameters', placeHolder: 'Enter samples with these; the document itself is not changed' });
    if (!choice) return undefined;
    if (choice.action === 'run') return params;
    const temperatureAsked = choice.action === 'temperature';
    const read = temperatureAsked ? typedTemperature : typedMaxTokens;
    const typed = await vscode.window.showInputBox({
      title: temperatureAsked ? 'Prefill Loom: temperature for this run' : 'Prefill Loom: max_tokens for this run',
      value: String(temperatureAsked ? (params.temperature ?? 1) : params.max_tokens),
      validateInput: (text) => {
        const t = read(text);
        return 'problem' in t ? t.problem : undefined;
      },
    });
    const value = typed === undefined ? undefined : read(typed);
    if (value && 'value' in value) params = { ...params, ...(temperatureAsked ? { temperature: value.value } : { max_tokens: value.value }) };
  }
}
