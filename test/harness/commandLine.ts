import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '../../..', 'bin', 'prefill-loom.js');

export interface CliRun {
  status: number | null;
  /** Standard output parsed as JSON ({} when there was none). */
  json: Record<string, any>;
  stderr: string;
}

/**
 * Runs the real command line entry point (the esbuild bundle, as `npx prefill-loom` would) with
 * only PATH and `env` in its environment, so no key or endpoint leaks in from the test runner.
 * `started` gets the process, for a test that signals it mid-run.
 */
export async function runCli(
  args: string[],
  stdin: string | Buffer,
  env: Record<string, string | undefined>,
  started?: (child: ChildProcess) => void,
): Promise<CliRun> {
  const run = await runCliRaw(args, stdin, env, started);
  return { status: run.status, json: run.stdout ? JSON.parse(run.stdout) : {}, stderr: run.stderr };
}

/** Like {@link runCli}, with standard output as printed, for a test of the exact bytes. */
export function runCliRaw(
  args: string[],
  stdin: string | Buffer,
  env: Record<string, string | undefined>,
  started?: (child: ChildProcess) => void,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env } });
    started?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
