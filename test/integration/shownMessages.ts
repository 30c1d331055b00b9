/**
 * Records the notifications and modal dialogs the extension shows, and answers them (and other
 * dialogs) as a user would.
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

/**
 * Puts `replacement` in place of `vscode.window[name]` (a dialog, a picker) until disposed, so a test
 * answers for the user.
 */
export function replaceWindowFunction<K extends keyof typeof vscode.window>(name: K, replacement: (...args: never[]) => unknown): vscode.Disposable {
  const window = vscode.window as unknown as Record<string, unknown>;
  const original = window[name];
  window[name] = replacement;
  return new vscode.Disposable(() => (window[name] = original));
}

export class ShownMessages implements vscode.Disposable {
  readonly shown: ShownMessage[] = [];
  private readonly replaced: vscode.Disposable[];

  /** @param answer what the user presses; by default nothing (every message is dismissed). */
  constructor(public answer: Answer = () => undefined) {
    this.replaced = (Object.entries(FUNCTIONS) as Array<[Severity, (typeof FUNCTIONS)[Severity]]>).map(([severity, name]) =>
      replaceWindowFunction(name, ((message: string, ...rest: unknown[]) => Promise.resolve(this.record(severity, message, rest))) as Show),
    );
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
    for (const r of this.replaced) r.dispose();
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
