import { readFile } from 'node:fs/promises';
import { runContinue } from './continueCommand';
import { parseCliOptions, USAGE, type CliOptions } from './options';
import { parseProbeSettings, runProbeCommand } from './probeCommand';

/** Where the command line reads and writes: the process's streams, or a test's strings. */
export interface CommandLineIo {
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A usage mistake: the message and the usage go to stderr, and the exit status is 2. */
class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

/**
 * Runs `prefill-loom <args>` and returns its exit status. `env` supplies the key and endpoint
 * variables; nothing else of the process is read, so tests can run it in-process.
 */
export async function runCommandLine(args: readonly string[], env: NodeJS.ProcessEnv, io: CommandLineIo, signal: AbortSignal): Promise<number> {
  try {
    return await dispatch(args, env, io, signal);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`prefill-loom: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
}

async function dispatch(args: readonly string[], env: NodeJS.ProcessEnv, io: CommandLineIo, signal: AbortSignal): Promise<number> {
  let options;
  try {
    options = parseCliOptions([...args], env);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (options.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  switch (options.command) {
    case 'continue':
      return continueCommand(options, io, signal);
    case 'probe':
      return probeCommand(options, io, signal);
    default:
      fail(options.command ? `unknown command "${options.command}"` : 'no command given');
  }
}

async function readPrefill(options: CliOptions, io: CommandLineIo): Promise<string> {
  return options.prefillFile ? readFile(options.prefillFile, 'utf8') : io.readStdin();
}

async function continueCommand(options: CliOptions, io: CommandLineIo, signal: AbortSignal): Promise<number> {
  const probeOption = Object.entries(options.probe).find(([, value]) => value !== undefined);
  if (probeOption) fail(`--${probeOption[0]} is an option of probe, not continue`);
  const report = await runContinue(options, await readPrefill(options, io), signal);
  print(io, report);
  return report.status === 'completed' ? 0 : report.status === 'cancelled' ? 130 : report.status === 'invalid' ? 2 : 1;
}

async function probeCommand(options: CliOptions, io: CommandLineIo, signal: AbortSignal): Promise<number> {
  let settings;
  let completion;
  try {
    settings = parseProbeSettings(options.probe);
    completion = await readFile(settings.completionFile, 'utf8');
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const report = await runProbeCommand(options, settings, await readPrefill(options, io), completion, signal);
  print(io, report);
  const failed = report.points.some((p) => p.errors !== undefined);
  return report.status === 'invalid' ? 2 : report.status === 'cancelled' ? 130 : failed ? 1 : 0;
}

function print(io: CommandLineIo, report: object): void {
  io.stdout(`${JSON.stringify(report, null, 2)}\n`);
}
