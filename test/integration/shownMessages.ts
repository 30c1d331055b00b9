/**
 * Records the notifications and modal dialogs the extension shows, and answers them as a user would.
 * The extension and these tests load `vscode` from the same extension folder, so they share one API
 * object: replacing its `show*Message` functions puts the test where the user sits.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually } from '../harness/eventually';

export type Severity = 'information' | 'warning' | 'error';

export interface ShownMessage {
  severity: Severity;
  message: string;
  modal: boolean;
  detail?: string;
  /** The buttons offered. */
  items: string[];
}

/** Picks the button the user presses (undefined: closes the message). */
export type Answer = (shown: ShownMessage) => string | undefined;

type Show = (message: string, ...rest: unknown[]) => Thenable<unknown>;

const FUNCTIONS: Record<Severity, 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage'> = {
  information: 'showInformationMessage',
  warning: 'showWarningMessage',
  error: 'showErrorMessage',
};

export class ShownMessages implements vscode.Disposable {
  readonly shown: ShownMessage[] = [];
  private readonly originals = new Map<Severity, Show>();

  /** @param answer what the user presses; by default nothing (every message is dismissed). */
  constructor(public answer: Answer = () => undefined) {
    const window = vscode.window as unknown as Record<string, Show>;
    for (const [severity, name] of Object.entries(FUNCTIONS) as Array<[Severity, string]>) {
      this.originals.set(severity, window[name]);
      window[name] = (message, ...rest) => Promise.resolve(this.record(severity, message, rest));
    }
  }

  /** The messages shown so far with this severity whose text matches. */
  matching(severity: Severity, pattern: RegExp): ShownMessage[] {
    return this.shown.filter((m) => m.severity === severity && pattern.test(m.message));
  }

  /** Waits for a message of this severity whose text matches, and returns it. */
  async waitFor(severity: Severity, pattern: RegExp, timeoutMs = 5000): Promise<ShownMessage> {
    await eventually(() => this.matching(severity, pattern).length > 0, `a ${severity} message matching ${pattern}`, timeoutMs, 10).catch(() => {
      assert.fail(`no ${severity} message matching ${pattern}; shown: ${JSON.stringify(this.shown.map((m) => m.message))}`);
    });
    return this.matching(severity, pattern)[0];
  }

  dispose(): void {
    const window = vscode.window as unknown as Record<string, Show>;
    for (const [severity, original] of this.originals) window[FUNCTIONS[severity]] = original;
  }

  private record(severity: Severity, message: string, rest: unknown[]): unknown {
    const options = isOptions(rest[0]) ? (rest.shift() as vscode.MessageOptions) : undefined;
    const items = rest as Array<string | vscode.MessageItem>;
    const shown: ShownMessage = { severity, message, modal: options?.modal === true, detail: options?.detail, items: items.map(title) };
    this.shown.push(shown);
    const choice = this.answer(shown);
    return items.find((item) => title(item) === choice);
  }
}

function isOptions(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !('title' in value);
}

function title(item: string | vscode.MessageItem): string {
  return typeof item === 'string' ? item : item.title;
}
