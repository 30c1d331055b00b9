import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerationOutcome } from '../../src/core/generation/generation';
import { shadingLevel } from '../../src/core/probabilities/tokenShading';
import { nodeTokens } from '../../src/core/providers/tokenLogprobs';
import { decodeNode, encodeTree, type WireTree } from '../../src/webviews/webviewProtocol';
import { NEXT_TOKEN_PICK_CONTEXT, type NextTokenResult } from '../../src/probabilities/nextTokenPicker';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { tokenString } from '../server/openai/logprobs';
import { samplingDistribution } from '../server/simulator/sampling';
import { decodeToken, encode, START_OF_TEXT } from '../server/simulator/tokenizer';
import { simulatorModel } from '../server/simulator/trainedModel';
import { closeAllEditors, loomApi, openDocument, setSetting, TEST_KEY } from './loomTestKit';
import { ShownMessages } from './shownMessages';
import { eventually } from '../harness/eventually';

// Show Next-Token Probabilities in a real VS Code, against the simulator behind the completions route.

const PREFIX = 'The old woman nodded (it was late)';
const HEADER = '---\ntemperature: 0.8\n---\n';

/** The simulator's own next-token distribution after PREFIX (a base model's document), its 5 most likely. */
function simulated(): Array<{ text: string; logprob: number }> {
  const counts = simulatorModel().continuations([START_OF_TEXT, ...encode(PREFIX)]);
  return samplingDistribution(counts, { temperature: 0.8 })
    .slice(0, 5)
    .map(([id, p]) => ({ text: tokenString(Array.from(decodeToken(id))), logprob: Math.log(p) }));
}

/**
 * Records the values the extension gives context `key` through `setContext`, the only way to VS Code's
 * context (an extension cannot read it back); the test shares the extension's `vscode` API object.
 */
function spyOnContext(key: string): { values: unknown[]; dispose(): void } {
  const original = vscode.commands.executeCommand;
  const values: unknown[] = [];
  vscode.commands.executeCommand = ((command: string, ...rest: unknown[]) => {
    if (command === 'setContext' && rest[0] === key) values.push(rest[1]);
    return original(command, ...rest);
  }) as typeof original;
  return { values, dispose: () => (vscode.commands.executeCommand = original) };
}

const showNextToken = (options?: object) => vscode.commands.executeCommand<NextTokenResult | undefined>('prefillLoom.showNextTokenProbabilities', options);

