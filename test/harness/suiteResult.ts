/**
 * The one line the in-host mocha entry prints last, and the harness reads back: the extension host
 * can only talk to the harness through its console output.
 */

export interface SuiteResult {
  passed: number;
  failed: number;
  /** Full titles of the failed tests, so the run's last lines say which ones. */
  failures?: string[];
}

const MARKER = 'PREFILL_LOOM_INTEGRATION ';

export function formatSuiteResult(result: SuiteResult): string {
  return MARKER + JSON.stringify({ passed: result.passed, failed: result.failed, failures: result.failures ?? [] });
}

/** The counts in `line`, or undefined when it is not the marker line. */
export function parseSuiteResult(line: string): SuiteResult | undefined {
  const at = line.indexOf(MARKER);
  if (at < 0) {
    return undefined;
  }
  try {
    const { passed, failed, failures } = JSON.parse(line.slice(at + MARKER.length)) as SuiteResult;
    const titles = Array.isArray(failures) ? failures.filter((t): t is string => typeof t === 'string') : [];
    return Number.isInteger(passed) && Number.isInteger(failed) ? { passed, failed, failures: titles } : undefined;
  } catch {
    return undefined;
  }
}
