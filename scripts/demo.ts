/**
 * The offline demo: a simulated model behind the Messages API and the OpenAI-style completions and
 * chat routes, and a real VS Code (code-server) with the extension under development and sample
 * documents, on loopback: `welcome.md` (Anthropic Messages, a chat prefill), `base-model.md` (a base
 * model through `/v1/completions`, the text sent exactly as written) and `distribution.md` (the
 * mixed-script simulator, where the prefill "OK," switches to Chinese in about one sample in six).
 *
 *   npm run demo            (PORT=8080 by default; Ctrl+C stops everything)
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderDocumentHeader } from '../src/core/conversation/documentHeader';
import { repoRoot, startCodeServer } from '../test/harness/codeServer';
import { startFakeAnthropic } from '../test/server/fakeAnthropic';
import { CHAT_PREFILL_PROFILES } from '../test/server/openai/chatPrefill';
import { createSimulatorResponder } from '../test/server/simulator/simulatorResponder';

const WELCOME_BODY = `The old woman nodded (it was late)`;

/** Header comments: the document tells its reader what to try, in the order that shows the effect. */
const WELCOME_STEPS = [
  '# 1. Put the cursor at the end of the text and press Ctrl+Alt+Enter (Continue at Cursor).',
  '# 2. Put the cursor before " I have" in the continuation and press Ctrl+Alt+R (Regenerate and',
  '#    Compare): prefilling the model\'s own text up to ", and" changes what it writes next.',
  '# 3. Run "Prefill Loom: Probe Prefill Consistency" in the continuation: every word boundary, tested.',
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

export function writeWorkspace(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const welcome = renderDocumentHeader({ model: 'claude-haiku-4-5', user: 'Tell me a story.', temperature: 0, max_tokens: 60 });
  fs.writeFileSync(path.join(dir, 'welcome.md'), documentText(welcome, WELCOME_STEPS, undefined, WELCOME_BODY));
  const base = renderDocumentHeader({ model: 'simulator-base', temperature: 1, max_tokens: 40 });
  fs.writeFileSync(path.join(dir, 'base-model.md'), documentText(base, BASE_MODEL_STEPS, BASE_ENDPOINT, BASE_MODEL_BODY));
  const mixed = renderDocumentHeader({ model: 'simulator-mixed', user: 'Test', temperature: 1, max_tokens: 30 });
  fs.writeFileSync(path.join(dir, 'distribution.md'), documentText(mixed, DISTRIBUTION_STEPS, MIXED_ENDPOINT, DISTRIBUTION_BODY));
}

/** Local OpenAI-style endpoints, as `prefillLoom.endpoints` entries: no key (loopback), probabilities asked for. */
export function demoEndpoints(url: string, mixedUrl: string): object[] {
  return [
    { name: BASE_ENDPOINT, kind: 'completions', baseUrl: `${url}/v1`, model: 'simulator-base', logprobs: true, topLogprobs: 5 },
    { name: MIXED_ENDPOINT, kind: 'chat', baseUrl: `${mixedUrl}/v1`, prefillStyle: 'continue_final_message', model: 'simulator-mixed', logprobs: true, topLogprobs: 5 },
  ];
}

async function main(): Promise<void> {
  const key = `sk-ant-demo-${randomBytes(8).toString('hex')}`;
  const model = await startFakeAnthropic({ apiKey: key, responder: createSimulatorResponder(), tokenDelayMs: 15, openAi: { corpus: 'stories' } });
  const mixed = await startFakeAnthropic({
    apiKey: key,
    responder: createSimulatorResponder({ corpus: 'mixed' }),
    tokenDelayMs: 15,
    openAi: { corpus: 'mixed', chatPrefill: CHAT_PREFILL_PROFILES.vllm },
  });
  const workspace = path.join(repoRoot, '.vscode-test', 'demo-workspace');
  writeWorkspace(workspace);
  const server = await startCodeServer({
    workspace,
    port: Number(process.env.PORT ?? 8080),
    settings: {
      'prefillLoom.baseUrl': model.url,
      'prefillLoom.endpoints': demoEndpoints(model.url, mixed.url),
      'prefillLoom.maxTotalTokens': 400,
      'git.openRepositoryInParentFolders': 'never',
    },
    env: { ANTHROPIC_API_KEY: key },
  });
  const stop = async (): Promise<void> => {
    await server.stop();
    await model.close();
    await mixed.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  console.log(`Simulated model (Messages API) at ${model.url}; base model (completions) at ${model.url}/v1`);
  console.log(`Mixed-script simulator (chat, continue_final_message) at ${mixed.url}/v1`);
  console.log(`\nOpen VS Code with Prefill Loom:\n\n  ${server.workbenchUrl()}\n`);
  console.log('Open welcome.md (then base-model.md, distribution.md) and follow the steps in its header. Ctrl+C stops the demo.');
}

// Run as a script; imported (by a test of its documents), it starts nothing.
if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`The demo could not start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
