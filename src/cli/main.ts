import { readFile } from 'node:fs/promises';
import { runContinue } from './continueCommand';
import { parseCliOptions, USAGE } from './options';

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
  if (options.command !== 'continue') fail(options.command ? `unknown command "${options.command}"` : 'no command given');
  const prefill = options.prefillFile ? await readFile(options.prefillFile, 'utf8') : await readStdin();
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const report = await runContinue(options, prefill, abort.signal);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.status === 'completed' ? 0 : report.status === 'cancelled' ? 130 : report.status === 'invalid' ? 2 : 1;
}

void main();
