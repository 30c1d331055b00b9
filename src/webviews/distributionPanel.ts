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

const EXPORTS: Record<DistributionExportFormat, { language: string; render: (run: DistributionRun) => string }> = {
  json: { language: 'json', render: distributionJson },
  csv: { language: 'csv', render: distributionCsv },
  markdown: { language: 'markdown', render: distributionMarkdown },
};

/** One run, or two side by side, in a webview panel beside the editor, with exports. */
export class DistributionPanel {
  static show(extensionUri: vscode.Uri, runs: readonly LabelledRun[], log: vscode.LogOutputChannel): vscode.WebviewPanel {
    const title = runs.length > 1 ? 'Compared Distributions' : 'Distribution at the Point';
    const panel = vscode.window.createWebviewPanel(DISTRIBUTION_PANEL_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { script: 'distribution.js', style: 'distribution.css', title });
    const subscription = panel.webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseFromDistribution(raw);
      if (!message) {
        log.warn('Distribution panel: ignored a message that is not in the protocol.');
        return;
      }
      if (message.type === 'ready') {
        void panel.webview.postMessage({ type: 'distribution', view: panelView(title, runs) } satisfies ToDistribution);
        return;
      }
      const run = runs[message.run]?.run;
      if (run) void openExport(run, message.format);
    });
    panel.onDidDispose(() => subscription.dispose());
    return panel;
  }
}

/** Opens an export as an untitled document: the user saves or copies it from there. */
export async function openExport(run: DistributionRun, format: DistributionExportFormat): Promise<void> {
  const { language, render } = EXPORTS[format];
  const document = await vscode.workspace.openTextDocument({ language, content: render(run) });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

/** What the panel is sent: every run, and with two, each group's share in both. */
export function panelView(title: string, runs: readonly LabelledRun[]): DistributionPanelView {
  const [a, b] = runs;
  const aligned = (mode: 'exact' | 'loose') =>
    alignGroups(a.run.summary[mode], b.run.summary[mode], mode).map(({ text, shareA, shareB, difference }) => ({ text, shareA, shareB, difference }));
  return { title, runs: runs.map(runView), ...(b ? { aligned: { exact: aligned('exact'), loose: aligned('loose') } } : {}) };
}

function runView({ label, run, nextToken }: LabelledRun): DistributionRunView {
  const { request, summary } = run;
  const { totals } = summary;
  return {
    label,
    facts: [
      ['Endpoint', request.endpoint],
      ['Model', request.model],
      ['Temperature', String(request.temperature ?? 'API default')],
      ['max_tokens', String(request.maxTokens)],
      ['Concurrency', String(request.concurrency)],
      ['Prefill ends', request.prefillTail],
      ['Samples', `${totals.completed} of ${totals.requested} completed, ${totals.failed} failed, ${totals.cancelled + totals.notStarted} cancelled`],
      ['Tokens', `${totals.usage.input_tokens} input / ${totals.usage.output_tokens} output${totals.costUsd === null ? '' : `, ${formatUsd(totals.costUsd)}`}`],
    ],
    samples: run.samples.map((s) => ({ index: s.index, status: s.status, text: s.text, ...(s.error ? { error: s.error.cause } : {}) })),
    exact: groups(summary.exact),
    loose: groups(summary.loose),
    firstUnit: summary.firstUnit,
    firstUnits: groups(summary.firstUnits),
    scripts: summary.scripts.map(({ script, share }) => ({ script, share })),
    ...(nextToken ? { nextToken: nextToken.alternatives } : {}),
  };
}

function groups(list: readonly TextGroup[]): DistributionGroupView[] {
  return list.map(({ text, count, share, members }) => ({ text, count, share, members }));
}
