import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DistributionPanel, panelView, withTextsOnce, type LabelledRun } from '../../src/webviews/distributionPanel';
import type { DistributionRunView } from '../../src/webviews/webviewProtocol';
import { eventually } from '../harness/eventually';
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
    for (const name of ['endpoints', 'defaultEndpoint', 'maxTotalTokens', 'concurrency']) await setSetting(name, undefined);
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

  it('ends with every sample counted in the status bar, though it follows the samples at most every 100 ms', async () => {
    const api = await loomApi();
    const tooltip = () => {
      const t = api.statusBar.item.tooltip;
      return typeof t === 'string' ? t : (t?.value ?? '');
    };
    const windowRequests = () => Number(/Since this window opened: ([\d,]+) request/.exec(tooltip())?.[1].replace(/,/g, '') ?? 0);
    const before = windowRequests();
    await openDocument(DOCUMENT);
    const [{ run }] = (await vscode.commands.executeCommand('prefillLoom.sampleDistribution', { count: 40, confirm: false })) as LabelledRun[];
    const { usage } = run.summary.totals;
    assert.ok(usage.output_tokens > 0);
    const label = api.statusBar.item.accessibilityInformation?.label ?? '';
    assert.match(label, new RegExp(`^Prefill Loom sampling finished: 40 samples; simulator-mixed, ${usage.input_tokens.toLocaleString('en-US')} input tokens, ${usage.output_tokens.toLocaleString('en-US')} output tokens`));
    assert.match(tooltip(), /Requests: 40\b/);
    assert.equal(windowRequests() - before, 40, 'every sample in the window totals');
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

  it('saves exactly the chosen samples, then a whole group, as sibling nodes marked as samples, leaving the editor as it was', async () => {
    const editor = await openDocument(DOCUMENT);
    const api = await loomApi();
    const [{ run }] = (await vscode.commands.executeCommand('prefillLoom.sampleDistribution', { count: 12, confirm: false })) as LabelledRun[];
    const panel = api.distributions.lastPanel!;
    const chosen = run.samples.filter((s) => s.text.length > 0).slice(0, 3).map((s) => s.index);
    await panel.receive({ type: 'save', run: 0, samples: chosen });
    const session = api.sessions.get(editor.document)!;
    const sampleNodes = () => [...session.tree.preorder()].filter((n) => n.sample);
    assert.deepEqual(sampleNodes().map((n) => [n.sample!.index, n.sample!.of, n.text]), chosen.map((i) => [i, 12, run.samples[i].text]));
    const parents = new Set(sampleNodes().map((n) => n.parentId!));
    assert.equal(parents.size, 1, 'siblings at one point');
    assert.equal(session.tree.textOf([...parents][0]), 'OK,');
    assert.ok(sampleNodes().every((n) => n.author === 'model' && n.generation?.endpoint === 'local-chat'));
    assert.equal(editor.document.getText(), DOCUMENT, 'the editor is unchanged');

    const group = run.summary.exact.find((g) => g.members.every((i) => !chosen.includes(i)))!;
    await panel.receive({ type: 'save', run: 0, samples: group.members });
    assert.equal(sampleNodes().length, chosen.length + group.members.length);
    assert.equal(editor.document.getText(), DOCUMENT);
  });

  it('exports the run as JSON and CSV documents', async () => {
    await openDocument(DOCUMENT);
    const api = await loomApi();
    await vscode.commands.executeCommand('prefillLoom.sampleDistribution', { count: 6, confirm: false });
    const panel = api.distributions.lastPanel!;
    await panel.receive({ type: 'export', run: 0, format: 'json' });
    const json = JSON.parse(vscode.window.activeTextEditor!.document.getText()) as { samples: unknown[]; totals: { completed: number } };
    assert.equal(json.samples.length, 6);
    assert.equal(json.totals.completed, 6);
    await panel.receive({ type: 'export', run: 0, format: 'csv' });
    const csv = vscode.window.activeTextEditor!.document.getText();
    assert.ok(csv.startsWith('index,status,text,'), csv.slice(0, 40));
    assert.equal(csv.split('\r\n').filter((line) => /^\d+,completed,/.test(line)).length, 6);
  });

  it('says when the page holds the finished runs, not before, or that the panel closed (the benchmark stops its clock there)', async () => {
    await openDocument(DOCUMENT);
    const runs = (await vscode.commands.executeCommand('prefillLoom.sampleDistribution', { count: 2, confirm: false })) as LabelledRun[];
    const extensionUri = vscode.extensions.getExtension('prefill-loom.prefill-loom')!.extensionUri;
    const log = vscode.window.createOutputChannel('Distribution Panel Test', { log: true });
    const settled = (panel: DistributionPanel) => Promise.race([panel.shown.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 200))]);
    try {
      const panel = DistributionPanel.open(extensionUri, runs, '1 of 2 samples', log);
      await panel.receive({ type: 'ready' });
      panel.update(runs, '2 of 2 samples');
      assert.equal(await settled(panel), false, 'not while samples are arriving');
      await panel.finish(runs);
      assert.equal(await settled(panel), true, 'the page has the finished runs');
      panel.panel.dispose();

      const closed = DistributionPanel.open(extensionUri, runs, '0 of 2 samples', log);
      closed.panel.dispose();
      assert.equal(await settled(closed), true, 'nothing left to wait for once closed');
    } finally {
      log.dispose();
    }
  });

  it('sends each sample’s text to the page once: later views of a live run leave it out', () => {
    const run = (n: number): DistributionRunView => ({
      label: 'At the cursor',
      facts: [],
      samples: Array.from({ length: n }, (_, index) => ({ index, status: 'completed', text: `sample ${index}` })),
      exact: [],
      loose: [],
      firstUnit: 'word',
      firstUnits: [],
      scripts: [],
      partial: false,
      savable: false,
    });
    const sent = new Map<number, Set<number>>();
    const texts = (view: { runs: readonly DistributionRunView[] }) => view.runs.map((r) => r.samples.map((s) => s.text));
    assert.deepEqual(texts(withTextsOnce({ title: 'T', runs: [run(2)] }, sent)), [['sample 0', 'sample 1']]);
    assert.deepEqual(texts(withTextsOnce({ title: 'T', runs: [run(3), run(1)] }, sent)), [[undefined, undefined, 'sample 2'], ['sample 0']], 'each run keeps its own');
    sent.clear();
    assert.deepEqual(texts(withTextsOnce({ title: 'T', runs: [run(1)] }, sent)), [['sample 0']], 'a page loaded again is sent every text');
  });

  it('samples with the temperature and max_tokens given for the run, not the document’s', async () => {
    await openDocument(DOCUMENT);
    const [{ run }] = (await vscode.commands.executeCommand('prefillLoom.sampleDistribution', { count: 3, confirm: false, temperature: 0.5, maxTokens: 12 })) as LabelledRun[];
    assert.equal(run.request.temperature, 0.5);
    assert.equal(run.request.maxTokens, 12);
    const bodies = server.requests.map((r) => r.body as { temperature?: number; max_tokens?: number });
    assert.equal(bodies.length, 4, 'three samples, then the next-token request');
    for (const body of bodies.slice(0, 3)) assert.deepEqual([body.temperature, body.max_tokens], [0.5, 12]);
    assert.deepEqual([bodies[3].temperature, bodies[3].max_tokens], [0.5, 1], 'the model’s own next-token distribution at the same temperature');
  });

  /** Starts 8 slow samples one at a time; resolves with the run and the panel once it shows two arrived. */
  async function slowRunShowing(): Promise<{ running: Thenable<LabelledRun[]>; panel: DistributionPanel }> {
    await setSetting('concurrency', 1);
    server.setTokenDelay(20);
    await openDocument(DOCUMENT);
    const api = await loomApi();
    const running = vscode.commands.executeCommand('prefillLoom.sampleDistribution', { count: 8, confirm: false }) as Thenable<LabelledRun[]>;
    await eventually(() => (api.distributions.lastPanel?.view.runs[0].samples.length ?? 0) >= 2, 'the panel showing samples as they arrive');
    return { running, panel: api.distributions.lastPanel! };
  }

  it('opens the panel when sampling starts and fills it as samples arrive; saving and exports come with the finished run', async () => {
    try {
      const { running, panel } = await slowRunShowing();
      const live = panel.view;
      assert.match(live.progress ?? '', /^[2-7] of 8 samples$/, 'still sampling');
      const [arriving] = live.runs;
      assert.match(arriving.facts.find(([k]) => k === 'Samples')![1], /^[2-7] of 8 completed, 0 failed, [1-6] to come$/);
      assert.equal(arriving.exact.reduce((n, g) => n + g.count, 0), arriving.samples.length, 'the groups count what arrived');
      assert.deepEqual([arriving.partial, arriving.savable], [false, false]);

      const [{ run }] = await running;
      assert.equal((await loomApi()).distributions.lastPanel, panel, 'the same panel shows the finished run');
      const [finished] = panel.view.runs;
      assert.equal(panel.view.progress, undefined);
      assert.equal(finished.samples.length, 8);
      assert.deepEqual(finished.exact, panelView('Distribution at the Point', [{ label: 'At the cursor', run }]).runs[0].exact);
      assert.deepEqual([finished.partial, finished.savable], [false, true]);
      assert.ok(finished.nextToken && finished.nextToken.length > 0, 'the next-token request, after the samples, reaches the panel');
    } finally {
      await setSetting('concurrency', undefined);
    }
  });

  it('shows the finished run in a new panel when its panel was closed while sampling', async () => {
    try {
      const { running, panel } = await slowRunShowing();
      panel.panel.dispose();
      await running;
      const reopened = (await loomApi()).distributions.lastPanel;
      assert.ok(reopened && reopened !== panel, 'a new panel');
      assert.equal(reopened.view.runs[0].samples.length, 8);
      assert.equal(reopened.view.progress, undefined);
    } finally {
      await setSetting('concurrency', undefined);
    }
  });

  it('stops the requests on cancel and keeps what arrived, shown as a partial run', async () => {
    await setSetting('concurrency', 1);
    server.setTokenDelay(60);
    await openDocument(DOCUMENT);
    const running = vscode.commands.executeCommand('prefillLoom.sampleDistribution', { count: 10, confirm: false }) as Thenable<LabelledRun[]>;
    const deadline = Date.now() + 60_000;
    while (server.requests.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await vscode.commands.executeCommand('prefillLoom.stopGeneration');
    const [{ run }] = await running;
    const made = server.requests.length;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(server.requests.length, made, 'no request after cancelling');
    assert.ok(made < 10, `${made} requests`);
    const { totals } = run.summary;
    assert.ok(totals.completed >= 2, `${totals.completed} completed`);
    assert.equal(totals.completed + totals.cancelled, made, 'every sample that was started is kept');
    assert.equal(totals.notStarted, 10 - made);
    assert.equal(run.samples.length, made);
    const view = (await loomApi()).distributions.lastPanel!.view.runs[0];
    assert.equal(view.partial, true);
    assert.match(view.facts.find(([k]) => k === 'Samples')![1], new RegExp(`^${totals.completed} of 10 completed, 0 failed, ${10 - totals.completed} cancelled$`));
    assert.equal(view.exact.reduce((n, g) => n + g.count, 0), totals.completed, 'the groups count the completed samples only');
  });
});
