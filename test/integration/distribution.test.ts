import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LabelledRun } from '../../src/webviews/distributionPanel';
import { panelView } from '../../src/webviews/distributionPanel';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { expectedChat, expectedTexts, requestSeeds } from '../server/openai/expected';
import { closeAllEditors, loomApi, openDocument, setSetting, TEST_KEY } from './loomTestKit';

// Sample Distribution in a real VS Code against the seeded simulator on its mixed-script corpus:
// the panel's groups are the samples the simulator itself gives the run's seeds.

const RUN_SEED = 4321;
const DOCUMENT = '---\nuser: Test\ntemperature: 1\nmax_tokens: 30\n---\nOK,';

function expectedRun(prefill: string, first: number, count: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const seed of requestSeeds(RUN_SEED, first + count).slice(first)) {
    const text = expectedTexts(expectedChat({ model: 'simulator-mixed', max_tokens: 30, temperature: 1, seed, messages: [{ role: 'user', content: 'Test' }, { role: 'assistant', content: prefill }] }, { corpus: 'mixed' }))[0];
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

describe('Sample Distribution: the distribution panel', function () {
  this.timeout(120_000);
  let server: FakeAnthropic;
  before(async () => {
    server = await startFakeAnthropic({ apiKey: TEST_KEY, openAi: { corpus: 'mixed', seed: RUN_SEED } });
    await setSetting('endpoints', [{ name: 'local-chat', kind: 'chat', baseUrl: `${server.url}/v1`, model: 'simulator-mixed', prefillStyle: 'plain' }]);
    await setSetting('defaultEndpoint', 'local-chat');
    await setSetting('maxTotalTokens', 30);
    await loomApi();
  });
  afterEach(async () => {
    server.reset();
    await closeAllEditors();
  });
  after(async () => {
    for (const name of ['endpoints', 'defaultEndpoint', 'maxTotalTokens']) await setSetting(name, undefined);
    await server.close();
  });

  it('shows the groups and counts the simulator gives, and the Han share of the samples that switched script', async () => {
    await openDocument(DOCUMENT);
    const runs = (await vscode.commands.executeCommand('prefillLoom.sampleDistribution', { count: 40, confirm: false })) as LabelledRun[];
    const view = panelView('Distribution at the Point', runs);
    const expected = expectedRun('OK,', 0, 40);
    assert.deepEqual(new Map(view.runs[0].exact.map((g) => [g.text, g.count])), expected);
    const han = [...expected].filter(([text]) => /\p{Script=Han}/u.test(text)).reduce((sum, [, n]) => sum + n, 0);
    assert.equal(view.runs[0].scripts.find((s) => s.script === 'Han')?.share ?? 0, han / 40);
    assert.ok(view.runs[0].nextToken && view.runs[0].nextToken.length > 0, 'chat gives probabilities: the model’s own next-token distribution is shown');
  });

  it('compares the text up to the cursor with the same without its last word, side by side', async () => {
    await openDocument(DOCUMENT);
    const runs = (await vscode.commands.executeCommand('prefillLoom.compareDistributions', { count: 20, confirm: false })) as LabelledRun[];
    assert.equal(runs.length, 2);
    assert.equal(runs[1].run.request.prefillTail, 'OK');
    const view = panelView('Compared Distributions', runs);
    const texts = new Set([...view.runs[0].exact, ...view.runs[1].exact].map((g) => g.text));
    assert.equal(view.aligned?.exact.length, texts.size);
    for (const row of view.aligned!.exact) assert.equal(row.difference, row.shareB - row.shareA);
  });
});
