import * as vscode from 'vscode';
import { costUsd, formatUsd } from '../core/shared/pricing';
import { addUsage, usageLabel, ZERO_USAGE, type TokenUsage } from '../core/shared/tokenUsage';

/** How a command's requests ended, in words (e.g. "generation finished: 120 characters, stop reason end_turn"). */
export interface CommandEnd {
  readonly summary: string;
  readonly failed: boolean;
}

/**
 * Shows the running token count and list-price cost of the current (or last) command, and the
 * totals of every request this window sent (editor generations, branches, regenerations, probes).
 */
export class GenerationStatusBar implements vscode.Disposable {
  /** Read by the tests as a person (or a screen reader) meets it. */
  readonly item = vscode.window.createStatusBarItem('prefillLoom.usage', vscode.StatusBarAlignment.Right, 100);
  private windowRequests = 0;
  private windowUsage: TokenUsage = ZERO_USAGE;

  constructor() {
    this.item.name = 'Prefill Loom usage';
  }

  /** A request of any command has ended: it counts in the window's totals. */
  count(usage: TokenUsage): void {
    this.windowRequests++;
    this.windowUsage = addUsage(this.windowUsage, usage);
  }

  /** Updates the figures of a command's `requests`; while it runs (`end` undefined), a click stops it. */
  show(model: string, usage: TokenUsage, requests: number, end?: CommandEnd): void {
    const running = end === undefined;
    const cost = costUsd(model, usage);
    const costText = cost === undefined ? '' : ` · ${formatUsd(cost)}`;
    const icon = running ? '$(loading~spin)' : end.failed ? '$(error)' : '$(sparkle)';
    this.item.text = `${icon} ${usageLabel(usage)}${costText}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Prefill Loom** — ${running ? 'generating (click to stop)' : end.summary}\n\n`);
    tooltip.appendMarkdown(`Model: \`${model}\`  \nRequests: ${requests}  \nInput: ${tokens(usage.input_tokens)} tokens  \nOutput: ${tokens(usage.output_tokens)} tokens  \n`);
    tooltip.appendMarkdown(cost === undefined ? 'Cost: unknown model price' : `Cost at list price: ${formatUsd(cost)}`);
    tooltip.appendMarkdown(`\n\n${windowTotals(this.windowRequests, this.windowUsage)}`);
    this.item.tooltip = tooltip;
    // The icon, "·" and "tok" read poorly aloud: a screen reader gets the same figures in words.
    const state = running ? `Prefill Loom generating with ${model}, press to stop:` : `Prefill Loom ${end.summary}; ${model},`;
    this.item.accessibilityInformation = {
      label: `${state} ${tokens(usage.input_tokens)} input tokens, ${tokens(usage.output_tokens)} output tokens${cost === undefined ? '' : `, ${formatUsd(cost)} at list price`}`,
      role: 'button',
    };
    this.item.command = running ? 'prefillLoom.stopGeneration' : 'prefillLoom.showLastRequest';
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

function tokens(n: number): string {
  return n.toLocaleString('en-US');
}

function windowTotals(requests: number, usage: TokenUsage): string {
  return `Since this window opened: ${tokens(requests)} ${requests === 1 ? 'request' : 'requests'}, ${tokens(usage.input_tokens)} input tokens, ${tokens(usage.output_tokens)} output tokens`;
}
