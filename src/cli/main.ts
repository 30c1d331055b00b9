import { runCommandLine } from './commandLine';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
const io = { readStdin, stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
void runCommandLine(process.argv.slice(2), process.env, io, abort.signal).then((status) => {
  process.exitCode = status;
});
