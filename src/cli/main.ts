import { readFile } from 'node:fs/promises';
import { decodeDocumentText } from '../core/conversation/documentText';
import { redactSecrets, rememberEnvironmentSecrets } from '../core/providers/secretRedaction';
import { runContinue } from './continueCommand';
import { parseCliOptions, USAGE, type CliOptions } from './options';
import { parseProbeSettings, runProbeCommand } from './probeCommand';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A file (or standard input) as text, read as the editor reads it; bytes that are not UTF-8 end the run with exit status 2. */
async function readText(file: string | undefined, what: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = file ? await readFile(file) : await readStdin();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const decoded = decodeDocumentText(bytes);
  if (!decoded.ok) fail(`${what}: ${decoded.error}`);
  return decoded.text;
}

function fail(message: string): never {
  process.stderr.write(redactSecrets(`prefill-loom: ${message}\n\n${USAGE}\n`));
  process.exit(2);
}

async function main(): Promise<void> {
  rememberEnvironmentSecrets(process.env);
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

function readPrefill(options: CliOptions): Promise<string> {
  return readText(options.prefillFile, options.prefillFile ?? 'standard input');
}

async function continueCommand(options: CliOptions, signal: AbortSignal): Promise<void> {
  const probeOption = Object.entries(options.probe).find(([, value]) => value !== undefined);
  if (probeOption) fail(`--${probeOption[0]} is an option of probe, not continue`);
  const report = await runContinue(options, await readPrefill(options), signal);
  for (const warning of report.warnings ?? []) process.stderr.write(`prefill-loom: ${warning}\n`);
  print(report);
  process.exitCode = report.status === 'completed' ? 0 : report.status === 'cancelled' ? 130 : report.status === 'invalid' ? 2 : 1;
}

async function probeCommand(options: CliOptions, signal: AbortSignal): Promise<void> {
  let settings;
  try {
    settings = parseProbeSettings(options.probe);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  const completion = await readText(settings.completionFile, settings.completionFile);
  const report = await runProbeCommand(options, settings, await readPrefill(options), completion, signal);
  print(report);
  const failed = report.points.some((p) => p.errors !== undefined);
  process.exitCode = report.status === 'invalid' ? 2 : report.status === 'cancelled' ? 130 : failed ? 1 : 0;
}

/** Prints a report; nothing shaped like a key reaches the terminal, whoever's it is and wherever it came from. */
function print(report: object): void {
  process.stdout.write(redactSecrets(`${JSON.stringify(report, null, 2)}\n`));
}

void main();
