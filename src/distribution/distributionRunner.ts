import * as vscode from 'vscode';
import { prefillAtCursor } from '../conversation/prefillAtCursor';
import { parseDocumentHeader } from '../core/conversation/documentHeader';
import type { GenerationParams } from '../core/conversation/generationSettings';
import { splitTrailingWhitespace } from '../core/conversation/prefill';
import { summarizeSamples } from '../core/distribution/distribution';
import type { DistributionRun } from '../core/distribution/distributionExport';
import { withoutLastWord } from '../core/distribution/firstTokens';
import { nextTokenDistribution } from '../core/distribution/nextToken';
import { runSamples } from '../core/distribution/sampleRun';
import { alternativesQuestion } from '../core/generation/alternativesConfirmation';
import type { GenerationClient } from '../core/generation/generation';
import { outputTokenBudget } from '../core/providers/connectionSettings';
import { OpenAIStyleClient } from '../core/providers/openaiClient';
import type { LoomSettings } from '../conversation/loomSettings';
import { pickAlternativeCount } from '../generation/alternativeCountPicker';
import type { GenerationController } from '../generation/generationController';
import { DistributionPanel, type LabelledRun } from '../webviews/distributionPanel';

/** Samples asked for when nobody says otherwise: enough to see a 15% switch at a glance. */
export const DEFAULT_SAMPLE_COUNT = 20;
const PREFILL_TAIL = 80;

export interface DistributionRunnerDeps {
  generations: GenerationController;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

/** What a script or keybinding may pass instead of being asked; `confirm: false` skips the cost question. */
export interface DistributionRequest {
  count?: number;
  confirm?: boolean;
}

interface Prepared {
  client: GenerationClient;
  settings: LoomSettings;
  params: GenerationParams;
  endpoint: string;
}

/**
 * Samples the distribution at the cursor (or two, side by side) with the document's endpoint and
 * parameters, and shows it in a distribution panel.
 */
export class DistributionRunner implements vscode.Disposable {
  private readonly panels = new Set<vscode.WebviewPanel>();

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

  dispose(): void {
    for (const panel of this.panels) panel.dispose();
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
    const prepared = await this.prepare(editor.document);
    if (!prepared) return undefined;
    const count = request.count ?? (await pickAlternativeCount(DEFAULT_SAMPLE_COUNT, COUNT_QUESTION));
    if (!count) return undefined;
    const targets = points(at);
    if (request.confirm !== false && !(await confirmCost(count * targets.length, prepared, at.length))) return undefined;
    const runs = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Prefill Loom: sampling the distribution', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const total = count * targets.length;
        let done = 0;
        const results: LabelledRun[] = [];
        for (const target of targets) {
          if (abort.signal.aborted) break;
          results.push(
            await this.run(prepared, target, count, abort.signal, () => progress.report({ increment: 100 / total, message: `${++done} of ${total} samples` })),
          );
        }
        return results;
      },
    );
    this.present(runs);
    return runs;
  }

  private async prepare(document: vscode.TextDocument): Promise<Prepared | undefined> {
    const prepared = await this.deps.generations.prepareRequests(document);
    if (!prepared) return undefined;
    const named = parseDocumentHeader(document.getText()).fields.endpoint;
    return { ...prepared, endpoint: named ?? prepared.settings.defaultEndpoint };
  }

  private async run(prepared: Prepared, target: { label: string; prefill: string }, count: number, signal: AbortSignal, onSample: () => void): Promise<LabelledRun> {
    const { client, settings, params } = prepared;
    const generation = { client, params, prefill: target.prefill, signal };
    const run = await runSamples({ ...generation, maxTotalTokens: outputTokenBudget(settings.connection, params.max_tokens), count, concurrency: settings.connection.concurrency, onSample });
    // After the samples, not among them: a seeded server then gives the samples the first seeds, as the CLI's run does.
    const nextToken = signal.aborted ? undefined : await nextTokenDistribution(generation).catch(() => undefined);
    const sent = client instanceof OpenAIStyleClient ? target.prefill : splitTrailingWhitespace(target.prefill).sent;
    const distribution: DistributionRun = {
      request: {
        endpoint: prepared.endpoint,
        model: params.model,
        temperature: params.temperature ?? null,
        maxTokens: params.max_tokens,
        concurrency: settings.connection.concurrency,
        prefillTail: sent.slice(-PREFILL_TAIL),
      },
      samples: run.samples,
      summary: summarizeSamples(run.samples, { model: params.model, requested: count }),
    };
    this.deps.log.info(`Sample Distribution (${target.label}): ${distribution.summary.totals.completed} of ${count} samples completed, ${distribution.summary.totals.failed} failed.`);
    return { label: target.label, run: distribution, ...(nextToken ? { nextToken } : {}) };
  }

  private present(runs: LabelledRun[]): void {
    if (runs.length === 0) return;
    const panel = DistributionPanel.show(this.deps.extensionUri, runs, this.deps.log);
    this.panels.add(panel);
    panel.onDidDispose(() => this.panels.delete(panel));
  }
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
  return {
    count: Number.isSafeInteger(r.count) && (r.count as number) >= 1 ? (r.count as number) : undefined,
    confirm: r.confirm === false ? false : undefined,
  };
}
