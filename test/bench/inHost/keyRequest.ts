/**
 * Keys in the loom view inside VS Code have to come from the browser, like a person's: the in-host
 * benchmark asks for them with a console line, the harness presses them in the webview and then
 * creates the `done` file, which the host waits for (the host has no other way to hear back).
 */

/** What the benchmarks press: mostly moving down and up a row, then the long jumps. */
export const NAVIGATION_KEYS: readonly string[] = [...Array.from({ length: 100 }, (_, i) => (i % 4 === 3 ? 'k' : 'j')), 'End', 'Home', 'PageDown', 'PageUp'];

export interface KeyRequest {
  keys: readonly string[];
  /** Created by the harness once every key was pressed. */
  done: string;
}

const MARKER = 'PREFILL_LOOM_BENCH_KEYS ';

export function formatKeyRequest(request: KeyRequest): string {
  return MARKER + JSON.stringify(request);
}

/** The request in `line`, or undefined when it is not one. */
export function parseKeyRequest(line: string): KeyRequest | undefined {
  const at = line.indexOf(MARKER);
  if (at < 0) return undefined;
  try {
    const request = JSON.parse(line.slice(at + MARKER.length)) as KeyRequest;
    return Array.isArray(request.keys) && typeof request.done === 'string' ? request : undefined;
  } catch {
    return undefined;
  }
}
