/**
 * The offline demo: a simulated model behind the Messages API wire protocol, and a real VS Code
 * (code-server) with the extension under development and a sample document, on loopback.
 *
 *   npm run demo            (PORT=8080 by default; Ctrl+C stops everything)
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderDocumentHeader } from '../src/core/conversation/documentHeader';
import { repoRoot, startCodeServer } from '../test/harness/codeServer';
import { startFakeAnthropic } from '../test/server/fakeAnthropic';
import { createSimulatorResponder } from '../test/server/simulator/simulatorResponder';

const WELCOME_BODY = `The old woman nodded (it was late)`;

/** Header comments: the document tells its reader what to try, in the order that shows the effect. */
const WELCOME_STEPS = [
  '# 1. Put the cursor at the end of the text and press Ctrl+Alt+Enter (Continue at Cursor).',
  '# 2. Put the cursor before " I have" in the continuation and press Ctrl+Alt+R (Regenerate and',
  '#    Compare): prefilling the model\'s own text up to ", and" changes what it writes next.',
  '# 3. Run "Prefill Loom: Probe Prefill Consistency" in the continuation: every word boundary, tested.',
];

function writeWorkspace(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const header = renderDocumentHeader({ model: 'claude-haiku-4-5', user: 'Tell me a story.', temperature: 0, max_tokens: 60 });
  // The header's first line is its opening `---`; the steps go just below it.
  const [open, ...rest] = header.split('\n');
  fs.writeFileSync(path.join(dir, 'welcome.md'), [open, ...WELCOME_STEPS, ...rest].join('\n') + WELCOME_BODY);
}

async function main(): Promise<void> {
  const key = `sk-ant-demo-${randomBytes(8).toString('hex')}`;
  const model = await startFakeAnthropic({ apiKey: key, responder: createSimulatorResponder(), tokenDelayMs: 15 });
  const workspace = path.join(repoRoot, '.vscode-test', 'demo-workspace');
  writeWorkspace(workspace);
  const server = await startCodeServer({
    workspace,
    port: Number(process.env.PORT ?? 8080),
    settings: { 'prefillLoom.baseUrl': model.url, 'prefillLoom.maxTotalTokens': 400, 'git.openRepositoryInParentFolders': 'never' },
    env: { ANTHROPIC_API_KEY: key },
  });
  const stop = async (): Promise<void> => {
    await server.stop();
    await model.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  console.log(`Simulated model (Messages API) at ${model.url}`);
  console.log(`\nOpen VS Code with Prefill Loom:\n\n  ${server.workbenchUrl()}\n`);
  console.log('Open welcome.md and follow the steps in its header. Ctrl+C stops the demo.');
}

main().catch((e: unknown) => {
  console.error(`The demo could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
