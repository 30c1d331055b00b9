/**
 * The in-host benchmarks (npm run bench) at tiny sizes, in this suite's VS Code, to keep them
 * working: every figure comes back, and what they check along the way (the whole text in the editor
 * and in the SDK, every branch completed, every node in the view) holds. Timings are not judged.
 */
import * as assert from 'node:assert/strict';
import { measureAll } from '../bench/inHost/index';
import { BENCH_API_KEY } from '../bench/inHost/inHostFigures';
import { createFillResponder, createFillTextModel } from '../server/fillResponder';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';

describe('npm run bench in VS Code (smoke sizes)', function () {
  this.timeout(120_000);
  let server: FakeAnthropic;
  // In this host, unlike a full run: only whether the figures come back matters here.
  before(async () => (server = await startFakeAnthropic({ apiKey: BENCH_API_KEY, responder: createFillResponder(), openAi: { textModel: createFillTextModel() } })));
  after(() => server.close());

  it('measures streaming (Messages and completions), parallel branches, the loom view, token shading, sampling and activation', async () => {
    const figures = await measureAll({
      serverUrl: server.url,
      streamingTokens: 300,
      streamingRuns: 1,
      parallel: { counts: [1, 2], tokensPerBranch: 10, tokenDelayMs: 2, concurrency: 2, runs: 1 },
      viewSizes: [200],
      viewRuns: 1,
      viewKeys: false,
      shadingTokens: 3000,
      shadingRuns: 1,
      sampling: { samples: 6, tokens: 5, concurrency: 2, runs: 1, pacedTokenMs: 1, pacedRuns: 1 },
    });
    const { streaming, completionsStreaming, parallel, loomView, activation, tokenShading } = figures;
    assert.equal(tokenShading.tokens, 3000);
    const { instant, paced } = figures.sampling;
    assert.ok(instant.commandMs.median >= instant.returnedMs.median && instant.returnedMs.median > 0 && instant.sdkMs.median > 0);
    assert.equal(paced?.tokenDelayMs, 1);
    assert.ok(paced.sdkMs.median >= 5 * 1, 'the paced SDK run waits for every token');
    assert.ok(tokenShading.toggleMs.median > 0 && tokenShading.hoverMs.samples > 0);
    assert.ok(tokenShading.windowTokens > 0 && tokenShading.windowTokens < 3000, `${tokenShading.windowTokens} tokens decorated`);
    assert.ok(tokenShading.scrollMs.samples > 0 && tokenShading.plainScrollMs.samples === tokenShading.scrollMs.samples);
    assert.equal(streaming.tokens, 300);
    assert.deepEqual([streaming.kind, completionsStreaming.kind], ['anthropic', 'completions']);
    assert.equal(completionsStreaming.characters, streaming.characters, 'the same text through a completions endpoint');
    assert.ok(completionsStreaming.editorMs.median > 0 && completionsStreaming.sdkMs.median > 0);
    assert.equal(completionsStreaming.lagMs.samples, completionsStreaming.piecesPerRun);
    assert.ok(streaming.editorMs.median > 0 && streaming.sdkMs.median > 0);
    assert.equal(streaming.editorMs.samples, 1);
    // Tokens arrive far faster than an edit's round trip to the workbench: they must be coalesced.
    assert.ok(streaming.editsPerRun >= 1 && streaming.editsPerRun < streaming.piecesPerRun / 2, `${streaming.editsPerRun} edits for ${streaming.piecesPerRun} pieces`);
    assert.equal(streaming.lagMs.samples, streaming.piecesPerRun, 'a lag for every piece of text');
    assert.ok(Number.isFinite(streaming.heapGrowthMB.median));
    assert.equal(streaming.editRoundTripMs.samples, 40);
    assert.deepEqual(parallel.map((r) => r.branches), [1, 2]);
    assert.ok(parallel.every((r) => r.wallMs.median > 0));
    assert.equal(loomView.length, 1);
    assert.equal(loomView[0].nodes, 200);
    assert.ok(loomView[0].firstRenderMs.median > 0 && loomView[0].hostWallMs.median >= loomView[0].firstRenderMs.median);
    assert.equal(loomView[0].keys, undefined);
    assert.ok(activation.activateMs > 0 && activation.bundleLoadMs > 0 && activation.sdkLoadMs > 0);
  });
});
