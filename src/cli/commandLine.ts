import { readFile } from 'node:fs/promises';
import { decodeDocumentText } from '../core/conversation/documentText';
import { redactSecrets, rememberEnvironmentSecrets } from '../core/providers/secretRedaction';
import { runContinue } from './continueCommand';
import { parseCliOptions, USAGE, type CliOptions } from './options';
import { parseProbeSettings, readProbedCompletion, runProbeCommand } from './probeCommand';
import { parseSampleSettings, runSampleCommand } from './sampleCommand';
import { runExportCommand, runImportCommand } from './treeCommands';

/** Where the command line reads and writes: the process's streams, or a test's strings. */
export interface CommandLineIo {
  readStdin(): Promise<Buffer>;
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
 * variables; nothing else of the process is read, so tests can run it in-process. Nothing shaped
 * like a key reaches either stream, whoever's it is and wherever it came from.
 */
export async function runCommandLine(args: readonly string[], env: NodeJS.ProcessEnv, io: CommandLineIo, signal: AbortSignal): Promise<number> {
  rememberEnvironmentSecrets(env);
  const redacted: CommandLineIo = { readStdin: () => io.readStdin(), stdout: (text) => io.stdout(redactSecrets(text)), stderr: (text) => io.stderr(redactSecrets(text)) };
  try {
    return await dispatch(args, env, redacted, signal);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    redacted.stderr(`prefill-loom: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
}

async function dispatch(args: readonly string[], env: NodeJS.ProcessEnv, io: CommandLineIo, signal: AbortSignal): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'import' || command === 'export') {
    const output = await (command === 'import' ? runImportCommand : runExportCommand)(rest);
    io.stdout(output.stdout);
    io.stderr(output.stderr);
    return output.status;
  }
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
    case 'sample':
      return sampleCommand(options, io, signal);
    default:
      fail(options.command ? `unknown command "${options.command}"` : 'no command given');
  }
}

/** A file (or standard input) as text, read as the editor reads it; bytes that are not UTF-8 end the run with exit status 2. */
async function readText(io: CommandLineIo, file: string | undefined, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = file ? await readFile(file) : await io.readStdin();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const decoded = decodeDocumentText(bytes);
  if (!decoded.ok) fail(`${what}: ${decoded.error}`);
  return decoded.text;
}

function readPrefill(options: CliOptions, io: CommandLineIo): Promise<string> {
  return readText(io, options.prefillFile, options.prefillFile ?? 'standard input');
}

/** A command's own options, checked; a message thrown by the check becomes a usage error. */
function orFail<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}

/** Fails on an option that belongs to another command, naming it. */
function refuseOptionsOf(owner: string, command: string, given: object): void {
  const option = Object.entries(given).find(([, value]) => value !== undefined);
  if (option) fail(`--${option[0]} is an option of ${owner}, not ${command}`);
}

/** 0 done, 1 something failed, 2 bad input, 130 cancelled (as a shell reports Ctrl+C). */
function exitStatus(status: string): number {
  return status === 'completed' ? 0 : status === 'cancelled' ? 130 : status === 'invalid' ? 2 : 1;
}

async function continueCommand(options: CliOptions, io: CommandLineIo, signal: AbortSignal): Promise<number> {
  refuseOptionsOf('probe', 'continue', options.probe);
  refuseOptionsOf('sample', 'continue', options.sample);
  const report = await runContinue(options, await readPrefill(options, io), signal);
  for (const warning of report.warnings ?? []) io.stderr(`prefill-loom: ${warning}\n`);
  print(io, report);
  return exitStatus(report.status);
}

async function sampleCommand(options: CliOptions, io: CommandLineIo, signal: AbortSignal): Promise<number> {
  refuseOptionsOf('probe', 'sample', options.probe);
  const settings = orFail(() => parseSampleSettings(options.sample));
  const prefill = await readPrefill(options, io);
  const compare = settings.compareFile === undefined ? undefined : await readText(io, settings.compareFile, settings.compareFile);
  const report = await runSampleCommand(options, settings, prefill, compare, signal);
  print(io, report);
  return exitStatus(report.status);
}

async function probeCommand(options: CliOptions, io: CommandLineIo, signal: AbortSignal): Promise<number> {
  refuseOptionsOf('sample', 'probe', options.sample);
  const settings = orFail(() => parseProbeSettings(options.probe));
  const fileText = await readText(io, settings.completionFile, settings.completionFile);
  const completion = orFail(() => readProbedCompletion(fileText, settings.split, settings.completionFile));
  const report = await runProbeCommand(options, settings, await readPrefill(options, io), completion, signal);
  print(io, report);
  const failed = report.points.some((p) => p.errors !== undefined);
  return report.status === 'invalid' ? 2 : report.status === 'cancelled' ? 130 : failed ? 1 : 0;
}

function print(io: CommandLineIo, report: object): void {
  io.stdout(`${JSON.stringify(report, null, 2)}\n`);
}
