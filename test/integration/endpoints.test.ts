import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { loadTree } from '../../src/core/loom/treePersistence';
import { nodeTreeStorage } from '../../src/core/loom/treeStorage';
import { nodeTokens } from '../../src/core/providers/tokenLogprobs';
import { eventually } from '../harness/eventually';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { CHAT_PREFILL_PROFILES, PREFILL_STYLES } from '../server/openai/chatPrefill';
import { closeAllEditors, continueAtCursor, loomApi, openDocument, setSetting, TEST_KEY } from './loomTestKit';
import { replaceWindowFunction } from './shownMessages';

// Every endpoint kind in a real VS Code, against the wire-compatible server's Messages and
// OpenAI-style routes (the offline simulator behind both).

const ENV_OPENAI_KEY = 'sk-openai-from-env';
const SECRET_A = 'sk-secret-for-local-base';
const SECRET_B = 'sk-secret-for-local-base-changed';

type Body = { prompt?: string; messages?: Array<{ role: string; content: string; prefix?: boolean; partial?: boolean }>; continue_final_message?: boolean; logprobs?: unknown; top_logprobs?: number };

/** Set API Key for local-base, answered with `key` ('' removes the stored one). */
async function setLocalBaseKey(key: string): Promise<void> {
  const pick = replaceWindowFunction('showQuickPick', ((items: Array<{ label: string }>) => Promise.resolve(items.find((i) => i.label === 'local-base'))) as never);
  const input = replaceWindowFunction('showInputBox', () => Promise.resolve(key));
  try {
    await vscode.commands.executeCommand('prefillLoom.setApiKey');
  } finally {
    pick.dispose();
    input.dispose();
  }
}

