/**
 * The offline demo's pieces: a simulated model behind the Messages API wire protocol, a real VS Code
 * (code-server) with the extension under development, and a short address that opens it on
 * `welcome.md` with the cursor where step 1 starts. `npm run demo` and the e2e walk both use it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { renderDocumentHeader } from '../src/core/conversation/documentHeader';
import { startCodeServer, type CodeServer } from '../test/harness/codeServer';
import { startFakeAnthropic, type FakeAnthropic } from '../test/server/fakeAnthropic';
import { createSimulatorResponder } from '../test/server/simulator/simulatorResponder';

export const WELCOME_FILE = 'welcome.md';

const WELCOME_BODY = 'The old woman nodded (it was late)';

/**
 * Header comments: the document tells its reader what to try, in the order that shows the effect.
 * They quote no text of the body, so Find never lands in the header.
 */
export const WELCOME_STEPS = [
  '# No API key needed: the model is simulated. Three steps, in this order:',
  '# 1. The cursor is at the end of the text below: press Ctrl+Alt+Enter (Continue at Cursor).',
  '# 2. Leave the cursor there. F1, run "Prefill Loom: Probe Prefill Consistency", pick Word',
  '#    boundaries and Run Probe: a red row is a point where prefilling the model\'s own text up',
  '#    to there changes what it writes next.',
  '# 3. In the report, click the number of the first red row (the cursor goes there), then press',
  '#    Ctrl+Alt+R (Regenerate and Compare): the editor and the loom view show how it differs.',
];

/** Writes welcome.md into `dir`; returns where its text ends (1-based line and column), where step 1 starts. */
export function writeWelcome(dir: string): { file: string; line: number; column: number } {
  fs.mkdirSync(dir, { recursive: true });
  const header = renderDocumentHeader({ model: 'claude-haiku-4-5', user: 'Tell me a story.', temperature: 0, max_tokens: 60 });
  // The header's first line is its opening `---`; the steps go just below it.
  const [open, ...rest] = header.split('\n');
  const text = [open, ...WELCOME_STEPS, ...rest].join('\n') + WELCOME_BODY;
  const file = path.join(dir, WELCOME_FILE);
  fs.writeFileSync(file, text);
  const lines = text.split('\n');
  return { file, line: lines.length, column: lines[lines.length - 1].length + 1 };
}

export interface Demo {
  /** The short address a person opens: it sends the browser on to the workbench. */
  readonly address: string;
  readonly model: FakeAnthropic;
  readonly codeServer: CodeServer;
  stop(): Promise<void>;
}

/**
 * Starts the simulated model, code-server (on a port of its own) and, on `port` (0: a free one), a
 * redirect to the workbench with the extension loaded and welcome.md open at the end of its text.
 */
export async function startDemo(options: { workspace: string; port: number; apiKey: string }): Promise<Demo> {
  const model = await startFakeAnthropic({ apiKey: options.apiKey, responder: createSimulatorResponder(), tokenDelayMs: 15 });
  const welcome = writeWelcome(options.workspace);
  let codeServer: CodeServer;
  try {
    codeServer = await startCodeServer({
      workspace: options.workspace,
      settings: { 'prefillLoom.baseUrl': model.url, 'prefillLoom.maxTotalTokens': 400, 'git.openRepositoryInParentFolders': 'never' },
      env: { ANTHROPIC_API_KEY: options.apiKey },
    });
  } catch (e) {
    await model.close();
    throw e;
  }
  const target = codeServer.workbenchUrl(undefined, `${welcome.file}:${welcome.line}:${welcome.column}`);
  const redirect = http.createServer((_request, response) => {
    response.writeHead(302, { Location: target, 'Cache-Control': 'no-store' });
    response.end();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      redirect.once('error', reject);
      redirect.listen(options.port, '127.0.0.1', resolve);
    });
  } catch (e) {
    await codeServer.stop();
    await model.close();
    throw new Error(`port ${options.port} is taken (${(e as Error).message}); set PORT to another one`);
  }
  const address = `http://127.0.0.1:${(redirect.address() as AddressInfo).port}`;
  const stop = async (): Promise<void> => {
    redirect.close();
    await codeServer.stop();
    await model.close();
  };
  return { address, model, codeServer, stop };
}
