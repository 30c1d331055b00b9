import * as vscode from 'vscode';
import type { GenerationParams } from '../core/conversation/generationSettings';
import type { LoomNode } from '../core/loom/loomNode';
import { planProbe, PROBE_DEFAULTS, PROBE_LIMITS, runProbe, type ProbePlan, type ProbePoint, type ProbeReport, type SplitMode } from '../core/reproducibility/prefillProbe';
import { formatUsd } from '../core/shared/pricing';
import { quoteExactly } from '../core/reproducibility/exactQuote';
import { nodeTokens } from '../core/providers/tokenLogprobs';
import type { DivergenceDecorations, MarkKind, NodeMark } from './divergenceDecorations';
import type { GenerationController } from '../generation/generationController';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';
import { openMarkdown, ProbeReportPanel } from '../webviews/probeReportPanel';

export interface PrefillProbeRunnerDeps {
  sessions: LoomSessions;
  generations: GenerationController;
  decorations: DivergenceDecorations;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

/**
 * What a keybinding or a script may pass to the command instead of being asked. `confirm: false`
 * skips the cost confirmation: the caller has already agreed to the budget it set.
 */
export interface ProbeRequest {
  split?: SplitMode;
  samples?: number;
  probeTokens?: number;
  maxPoints?: number;
  confirm?: boolean;
}

const VERDICT_MARKS: Record<ProbePoint['verdict'], MarkKind> = { consistent: 'consistent', divergent: 'probeDivergent', mixed: 'mixed', failed: 'failed' };

/**
 * Probes a model-written node for prefill consistency: at each split point its own text, up to
 * there, is prefilled, and the continuation is set against what the model wrote next. The findings
 * go to a report panel and, as marks over the node's text, to the editor.
 */
export class PrefillProbeRunner implements vscode.Disposable {
  private readonly panels = new Set<vscode.WebviewPanel>();

  constructor(private readonly deps: PrefillProbeRunnerDeps) {}

  /** Probes the model-written node under the cursor; resolves with the report, or undefined if nothing ran. */
  async atCursor(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor, rawRequest?: unknown): Promise<ProbeReport | undefined> {
    const session = editor && (await this.deps.sessions.sessionFor(editor.document));
    if (!editor || !session) {
      void vscode.window.showInformationMessage('Prefill Loom: put the cursor in text the model wrote, then run Probe Prefill Consistency.');
      return undefined;
    }
    const offset = session.bodyOffsetAt(editor.selection.active);
    const node = offset >= 0 ? session.tree.nodeAtOffset(session.currentId, offset, 'before').node : undefined;
    if (!node || node.author !== 'model' || !node.generation || node.generation.imported !== undefined || node.parentId === null || node.text.trim() === '') {
      void vscode.window.showInformationMessage('Prefill Loom: put the cursor in text the model wrote; a probe replays its own request.');
      return undefined;
    }
    return this.probe(session, node, parseProbeRequest(rawRequest));
  }

  dispose(): void {
    for (const panel of this.panels) panel.dispose();
  }