describe('Endpoints: completions and chat beside Anthropic', function () {
  this.timeout(60_000);
  let server: FakeAnthropic;
  let base: string;
  const endpoints = () => [
    { name: 'local-base', kind: 'completions', baseUrl: base, model: 'simulator' },
    { name: 'local-chat', kind: 'chat', baseUrl: base, model: 'simulator', prefillStyle: 'plain' },
    { name: 'local-probs', kind: 'completions', baseUrl: base, model: 'simulator', logprobs: true, topLogprobs: 3 },
  ];
  /** What every test starts from (a test may change them; they are put back after it). */
  async function suiteSettings(): Promise<void> {
    await setSetting('endpoints', endpoints());
    await setSetting('defaultEndpoint', 'local-base');
    await setSetting('maxTokens', 12);
    await setSetting('maxTotalTokens', 12);
  }
  before(async () => {
    server = await startFakeAnthropic({ apiKey: TEST_KEY, openAi: { seed: 11 } });
    base = `${server.url}/v1`;
    process.env.ANTHROPIC_API_KEY = TEST_KEY;
    process.env.OPENAI_API_KEY = ENV_OPENAI_KEY;
    await setSetting('baseUrl', server.url);
    await suiteSettings();
    await loomApi();
  });
  afterEach(async () => {
    server.reset();
    await suiteSettings();
    await closeAllEditors();
  });
  after(async () => {
    delete process.env.OPENAI_API_KEY;
    for (const name of ['baseUrl', 'endpoints', 'defaultEndpoint', 'maxTokens', 'maxTotalTokens']) await setSetting(name, undefined);
    await server.close();
  });

  const generationRequests = () => server.requests.filter((r) => r.method === 'POST');
  const bodies = () => generationRequests().map((r) => r.body as Body);

  it('continues a base-model document at the cursor, its trailing space sent as written', async () => {
    const prefix = 'The lighthouse keeper climbed the ';
    const editor = await openDocument(prefix);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed', JSON.stringify(outcome?.error ?? null));
    const [request] = generationRequests();
    assert.equal(request.path, '/v1/completions');
    assert.equal((request.body as Body).prompt, prefix);
    assert.equal((request.body as Body).messages, undefined);
    assert.ok(outcome!.text.length > 0);
    assert.equal(editor.document.getText(), prefix + outcome!.text);
  });

  it('auto-continues across finish_reason length, joining exactly', async () => {
    await setSetting('maxTokens', 4);
    await setSetting('maxTotalTokens', 24);
    const prefix = 'Once upon a time ';
    const editor = await openDocument(prefix);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    const prompts = bodies().map((b) => b.prompt!);
    assert.ok(prompts.length >= 2, `several requests (got ${prompts.length})`);
    assert.equal(prompts[0], prefix);
    outcome!.requests.slice(0, -1).forEach((r, i) => assert.equal(prompts[i + 1], prompts[i] + r.text, `prompt ${i + 2} is prompt ${i + 1} plus exactly its answer`));
    assert.equal(editor.document.getText(), prefix + outcome!.text);
    assert.equal(outcome!.requests.map((r) => r.text).join(''), outcome!.text);
  });

  for (const style of PREFILL_STYLES) {
    it(`continues the assistant text on a chat server that needs the ${style} style`, async () => {
      await setSetting('endpoints', [...endpoints(), { name: `chat-${style}`, kind: 'chat', baseUrl: base, model: 'simulator', prefillStyle: style }]);
      await setSetting('defaultEndpoint', `chat-${style}`);
      server.openAi.setChatPrefill(style === 'continue_final_message' ? CHAT_PREFILL_PROFILES.vllm : CHAT_PREFILL_PROFILES[style]);
      const prefix = 'The storm rolled in over the';
      const editor = await openDocument(`---\nuser: Tell a story.\n---\n${prefix}`);
      const outcome = await continueAtCursor();
      assert.equal(outcome?.status, 'completed', JSON.stringify(outcome?.error ?? null));
      const [request] = generationRequests();
      assert.equal(request.path, '/v1/chat/completions');
      const body = request.body as Body;
      assert.deepEqual(body.messages!.at(-1), { role: 'assistant', content: prefix, ...(style === 'prefix' ? { prefix: true } : style === 'partial' ? { partial: true } : {}) });
      assert.equal(body.messages!.at(-2)!.content, 'Tell a story.');
      assert.equal(body.continue_final_message, style === 'continue_final_message' ? true : undefined);
      assert.ok(outcome!.text.length > 0);
      assert.ok(editor.document.getText().endsWith(prefix + outcome!.text));
    });
  }

  it('sends a three-turn conversation from the header in order before the prefill to a chat server', async () => {
    await setSetting('defaultEndpoint', 'local-chat');
    const header = ['---', 'system: You are a storyteller.', 'messages:', '  - user: Tell a story.', '  - assistant: Which kind?', '  - user: |-', '      One about a storm,', '      at sea.', '---', ''].join('\n');
    await openDocument(`${header}The storm rolled in`);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed', JSON.stringify(outcome?.error ?? null));
    const [request] = generationRequests();
    assert.equal(request.path, '/v1/chat/completions');
    assert.deepEqual((request.body as Body).messages, [
      { role: 'system', content: 'You are a storyteller.' },
      { role: 'user', content: 'Tell a story.' },
      { role: 'assistant', content: 'Which kind?' },
      { role: 'user', content: 'One about a storm,\nat sea.' },
      { role: 'assistant', content: 'The storm rolled in' },
    ]);
  });

  it('sends each key only to its own endpoint, and none to a local server without one', async () => {
    await setLocalBaseKey(SECRET_A);
    try {
      for (const endpoint of ['local-base', 'local-chat', 'Anthropic']) {
        await setSetting('defaultEndpoint', endpoint);
        await openDocument('The sea was');
        const outcome = await continueAtCursor();
        assert.equal(outcome?.status, 'completed', `${endpoint}: ${JSON.stringify(outcome?.error ?? null)}`);
      }
      // Whichever header the SDK puts it in (this Anthropic SDK sends a bearer token), each request carries its own endpoint's key or none.
      const keyOf = (h: Record<string, unknown>) => (h['x-api-key'] as string | undefined) ?? (h.authorization as string | undefined)?.replace(/^Bearer /, '');
      const seen = generationRequests().map((r) => ({ path: r.path, key: keyOf(r.headers) }));
      assert.deepEqual(seen, [
        { path: '/v1/completions', key: SECRET_A },
        { path: '/v1/chat/completions', key: undefined },
        { path: '/v1/messages', key: TEST_KEY },
      ]);
      const all = JSON.stringify(generationRequests().map((r) => r.headers));
      assert.ok(!all.includes(ENV_OPENAI_KEY), 'OPENAI_API_KEY never goes to a local server');
    } finally {
      await setLocalBaseKey('');
    }
  });

  it('sends a key changed or removed with Set API Key in the very next request', async () => {
    const keyOf = (h: Record<string, unknown>) => (h.authorization as string | undefined)?.replace(/^Bearer /, '');
    for (const key of [SECRET_A, SECRET_B, '']) {
      await setLocalBaseKey(key);
      await openDocument('The sea was');
      assert.equal((await continueAtCursor())?.status, 'completed');
      await closeAllEditors();
    }
    assert.deepEqual(generationRequests().map((r) => keyOf(r.headers)), [SECRET_A, SECRET_B, undefined], 'a local server is sent none once the key is removed');
  });

  it('switches endpoint through the header and through the status bar', async () => {
    await openDocument('---\nendpoint: local-chat\n---\nThe sea was');
    const api = await loomApi();
    assert.match(api.endpointStatus.text, /local-chat · simulator/);
    await continueAtCursor();
    assert.equal(generationRequests().at(-1)?.path, '/v1/chat/completions');
    await closeAllEditors();

    await openDocument('The sea was');
    assert.match(api.endpointStatus.text, /local-base · simulator/);
    const pick = replaceWindowFunction('showQuickPick', ((items: Array<{ label: string }>) => Promise.resolve(items.find((i) => i.label === 'Anthropic'))) as never);
    try {
      await vscode.commands.executeCommand('prefillLoom.pickEndpoint');
    } finally {
      pick.dispose();
    }
    assert.equal(vscode.workspace.getConfiguration('prefillLoom').get('defaultEndpoint'), 'Anthropic');
    assert.match(api.endpointStatus.text, /Anthropic · claude-haiku-4-5/);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    assert.equal(generationRequests().at(-1)?.path, '/v1/messages');
  });

  it('keeps showing the document’s endpoint while a panel beside it has the focus', async () => {
    await openDocument('---\nendpoint: local-chat\n---\nThe sea was');
    const api = await loomApi();
    const panel = vscode.window.createWebviewPanel('prefillLoom.test', 'A panel beside', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
    try {
      await eventually(() => vscode.window.activeTextEditor === undefined, 'the panel has the focus');
      assert.match(api.endpointStatus.text, /local-chat · simulator/);
    } finally {
      panel.dispose();
    }
  });

  it('refuses a header that names an endpoint not defined, sending nothing', async () => {
    const shown: string[] = [];
    const error = replaceWindowFunction('showErrorMessage', ((message: string) => {
      shown.push(message);
      return Promise.resolve(undefined);
    }) as never);
    try {
      await openDocument('---\nendpoint: nowhere\n---\nThe sea was');
      await continueAtCursor();
    } finally {
      error.dispose();
    }
    assert.equal(generationRequests().length, 0);
    assert.match(shown.join('\n'), /endpoint "nowhere", which is not defined/);
  });

  it('records token probabilities in the node and reloads them exactly', async () => {
    await setSetting('defaultEndpoint', 'local-probs');
    const editor = await openDocument('The keeper said ');
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    assert.equal(bodies()[0].logprobs, 3);
    const api = await loomApi();
    const session = api.sessions.get(editor.document)!;
    const node = [...session.tree.preorder()].find((n) => n.author === 'model')!;
    assert.equal(node.generation?.endpoint, 'local-probs');
    assert.equal(node.generation?.endpointKind, 'completions');
    const tokens = nodeTokens(node.generation)!;
    assert.ok(tokens.length > 0);
    assert.equal(tokens.map((t) => t.text).join(''), node.text);
    assert.deepEqual(tokens, outcome!.tokens);
    await api.sessions.flushAll();
    const loaded = await loadTree(nodeTreeStorage, api.sessions.pathsFor(editor.document));
    assert.equal(loaded.kind, 'loaded');
    const reloaded = loaded.kind === 'loaded' ? loaded.tree.get(node.id) : undefined;
    assert.deepEqual(nodeTokens(reloaded?.generation), tokens);
  });

  /** Runs `command` with the quick pick answered by the item labelled `label`. */
  async function runPicking(command: string, label: string): Promise<void> {
    const pick = replaceWindowFunction('showQuickPick', ((items: Array<{ label: string }>) => Promise.resolve(items.find((i) => i.label === label))) as never);
    try {
      await vscode.commands.executeCommand(command);
    } finally {
      pick.dispose();
    }
  }

  /** A chat endpoint in `style` on a server that continues only that style, made the default. */
  async function useChatStyle(style: (typeof PREFILL_STYLES)[number]): Promise<void> {
    await setSetting('endpoints', [...endpoints(), { name: `chat-${style}`, kind: 'chat', baseUrl: base, model: 'simulator', prefillStyle: style }]);
    await setSetting('defaultEndpoint', `chat-${style}`);
    server.openAi.setChatPrefill(style === 'continue_final_message' ? CHAT_PREFILL_PROFILES.vllm : CHAT_PREFILL_PROFILES[style]);
  }

  for (const style of ['continue_final_message', 'partial'] as const) {
    it(`shows the last request of a ${style} chat endpoint and copies it as curl: the continued assistant message with its flag, and no key`, async () => {
      await useChatStyle(style);
      const prefix = 'The storm rolled in over the';
      await openDocument(`---\nuser: Tell a story.\n---\n${prefix}`);
      const outcome = await continueAtCursor();
      assert.equal(outcome?.status, 'completed', JSON.stringify(outcome?.error ?? null));
      const sent = generationRequests().at(-1)!;
      await vscode.commands.executeCommand('prefillLoom.showLastRequest');
      const text = vscode.window.activeTextEditor!.document.getText();
      const shown = JSON.parse(text);
      assert.equal(shown.url, `${base}/chat/completions`);
      assert.deepEqual(shown.body, sent.body);
      assert.deepEqual(shown.body.messages.at(-1), { role: 'assistant', content: prefix, ...(style === 'partial' ? { partial: true } : {}) });
      assert.equal(shown.body.continue_final_message, style === 'continue_final_message' ? true : undefined);
      assert.equal(Object.keys(shown.headers).find((h) => /^(authorization|x-api-key)$/i.test(h)), undefined, 'a local server is sent no key');
      await vscode.commands.executeCommand('prefillLoom.copyLastRequestAsCurl');
      const curl = await vscode.env.clipboard.readText();
      assert.match(curl, new RegExp(`^curl '${base}/chat/completions'`));
      assert.ok(curl.includes(style === 'partial' ? '"partial":true' : '"continue_final_message":true'), curl);
      assert.doesNotMatch(curl, /authorization|x-api-key/i);
      for (const secret of [ENV_OPENAI_KEY, SECRET_A, TEST_KEY]) assert.ok(!text.includes(secret) && !curl.includes(secret), 'no key in the request view or the curl');
    });
  }

  it('probes a node made on a chat endpoint, every probe request continuing the assistant text in its style; Show Last Request shows the last', async () => {
    await useChatStyle('prefix');
    const prefix = 'The storm rolled in over the';
    const editor = await openDocument(`---\nuser: Tell a story.\ntemperature: 0\n---\n${prefix}`);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed', JSON.stringify(outcome?.error ?? null));
    const end = editor.document.getText().length;
    editor.selection = new vscode.Selection(editor.document.positionAt(end - 1), editor.document.positionAt(end - 1));
    server.reset();
    const report = await vscode.commands.executeCommand<{ points: Array<{ offset: number }> } | undefined>('prefillLoom.probePrefillConsistency', { split: 'word', samples: 1, probeTokens: 4, confirm: false });
    assert.ok(report && report.points.length > 0, 'a report with split points');
    const probes = generationRequests();
    assert.equal(probes.length, report.points.length, 'one request per split point');
    for (const request of probes) {
      assert.equal(request.path, '/v1/chat/completions');
      const last = (request.body as Body).messages!.at(-1)!;
      assert.equal(last.role, 'assistant');
      assert.equal(last.prefix, true);
      assert.ok(last.content.startsWith(prefix) && (prefix + outcome!.text).startsWith(last.content), last.content);
    }
    await vscode.commands.executeCommand('prefillLoom.showLastRequest');
    const shown = JSON.parse(vscode.window.activeTextEditor!.document.getText());
    assert.ok(probes.some((r) => JSON.stringify(r.body) === JSON.stringify(shown.body)), 'the view shows a probe request as sent');
  });

  it('asks for the key of a remote OpenAI-style endpoint before its first request and sends nothing without one; a loopback endpoint needs none', async () => {
    delete process.env.OPENAI_API_KEY;
    const remote = { name: 'remote-chat', kind: 'chat', baseUrl: 'http://remote.invalid/v1', model: 'm', prefillStyle: 'plain' };
    await setSetting('endpoints', [...endpoints(), remote]);
    await setSetting('defaultEndpoint', 'remote-chat');
    const asked: string[] = [];
    let answer: string | undefined;
    const input = replaceWindowFunction('showInputBox', ((options: vscode.InputBoxOptions) => {
      asked.push(`key: ${options.title}`);
      return Promise.resolve(answer);
    }) as never);
    const errors: string[] = [];
    const error = replaceWindowFunction('showErrorMessage', ((message: string) => (errors.push(message), Promise.resolve(undefined))) as never);
    // The plain-http guard comes after the key; declining it keeps anything from leaving for remote.invalid.
    const warning = replaceWindowFunction('showWarningMessage', ((message: string) => (asked.push(`guard: ${message}`), Promise.resolve(undefined))) as never);
    try {
      await openDocument('The sea was');
      assert.notEqual((await continueAtCursor())?.status, 'completed');
      assert.deepEqual(asked, ['key: Prefill Loom: API key for remote-chat']);
      assert.match(errors.join('\n'), /no API key for remote-chat.*nothing was sent/);

      asked.length = 0;
      answer = 'sk-remote-typed';
      await continueAtCursor();
      assert.equal(asked.length, 2);
      assert.equal(asked[0], 'key: Prefill Loom: API key for remote-chat');
      assert.match(asked[1], /^guard: .*remote\.invalid.* plain http/);

      asked.length = 0;
      await continueAtCursor();
      assert.equal(asked.length, 1, 'the key was kept: only the guard asks');
      assert.match(asked[0], /^guard: /);
      assert.equal(generationRequests().length, 0, 'nothing was sent');

      asked.length = 0;
      await setSetting('defaultEndpoint', 'local-chat');
      assert.equal((await continueAtCursor())?.status, 'completed');
      assert.deepEqual(asked, [], 'a loopback server is asked for no key');
      assert.equal(generationRequests().at(-1)?.headers.authorization, undefined);
    } finally {
      answer = '';
      await runPicking('prefillLoom.setApiKey', 'remote-chat');
      input.dispose();
      error.dispose();
      warning.dispose();
      process.env.OPENAI_API_KEY = ENV_OPENAI_KEY;
    }
  });

  it('adds a custom server from Add Endpoint: any base URL, the kind and prefill style chosen, no key for a loopback one', async () => {
    const picks: Record<string, string> = { 'Which server?': 'Custom server', 'Which route?': 'chat', 'How does this server': 'partial', 'Ask this server for token': 'Yes' };
    const pick = replaceWindowFunction('showQuickPick', ((items: Array<{ label: string }>, options: vscode.QuickPickOptions) => {
      const answer = Object.entries(picks).find(([question]) => options.placeHolder?.startsWith(question))?.[1];
      return Promise.resolve(items.find((i) => i.label === answer));
    }) as never);
    const prompts: string[] = [];
    const input = replaceWindowFunction('showInputBox', ((options: vscode.InputBoxOptions) => {
      prompts.push(options.prompt ?? '');
      const prompt = options.prompt ?? '';
      return Promise.resolve(prompt.includes('base URL') ? `${base}/` : prompt.startsWith('A name') ? 'my-server' : prompt.startsWith('The model') ? 'simulator' : undefined);
    }) as never);
    try {
      await vscode.commands.executeCommand('prefillLoom.addEndpoint');
    } finally {
      pick.dispose();
      input.dispose();
    }
    assert.equal(prompts.length, 3, `base URL, name and model; no key for a loopback server (asked: ${prompts.join(' | ')})`);
    const config = vscode.workspace.getConfiguration('prefillLoom');
    assert.deepEqual(config.get<unknown[]>('endpoints')!.at(-1), { name: 'my-server', kind: 'chat', baseUrl: base, model: 'simulator', prefillStyle: 'partial', logprobs: true, topLogprobs: 5 });
    assert.equal(config.get('defaultEndpoint'), 'my-server');
    server.openAi.setChatPrefill(CHAT_PREFILL_PROFILES.partial);
    await openDocument('---\nuser: Tell a story.\n---\nThe storm rolled in');
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed', JSON.stringify(outcome?.error ?? null));
    assert.deepEqual(bodies()[0].messages!.at(-1), { role: 'assistant', content: 'The storm rolled in', partial: true });
    assert.ok(outcome!.tokens && outcome!.tokens.length > 0, 'probabilities asked for and recorded');
  });

  it('regenerates a node on the endpoint that produced it, whatever the default is now', async () => {
    const editor = await openDocument('The tide came ');
    await continueAtCursor();
    const api = await loomApi();
    const session = api.sessions.get(editor.document)!;
    const node = [...session.tree.preorder()].find((n) => n.author === 'model')!;
    await setSetting('defaultEndpoint', 'Anthropic');
    server.requests.length = 0;
    const made = await api.generations.generateFromNode(session, node.id, 'regenerate');
    assert.equal(made.length, 1);
    assert.equal(generationRequests()[0].path, '/v1/completions');
    assert.equal((generationRequests()[0].body as Body).prompt, 'The tide came ');
  });
});
