import type * as vscode from 'vscode';
import { redactSecrets } from '../core/providers/secretRedaction';

/** The channel methods that write text; each argument passes through {@link redactSecrets} first. */
const WRITERS = ['append', 'appendLine', 'replace', 'trace', 'debug', 'info', 'warn', 'error'] as const;

function redactArgument(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value instanceof Error) return redactSecrets(value.stack ?? value.message);
  return value;
}

/**
 * The extension's log, with every line cleaned of secrets before it is written: server error text,
 * a stack trace or a setting may hold a key, and the log is a file on disk that users paste into
 * bug reports. Wrapping the channel once covers every log call, present and future.
 */
export function redactingLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  // Inherits everything else (show, logLevel, dispose…) from the channel; a Proxy cannot wrap the
  // methods of a frozen object, which the API may hand out.
  const clean = Object.create(channel) as vscode.LogOutputChannel;
  for (const name of WRITERS) {
    const write = channel[name] as (...args: unknown[]) => void;
    Object.defineProperty(clean, name, { value: (...args: unknown[]) => write.apply(channel, args.map(redactArgument)) });
  }
  return clean;
}
