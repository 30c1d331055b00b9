/**
 * The offline demo (see demoServer.ts): simulated models behind the Messages API and the OpenAI-style
 * routes, and a real VS Code (code-server) with the extension and sample documents, on loopback.
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
  console.log(`Simulated model (Messages API) at ${demo.model.url}; base model (completions) at ${demo.model.url}/v1`);
  console.log(`Mixed-script simulator (chat, continue_final_message) at ${demo.mixed.url}/v1`);
  console.log(`\nOpen VS Code with Prefill Loom:  ${demo.address}\n`);
  console.log(`${WELCOME_FILE} opens with the cursor where its first step starts; its header has the steps (then base-model.md, distribution.md). Ctrl+C stops the demo.`);
}

// Run as a script; imported, it starts nothing.
if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`The demo could not start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
