import * as vscode from 'vscode';
import { alignGroups } from '../core/distribution/comparison';
import { distributionCsv, distributionJson, distributionMarkdown, type DistributionRun } from '../core/distribution/distributionExport';
import type { TextGroup } from '../core/distribution/grouping';
import type { NextTokenDistribution } from '../core/distribution/nextToken';
import { formatUsd } from '../core/shared/pricing';
import { webviewHtml, webviewOptions } from './webviewHtml';
import {
  parseFromDistribution,
  type DistributionExportFormat,
  type DistributionGroupView,
  type DistributionPanelView,
  type DistributionRunView,
  type ToDistribution,
} from './webviewProtocol';

export const DISTRIBUTION_PANEL_TYPE = 'prefillLoom.distribution';

/** A run as the panel shows it: the run, which prefill it sampled, and the model's own next-token distribution where known. */
export interface LabelledRun {
  label: string;
  run: DistributionRun;
  nextToken?: NextTokenDistribution;
}

/**
 * Hangs samples `samples` of run `run` into the loom; resolves with a sentence saying where, or
 * undefined when nothing was saved (the user has been told why).
 */
export type SaveSamples = (run: number, samples: readonly number[]) => Promise<string | undefined>;

const EXPORTS: Record<DistributionExportFormat, { language: string; render: (run: DistributionRun) => string }> = {
  json: { language: 'json', render: distributionJson },
  csv: { language: 'csv', render: distributionCsv },
  markdown: { language: 'markdown', render: distributionMarkdown },
};

/**
 * One run, or two side by side, in a webview panel beside the editor, with exports and saving into
 * the loom. It opens when sampling starts and fills as samples arrive ({@link update}); saving and
 * exports come with the finished runs ({@link finish}).
 */
export class DistributionPanel {
  readonly panel: vscode.WebviewPanel;
  private readonly title: string;
  private runs: readonly LabelledRun[];
  /** How many of how many samples arrived, while they are arriving. */
  private progress: string | undefined;
  private save: SaveSamples | undefined;
  /** The page has asked for the view: from then on each change is posted to it. */
  private pageReady = false;
  /** Per run: the samples whose text the page has; a page that (re)loads has none. */
  private readonly sentTexts = new Map<number, Set<number>>();
  private disposed = false;
  private finishedShown!: () => void;
  /** Resolves once the page has the finished runs, or the panel is closed. */
  readonly shown = new Promise<void>((resolve) => (this.finishedShown = resolve));

  private constructor(
    extensionUri: vscode.Uri,
    runs: readonly LabelledRun[],
    progress: string | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.runs = runs;
    this.progress = progress;
    this.title = runs.length > 1 ? 'Compared Distributions' : 'Distribution at the Point';
    this.panel = vscode.window.createWebviewPanel(DISTRIBUTION_PANEL_TYPE, this.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, { script: 'distribution.js', style: 'distribution.css', title: this.title });
    const subscription = this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw));
    this.panel.onDidDispose(() => {
      this.disposed = true;
      subscription.dispose();
      this.finishedShown();
    });
  }

  /** A panel for runs still sampling: `progress` says how far they are. */
  static open(extensionUri: vscode.Uri, runs: readonly LabelledRun[], progress: string, log: vscode.LogOutputChannel): DistributionPanel {
    return new DistributionPanel(extensionUri, runs, progress, log);
  }

  /** A panel for finished runs; `save` is left out when the document's loom cannot take samples. */
  static show(extensionUri: vscode.Uri, runs: readonly LabelledRun[], log: vscode.LogOutputChannel, save?: SaveSamples): DistributionPanel {
    const panel = new DistributionPanel(extensionUri, runs, undefined, log);
    panel.save = save;
    return panel;
  }

  /** Closed by the user (or with the window). */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The runs as they stand while samples arrive. */
  update(runs: readonly LabelledRun[], progress: string): void {
    this.runs = runs;
    this.progress = progress;
    void this.postView();
  }

  /** The finished runs; resolves once the page has them, or at once when it has not loaded yet (it asks for them when it has). */
  finish(runs: readonly LabelledRun[], save?: SaveSamples): Promise<void> {
    this.runs = runs;
    this.progress = undefined;
    this.save = save;
    return this.postView();
  }

  /** Handles a message from the panel's page (public so a test can send what the page sends). */
  async receive(raw: unknown): Promise<void> {
    const message = parseFromDistribution(raw);
    if (!message) {
      this.log.warn('Distribution panel: ignored a message that is not in the protocol.');
      return;
    }
    if (message.type === 'ready') {
      this.pageReady = true;
      this.sentTexts.clear();
      await this.postView();
      return;
    }
    const run = this.runs[message.run]?.run;
    if (!run) return;
    if (message.type === 'export') {
      await openExport(run, message.format);
      return;
    }
    const known = new Set(run.samples.map((s) => s.index));
    const samples = message.samples.filter((i) => known.has(i));
    const saved = samples.length > 0 ? await this.save?.(message.run, samples) : undefined;
    if (saved) await this.post({ type: 'saved', run: message.run, samples, message: saved });
  }

  /** What the page shows now (public so a test can read it). */
  get view(): DistributionPanelView {
    return panelView(this.title, this.runs, this.save !== undefined, this.progress);
  }

  private async postView(): Promise<void> {
    if (!this.pageReady) return;
    const finished = this.progress === undefined;
    await this.post({ type: 'distribution', view: withTextsOnce(this.view, this.sentTexts) });
    if (finished) this.finishedShown();
  }

  private async post(message: ToDistribution): Promise<void> {
    if (this.disposed) return;
    await this.panel.webview.postMessage(message);
  }
}

