import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BranchLink, DrawnToken } from '../../src/probabilities/tokenProbabilities';
import { eventually } from '../harness/eventually';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import { expectedCompletion, expectedTexts, requestSeeds } from '../server/openai/expected';
import { packTokens, type TokenLogprob } from '../../src/core/providers/tokenLogprobs';
import { ZERO_USAGE } from '../../src/core/shared/tokenUsage';
import { closeAllEditors, continueAtCursor, loomApi, openDocument, openWithLineEnding, setSetting, TEST_KEY, userEdit } from './loomTestKit';

// Token probabilities in a real VS Code against the simulator behind the completions route: every
// number the editor shows is checked against what the simulator itself answers the request it got.

const SEED = 23;
const PREFIX = 'The keeper said ';

interface CompletionsLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Array<Record<string, number>>;
}

/** The test's own reading of the shading: four levels, below 10 %, 35 %, 70 %, and the rest. */
function levelOf(logprob: number): number {
  const p = Math.exp(logprob);
  return p < 0.1 ? 4 : p < 0.35 ? 3 : p < 0.7 ? 2 : 1;
}

describe('Token probabilities in the editor', function () {
  // Each test generates once or a few times on the simulator and waits for debounced redraws.
  this.timeout(60_000);
  let server: FakeAnthropic;

  before(async () => {
    server = await startFakeAnthropic({ apiKey: TEST_KEY, openAi: { seed: SEED } });
    await setSetting('endpoints', [{ name: 'local-probs', kind: 'completions', baseUrl: `${server.url}/v1`, model: 'simulator', logprobs: true, topLogprobs: 5 }]);
    await setSetting('defaultEndpoint', 'local-probs');
    await setSetting('maxTokens', 10);
    await setSetting('maxTotalTokens', 10);
    await loomApi();
  });
  afterEach(async () => {
    const api = await loomApi();
    if (api.tokenProbabilities.shown) await vscode.commands.executeCommand('prefillLoom.toggleTokenProbabilities');
    server.reset();
    await closeAllEditors();
  });
  after(async () => {
    for (const name of ['endpoints', 'defaultEndpoint', 'maxTokens', 'maxTotalTokens']) await setSetting(name, undefined);
    await server.close();
  });

  const posts = () => server.requests.filter((r) => r.method === 'POST');
  /** What the simulator answered the k-th request (its seed is the k-th of the server's sequence). */
  function answerTo(k: number): { text: string; logprobs: CompletionsLogprobs } {
    const body = expectedCompletion(posts()[k].body as object, { seed: requestSeeds(SEED, k + 1)[k] });
    const [choice] = body.choices as Array<{ text: string; logprobs: CompletionsLogprobs }>;
    return { text: expectedTexts(body)[0], logprobs: choice.logprobs };
  }

  async function generateShaded(editor: vscode.TextEditor): Promise<{ logprobs: CompletionsLogprobs; drawn: DrawnToken[] }> {
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed', JSON.stringify(outcome?.error ?? null));
    const { text, logprobs } = answerTo(0);
    assert.equal(outcome!.text, text);
    const api = await loomApi();
    if (!api.tokenProbabilities.shown) assert.equal(await vscode.commands.executeCommand('prefillLoom.toggleTokenProbabilities'), true);
    await eventually(() => api.tokenProbabilities.drawnIn(editor).length === logprobs.tokens.length, 'every token drawn', 5000, 10);
    return { logprobs, drawn: api.tokenProbabilities.drawnIn(editor) };
  }

  /** The first token whose alternatives hold another text, and that text. */
  function tokenWithAlternative(logprobs: CompletionsLogprobs): { index: number; alternative: string; logprob: number } {
    for (let index = 0; index < logprobs.tokens.length; index++) {
      const other = Object.entries(logprobs.top_logprobs[index]).find(([text]) => text !== logprobs.tokens[index] && text.length > 0);
      if (other) return { index, alternative: other[0], logprob: other[1] };
    }
    throw new Error('the simulator gave no token with an alternative');
  }

  it('shades each model token by the probability the simulator gave it, and the hover shows its numbers and alternatives', async () => {
    const editor = await openDocument(PREFIX);
    const { logprobs, drawn } = await generateShaded(editor);
    const text = editor.document.getText();
    let at = PREFIX.length;
    drawn.forEach((token, i) => {
      assert.equal(text.slice(token.start, token.end), logprobs.tokens[i]);
      assert.equal(token.start, at);
      assert.equal(token.level, levelOf(logprobs.token_logprobs[i]), `level of token ${i}`);
      at = token.end;
    });
    // The user's text stays unmarked.
    assert.ok(drawn.every((t) => t.start >= PREFIX.length));

    const { index } = tokenWithAlternative(logprobs);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, editor.document.positionAt(drawn[index].start));
    const markdown = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).find((v) => v.includes('log-probability'));
    assert.ok(markdown, 'our hover is shown');
    const own = logprobs.token_logprobs[index];
    assert.ok(markdown.includes(`probability ${(Math.exp(own) * 100).toFixed(1)} %, log-probability ${own.toFixed(3)}`), markdown);
    for (const [alt, logprob] of Object.entries(logprobs.top_logprobs[index])) {
      assert.ok(markdown.includes(`| ${(Math.exp(logprob) * 100).toFixed(1)} % | ${logprob.toFixed(3)} |`), `alternative ${JSON.stringify(alt)} in\n${markdown}`);
    }
    assert.match(markdown, /command:prefillLoom\.branchAtToken\?/);
    assert.match(markdown, /Shading: /);
  });

  it('shades a CRLF document and characters split over byte tokens, each token over its own text', async () => {
    // A byte-level model: 我 (e6 88 91) and 😀 (f0 9f 98 80, a surrogate pair in the editor) each come as two tokens.
    const pieces: Array<[bytes: number[], logprob: number]> = [
      [[...Buffer.from('One')], -0.2],
      [[0x0a], -1.5],
      [[0xe6, 0x88], -0.7],
      [[0x91], -0.01],
      [[...Buffer.from(' two')], -3],
      [[0x0a, 0x0a], -0.4],
      [[0xf0, 0x9f], -2.2],
      [[0x98, 0x80], -0.05],
      [[0x21], -0.9],
    ];
    const decoder = new TextDecoder();
    const tokens = pieces.map(([bytes, logprob]) => ({ text: decoder.decode(Uint8Array.from(bytes), { stream: true }), bytes, logprob, top: [{ bytes, logprob }, { bytes: [0x2e], logprob: logprob - 1 }] }));
    server.openAi.setTextModel(() => ({ tokens, ended: true, promptTokens: 0 }));
    const editor = await openWithLineEnding(vscode.EndOfLine.CRLF, PREFIX);
    const outcome = await continueAtCursor();
    assert.equal(outcome?.status, 'completed', JSON.stringify(outcome?.error ?? null));
    const written = ['One', '\r\n', '', '我', ' two', '\r\n\r\n', '', '😀', '!'];
    assert.equal(editor.document.getText(), PREFIX + written.join(''));
    const api = await loomApi();
    assert.equal(await vscode.commands.executeCommand('prefillLoom.toggleTokenProbabilities'), true);
    await eventually(() => api.tokenProbabilities.drawnIn(editor).length > 0, 'the tokens drawn', 5000, 10);
    const text = editor.document.getText();
    assert.deepEqual(
      api.tokenProbabilities.drawnIn(editor).map((t) => [text.slice(t.start, t.end), t.level]),
      // A token holding a character's first bytes has no text of its own: the completing token marks the character.
      written.map((piece, i) => [piece, levelOf(pieces[i][1])]).filter(([piece]) => piece !== ''),
    );
    // The hover over the emoji is the token that completed it.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, editor.document.positionAt(text.indexOf('😀')));
    const markdown = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).find((v) => v.includes('log-probability'));
    assert.ok(markdown?.includes(`log-probability ${(-0.05).toFixed(3)}`), markdown);
  });

  it('branches from an alternative: a sibling with exactly that token, then the simulator’s continuation after it', async () => {
    const editor = await openDocument(PREFIX);
    const { logprobs, drawn } = await generateShaded(editor);
    const { index, alternative, logprob } = tokenWithAlternative(logprobs);
    const before = PREFIX + logprobs.tokens.slice(0, index).join('');
    const link: BranchLink = { uri: editor.document.uri.toString(), start: drawn[index].start, token: logprobs.tokens[index], text: alternative, logprob };
    const branch = await vscode.commands.executeCommand<{ nodeId: string; created: boolean }>('prefillLoom.branchAtToken', link);
    assert.equal(branch?.created, true);
    const session = (await loomApi()).sessions.get(editor.document)!;
    const node = session.tree.get(branch.nodeId)!;
    assert.equal(node.text, alternative);
    assert.equal(session.tree.textOf(node.parentId!), before);
    // The written token's tail hangs beside it.
    assert.ok(session.tree.children(node.parentId!).some((c) => c.id !== node.id && c.text.startsWith(logprobs.tokens[index])));
    assert.equal(posts().length, 2);
    assert.equal((posts()[1].body as { prompt: string }).prompt, before + alternative);
    const continuation = answerTo(1).text;
    const [child] = session.tree.children(node.id);
    assert.equal(child.text, continuation);
    assert.equal(editor.document.getText(), before + alternative + continuation);
    await eventually(() => session.currentId === child.id, 'the editor shows the new branch', 5000, 10);
    // One undo takes the whole branch out of the editor (the loom keeps it).
    const generated = PREFIX + logprobs.tokens.join('');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), generated);
    assert.ok(session.tree.has(child.id));
  });

  it('cycles the token under the cursor through its alternatives, making each branch once and reusing it after', async () => {
    const editor = await openDocument(PREFIX);
    const { logprobs, drawn } = await generateShaded(editor);
    const { index } = tokenWithAlternative(logprobs);
    const original = editor.document.getText();
    const choices = new Set([logprobs.tokens[index], ...Object.keys(logprobs.top_logprobs[index])].filter((t) => t.length > 0)).size;
    const position = editor.document.positionAt(drawn[index].start);
    editor.selection = new vscode.Selection(position, position);
    const seen: string[] = [];
    for (let i = 0; i < choices; i++) {
      const result = await vscode.commands.executeCommand<{ nodeId: string; created: boolean }>('prefillLoom.nextTokenAlternative');
      assert.ok(result);
      seen.push(result.nodeId);
    }
    // A full cycle comes back to the written text; only the alternatives cost a request each.
    assert.equal(editor.document.getText(), original);
    const requests = posts().length;
    assert.equal(requests, choices);
    for (let i = 0; i < choices; i++) {
      const result = await vscode.commands.executeCommand<{ nodeId: string; created: boolean }>('prefillLoom.nextTokenAlternative');
      assert.deepEqual(result, { nodeId: seen[i], created: false });
    }
    assert.equal(posts().length, requests);
    const back = await vscode.commands.executeCommand<{ nodeId: string; created: boolean }>('prefillLoom.previousTokenAlternative');
    assert.deepEqual(back, { nodeId: seen[choices - 2], created: false });
  });

  it('follows a hand edit: the token typed into loses its mark, every other keeps it', async () => {
    const editor = await openDocument(PREFIX);
    const { drawn } = await generateShaded(editor);
    const inside = drawn.findIndex((t) => t.end - t.start >= 2);
    assert.ok(inside >= 0, 'a token of two characters or more');
    await userEdit(editor, (d, b) => b.insert(d.positionAt(drawn[inside].start + 1), 'X'));
    const expected = drawn.filter((_, i) => i !== inside).map((t) => (t.start > drawn[inside].start ? { ...t, start: t.start + 1, end: t.end + 1 } : t));
    const api = await loomApi();
    assert.deepEqual(api.tokenProbabilities.drawnIn(editor), expected);
    // Still so once the loom has taken in the edit (its reconcile waits for a pause in typing).
    const session = api.sessions.get(editor.document)!;
    await eventually(() => session.tree.textOf(session.currentId) === session.body(), 'the loom to take in the edit', 5000, 10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(api.tokenProbabilities.drawnIn(editor), expected);
  });

  /** A saved file holding PREFIX, the cursor after it. */
  async function openFile(): Promise<{ file: string; editor: vscode.TextEditor }> {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loom-tokens-')), 'story.md');
    fs.writeFileSync(file, PREFIX);
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    const end = editor.document.positionAt(PREFIX.length);
    editor.selection = new vscode.Selection(end, end);
    return { file, editor };
  }

  /** Saves, closes and reopens the file; its loom comes back from the tree file. */
  async function reopen(file: string, editor: vscode.TextEditor): Promise<vscode.TextEditor> {
    await editor.document.save();
    const api = await loomApi();
    await api.sessions.flushAll();
    await closeAllEditors();
    const reopened = await vscode.window.showTextDocument(vscode.Uri.file(file));
    await eventually(() => api.sessions.get(reopened.document) !== undefined, 'the loom to load from its tree file', 5000, 10);
    return reopened;
  }

  it('keeps the marks across closing and reopening the document (from the tree file)', async () => {
    const { file, editor } = await openFile();
    const { drawn } = await generateShaded(editor);
    const api = await loomApi();
    const reopened = await reopen(file, editor);
    await eventually(() => api.tokenProbabilities.drawnIn(reopened).length === drawn.length, 'the marks to come back', 5000, 10);
    assert.deepEqual(api.tokenProbabilities.drawnIn(reopened), drawn);
  });

  it('keeps the marks of the model tokens a hand edit left intact across a reopen, and none on the typed text', async () => {
    const { file, editor } = await openFile();
    const { drawn } = await generateShaded(editor);
    // Typed into the middle of the model's text, inside a token of two characters or more.
    const inside = drawn.findIndex((t, i) => i > 0 && i < drawn.length - 1 && t.end - t.start >= 2);
    assert.ok(inside > 0, 'a token of two characters or more inside the generation');
    const at = drawn[inside].start + 1;
    await userEdit(editor, (d, b) => b.insert(d.positionAt(at), 'QQ'));
    const expected = drawn.filter((_, i) => i !== inside).map((t) => (t.start > at ? { ...t, start: t.start + 2, end: t.end + 2 } : t));
    const api = await loomApi();
    const session = api.sessions.get(editor.document)!;
    await eventually(() => session.tree.textOf(session.currentId) === session.body(), 'the loom to take in the edit', 5000, 10);
    const text = editor.document.getText();
    const reopened = await reopen(file, editor);
    assert.equal(reopened.document.getText(), text);
    await eventually(() => api.tokenProbabilities.drawnIn(reopened).length === expected.length, 'the intact tokens’ marks to come back', 5000, 10);
    const marks = api.tokenProbabilities.drawnIn(reopened);
    assert.deepEqual(marks, expected);
    assert.ok(marks.every((t) => t.end <= at || t.start >= at + 2), 'no mark on the typed text');
    // The loom says who wrote what: the typed text is the user's, the text after it still the model's.
    const reloaded = api.sessions.get(reopened.document)!;
    const authors = reloaded.tree.pathTo(reloaded.currentId).map((n) => [n.text, n.author]);
    assert.equal(authors.filter(([, author]) => author === 'user').map(([t]) => t).join(''), PREFIX + 'QQ');
  });

  /**
   * A document far longer than a screen: PREFIX, then one model node of `count` recorded tokens
   * (a line break every sixth token), shown with shading on. Returns every token as the test
   * expects it drawn somewhere.
   */
  async function longShadedDocument(count = 3000): Promise<{ editor: vscode.TextEditor; tokens: DrawnToken[] }> {
    const editor = await openDocument(PREFIX);
    const api = await loomApi();
    const session = (await api.sessions.sessionFor(editor.document))!;
    const generated: TokenLogprob[] = Array.from({ length: count }, (_, i) => {
      const text = i % 6 === 5 ? '.\n' : [' lamp', ' keeper', ' sea', ' light'][i % 4];
      const logprob = -(i % 9) * 0.4;
      return { text, logprob, top: [{ text, logprob }, { text: ' tide', logprob: logprob - 1 }] };
    });
    const node = session.tree.addChild(session.currentId, generated.map((t) => t.text).join(''), {
      author: 'model',
      generation: { model: 'test', params: {}, stopReason: 'stop', usage: ZERO_USAGE, durationMs: 0, requests: 1, status: 'completed', tokens: packTokens(generated) },
    });
    await session.switchTo(node.id);
    await eventually(() => editor.document.getText().length > PREFIX.length, 'the long text in the editor', 5000, 10);
    if (!api.tokenProbabilities.shown) assert.equal(await vscode.commands.executeCommand('prefillLoom.toggleTokenProbabilities'), true);
    let at = PREFIX.length;
    const tokens = generated.map((t) => ({ start: at, end: (at += t.text.length), level: levelOf(t.logprob) }));
    return { editor, tokens };
  }

  /** The tokens on the lines the editor shows. */
  function onVisibleLines(editor: vscode.TextEditor, tokens: readonly DrawnToken[]): DrawnToken[] {
    const { document } = editor;
    return tokens.filter((t) => editor.visibleRanges.some((r) => document.positionAt(t.start).line <= r.end.line && document.positionAt(t.end).line >= r.start.line));
  }

  /** Waits until every token on the lines the editor shows is drawn, and returns what is drawn. */
  async function shadedInView(editor: vscode.TextEditor, tokens: readonly DrawnToken[], what: string): Promise<DrawnToken[]> {
    const api = await loomApi();
    const drawnKeys = () => new Set(api.tokenProbabilities.drawnIn(editor).map((t) => JSON.stringify(t)));
    await eventually(() => {
      const visible = onVisibleLines(editor, tokens);
      const drawn = drawnKeys();
      return visible.length > 0 && visible.every((t) => drawn.has(JSON.stringify(t)));
    }, what, 5000, 10);
    return api.tokenProbabilities.drawnIn(editor);
  }

  /** Scrolls `line` to the top of the editor (or near it), and waits until the editor shows it. */
  async function scrollTo(editor: vscode.TextEditor, line: number): Promise<void> {
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.AtTop);
    await eventually(() => editor.visibleRanges.some((r) => r.start.line <= line && line <= r.end.line), `line ${line} in view`, 5000, 10);
  }

  it('shades a long document on the lines in view (and a margin), and the newly visible lines after a scroll', async () => {
    const { editor, tokens } = await longShadedDocument();
    const lastLine = editor.document.lineCount - 1;
    const lineOf = (offset: number) => editor.document.positionAt(offset).line;
    const atTop = await shadedInView(editor, tokens, 'the tokens in view drawn');
    assert.ok(atTop.length < tokens.length / 2, `${atTop.length} of ${tokens.length} tokens drawn with the top in view`);
    assert.ok(atTop.every((t) => lineOf(t.start) < lastLine - 100), 'nothing drawn near the end while the top is in view');

    await scrollTo(editor, lastLine - 20);
    const atEnd = await shadedInView(editor, tokens, 'the tokens newly in view drawn');
    assert.ok(atEnd.some((t) => lineOf(t.end) === lastLine), 'the last line drawn');
    assert.ok(atEnd.every((t) => lineOf(t.start) > 100), 'nothing drawn near the top once the end is in view');
    const expected = new Set(tokens.map((t) => JSON.stringify(t)));
    assert.ok(atEnd.every((t) => expected.has(JSON.stringify(t))), 'each drawn token is a recorded token at its level');
  });

  it('follows a hand edit far outside the view: only the token typed into loses its mark, seen after scrolling there; its hover works before', async () => {
    const { editor, tokens } = await longShadedDocument();
    await shadedInView(editor, tokens, 'the tokens in view drawn');
    const api = await loomApi();
    const target = tokens.length - 30;
    assert.ok(tokens[target].end - tokens[target].start >= 3, 'a token of three characters or more');
    // The hover reaches a token nowhere near the view.
    const far = tokens[target + 2];
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, editor.document.positionAt(far.start));
    const markdown = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).find((v) => v.includes('log-probability'));
    assert.ok(markdown?.includes(`log-probability ${(-((target + 2) % 9) * 0.4).toFixed(3)}`), markdown);

    const at = tokens[target].start + 1;
    await userEdit(editor, (d, b) => b.insert(d.positionAt(at), 'X'));
    const expected = tokens.filter((_, i) => i !== target).map((t) => (t.start > at ? { ...t, start: t.start + 1, end: t.end + 1 } : t));
    await scrollTo(editor, editor.document.positionAt(at).line);
    const drawn = await shadedInView(editor, expected, 'the tokens around the edit drawn');
    const keys = new Set(expected.map((t) => JSON.stringify(t)));
    assert.ok(drawn.every((t) => keys.has(JSON.stringify(t))), 'every drawn token as expected');
    assert.ok(drawn.every((t) => t.end <= tokens[target].start || t.start >= tokens[target].end + 1), 'no mark over the edited token');
    // Still so once the loom has taken in the edit.
    const session = api.sessions.get(editor.document)!;
    await eventually(() => session.tree.textOf(session.currentId) === session.body(), 'the loom to take in the edit', 5000, 10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(api.tokenProbabilities.drawnIn(editor).every((t) => keys.has(JSON.stringify(t))), 'every drawn token as expected after the reconcile');
    assert.deepEqual(onVisibleLines(editor, api.tokenProbabilities.drawnIn(editor)), onVisibleLines(editor, expected));
  });
});
