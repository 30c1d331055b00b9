import type { PerfReport } from '../../src/webviews/webviewProtocol';

/** How many recent keypresses the percentiles are taken over. */
const MAX_SAMPLES = 10_000;

/** Timings of the view's work, reported to the host on `measure`. */
export class PerfRecorder {
  snapshotMs: number | undefined;
  deltasMs: number | undefined;
  private keys: number[] = [];

  recordKey(ms: number): void {
    if (this.keys.length < MAX_SAMPLES) {
      this.keys.push(ms);
    }
  }

  /** The report; key timings start afresh after it, so a benchmark can measure just its own keys. */
  report(counts: Pick<PerfReport, 'nodeCount' | 'rowCount' | 'renderedRowCount' | 'topRowId' | 'currentId' | 'currentRowIndex'>): PerfReport {
    const keys = [...this.keys].sort((a, b) => a - b);
    this.keys = [];
    const sum = keys.reduce((total, ms) => total + ms, 0);
    return {
      ...counts,
      snapshotMs: this.snapshotMs,
      deltasMs: this.deltasMs,
      keyCount: keys.length,
      keyMeanMs: keys.length > 0 ? sum / keys.length : 0,
      keyMedianMs: keys.length > 0 ? keys[Math.floor(keys.length / 2)] : 0,
      keyP95Ms: keys.length > 0 ? keys[Math.min(keys.length - 1, Math.ceil(keys.length * 0.95) - 1)] : 0,
      keyMaxMs: keys.length > 0 ? keys[keys.length - 1] : 0,
    };
  }
}
