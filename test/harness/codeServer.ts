/**
 * Starts and stops a real VS Code (code-server) on loopback with throw-away state, so tests never
 * touch a developer's own VS Code profile and never leave a server behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root, from out/test/harness. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Where scripts/install-code-server.sh puts code-server. */
export const codeServerBin = path.join(repoRoot, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');

/**
 * Set to 1 to leave the server and browser running after the tests, for debugging, until the test
 * process ends (Ctrl+C; run one suite with mocha directly, since scripts/test.js exits at once).
 */
export const keepForDebugging = process.env.PREFILL_LOOM_KEEP === '1';

const HEALTH_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 20_000;

/**
 * User settings every run gets: no welcome page, no autosave or hot exit to surprise tests, and no
 * attempts to reach an extension gallery this machine cannot reach.
 */
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'files.autoSave': 'off',
  'files.hotExit': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.enableExperiments': false,
};

export interface CodeServerOptions {
  /** Folder opened as the workspace; a fresh empty one in the run directory when omitted. */
  workspace?: string;
  /** Extra user settings, merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server; the extension host inherits it (e.g. ANTHROPIC_API_KEY). */
  env?: Record<string, string>;
  /** A fixed port, for an address a person types; a free one when omitted. */
  port?: number;
  /**
   * A packaged .vsix installed before the server starts, as a user installs it; the workbench then
   * loads no extension under development, so what runs is exactly the package.
   */
  installedVsix?: string;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly workspace: string;
  /** A directory that is removed with the server, for browser profiles and other leftovers. */
  readonly runDir: string;
  /**
   * The page that opens the workspace with this repository loaded as the extension under
   * development, and, given `extensionTestsPath`, runs that mocha entry in the extension host.
   * `openFile` (an absolute path, optionally with `:line:column`) opens that file with the cursor there.
   */
  workbenchUrl(extensionTestsPath?: string, openFile?: string): string;
  /** Kills the server's whole process group and removes the run directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts code-server and resolves once it answers /healthz. */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  if (!fs.existsSync(codeServerBin)) {
    throw new Error(`code-server is not installed at ${codeServerBin}; run scripts/install-code-server.sh`);
  }
  const runDir = makeRunDir();
  const port = options.port ?? (await freePort());
  const workspace = options.workspace ?? path.join(runDir, 'ws');
  fs.mkdirSync(workspace, { recursive: true });
  writeConfig(runDir, port);
  writeUserSettings(path.join(runDir, 'user'), options.settings);

  if (options.installedVsix) {
    installVsix(runDir, options.installedVsix);
  }
  const child = spawnServer(runDir, workspace, options.env ?? {});
  const output = collectOutput(child);
  const origin = `http://127.0.0.1:${port}`;
  const stop = stopper(child, runDir, origin);
  try {
    await waitForHealth(origin, child);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- code-server output ---\n${output()}`);
  }
  const workbenchUrl = (extensionTestsPath?: string, openFile?: string): string => {
    // These URIs name files on the server, so they must carry exactly the address it serves on.
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [...(options.installedVsix ? [] : [['extensionDevelopmentPath', remote(repoRoot)]]), ['skipWelcome', 'true']];
    if (extensionTestsPath) {
      payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
    }
    if (openFile) payload.push(['openFile', remote(openFile)], ['gotoLineMode', 'true']);
    return `${origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  };
  return { origin, workspace, runDir, workbenchUrl, stop };
}

/** Unix socket paths are limited to about 100 characters, and VS Code keeps its IPC sockets here. */
export function makeRunDir(): string {
  const base = os.tmpdir().length <= 40 ? os.tmpdir() : '/tmp';
  return fs.mkdtempSync(path.join(base, 'pl-'));
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function writeConfig(runDir: string, port: number): void {
  fs.writeFileSync(path.join(runDir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
}

/** Writes the harness defaults plus `extra` as the user settings of a fresh user-data-dir. */
export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const userDir = path.join(userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...extra }, null, 2));
}

/** A developer's own key or endpoint must never reach the tests: they set what they need explicitly. */
/**
 * The caller's environment without its Anthropic keys and without PORT: code-server takes PORT over
 * its config's bind-addr, and a PORT set for the demo names the demo's own address, not the server's.
 */
function inheritedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('ANTHROPIC_') && name !== 'PORT'));
}

