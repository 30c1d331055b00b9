/**
 * The mocha entry VS Code loads into the extension host (extensionTestsPath). It runs every
 * out/test/integration/**\/*.test.js and ends with the marker line the harness reads the counts from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { formatSuiteResult, type SuiteResult } from '../harness/suiteResult';

/** Called by VS Code once the extension under development is loaded; rejecting fails the run. */
export async function run(): Promise<void> {
  // Colours would arrive as escape codes in the browser console.
  // PREFILL_LOOM_GREP narrows a run to matching tests while working on them (code-server passes the
  // environment on to the extension host).
  const grep = process.env.PREFILL_LOOM_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 20_000, slow: 5_000, ...(grep ? { grep } : {}) });
  for (const file of testFiles(__dirname)) {
    mocha.addFile(file);
  }
  await mocha.loadFilesAsync();
  const failures: string[] = [];
  const result = await new Promise<SuiteResult>((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, failures }));
    runner.on('fail', (test) => failures.push(test.fullTitle()));
  });
  console.log(formatSuiteResult(result));
  if (result.failed > 0) {
    throw new Error(`${result.failed} integration test(s) failed`);
  }
}

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.js'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