describe('Show Next-Token Probabilities and the loom view’s token rows (completions route, simulator)', function () {
  this.timeout(60_000);
  let server: FakeAnthropic;
  before(async function () {
    this.timeout(120_000); // training the simulator here, to compute what it gives
    simulatorModel();
    server = await startFakeAnthropic({ apiKey: TEST_KEY, openAi: { seed: 5 } });
    process.env.ANTHROPIC_API_KEY = TEST_KEY;
    await setSetting('baseUrl', server.url);
    await setSetting('endpoints', [{ name: 'local-base', kind: 'completions', baseUrl: `${server.url}/v1`, model: 'simulator' }]);
    await setSetting('defaultEndpoint', 'local-base');
    await setSetting('maxTokens', 8);
    await setSetting('maxTotalTokens', 8);
    await loomApi();
  });
  afterEach(async () => {
    server.reset();
    await setSetting('endpoints', [{ name: 'local-base', kind: 'completions', baseUrl: `${server.url}/v1`, model: 'simulator' }]);
    await setSetting('defaultEndpoint', 'local-base');
    await closeAllEditors();
  });
  after(async () => {
    for (const name of ['baseUrl', 'endpoints', 'defaultEndpoint', 'maxTokens', 'maxTotalTokens']) await setSetting(name, undefined);
    await server.close();
  });

  const posts = () => server.requests.filter((r) => r.method === 'POST');

  it('lists the simulator’s alternatives with their probabilities and bars, and inserts the one picked as a model node', async () => {
    const editor = await openDocument(HEADER + PREFIX);
    const result = await showNextToken({ pick: 1 });
    assert.ok(result, 'the command ran');
    const [request] = posts();
    assert.equal(posts().length, 1, 'one request');
    assert.equal(request.path, '/v1/completions');
    assert.deepEqual([(request.body as any).prompt, (request.body as any).max_tokens, (request.body as any).logprobs, (request.body as any).temperature], [PREFIX, 1, 5, 0.8]);
    const api = await loomApi();
    assert.equal(JSON.parse(api.lastRequest.request!.body).logprobs, 5, 'Show Last Request has it');

    const expected = simulated();
    assert.deepEqual(result.alternatives.map((a) => [a.text, a.logprob]), expected.map((e) => [e.text, e.logprob]));
    result.alternatives.forEach((a, i) => {
      assert.equal(a.probability, Math.exp(expected[i].logprob));
      assert.ok(result.items[i].description.includes(`${(a.probability * 100).toFixed(1)}%`), result.items[i].description);
      assert.match(result.items[i].description, /^[█░]{20} /);
    });
    assert.equal(result.items[0].label, expected[0].text.replace(/ /g, '·'));

    const picked = expected[1].text;
    assert.equal(result.inserted, picked);
    assert.equal(editor.document.getText(), HEADER + PREFIX + picked);
    const session = api.sessions.get(editor.document)!;
    const node = [...session.tree.preorder()].find((n) => n.author === 'model')!;
    assert.equal(node.text, picked);
    assert.equal(session.currentId, node.id);
    assert.equal(node.generation?.endpoint, 'local-base');
    const [token] = nodeTokens(node.generation)!;
    assert.equal(token.text, picked);
    assert.equal(token.logprob, expected[1].logprob);
    assert.deepEqual(token.top.map((t) => t.text), expected.map((e) => e.text));
  });

  it('inserts the highlighted token and continues generating after it on Insert Next Token and Continue in the real quick pick', async () => {
    const editor = await openDocument(HEADER + PREFIX);
    const running = showNextToken();
    let result: NextTokenResult | undefined;
    void running.then((r) => (result = r));
    // The command (Alt+→) does nothing until the pick is open; run it until the pick is done.
    await eventually(async () => {
      await vscode.commands.executeCommand('prefillLoom.acceptNextTokenAndContinue');
      return result !== undefined;
    }, 'the pick to open and take Insert Next Token and Continue');
    assert.ok(result);
    const first = simulated()[0].text;
    assert.equal(result.inserted, first);
    assert.equal(result.continued?.status, 'completed');
    assert.ok(result.continued!.text.length > 0);
    assert.equal(editor.document.getText(), HEADER + PREFIX + first + result.continued!.text);
    assert.equal(posts().length, 2);
    assert.equal((posts()[1].body as any).prompt, PREFIX + first, 'the continuation prefills the picked token');
    const session = (await loomApi()).sessions.get(editor.document)!;
    const path = session.tree.pathTo(session.currentId);
    assert.deepEqual(path.slice(-2).map((n) => [n.author, n.text]), [['model', first], ['model', result.continued!.text]]);
  });

  for (const [how, closing, inserted] of [
    ['Enter picks a token', 'workbench.action.acceptSelectedQuickOpenItem', true],
    ['Escape hides it', 'workbench.action.closeQuickOpen', false],
  ] as const) {
    it(`sets ${NEXT_TOKEN_PICK_CONTEXT} (the context of its Alt+→) while the real quick pick is open, and clears it once ${how}`, async () => {
      const keybinding = (vscode.extensions.getExtension('prefill-loom.prefill-loom')!.packageJSON.contributes.keybindings as Array<{ command: string; when: string }>)
        .find((b) => b.command === 'prefillLoom.acceptNextTokenAndContinue');
      assert.ok(keybinding?.when.split(' && ').includes(NEXT_TOKEN_PICK_CONTEXT), 'the key acts only in this context');
      const editor = await openDocument(HEADER + PREFIX);
      const sent = spyOnContext(NEXT_TOKEN_PICK_CONTEXT);
      try {
        let result: NextTokenResult | undefined;
        void showNextToken().then((r) => (result = r));
        await eventually(() => sent.values.length > 0, 'the pick to open');
        assert.deepEqual(sent.values, [true], 'set as the pick opens');
        // The close does nothing until the pick is shown; repeat it until the command is done.
        await eventually(async () => {
          await vscode.commands.executeCommand(closing);
          return result !== undefined;
        }, `the pick to close as ${how}`);
        assert.deepEqual(sent.values, [true, false], 'cleared once, as the pick closes');
        assert.equal(result!.inserted, inserted ? simulated()[0].text : undefined);
        assert.equal(result!.continued, undefined);
        assert.equal(editor.document.getText(), HEADER + PREFIX + (result!.inserted ?? ''));
      } finally {
        sent.dispose();
      }
    });
  }

  it('gives the loom view’s rows the lowest-probability token, the mean log-probability and the preview’s shade bands', async () => {
    await setSetting('endpoints', [{ name: 'local-base', kind: 'completions', baseUrl: `${server.url}/v1`, model: 'simulator', logprobs: true, topLogprobs: 3 }]);
    const editor = await openDocument(HEADER + PREFIX);
    const outcome = await vscode.commands.executeCommand<GenerationOutcome | undefined>('prefillLoom.continueAtCursor');
    assert.equal(outcome?.status, 'completed');
    const tokens = outcome!.tokens!;
    assert.equal(tokens.length, 8);
    const api = await loomApi();
    const session = api.sessions.get(editor.document)!;
    const node = [...session.tree.preorder()].find((n) => n.author === 'model')!;
    // What the view model sends, through the wire format the webview reads.
    const wire = JSON.parse(encodeTree(api.viewModel.snapshot()!)) as WireTree;
    const index = wire.nodes.findIndex((n) => n[0] === node.id);
    const row = decodeNode(wire.nodes[index], undefined, [], wire.strings);
    const lowest = tokens.reduce((low, t) => (t.logprob < low.logprob ? t : low));
    assert.equal(row.tokens?.count, tokens.length);
    assert.equal(row.tokens?.lowest, lowest.text);
    assert.equal(row.tokens?.lowestProbability, Math.exp(lowest.logprob));
    assert.equal(row.tokens?.meanLogprob, tokens.reduce((sum, t) => sum + t.logprob, 0) / tokens.length);
    const lengths = row.tokens!.preview.filter((_, i) => i % 2 === 0);
    assert.deepEqual(lengths, tokens.map((t) => t.text.length).filter((n) => n > 0));
    assert.deepEqual(row.tokens!.preview.filter((_, i) => i % 2 === 1), tokens.filter((t) => t.text.length > 0).map((t) => shadingLevel(Math.exp(t.logprob))));
  });

  it('says an Anthropic endpoint gives no token probabilities, and which kinds do, sending nothing', async () => {
    await setSetting('defaultEndpoint', 'Anthropic');
    const messages = new ShownMessages();
    try {
      await openDocument(PREFIX);
      assert.equal(await showNextToken(), undefined);
      const [shown] = messages.matching('information', /no token probabilities/);
      assert.ok(shown, JSON.stringify(messages.shown));
      assert.match(shown.message, /Completions and chat endpoints do/);
      assert.deepEqual(shown.items, ['Add Endpoint', 'Pick Endpoint']);
      assert.equal(posts().length, 0);
    } finally {
      messages.dispose();
    }
  });
});
