import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

describe('npm run bench (smoke sizes)', function () {
  this.timeout(60_000);
  it('runs every benchmark and prints its figures with their baselines', () => {
    const output = execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/bench.js'), '--smoke'], { encoding: 'utf8' });
    assert.match(output, /Tree scale/);
    assert.match(output, /^200 +[\d.]+ MB +[\d.]+ ms +[\d.]+ ms +[\d.]+×/m, 'a row with figure, baseline and ratio');
    assert.match(output, /^1000 +[\d.]+ MB +first render [\d.]+ ms vs baseline [\d.]+ ms .* p95 [\d.]+ ms/m, 'the view row');
    assert.match(output, /joined text equals the server's full text/);
  });
});
