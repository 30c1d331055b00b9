import type * as vscode from 'vscode';
import type { GenerationInput, RequestRecord } from '../core/generation/generation';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../core/shared/tokenUsage';
import type { CommandEnd, GenerationStatusBar } from './generationStatusBar';

type RequestHooks = Required<Pick<GenerationInput, 'onRequestStart' | 'onRequestEnd'>>;

/**
 * The requests of one command (the generation into the editor and every branch, regeneration,
 * alternative or probe request beside it): each is counted, the status bar shows their running
 * totals and adds them to the window's.
 */
export class RequestTally {
  private usage: TokenUsage = ZERO_USAGE;
  private requests = 0;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly statusBar: GenerationStatusBar,
    private readonly model: string,
  ) {
    statusBar.show(model, this.usage, 0);
  }

  /** One request of the command has ended (those the hooks do not see, e.g. a probe's). */
  count(usage: TokenUsage): void {
    this.requests++;
    this.usage = addUsage(this.usage, usage);
    this.statusBar.count(usage);
    this.statusBar.show(this.model, this.usage, this.requests);
  }

  /** Hooks for one generation's requests; `label` names it in the log ('' for the editor's, 'Branch 2' for others). */
  hooks(label: string): RequestHooks {
    let index = 0;
    const name = (n: number) => (label ? `${label}, request ${n}` : `Request ${n}`);
    return {
      onRequestStart: (record) => logRequestStart(this.log, record, name(++index)),
      onRequestEnd: (record) => {
        this.count(record.usage);
        logRequestEnd(this.log, record, name(index));
      },
    };
  }

  /** Every request of the command has ended, as `end` says in words. */
  finish(end: CommandEnd): void {
    this.statusBar.show(this.model, this.usage, this.requests, end);
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
