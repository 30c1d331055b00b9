import * as assert from 'node:assert/strict';
import { formatSuiteResult, parseSuiteResult } from '../harness/suiteResult';

describe('the in-host suite result line', () => {
  it('carries the failed tests’ titles back to the harness', () => {
    const line = `[log] ${formatSuiteResult({ passed: 3, failed: 1, failures: ['Loom view › opens'] })}`;
    assert.deepEqual(parseSuiteResult(line), { passed: 3, failed: 1, failures: ['Loom view › opens'] });
  });

  it('reads a line without titles (an older host) and ignores any other line', () => {
    assert.deepEqual(parseSuiteResult('PREFILL_LOOM_INTEGRATION {"passed":2,"failed":0}'), { passed: 2, failed: 0, failures: [] });
    assert.equal(parseSuiteResult('PREFILL_LOOM_INTEGRATION {"passed":"x"}'), undefined);
    assert.equal(parseSuiteResult('  ✔ some test'), undefined);
  });
});
