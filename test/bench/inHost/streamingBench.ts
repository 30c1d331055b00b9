/**
 * Streaming into the editor, inside the extension host: the fake server streams `tokens` tokens as
 * fast as it can, once into a document through the extension's Continue at Cursor and once into the
 * official SDK alone (the baseline), alternately, in the same process.
 */
import Anthropic from '@anthropic-ai/sdk';
import * as vscode from 'vscode';
import type { PrefillLoomApi } from '../../../src/extension';
import { closeAllEditors, openDocument, setSetting, TEST_KEY } from '../../integration/loomTestKit';
import type { FakeAnthropic } from '../../server/fakeAnthropic';
import { STORY, storyTokens } from '../../server/storyResponder';
import { spread, type Spread } from '../stats';
import { heapUsedMB } from './heap';

export interface StreamingResult {
  tokens: number;
  characters: number;
  /** From the command to the document holding the whole continuation. */
  editorMs: Spread;
  /** From the request to the SDK's stream ending, with the text gathered. */
  sdkMs: Spread;
  /** From each piece of text leaving the SDK's event loop to its edit landing in the document, over all runs. */
  lagMs: Spread & { max: number };
  /** Edits per run against text pieces per run: how much the insertion coalesced. */
  editsPerRun: number;
  piecesPerRun: number;
  /** Heap used after a run (document, loom node and journal still held) minus before, after a GC. */
  heapGrowthMB: Spread;
}

const PREFILL = 'A benchmark prefill, which the scripted reply ignores:';

export async function benchStreaming(api: PrefillLoomApi, server: FakeAnthropic, tokens: number, runs: number): Promise<StreamingResult> {
  const pieces = tokensOfStory(tokens);
  const text = pieces.join('');
  server.setResponder(() => ({ tokens: [...pieces], naturalStop: 'end_turn' }));
  // One token of room, so the reply ends by itself and auto-continue has nothing to do.
  await setSetting('maxTokens', tokens + 1);
  await setSetting('maxTotalTokens', tokens + 1);
  const editorMs: number[] = [];
  const sdkMs: number[] = [];
  const lags: number[] = [];
  const heap: number[] = [];
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
      const sdk = await streamWithSdkAlone(server.url, tokens + 1);
      if (sdk.text !== text) throw new Error('the SDK baseline did not receive the whole text');
      const before = heapUsedMB();
      if (run < 0) lags.length = edits = pushes = 0;
      const editor = await streamIntoEditor(api, text);
      if (run < 0) {
        lags.length = edits = pushes = 0;
      } else {
        sdkMs.push(sdk.ms);
        editorMs.push(editor);
        heap.push(heapUsedMB() - before);
      }
      await closeAllEditors();
    }
  } finally {
    api.generations.landingProbe = undefined;
    await setSetting('maxTokens', undefined);
    await setSetting('maxTotalTokens', undefined);
  }
  return {
    tokens,
    characters: text.length,
    editorMs: spread(editorMs),
    sdkMs: spread(sdkMs),
    lagMs: { ...spread(lags), max: Math.max(...lags) },
    editsPerRun: edits / runs,
    piecesPerRun: pushes / runs,
    heapGrowthMB: spread(heap),
  };
}

/** `count` tokens of the story, over and over. */
function tokensOfStory(count: number): string[] {
  const story = storyTokens(`\n\n${STORY}`);
  return Array.from({ length: count }, (_, i) => story[i % story.length]);
}

/** The baseline: the official SDK streaming the same reply, gathering its text and nothing else. */
async function streamWithSdkAlone(baseURL: string, maxTokens: number): Promise<{ ms: number; text: string }> {
  const client = new Anthropic({ apiKey: TEST_KEY, baseURL, maxRetries: 0 });
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
