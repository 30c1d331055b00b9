/**
 * Streaming into the editor, inside the extension host: the fake server streams `tokens` tokens as
 * fast as it can, once into a document through the extension's Continue at Cursor and once into the
 * endpoint kind's own SDK alone (the baseline: `@anthropic-ai/sdk` for Messages, `openai` for
 * completions), alternately, in the same process.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import * as vscode from 'vscode';
import type { PrefillLoomApi } from '../../../src/extension';
import { closeAllEditors, openDocument, setSetting } from '../../integration/loomTestKit';
import { fillTokens } from '../../server/fillResponder';
import { spread, type Spread } from '../stats';
import { heapUsedMB } from './heap';
import { BENCH_API_KEY } from './inHostFigures';

/** The endpoint kinds measured: Anthropic's Messages, and the OpenAI-style completions of a base model on a local server. */
export type StreamingKind = 'anthropic' | 'completions';

export interface StreamingResult {
  kind: StreamingKind;
  tokens: number;
  characters: number;
  /** From the command to the document holding the whole continuation. */
  editorMs: Spread;
  /** From the request to the SDK's stream ending, with the text gathered. */
  sdkMs: Spread;
  /** From each piece of text leaving the SDK's event loop to its edit landing in the document, over all runs. */
  lagMs: Spread & { max: number };
  /**
   * The floor of that lag: one small `editor.edit` in an idle document, to the renderer (the
   * workbench in the browser, which owns the text) and back.
   */
  editRoundTripMs: Spread;
  /** Edits per run against text pieces per run: how much the insertion coalesced. */
  editsPerRun: number;
  piecesPerRun: number;
  /** Heap used after a run (document, loom node and journal still held) minus before, after a GC. */
  heapGrowthMB: Spread;
}

const PREFILL = 'A benchmark prefill, which the fill responder ignores:';
const EDIT_ROUND_TRIPS = 40;

/** `serverUrl`: a fake server with the fill responder and fill text model (see InHostPlan). */
export async function benchStreaming(api: PrefillLoomApi, serverUrl: string, tokens: number, runs: number, kind: StreamingKind = 'anthropic'): Promise<StreamingResult> {
  const text = fillTokens(tokens).join('');
  const streamWithSdkAlone = kind === 'anthropic' ? streamWithAnthropicSdk : streamWithOpenAiSdk;
  // The fill replies end by themselves one token short of max_tokens: auto-continue has nothing to do.
  await setSetting('maxTokens', tokens + 1);
  await setSetting('maxTotalTokens', tokens + 1);
  if (kind === 'completions') {
    await setSetting('endpoints', [{ name: BENCH_COMPLETIONS, kind: 'completions', baseUrl: `${serverUrl}/v1`, model: 'fill' }]);
    await setSetting('defaultEndpoint', BENCH_COMPLETIONS);
  }
  const editorMs: number[] = [];
  const sdkMs: number[] = [];
  const lags: number[] = [];
  const heap: number[] = [];
  const editRoundTripMs = spread(await editRoundTrips(EDIT_ROUND_TRIPS));
  let edits = 0;
  let pushes = 0;
  api.generations.landingProbe = (pushedAt, landedAt) => {
    edits++;
    pushes += pushedAt.length;
    for (const at of pushedAt) lags.push(landedAt - at);
  };
  try {
    // The first of each warms up the code paths and the connection pool; it is not counted.
    for (let run = -1; run < runs; run++) {
      const sdk = await streamWithSdkAlone(serverUrl, tokens + 1);
      if (sdk.text !== text) throw new Error('the SDK baseline did not receive the whole text');
      const before = heapUsedMB();
      const editor = await streamIntoEditor(api, text);
      if (run < 0) {
        lags.length = 0;
        edits = pushes = 0;
      } else {
        sdkMs.push(sdk.ms);
        editorMs.push(editor);
        heap.push(heapUsedMB() - before);
      }
      await closeAllEditors();
    }
  } finally {
    api.generations.landingProbe = undefined;
    for (const name of ['maxTokens', 'maxTotalTokens', 'endpoints', 'defaultEndpoint']) await setSetting(name, undefined);
  }
  return {
    kind,
    tokens,
    characters: text.length,
    editorMs: spread(editorMs),
    sdkMs: spread(sdkMs),
    lagMs: { ...spread(lags), max: Math.max(...lags) },
    editRoundTripMs,
    editsPerRun: edits / runs,
    piecesPerRun: pushes / runs,
    heapGrowthMB: spread(heap),
  };
}

const BENCH_COMPLETIONS = 'bench-completions';

/** The baseline: the official SDK streaming the same reply, gathering its text and nothing else. */
async function streamWithAnthropicSdk(baseURL: string, maxTokens: number): Promise<{ ms: number; text: string }> {
  const client = new Anthropic({ apiKey: BENCH_API_KEY, baseURL, maxRetries: 0 });
  const start = performance.now();
  const stream = await client.messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: maxTokens,
    messages: [
      { role: 'user', content: 'Continue.' },
      { role: 'assistant', content: PREFILL },
    ],
    stream: true,
  });
  let text = '';
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  }
  return { ms: performance.now() - start, text };
}

/** The completions baseline: the `openai` package alone, as the extension's client uses it (a loopback server asks for no key). */
async function streamWithOpenAiSdk(serverUrl: string, maxTokens: number): Promise<{ ms: number; text: string }> {
  const client = new OpenAI({ apiKey: 'unused', baseURL: `${serverUrl}/v1`, maxRetries: 0, organization: null, project: null });
  const start = performance.now();
  const stream = await client.completions.create({ model: 'fill', prompt: PREFILL, max_tokens: maxTokens, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  return { ms: performance.now() - start, text };
}

/** Milliseconds from Continue at Cursor to the document holding the whole continuation. */
async function streamIntoEditor(api: PrefillLoomApi, text: string): Promise<number> {
  const editor = await openDocument(PREFILL);
  const expected = PREFILL.length + text.length;
  // Counted from the changes: reading the whole text on every edit would slow what is measured.
  let length = editor.document.getText().length;
  let fullAt = NaN;
  const listener = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document !== editor.document) return;
    for (const change of e.contentChanges) length += change.text.length - change.rangeLength;
    if (Number.isNaN(fullAt) && length === expected) fullAt = performance.now();
  });
  try {
    const start = performance.now();
    const outcome = await api.generations.continueAtCursor(editor);
    if (outcome?.status !== 'completed' || editor.document.getText() !== PREFILL + text) {
      throw new Error(`the editor did not receive the whole text (${outcome?.status ?? 'no generation'})`);
    }
    return fullAt - start;
  } finally {
    listener.dispose();
  }
}

/** Milliseconds of each of `count` one-character edits at the end of a fresh document, one after another. */
async function editRoundTrips(count: number): Promise<number[]> {
  const editor = await openDocument('');
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      const end = editor.document.positionAt(editor.document.getText().length);
      if (!(await editor.edit((b) => b.insert(end, '.')))) throw new Error('the editor refused an edit');
      times.push(performance.now() - start);
    }
  } finally {
    await closeAllEditors();
  }
  return times;
}