  private async probe(session: LoomSession, node: LoomNode, request: ProbeRequest): Promise<ProbeReport | undefined> {
    const params = node.generation!.params as unknown as GenerationParams;
    if (request.confirm !== false && !(await acceptTemperature(params))) return undefined;
    const tokens = nodeTokens(node.generation);
    const split = request.split ?? (await pickSplit(tokens !== undefined));
    if (!split) return undefined;
    const settings = vscode.workspace.getConfiguration('prefillLoom.probe');
    const options = {
      params,
      basePrefill: session.tree.textOf(node.parentId!),
      nodeText: node.text,
      split,
      tokens,
      samples: request.samples ?? countWithin(settings.get('samples'), PROBE_LIMITS.samples) ?? PROBE_DEFAULTS.samples,
      probeTokens: request.probeTokens ?? countWithin(settings.get('tokens'), PROBE_LIMITS.probeTokens) ?? PROBE_DEFAULTS.probeTokens,
      maxPoints: request.maxPoints ?? countWithin(settings.get('maxPoints'), PROBE_LIMITS.maxPoints) ?? PROBE_DEFAULTS.maxPoints,
    };
    let plan: ProbePlan;
    try {
      plan = planProbe(options);
    } catch (e) {
      // Only token boundaries can be missing: no tokens recorded, or they no longer make up the node's text.
      void vscode.window.showInformationMessage(`Prefill Loom: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    if (plan.offsets.length === 0) {
      void vscode.window.showInformationMessage('Prefill Loom: this text has no split point to probe.');
      return undefined;
    }
    if (request.confirm !== false && !(await confirmBudget(plan, params.model))) return undefined;
    const prepared = await this.deps.generations.prepareRequests(session.document, node.generation);
    if (!prepared) return undefined;
    const tally = this.deps.generations.startTally(params.model);
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Prefill Loom: probing prefill consistency', cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return runProbe({
          ...options,
          client: prepared.client,
          concurrency: prepared.settings.connection.concurrency,
          signal: abort.signal,
          onRequestEnd: (usage) => tally.count(usage),
          onPoint: (_point, done, total) => progress.report({ increment: 100 / total, message: `${done} of ${total} split points` }),
        });
      },
    );
    tally.finish({ summary: `probe ${report.cancelled ? 'stopped' : 'finished'}: ${probeFindings(report)}`, failed: false });
    this.present(session, node, report);
    return report;
  }

  private present(session: LoomSession, node: LoomNode, report: ProbeReport): void {
    this.deps.decorations.show(session, { source: 'probe', nodeId: node.id, nodeText: node.text, marks: probeMarks(report) });
    const panel = ProbeReportPanel.show(this.deps.extensionUri, report, (offset) => void revealSplit(session, node.id, offset), this.deps.log);
    this.panels.add(panel);
    panel.onDidDispose(() => this.panels.delete(panel));
    this.deps.log.info(`Probe: ${probeFindings(report)}${report.cancelled ? ' (stopped early)' : ''}.`);
    void vscode.window
      .showInformationMessage(`Prefill Loom: ${probeFindings(report)} with the original text.`, 'Export as Markdown')
      .then((choice) => choice && openMarkdown(report));
  }
}

/** "2 of 14 split points are not consistent" */
function probeFindings(report: ProbeReport): string {
  const divergent = report.points.filter((p) => p.verdict !== 'consistent').length;
  return `${divergent} of ${report.points.length} split points are not consistent`;
}

/** A probe of sampled text cannot tell sampling noise from a prefill effect unless it samples too. */
async function acceptTemperature(params: GenerationParams): Promise<boolean> {
  if (params.temperature === 0) return true;
  const choice = await vscode.window.showWarningMessage(
    `This text was generated at temperature ${params.temperature ?? '1 (the API default)'}, so it is one sample among many: a probe will find divergences that are only sampling. Probe anyway (with several samples per point)?`,
    { modal: true },
    'Probe Anyway',
  );
  return choice === 'Probe Anyway';
}

/** Token boundaries are offered where the node recorded its tokens (an endpoint with probabilities). */
async function pickSplit(hasTokens: boolean): Promise<SplitMode | undefined> {
  const splits: Array<vscode.QuickPickItem & { split: SplitMode }> = [
    { label: 'Word boundaries', description: 'after each word and punctuation run', split: 'word' },
    { label: 'Every character', description: 'after each character (many more requests)', split: 'char' },
  ];
  if (hasTokens) splits.push({ label: 'Token boundaries', description: "between the model's own tokens: prefill its first n tokens", split: 'token' });
  const picked = await vscode.window.showQuickPick(
    splits,
    { title: 'Prefill Loom: where to split the text' },
  );
  return picked?.split;
}

async function confirmBudget(plan: ProbePlan, model: string): Promise<boolean> {
  const cost = plan.estimatedCostUsd === undefined ? `no price known for ${model}` : `about ${formatUsd(plan.estimatedCostUsd)}`;
  const choice = await vscode.window.showInformationMessage(
    `Probe ${plan.offsets.length} split points with ${plan.requests} requests to ${model}? Estimated ${plan.estimatedInputTokens.toLocaleString('en')} input and ${plan.estimatedOutputTokens.toLocaleString('en')} output tokens, ${cost}.`,
    { modal: true, detail: 'Set prefillLoom.probe.maxPoints to cap the number of split points.' },
    'Run Probe',
  );
  return choice === 'Run Probe';
}

/** One mark per split point: the text from the previous point up to it, coloured by the verdict. */
function probeMarks(report: ProbeReport): NodeMark[] {
  let previous = 0;
  return report.points.map((point) => {
    const start = previous;
    previous = point.offset;
    const samples = point.samples.map((s) => (s.error ? `failed: ${s.error}` : quoteExactly(s.text))).join(', ');
    return {
      kind: VERDICT_MARKS[point.verdict],
      start,
      end: point.offset,
      hover: `Prefilled up to here: ${point.verdict}.\nThe original continues ${quoteExactly(point.expected)}; the model continued ${samples}.`,
    };
  });
}

async function revealSplit(session: LoomSession, nodeId: string, offset: number): Promise<void> {
  if (!session.tree.has(nodeId)) return;
  if (session.nodeStart(nodeId) === undefined) await session.switchTo(nodeId);
  const editor = await vscode.window.showTextDocument(session.document, { viewColumn: vscode.ViewColumn.One });
  const position = editor.document.positionAt((session.nodeStart(nodeId) ?? session.bodyOffset()) + offset);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** Takes the fields of a {@link ProbeRequest} that are well-formed; anything else is asked for. */
function parseProbeRequest(raw: unknown): ProbeRequest {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  return {
    split: r.split === 'word' || r.split === 'char' || r.split === 'token' ? r.split : undefined,
    samples: countWithin(r.samples, PROBE_LIMITS.samples),
    probeTokens: countWithin(r.probeTokens, PROBE_LIMITS.probeTokens),
    maxPoints: countWithin(r.maxPoints, PROBE_LIMITS.maxPoints),
    confirm: r.confirm === false ? false : undefined,
  };
}

/** A whole number from 1 to `max`, or undefined (out of range falls back to the default). */
function countWithin(value: unknown, max: number): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= max ? (value as number) : undefined;
}
