import { readFile } from 'node:fs/promises';
import { runContinue } from './continueCommand';
import { parseCliOptions, USAGE, type CliOptions } from './options';
import { parseProbeSettings, runProbeCommand } from './probeCommand';
import { runExportCommand, runImportCommand, type CommandOutput } from './treeCommands';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function fail(message: string): never {
  process.stderr.write(`prefill-loom: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'import' || command === 'export') {
    const run = command === 'import' ? runImportCommand : runExportCommand;
    return finish(await run(rest));
  }
  let options;
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  switch (options.command) {
    case 'continue':
      return continueCommand(options, abort.signal);
    case 'probe':
      return probeCommand(options, abort.signal);
    default:
      fail(options.command ? `unknown command "${options.command}"` : 'no command given');
  }
}

async function readPrefill(options: CliOptions): Promise<string> {
  return options.prefillFile ? readFile(options.prefillFile, 'utf8') : readStdin();
}

async function continueCommand(options: CliOptions, signal: AbortSignal): Promise<void> {
  const probeOption = Object.entries(options.probe).find(([, value]) => value !== undefined);
  if (probeOption) fail(`--${probeOption[0]} is an option of probe, not continue`);
  const report = await runContinue(options, await readPrefill(options), signal);
  print(report);
  process.exitCode = report.status === 'completed' ? 0 : report.status === 'cancelled' ? 130 : report.status === 'invalid' ? 2 : 1;
}

async function probeCommand(options: CliOptions, signal: AbortSignal): Promise<void> {
  let settings;
  let completion;
  try {
    settings = parseProbeSettings(options.probe);
    completion = await readFile(settings.completionFile, 'utf8');
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const report = await runProbeCommand(options, settings, await readPrefill(options), completion, signal);
  print(report);
  const failed = report.points.some((p) => p.errors !== undefined);
  process.exitCode = report.status === 'invalid' ? 2 : report.status === 'cancelled' ? 130 : failed ? 1 : 0;
}

function finish(output: CommandOutput): void {
  process.stdout.write(output.stdout);
  process.stderr.write(output.stderr);
  process.exitCode = output.status;
}

function print(report: object): void {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

void main();