/** Opens an export as an untitled document: the user saves or copies it from there. */
export async function openExport(run: DistributionRun, format: DistributionExportFormat): Promise<void> {
  const { language, render } = EXPORTS[format];
  const document = await vscode.workspace.openTextDocument({ language, content: render(run) });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

/**
 * What the panel is sent: every run, and with two, each group's share in both. `progress` (how many
 * of how many samples arrived) while samples are arriving: nothing is cancelled then, only to come.
 */
export function panelView(title: string, runs: readonly LabelledRun[], savable = false, progress?: string): DistributionPanelView {
  const [a, b] = runs;
  const aligned = (mode: 'exact' | 'loose') =>
    alignGroups(a.run.summary[mode], b.run.summary[mode], mode).map(({ text, shareA, shareB, difference }) => ({ text, shareA, shareB, difference }));
  return {
    title,
    runs: runs.map((r) => runView(r, progress === undefined && savable, progress !== undefined)),
    ...(b ? { aligned: { exact: aligned('exact'), loose: aligned('loose') } } : {}),
    ...(progress === undefined ? {} : { progress }),
  };
}

/**
 * `view` with each sample's text left out where `sent` (per run, the samples whose text the page
 * has) says the page has it already; adds those it carries to `sent`. A live run is posted up to ten
 * times a second, and its samples' texts were most of every message.
 */
export function withTextsOnce(view: DistributionPanelView, sent: Map<number, Set<number>>): DistributionPanelView {
  const runs = view.runs.map((run, i) => {
    const known = sent.get(i) ?? new Set<number>();
    sent.set(i, known);
    const samples = run.samples.map(({ text, ...rest }) => {
      if (known.has(rest.index)) return rest;
      known.add(rest.index);
      return { ...rest, text };
    });
    return { ...run, samples };
  });
  return { ...view, runs };
}

function runView({ label, run, nextToken }: LabelledRun, savable: boolean, arriving: boolean): DistributionRunView {
  const { request, summary } = run;
  const { totals } = summary;
  const unfinished = totals.cancelled + totals.notStarted;
  const samples = `${totals.completed} of ${totals.requested} completed, ${totals.failed} failed, ${unfinished} ${arriving ? 'to come' : 'cancelled'}`;
  return {
    label,
    facts: [
      ['Endpoint', request.endpoint],
      ['Model', request.model],
      ['Temperature', String(request.temperature ?? 'API default')],
      ['max_tokens', String(request.maxTokens)],
      ['Concurrency', String(request.concurrency)],
      ['Prefill ends', request.prefillTail],
      ['Samples', samples],
      ['Tokens', `${totals.usage.input_tokens} input / ${totals.usage.output_tokens} output${totals.costUsd === null ? '' : `, ${formatUsd(totals.costUsd)}`}`],
    ],
    samples: run.samples.map((s) => ({ index: s.index, status: s.status, text: s.text, ...(s.error ? { error: s.error.cause } : {}) })),
    exact: groups(summary.exact),
    loose: groups(summary.loose),
    firstUnit: summary.firstUnit,
    firstUnits: groups(summary.firstUnits),
    scripts: summary.scripts.map(({ script, share }) => ({ script, share })),
    ...(nextToken ? { nextToken: nextToken.alternatives } : {}),
    partial: !arriving && unfinished > 0,
    savable,
  };
}

function groups(list: readonly TextGroup[]): DistributionGroupView[] {
  return list.map(({ text, count, share, members }) => ({ text, count, share, members }));
}
