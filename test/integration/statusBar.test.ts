import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ProbeReport } from '../../src/core/reproducibility/prefillProbe';
import type { PrefillLoomApi } from '../../src/extension';
import { eventually } from '../harness/eventually';
import { continueAtCursor, loomApi, openDocument } from './loomTestKit';
import { serverSuite } from './serverSuite';

const HEADER = '---\nuser: Tell me a story.\ntemperature: 0\n---\n';

/** The window's totals as the status bar's tooltip states them (zero before any request). */
interface Totals {
  requests: number;
  input: number;
  output: number;
}

describe('The status bar: generations in words for a screen reader, and totals of every request', function () {
  this.timeout(60_000);
  const suite = serverSuite({ maxTokens: 20, maxTotalTokens: 20 });
  let loom: PrefillLoomApi;
  before(async () => {
    loom = await loomApi();
  });

  const label = () => loom.statusBar.item.accessibilityInformation?.label ?? '';

  function totals(): Totals {
    const tooltip = loom.statusBar.item.tooltip;
    const text = typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
    const match = /Since this window opened: ([\d,]+) requests?, ([\d,]+) input tokens, ([\d,]+) output tokens/.exec(text);
    if (!match) return { requests: 0, input: 0, output: 0 };
    const number = (s: string) => Number(s.replace(/,/g, ''));
    return { requests: number(match[1]), input: number(match[2]), output: number(match[3]) };
  }

  it('says that a generation runs, then how many characters it wrote and why it stopped', async () => {
    suite.server.setTokenDelay(40);
    await openDocument(`${HEADER}Once upon a time`);
    const running = continueAtCursor();
    await eventually(() => label().startsWith('Prefill Loom generating'), 'the label of a running generation');
    assert.match(label(), /^Prefill Loom generating with \S+, press to stop: /);
    const outcome = await running;
    assert.equal(outcome?.status, 'completed');
    assert.ok(outcome.text.length > 0);
    assert.match(label(), new RegExp(`^Prefill Loom generation finished: ${outcome.text.length} characters, stop reason ${outcome.stopReason}; `));
    assert.match(label(), /\d+ input tokens, \d+ output tokens/);
  });

  it('says that the generation failed, and why', async () => {
    suite.server.enqueueFault({ kind: 'status', status: 400, message: 'messages: refused for this test' });
    await openDocument(`${HEADER}Once upon a time`);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'failed');
    // The extension's bundle has its own error classes, so the cause is matched, not recomputed here.
    assert.match(label(), /^Prefill Loom generation failed: The API rejected the request \(400 invalid_request_error: messages: refused for this test\); \S+, 0 input tokens/);
  });

  it('counts every request of every alternative and of a probe in the totals, as the server counted them', async () => {
    const before = totals();
    const editor = await openDocument(`${HEADER}Once upon a tide`);
    await loom.generations.generateAlternatives(editor, 3);
    const inModelText = editor.document.positionAt(`${HEADER}Once upon a tide`.length + 2);
    editor.selection = new vscode.Selection(inModelText, inModelText);
    const report = await vscode.commands.executeCommand<ProbeReport | undefined>('prefillLoom.probePrefillConsistency', { split: 'word', samples: 1, probeTokens: 4, maxPoints: 3, confirm: false });
    assert.ok(report && report.points.length > 0, 'the probe ran');

    const received = suite.server.requests.filter((r) => r.path === '/v1/messages');
    assert.ok(received.length >= 3 + report.points.length, `${received.length} requests: three alternatives and the probe's`);
    const served = received.map((r) => r.usage);
    assert.ok(served.every((u) => u !== undefined), 'every request was answered');
    const after = totals();
    assert.deepEqual(
      { requests: after.requests - before.requests, input: after.input - before.input, output: after.output - before.output },
      { requests: received.length, input: served.reduce((n, u) => n + u!.input_tokens, 0), output: served.reduce((n, u) => n + u!.output_tokens, 0) },
    );
  });
});