function installVsix(runDir: string, vsix: string): void {
  execFileSync(codeServerBin, [...profileArgs(runDir), '--install-extension', vsix], { cwd: runDir, env: serverEnv(runDir, {}), stdio: 'pipe' });
}

function profileArgs(runDir: string): string[] {
  return ['--user-data-dir', path.join(runDir, 'user'), '--extensions-dir', path.join(runDir, 'ext')];
}

function serverEnv(runDir: string, extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...inheritedEnv(process.env),
    XDG_CONFIG_HOME: path.join(runDir, 'config'),
    XDG_DATA_HOME: path.join(runDir, 'data'),
    XDG_CACHE_HOME: path.join(runDir, 'cache'),
    TMPDIR: runDir,
    // No gallery at all: the default one is unreachable here and its failures flood the console.
    EXTENSIONS_GALLERY: '{}',
    ...extraEnv,
  };
}

function spawnServer(runDir: string, workspace: string, extraEnv: Record<string, string>): ChildProcess {
  const args = [
    '--config', path.join(runDir, 'config.yaml'),
    ...profileArgs(runDir),
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    workspace,
  ];
  const env = serverEnv(runDir, extraEnv);
  // detached = setsid: the server forks extension hosts and watchers, and we must kill them all.
  return spawn(codeServerBin, args, { cwd: runDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Keeps the tail of the server's output to explain a failed start. */
function collectOutput(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer): void => {
    text = (text + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}

async function waitForHealth(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode})`);
    }
    if (await isHealthy(origin)) {
      return;
    }
    await delay(250);
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

async function isHealthy(origin: string): Promise<boolean> {
  try {
    const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

function stopper(child: ChildProcess, runDir: string, origin: string): () => Promise<void> {
  // A test runner killed by Ctrl+C or process.exit still must not leave servers behind.
  const onExit = (): void => killGroupNow(child, runDir);
  process.on('exit', onExit);
  exitOnSignals();
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    if (keepForDebugging) {
      console.log(`[harness] PREFILL_LOOM_KEEP: code-server stays at ${origin} (run dir ${runDir}) until this process ends`);
      return;
    }
    process.off('exit', onExit);
    await killGroup(child);
    fs.rmSync(runDir, { recursive: true, force: true });
  };
  return () => (stopped ??= stop());
}

async function killGroup(child: ChildProcess): Promise<void> {
  const exited = hasExited(child) ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!signalGroup(child, 'SIGTERM')) {
    return;
  }
  await valueWithin(exited, STOP_GRACE_MS);
  // The group may outlive its leader (extension hosts, file watchers): always finish it off.
  signalGroup(child, 'SIGKILL');
  await exited;
}

let exitsOnSignals = false;

/**
 * Node skips 'exit' handlers when a signal kills it; exiting explicitly runs them. Playwright's own
 * SIGTERM handler closes browsers but does not exit, and the server's pipes would keep us alive.
 */
function exitOnSignals(): void {
  if (exitsOnSignals) {
    return;
  }
  exitsOnSignals = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => process.exit(code));
  }
}

function killGroupNow(child: ChildProcess, runDir: string): void {
  signalGroup(child, 'SIGKILL');
  try {
    // Chromium may still be writing its profile in here until Playwright's own exit handler kills it.
    fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (e) {
    console.error(`[harness] could not remove ${runDir}: ${(e as Error).message}`);
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Returns false when the group is already gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-child.pid!, signal);
    return true;
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`'s value, or undefined once `ms` have passed; leaves no timer keeping Node alive. */
export function valueWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
