/**
 * The demo as the README starts it, a child process with its own environment: `PORT=9000 npm run demo`
 * must serve the printed address on that port, and the address must lead to the workbench.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { freePort, repoRoot } from '../harness/codeServer';

const ADDRESS_LINE = /Open VS Code with Prefill Loom:\s+(http:\/\/127\.0\.0\.1:\d+)/;

/** Resolves with the address the demo prints, or rejects with its output when it exits first. */
function printedAddress(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no address after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = ADDRESS_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code} before printing its address:\n${output}`));
    });
  });
}

describe('The demo started as the README says', function () {
  this.timeout(240_000);
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child?.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('PORT=<n> serves the printed address on port n, and it leads to the workbench', async () => {
    const port = await freePort();
    child = spawn(process.execPath, [path.join(repoRoot, 'out', 'scripts', 'demo.js')], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const address = await printedAddress(child, 180_000);
    assert.equal(address, `http://127.0.0.1:${port}`);
    const redirect = await fetch(address, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    const workbench = new URL(redirect.headers.get('location')!);
    assert.notEqual(workbench.port, String(port), 'the workbench has a port of its own');
    const page = await fetch(workbench);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
  });
});
