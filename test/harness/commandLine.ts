import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCommandLine } from '../../src/cli/commandLine';

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

/**
 * Runs the command line in this process, on the compiled sources rather than the bundle, with `env`
 * as its only environment: the same contract as {@link runCli}, and what mutation testing reaches
 * (a mutant lives in the compiled core, and per-test coverage sees only this process).
 */
export async function runCliInProcess(args: string[], stdin: string | Buffer, env: Record<string, string | undefined>, signal = new AbortController().signal): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = { readStdin: async () => Buffer.from(stdin), stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text) };
  const status = await runCommandLine(args, { PATH: process.env.PATH, ...env }, io, signal);
  return { status, json: stdout ? JSON.parse(stdout) : {}, stderr };
}

/** Writes `text` to a new file `name` in a fresh temporary folder, for a command line option that takes a file. */
export function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'loom-cli-')), name);
  writeFileSync(file, text);
  return file;
}
