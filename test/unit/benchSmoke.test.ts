import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

describe('npm run bench (smoke sizes)', function () {
  // Packaging the .vsix and a busy machine make this slow; no figure is judged.
  this.timeout(180_000);
  it('runs every benchmark and prints its figures with their baselines', () => {
    const output = execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/bench.js'), '--smoke'], { encoding: 'utf8' });
    assert.match(output, /Tree scale/);
    assert.match(output, /^200 +[\d.]+ MB +[\d.]+ ms +[\d.]+ ms +[\d.]+×/m, 'a row with figure, baseline and ratio');
    assert.match(output, /^1000 +[\d.]+ MB +first render [\d.]+ ms vs baseline [\d.]+ ms .* median [\d.]+ ms, p95 [\d.]+ ms/m, 'the view row');
    assert.match(output, /^500 +[\d.]+ MB, depth \d+, \d+ nodes with tokens: import median [\d.]+ ms, p95 [\d.]+ ms; baseline median [\d.]+ ms, p95 [\d.]+ ms; ratio of medians [\d.]+×/m, 'the import row');
    assert.match(output, /^500 +"lamp" \d+ matches: find median [\d.]+ ms, p95 [\d.]+ ms; scan median [\d.]+ ms, p95 [\d.]+ ms; ratio of medians [\d.]+×/m, 'a find row');
    assert.match(output, /joined text equals the server's full text/);
    for (const bundle of ['cli.js', 'extension.js', 'webview.js']) {
      assert.match(output, new RegExp(`^dist/${bundle.replace('.', '\\.')} +[\\d.]+ KiB +÷ SDK alone \\([\\d.]+ KiB\\): [\\d.]+×`, 'm'), bundle);
    }
    assert.match(output, /^\.vsix +[1-9][\d.]* KiB/m, 'the .vsix size');
  });
});
