/**
 * The offline demo's pieces: a simulated model behind the Messages API and the OpenAI-style
 * completions and chat routes, a real VS Code (code-server) with the extension under development and
 * sample documents (`welcome.md`, a chat prefill on the Messages API; `base-model.md`, a base model
 * through `/v1/completions`; `distribution.md`, the mixed-script simulator), and a short address
 * that opens it on `welcome.md` with the cursor where step 1 starts. `npm run demo` and the e2e walk
 * both use it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { renderDocumentHeader } from '../src/core/conversation/documentHeader';
import { startCodeServer, type CodeServer } from '../test/harness/codeServer';
import { startFakeAnthropic, type FakeAnthropic } from '../test/server/fakeAnthropic';
import { CHAT_PREFILL_PROFILES } from '../test/server/openai/chatPrefill';
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

/** The demo's endpoints (user settings); the documents pick theirs by name in the header. */
export const BASE_ENDPOINT = 'simulator-base';
export const MIXED_ENDPOINT = 'simulator-mixed';

/** Ends in a space on purpose: a completions endpoint sends it as written, and the model sees it. */
export const BASE_MODEL_BODY = 'It was a cold morning in the spring of the year, and ';

const BASE_MODEL_STEPS = [
  '# A base model behind the OpenAI-style completions route: no system prompt, no user turn. The',
  '# text below is the whole prompt, sent exactly as written, trailing space included.',
  '# 1. Put the cursor at the very end (after the space) and press Ctrl+Alt+Enter.',
  '# 2. Delete the trailing space and continue again: the model now writes the space itself,',
  '#    from a different token, and the continuation changes.',
];

const DISTRIBUTION_BODY = 'OK,';

const DISTRIBUTION_STEPS = [
  '# A simulator trained on short English and Chinese replies. At temperature 1, after "OK," about',
  '# one sample in six goes on in Chinese; after "OK" (no comma), about one in twenty-five.',
];

/** A header with comment lines just below its opening `---`, then `endpoint:` when one is named. */
function documentText(header: string, steps: readonly string[], endpoint: string | undefined, body: string): string {
  const [open, ...rest] = header.split('\n');
  // `endpoint:` is written here rather than through renderDocumentHeader, which names only the fields it renders.
  return [open, ...steps, ...(endpoint ? [`endpoint: ${endpoint}`] : []), ...rest].join('\n') + body;
}

/**
 * Writes the demo's documents into `dir`; returns welcome.md's path and where its text ends
 * (1-based line and column), where step 1 starts.
 */
export function writeWorkspace(dir: string): { file: string; line: number; column: number } {
  fs.mkdirSync(dir, { recursive: true });
  const welcome = renderDocumentHeader({ model: 'claude-haiku-4-5', user: 'Tell me a story.', temperature: 0, max_tokens: 60 });
  const text = documentText(welcome, WELCOME_STEPS, undefined, WELCOME_BODY);
  const file = path.join(dir, WELCOME_FILE);
  fs.writeFileSync(file, text);
  const base = renderDocumentHeader({ model: 'simulator-base', temperature: 1, max_tokens: 40 });
  fs.writeFileSync(path.join(dir, 'base-model.md'), documentText(base, BASE_MODEL_STEPS, BASE_ENDPOINT, BASE_MODEL_BODY));
  const mixed = renderDocumentHeader({ model: 'simulator-mixed', user: 'Test', temperature: 1, max_tokens: 30 });
  fs.writeFileSync(path.join(dir, 'distribution.md'), documentText(mixed, DISTRIBUTION_STEPS, MIXED_ENDPOINT, DISTRIBUTION_BODY));
  const lines = text.split('\n');
  return { file, line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Local OpenAI-style endpoints, as `prefillLoom.endpoints` entries: no key (loopback), probabilities asked for. */
export function demoEndpoints(url: string, mixedUrl: string): object[] {
  return [
    { name: BASE_ENDPOINT, kind: 'completions', baseUrl: `${url}/v1`, model: 'simulator-base', logprobs: true, topLogprobs: 5 },
    { name: MIXED_ENDPOINT, kind: 'chat', baseUrl: `${mixedUrl}/v1`, prefillStyle: 'continue_final_message', model: 'simulator-mixed', logprobs: true, topLogprobs: 5 },
  ];
}

export interface Demo {
  /** The short address a person opens: it sends the browser on to the workbench. */
  readonly address: string;
  readonly model: FakeAnthropic;
  /** The mixed-script simulator (distribution.md). */
  readonly mixed: FakeAnthropic;
  readonly codeServer: CodeServer;
  stop(): Promise<void>;
}

/**
 * Starts the simulated model, code-server (on a port of its own) and, on `port` (0: a free one), a
 * redirect to the workbench with the extension loaded and welcome.md open at the end of its text.
 */
export async function startDemo(options: { workspace: string; port: number; apiKey: string }): Promise<Demo> {
  const model = await startFakeAnthropic({ apiKey: options.apiKey, responder: createSimulatorResponder(), tokenDelayMs: 15, openAi: { corpus: 'stories' } });
  const mixed = await startFakeAnthropic({
    apiKey: options.apiKey,
    responder: createSimulatorResponder({ corpus: 'mixed' }),
    tokenDelayMs: 15,
    openAi: { corpus: 'mixed', chatPrefill: CHAT_PREFILL_PROFILES.vllm },
  });
  const closeModels = async (): Promise<void> => {
    await model.close();
    await mixed.close();
  };
  const welcome = writeWorkspace(options.workspace);
  let codeServer: CodeServer;
  try {
    codeServer = await startCodeServer({
      workspace: options.workspace,
      settings: {
        'prefillLoom.baseUrl': model.url,
        'prefillLoom.endpoints': demoEndpoints(model.url, mixed.url),
        'prefillLoom.maxTotalTokens': 400,
        'git.openRepositoryInParentFolders': 'never',
      },
      env: { ANTHROPIC_API_KEY: options.apiKey },
    });
  } catch (e) {
    await closeModels();
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
    await closeModels();
    throw new Error(`port ${options.port} is taken (${(e as Error).message}); set PORT to another one`);
  }
  const address = `http://127.0.0.1:${(redirect.address() as AddressInfo).port}`;
  const stop = async (): Promise<void> => {
    redirect.close();
    await codeServer.stop();
    await closeModels();
  };
  return { address, model, mixed, codeServer, stop };
}
