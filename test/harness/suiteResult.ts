/**
 * The one line the in-host mocha entry prints last, and the harness reads back: the extension host
 * can only talk to the harness through its console output.
 */

export interface SuiteResult {
  passed: number;
  failed: number;
}

const MARKER = 'PREFILL_LOOM_INTEGRATION ';

export function formatSuiteResult(result: SuiteResult): string {
  return MARKER + JSON.stringify({ passed: result.passed, failed: result.failed });
}

/** The counts in `line`, or undefined when it is not the marker line. */
export function parseSuiteResult(line: string): SuiteResult | undefined {
  const at = line.indexOf(MARKER);
  if (at < 0) {
    return undefined;
  }
  try {
    const { passed, failed } = JSON.parse(line.slice(at + MARKER.length)) as SuiteResult;
    return Number.isInteger(passed) && Number.isInteger(failed) ? { passed, failed } : undefined;
  } catch {
    return undefined;
  }
}
