/**
 * The offline demo: a simulated model behind the Messages API wire protocol, and a real VS Code
 * (code-server) with the extension under development and a sample document, on loopback.
 *
 *   npm run demo            (PORT=8080 by default; Ctrl+C stops everything)
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { repoRoot } from '../test/harness/codeServer';
import { startDemo, WELCOME_FILE } from './demoServer';

async function main(): Promise<void> {
  const demo = await startDemo({
    workspace: path.join(repoRoot, '.vscode-test', 'demo-workspace'),
    port: Number(process.env.PORT ?? 8080),
    apiKey: `sk-ant-demo-${randomBytes(8).toString('hex')}`,
  });
  const stop = async (): Promise<void> => {
    await demo.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  console.log(`Simulated model (Messages API) at ${demo.model.url}`);
  console.log(`\nOpen VS Code with Prefill Loom:  ${demo.address}\n`);
  console.log(`${WELCOME_FILE} opens with the cursor where its first step starts; its header has the steps. Ctrl+C stops the demo.`);
}

main().catch((e: unknown) => {
  console.error(`The demo could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
