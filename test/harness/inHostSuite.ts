/**
 * Runs the mocha suite in out/test/integration (or another entry, e.g. the in-host benchmarks) inside
 * a real extension host: code-server driven by Chromium by default, or a local VS Code build through
 * @vscode/test-electron when VSCODE_EXECUTABLE is set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import type { Page } from 'playwright-core';
import { launchBrowser, forwardConsole } from './browser';
import {
  keepForDebugging,
  makeRunDir,
  repoRoot,
  startCodeServer,
  valueWithin,
  writeUserSettings,
  type CodeServer,
  type CodeServerOptions,
} from './codeServer';
import { parseSuiteResult, type SuiteResult } from './suiteResult';

export type { SuiteResult } from './suiteResult';

export interface InHostOptions extends CodeServerOptions {
  /** Gives up on the whole run after this long; default 10 minutes. */
  timeoutMs?: number;
  /** The compiled entry VS Code runs in the host (exporting `run()`); default the integration suite's. */
  testsPath?: string;
  /**
   * Sees each console line, with the workbench page, instead of the echo to stdout: for a run that
   * prints its own output or needs a person's gestures (the benchmarks press keys in a webview).
   * Only with code-server.
   */
  onConsoleLine?: (line: string, page: Page) => void;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Console messages are decoded asynchronously and may trail the exit call a little. */
const MARKER_GRACE_MS = 3_000;
const integrationTestsPath = path.join(repoRoot, 'out', 'test', 'integration', 'index');

/** Runs every in-host test once, in one VS Code, and returns mocha's counts. */
export function runInHostSuite(options: InHostOptions = {}): Promise<SuiteResult> {
  const executable = process.env.VSCODE_EXECUTABLE;
  return executable ? runInElectron(executable, options) : runInCodeServer(options);
}

async function runInCodeServer(options: InHostOptions): Promise<SuiteResult> {
  const server = await startCodeServer(options);
  try {
    return await driveSuite(server, options);
  } finally {
    await server.stop();
  }
}

async function driveSuite(server: CodeServer, options: InHostOptions): Promise<SuiteResult> {
  const { context, page } = await launchBrowser(server.runDir);
  try {
    const reported = echoConsoleUntilReport(page, options.onConsoleLine);
    const { exited } = await exposeExitCall(page);
    // Not until "load": on a busy machine the workbench's scripts take longer than goto's 30 s, and the suite's own timeout covers the run.
    await page.goto(server.workbenchUrl(options.testsPath ?? integrationTestsPath), { waitUntil: 'commit' });
    const code = await withTimeout(exited, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return settle(code, await valueWithin(reported, MARKER_GRACE_MS));
  } finally {
    if (!keepForDebugging) {
      await context.close();
    }
  }
}

/** Echoes the page console to stdout (or hands it to `onLine`) and resolves with the counts from the marker line. */
function echoConsoleUntilReport(page: Page, onLine: (line: string, page: Page) => void = (line) => console.log(line)): Promise<SuiteResult> {
  return new Promise((resolve) => {
    forwardConsole(page, (line) => {
      onLine(line, page);
      const result = parseSuiteResult(line);
      if (result) {
        resolve(result);
      }
    });
  });
}

/** `exited`: the code the workbench hands to `codeAutomationExit` once the tests are done. */
async function exposeExitCall(page: Page): Promise<{ exited: Promise<number> }> {
  let exit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (exit = resolve));
  await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
  return { exited };
}

async function runInElectron(vscodeExecutablePath: string, options: InHostOptions): Promise<SuiteResult> {
  const runDir = makeRunDir();
  try {
    const workspace = options.workspace ?? path.join(runDir, 'ws');
    fs.mkdirSync(workspace, { recursive: true });
    writeUserSettings(path.join(runDir, 'user'), options.settings);
    let result: SuiteResult | undefined;
    const run = runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: options.testsPath ?? integrationTestsPath,
      extensionTestsEnv: options.env,
      launchArgs: [workspace, '--user-data-dir', path.join(runDir, 'user'), '--extensions-dir', path.join(runDir, 'ext')],
    });
    const code = await tapStdoutLines((line) => (result ??= parseSuiteResult(line)), () =>
      withTimeout(run.then(() => 0, () => 1), options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    );
    return settle(code, result);
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

/** runTests pipes VS Code's output to our stdout, which is the only place the marker line appears. */
async function tapStdoutLines<T>(onLine: (line: string) => void, body: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  let partial = '';
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    lines.forEach(onLine);
    return write.apply(process.stdout, [chunk, ...rest] as Parameters<typeof write>);
  }) as typeof write;
  try {
    return await body();
  } finally {
    process.stdout.write = write;
  }
}

/** A run that failed without failing tests (crash, load error) still has to count as a failure. */
function settle(exitCode: number, result: SuiteResult | undefined): SuiteResult {
  if (!result) {
    console.error(`[harness] the in-host suite exited with code ${exitCode} without reporting its counts`);
    return { passed: 0, failed: 1 };
  }
  if (exitCode !== 0 && result.failed === 0) {
    console.error(`[harness] the in-host suite exited with code ${exitCode} although no test failed`);
    return { ...result, failed: 1 };
  }
  return result;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the in-host suite did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
