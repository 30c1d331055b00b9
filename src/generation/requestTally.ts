import type * as vscode from 'vscode';
import type { GenerationInput, RequestRecord } from '../core/generation/generation';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../core/shared/tokenUsage';
import type { GenerationStatusBar } from './generationStatusBar';

type RequestHooks = Required<Pick<GenerationInput, 'onRequestStart' | 'onRequestEnd'>>;

/**
 * The requests of one command (the generation into the editor and every branch, regeneration or
 * alternative beside it): each is logged, and the status bar shows their running totals.
 */
export class RequestTally {
  private usage: TokenUsage = ZERO_USAGE;
  private requests = 0;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly statusBar: GenerationStatusBar,
    private readonly model: string,
  ) {
    statusBar.show(model, this.usage, 0, true);
  }

  /** Hooks for one generation's requests; `label` names it in the log ('' for the editor's, 'Branch 2' for others). */
  hooks(label: string): RequestHooks {
    let index = 0;
    const name = (n: number) => (label ? `${label}, request ${n}` : `Request ${n}`);
    return {
      onRequestStart: (record) => logRequestStart(this.log, record, name(++index)),
      onRequestEnd: (record) => {
        this.requests++;
        this.usage = addUsage(this.usage, record.usage);
        this.statusBar.show(this.model, this.usage, this.requests, true);
        logRequestEnd(this.log, record, name(index));
      },
    };
  }

  /** Every generation of the command has ended. */
  finish(): void {
    this.statusBar.show(this.model, this.usage, this.requests, false);
  }
}

function logRequestStart(log: vscode.LogOutputChannel, record: RequestRecord, name: string): void {
  const tail = JSON.stringify(record.prefillSent.slice(-40));
  log.info(`${name}: model ${record.body.model}, max_tokens ${record.body.max_tokens}, prefill of ${record.prefillSent.length} characters ending ${tail}.`);
}

function logRequestEnd(log: vscode.LogOutputChannel, record: RequestRecord, name: string): void {
  if (record.ignoredAfterStop) log.warn(`${name}: the server sent ${record.ignoredAfterStop} event(s) after message_stop; they were ignored.`);
  log.info(
    `${name} response: stop_reason ${record.stopReason ?? 'none'}, ${record.usage.input_tokens} input / ${record.usage.output_tokens} output tokens, ${record.text.length} characters in ${record.durationMs} ms${record.error ? `, error: ${record.error}` : ''}.`,
  );
}
