import * as vscode from 'vscode';
import { costUsd, formatUsd } from '../core/shared/pricing';
import { usageLabel, type TokenUsage } from '../core/shared/tokenUsage';

/** Shows the running token count and list-price cost of the current (or last) generation. */
export class GenerationStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('prefillLoom.usage', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Prefill Loom usage';
  }

  /** Updates the figures; while `running`, a click stops the generation. */
  show(model: string, usage: TokenUsage, requests: number, running: boolean): void {
    const cost = costUsd(model, usage);
    const costText = cost === undefined ? '' : ` · ${formatUsd(cost)}`;
    this.item.text = `${running ? '$(loading~spin)' : '$(sparkle)'} ${usageLabel(usage)}${costText}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Prefill Loom** — ${running ? 'generating (click to stop)' : 'last generation'}\n\n`);
    tooltip.appendMarkdown(`Model: \`${model}\`  \nRequests: ${requests}  \nInput: ${usage.input_tokens.toLocaleString('en-US')} tokens  \nOutput: ${usage.output_tokens.toLocaleString('en-US')} tokens  \n`);
    tooltip.appendMarkdown(cost === undefined ? 'Cost: unknown model price' : `Cost at list price: ${formatUsd(cost)}`);
    this.item.tooltip = tooltip;
    this.item.command = running ? 'prefillLoom.stopGeneration' : 'prefillLoom.showLastRequest';
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
