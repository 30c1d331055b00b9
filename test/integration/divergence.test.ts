import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MARK_KIND_LABELS } from '../../src/core/reproducibility/markNavigation';
import type { ProbeReport } from '../../src/core/reproducibility/prefillProbe';
import type { PrefillLoomApi } from '../../src/extension';
import type { Comparison } from '../../src/reproducibility/regenerationComparer';
import { eventually } from '../harness/eventually';
import type { FakeAnthropic } from '../server/fakeAnthropic';
import type { MessagesRequestBody } from '../server/responder';
import { generateTokenIds } from '../server/simulator/generation';
import { promptContext } from '../server/simulator/promptContext';
import { createSimulatorResponder } from '../server/simulator/simulatorResponder';
import { decode, encode } from '../server/simulator/tokenizer';
import { closeAllEditors, continueAtCursor, loomApi, openDocument, setSetting, startServerForExtension } from './loomTestKit';
import { replaceWindowFunction } from './shownMessages';

/**
 * The simulator's worked example (see test/unit/simulatorPrefillEffect.test.ts): at temperature 0
 * the model continues PREFILL with ', and I have a fiver…', but a prefill of PREFILL + ', and'
 * tokenizes "),"" as one token, and the model goes on differently.
 */
const HEADER = '---\nuser: Tell me a story.\ntemperature: 0\n---\n';
const PREFILL = 'The old woman nodded (it was late)';

/** The messages requests the server received, in order. */
function messageBodies(server: FakeAnthropic): MessagesRequestBody[] {
  return server.requests.filter((r) => r.path === '/v1/messages').map((r) => r.body as MessagesRequestBody);
}

/** What the simulated model says to a request at temperature 0, computed here from its tokenizer and counts. */
function greedyReply(body: MessagesRequestBody): string {
  return decode(generateTokenIds(promptContext(body).contextIds, { maxTokens: body.max_tokens, temperature: 0, seed: 0 }).ids);
}

function prefillOf(body: MessagesRequestBody): string {
  const last = body.messages[body.messages.length - 1];
  assert.equal(last.role, 'assistant');
  return typeof last.content === 'string' ? last.content : last.content.map((b) => b.text).join('');
}

