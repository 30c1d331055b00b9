import * as vscode from 'vscode';
import type { ProbeReport } from '../core/reproducibility/prefillProbe';
import { prefillTailCell, probeReportMarkdown, summarizeProbe } from '../core/reproducibility/probeReport';
import { formatUsd } from '../core/shared/pricing';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { parseFromProbeReport, type ProbeReportView, type ToProbeReport } from './webviewProtocol';

export const PROBE_REPORT_PANEL_TYPE = 'prefillLoom.probeReport';

/**
 * A probe's report in a webview panel beside the editor: its facts and a table of split points, with
 * an export to Markdown and a way back to each split point in the editor.
 */
export class ProbeReportPanel {
  /** Reports opened in this window: each tab gets a number, so repeated probes are told apart. */
  private static opened = 0;
  /**
   * Opens a panel for `report`; `reveal` shows a split point (an offset in the probed node's text)
   * in the editor.
   */
  static show(extensionUri: vscode.Uri, report: ProbeReport, reveal: (offset: number) => void, log: vscode.LogOutputChannel): vscode.WebviewPanel {
    const title = `Prefill Probe Report ${++ProbeReportPanel.opened}`;
    const panel = vscode.window.createWebviewPanel(PROBE_REPORT_PANEL_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
    panel.webview.html = webviewHtml(panel.webview, extensionUri, { script: 'probeReport.js', style: 'probeReport.css', title });
    const subscription = panel.webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseFromProbeReport(raw);
      if (!message) {
        log.warn('Probe report: ignored a message that is not in the protocol.');
        return;
      }
      switch (message.type) {
        case 'ready':
          void panel.webview.postMessage({ type: 'report', report: reportView(report) } satisfies ToProbeReport);
          return;
        case 'exportMarkdown':
          void openMarkdown(report);
          return;
        case 'reveal':
          reveal(message.offset);
          return;
      }
    });
    panel.onDidDispose(() => subscription.dispose());
    return panel;
  }
}

/** Opens the report as an untitled Markdown document: the user saves or copies it from there. */
export async function openMarkdown(report: ProbeReport): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: probeReportMarkdown(report) });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

function reportView(report: ProbeReport): ProbeReportView {
  const summary = summarizeProbe(report.points);
  return {
    title: `Prefill consistency: ${report.points.length} split points${report.cancelled ? ' (stopped early)' : ''}`,
    facts: [
      ['Model', report.model],
      ['Temperature', String(report.params.temperature ?? 'API default (1)')],
      ['Split', SPLIT_NAMES[report.split]],
      ['Samples per point', String(report.samples)],
      ['Tokens per probe', String(report.probeTokens)],
      ['Findings', `${summary.consistent} consistent, ${summary.divergent} divergent, ${summary.mixed} mixed, ${summary.failed} failed`],
      ['Usage', `${report.usage.input_tokens} input / ${report.usage.output_tokens} output tokens${report.costUsd === undefined ? '' : `, ${formatUsd(report.costUsd)}`}`],
    ],
    points: report.points.map((p) => ({
      offset: p.offset,
      prefillTail: prefillTailCell(report.nodeText, p.offset),
      expected: p.expected,
      got: p.samples.map((s) => s.error ?? s.text),
      verdict: p.verdict,
    })),
  };
}

const SPLIT_NAMES: Record<ProbeReport['split'], string> = { word: 'word boundaries', char: 'every character', token: "the model's token boundaries" };