describe('Divergence: regenerate and compare, and the prefill-consistency probe, against the simulator', function () {
  this.timeout(60_000);
  let server: FakeAnthropic;
  let loom: PrefillLoomApi;

  before(async () => {
    server = await startServerForExtension(createSimulatorResponder());
    loom = await loomApi();
    // One request per generation: a reply the test can recompute from its request alone.
    await setSetting('maxTokens', 200);
    await setSetting('maxTotalTokens', 200);
  });
  afterEach(async () => {
    server.reset();
    await closeAllEditors();
  });
  after(async () => {
    for (const name of ['maxTokens', 'maxTotalTokens', 'baseUrl']) await setSetting(name, undefined);
    await server.close();
  });

  /** Continues the worked example and returns its editor, the continuation checked against the simulator. */
  async function generateOriginal(prefill = PREFILL): Promise<{ editor: vscode.TextEditor; continuation: string; body: number }> {
    const editor = await openDocument(HEADER + prefill);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed');
    const [request] = messageBodies(server);
    assert.equal(prefillOf(request), prefill);
    const continuation = greedyReply(request);
    assert.equal(editor.document.getText(), HEADER + prefill + continuation);
    server.reset();
    return { editor, continuation, body: HEADER.length };
  }

  function moveCursor(editor: vscode.TextEditor, offset: number): void {
    const position = editor.document.positionAt(offset);
    editor.selection = new vscode.Selection(position, position);
  }

  it('regenerates from inside model text and highlights the real divergence in the editor and the tree', async () => {
    const { editor, continuation, body } = await generateOriginal();
    const cut = ', and'.length;
    // The cursor sits after the space, which a prefill cannot end in: the prefill stops before it.
    moveCursor(editor, body + PREFILL.length + cut + 1);
    const result = await vscode.commands.executeCommand<Comparison | undefined>('prefillLoom.regenerateAndCompare');
    assert.ok(result, 'a comparison');

    const [request] = messageBodies(server);
    assert.equal(prefillOf(request), PREFILL + continuation.slice(0, cut), 'the prefill is the text up to the cursor, its trailing space held back');
    const original = continuation.slice(cut);
    const regenerated = greedyReply(request);
    assert.notEqual(regenerated, original, 'the simulator diverges at this cut');
    const session = loom.sessions.get(editor.document)!;
    const regeneration = session.tree.get(result.regenerationId)!;
    assert.equal(regeneration.text, regenerated);
    assert.equal(regeneration.kind, 'regeneration');
    assert.equal(regeneration.comparesTo, result.originalId);
    assert.equal(session.tree.get(result.originalId)!.text, original, 'the original is split at the cursor and kept whole');

    let shared = 0;
    while (original[shared] === regenerated[shared]) shared++;
    assert.equal(result.comparison.firstDivergence, shared);
    assert.equal(editor.document.getText(), HEADER + PREFILL + continuation, 'the editor keeps the original');

    const originalStart = body + PREFILL.length + cut;
    const marks = loom.decorations.drawnIn(editor.document);
    assert.ok(marks.length > 0, 'divergences are drawn over the original');
    for (const mark of marks) {
      assert.ok(mark.start >= originalStart + shared && mark.end <= editor.document.getText().length, 'marks lie in the diverging part of the original');
      assert.match(mark.hover, /^The regeneration has/);
    }
    const first = marks.reduce((a, b) => (a.start <= b.start ? a : b));
    const divergence = result.comparison.divergences[0];
    assert.equal(first.start, originalStart + divergence.originalStart);
    const exact = divergence.otherText.replace(/^ +| +$/g, (spaces) => '·'.repeat(spaces.length)).replace(/\n/g, '⏎');
    assert.ok(first.hover.includes(`“${exact}”`), `the hover quotes the regeneration exactly: ${first.hover}`);
    assert.ok(!first.hover.includes('\\"') && !first.hover.includes('\\n'), 'no JSON escapes in the hover');
    assert.ok(regenerated.slice(divergence.otherStart, divergence.otherEnd) === divergence.otherText && divergence.otherText.length > 0);

    const shown = loom.view.currentComparison;
    assert.ok(shown, 'the loom view shows the comparison');
    assert.equal(shown.regenerationId, result.regenerationId);
    assert.equal(shown.firstDivergence, shared);
    const text = (kinds: string[]) => shown.runs.map((r) => (kinds.includes(r.kind) && 'text' in r ? r.text : '')).join('');
    assert.equal(text(['same', 'removed']), original, 'the pane reads as the original without its insertions');
    assert.equal(text(['same', 'added']), regenerated, 'and as the regeneration without its deletions');

    await session.switchTo(result.regenerationId);
    await new Promise((r) => setTimeout(r, 300));
    const onRegeneration = loom.decorations.drawnIn(editor.document);
    assert.ok(onRegeneration.length > 0 && onRegeneration.every((m) => m.hover.startsWith('The original has')), 'the regeneration shows the original in its hovers');
  });

  it('regenerating a whole node at temperature 0 reproduces it exactly', async () => {
    const { editor, continuation, body } = await generateOriginal();
    moveCursor(editor, body + PREFILL.length);
    const result = await vscode.commands.executeCommand<Comparison | undefined>('prefillLoom.regenerateAndCompare');
    assert.ok(result);
    assert.equal(prefillOf(messageBodies(server)[0]), PREFILL);
    assert.equal(result.comparison.identical, true);
    assert.equal(loom.sessions.get(editor.document)!.tree.get(result.regenerationId)!.text, continuation);
    assert.deepEqual(loom.decorations.drawnIn(editor.document), [], 'nothing to highlight');
  });

  /**
   * Probes the model's continuation of `prefill` at every word boundary and checks each finding
   * against the simulator itself, computed here: its reply to the very request, whether that reply
   * agrees with the original, and (where the prefill tokenizes to the ids the model generated) that
   * the point must be consistent. Returns the report and the editor.
   */
  async function probeChecked(prefill: string): Promise<{ report: ProbeReport; editor: vscode.TextEditor; bodyStart: number; sameIds: number }> {
    const { editor, continuation, body } = await generateOriginal(prefill);
    moveCursor(editor, body + prefill.length + 3);
    const report = await vscode.commands.executeCommand<ProbeReport | undefined>('prefillLoom.probePrefillConsistency', {
      split: 'word',
      samples: 1,
      probeTokens: 6,
      confirm: false,
    });
    assert.ok(report, 'a report');
    assert.equal(report.nodeText, continuation);
    const bodies = messageBodies(server);
    assert.equal(bodies.length, report.points.length, 'one request per split point');
    const user = bodies[0].messages[0];
    const originalIds = generateTokenIds(promptContext({ ...bodies[0], messages: [user, { role: 'assistant', content: prefill }] }).contextIds, { maxTokens: 200, temperature: 0, seed: 0 }).ids;
    const asGenerated = [...encode(prefill), ...originalIds];
    let sameIds = 0;
    for (const point of report.points) {
      const request = bodies.find((b) => prefillOf(b) === prefill + continuation.slice(0, point.offset));
      assert.ok(request, `a request prefilled up to ${point.offset}`);
      const reply = greedyReply(request);
      assert.equal(point.samples[0].text, reply, `the reply at ${point.offset} is the simulator's own`);
      const expected = continuation.slice(point.offset);
      const agrees = reply.length > 0 ? expected.startsWith(reply) || reply.startsWith(expected) : expected.length === 0;
      assert.equal(point.verdict, agrees ? 'consistent' : 'divergent', `the verdict at ${point.offset}`);
      const prefilledIds = encode(prefill + continuation.slice(0, point.offset));
      if (prefilledIds.join() === asGenerated.slice(0, prefilledIds.length).join()) {
        sameIds++;
        assert.equal(point.verdict, 'consistent', `the ids at ${point.offset} are those generated, so the continuation must be too`);
      }
    }
    return { report, editor, bodyStart: body + prefill.length, sameIds };
  }

  it('probes every word boundary and finds the point where the simulator diverges', async () => {
    const { report, editor, bodyStart } = await probeChecked(PREFILL);
    const andPoint = report.points.find((p) => p.offset === ', and'.length);
    assert.equal(andPoint?.verdict, 'divergent', 'the "),"-merge point diverges');
    const marks = loom.decorations.drawnIn(editor.document);
    assert.equal(marks.length, report.points.length, 'one mark per split point');
    assert.equal(marks.find((m) => m.end === bodyStart + ', and'.length)?.kind, 'probeDivergent');
    await eventually(() => tabLabels().some((label) => /^Prefill Probe Report \d+$/.test(label)), 'the probe report panel');
  });

  /**
   * Walks the marks drawn in `editor` from the keyboard, as a screen-reader user would: Go to Next
   * Divergence from the top visits each mark in document order (selecting exactly its text) and wraps
   * around, Go to Previous goes back, and Show Divergence and Probe Marks names each in words and
   * moves to the one picked.
   */
  async function walkMarks(shown: vscode.TextEditor): Promise<void> {
    // The probe's report panel has the focus: the commands act on the active editor, so show the document's again.
    const editor = await vscode.window.showTextDocument(shown.document, shown.viewColumn);
    const marks = [...loom.decorations.drawnIn(editor.document)].sort((a, b) => a.start - b.start || a.end - b.end);
    const starts = [...new Set(marks.map((m) => m.start))];
    assert.ok(starts.length >= 1, 'marks to move between');
    const selected = () => [editor.document.offsetAt(editor.selection.start), editor.document.offsetAt(editor.selection.end)];
    const firstAt = (start: number) => marks.find((m) => m.start === start)!;
    // Moved in the editor itself: a selection set from here can be overtaken by the one the editor
    // restores as it is shown again.
    const toTop = async () => {
      await vscode.commands.executeCommand('cursorTop');
      await eventually(() => selected().join() === '0,0', 'the cursor at the top');
    };
    await toTop();
    for (const start of starts) {
      await vscode.commands.executeCommand('prefillLoom.nextDivergence');
      // A probe's marks touch: the next one starts where the one selected ends.
      assert.deepEqual(selected(), [start, firstAt(start).end], `Next Divergence selects the mark at ${start}, after ${JSON.stringify(marks.map((m) => [m.start, m.end]))}`);
    }
    await vscode.commands.executeCommand('prefillLoom.nextDivergence');
    assert.deepEqual(selected(), [starts[0], firstAt(starts[0]).end], 'after the last mark, Next wraps to the first');
    await vscode.commands.executeCommand('prefillLoom.previousDivergence');
    const last = marks.filter((m) => m.start === starts[starts.length - 1]).pop()!;
    assert.deepEqual(selected(), [last.start, last.end], 'before the first mark, Previous wraps to the last');
    if (starts.length > 1) {
      await vscode.commands.executeCommand('prefillLoom.previousDivergence');
      const beforeLast = marks.filter((m) => m.start === starts[starts.length - 2]).pop()!;
      assert.deepEqual(selected(), [beforeLast.start, beforeLast.end], 'Previous goes back one mark');
    }

    let listed: Array<vscode.QuickPickItem & { mark?: unknown }> = [];
    const pick = replaceWindowFunction('showQuickPick', ((items: Array<vscode.QuickPickItem & { mark?: unknown }>) => {
      listed = items;
      return Promise.resolve(items[items.length - 1]);
    }) as never);
    try {
      await toTop();
      await vscode.commands.executeCommand('prefillLoom.listDivergences');
    } finally {
      pick.dispose();
    }
    assert.equal(listed.length, marks.length, 'every mark is listed');
    listed.forEach((item, i) => {
      assert.equal(item.label, `Line ${editor.document.positionAt(marks[i].start).line + 1}: ${MARK_KIND_LABELS[marks[i].kind]}`, 'each in words, in document order');
      assert.equal(item.detail, marks[i].hover, 'with its hover text');
    });
    const picked = marks[marks.length - 1];
    assert.deepEqual(selected(), [picked.start, picked.end], 'the picked mark is selected');
  }

  it('Go to Next/Previous Divergence and Show Divergence and Probe Marks move the cursor to a comparison\'s marks', async () => {
    const { editor, body } = await generateOriginal();
    moveCursor(editor, body + PREFILL.length + ', and'.length + 1);
    assert.ok(await vscode.commands.executeCommand<Comparison | undefined>('prefillLoom.regenerateAndCompare'), 'a comparison');
    await walkMarks(editor);
  });

  it("Go to Next/Previous Divergence and Show Divergence and Probe Marks move the cursor to a probe's marks", async () => {
    const { editor } = await probeChecked(PREFILL);
    await walkMarks(editor);
  });

  it('finds every point consistent where the prefill tokenizes as the model generated it', async () => {
    const { report, sameIds } = await probeChecked('Once upon a time');
    assert.ok(sameIds >= 5, `only ${sameIds} of ${report.points.length} points tokenized as generated`);
  });
});

function tabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
}
