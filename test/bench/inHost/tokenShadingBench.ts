/**
 * Token probability shading in VS Code, as a user waits for it: a document whose one model node
 * holds N recorded tokens (top-5 alternatives each), Toggle Token Probabilities on until the
 * decorations of the lines in view are set, a scroll by one screen until the lines then in view are
 * decorated, and the hover of a token anywhere. Baselines in the same run: the same ranges set on
 * one plain decoration type (for the scroll: at every scroll), all N ranges set that way, and a
 * plain-text hover at the same positions.
 */
import * as vscode from 'vscode';
import type { PrefillLoomApi } from '../../../src/extension';
import { packTokens, type TokenLogprob } from '../../../src/core/providers/tokenLogprobs';
import { marksBetween } from '../../../src/core/probabilities/tokenShading';
import { decorationWindow, type LineSpan } from '../../../src/core/probabilities/tokenWindow';
import { ZERO_USAGE } from '../../../src/core/shared/tokenUsage';
import { seededRandom } from '../../server/random';
import { spread, type Spread } from '../stats';

export interface TokenShadingResult {
  tokens: number;
  /** Tokens decorated with the top of the document in view (the others wait for a scroll). */
  windowTokens: number;
  /** Toggle Token Probabilities on, to the decorations of the lines in view set (marks from the loom, records cached; the state's write after it left out). */
  toggleMs: Spread;
  /** The first shading of the document, which decodes the node's record. */
  firstShadeMs: number;
  /** The toggle's ranges set on one plain decoration type. */
  plainToggleMs: Spread;
  /** All N tokens' ranges set on one plain decoration type: the least shading the whole document costs. */
  plainWholeMs: Spread;
  /** A scroll by one screen (revealRange), to the decorations of the lines then in view set, screen after screen down. */
  scrollMs: Spread;
  /** The same scrolls with shading off, the window's ranges set on one plain decoration type at every scroll. */
  plainScrollMs: Spread;
  hoverMs: Spread;
  plainHoverMs: Spread;
}

const HOVERS = 200;
const WORDS = [' the', ' keeper', ' climbed', ',', ' lamp', '.\n', ' and', ' she', ' said', ' of'];
/** Screens scrolled per run; a reader's pause between them, so no scroll waits on the one before. */
const SCREENS_PER_RUN = 4;
const READING_PAUSE_MS = 150;
const WAIT_LIMIT_MS = 10_000;

function syntheticTokens(count: number): TokenLogprob[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, () => {
    const text = WORDS[Math.floor(random() * WORDS.length)];
    const top = Array.from({ length: 5 }, (_, k) => ({ text: k === 0 ? text : WORDS[(WORDS.indexOf(text) + k) % WORDS.length], logprob: Math.fround(-random() * 4) }));
    return { text, logprob: top[0].logprob, top };
  });
}

export async function benchTokenShading(api: PrefillLoomApi, tokens: number, runs: number): Promise<TokenShadingResult> {
  const document = await vscode.workspace.openTextDocument({ content: 'Prefix:' });
  const editor = await vscode.window.showTextDocument(document);
  const plain = vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground') });
  const probabilities = api.tokenProbabilities;
  const wasShown = probabilities.shown;
  try {
    if (!wasShown) await probabilities.toggle();
    const session = (await api.sessions.sessionFor(document))!;
    const generated = syntheticTokens(tokens);
    const node = session.tree.addChild(session.currentId, generated.map((t) => t.text).join(''), {
      author: 'model',
      generation: { model: 'bench', params: {}, stopReason: 'stop', usage: ZERO_USAGE, durationMs: 0, requests: 1, status: 'completed', tokens: packTokens(generated) },
    });
    await session.switchTo(node.id);
    let start = performance.now();
    probabilities.refresh(document);
    const firstShadeMs = performance.now() - start;
    if (probabilities.marksOf(document).length !== tokens) throw new Error(`${probabilities.marksOf(document).length} of ${tokens} tokens marked`);
    const rangesOf = (marks: ReadonlyArray<{ start: number; end: number }>) => marks.map((m) => new vscode.Range(document.positionAt(m.start), document.positionAt(m.end)));
    const timedPlain = (marks: ReadonlyArray<{ start: number; end: number }>): number => {
      const begin = performance.now();
      editor.setDecorations(plain, rangesOf(marks));
      const elapsed = performance.now() - begin;
      editor.setDecorations(plain, []);
      return elapsed;
    };

    const toggle: number[] = [];
    const plainToggle: number[] = [];
    const plainWhole: number[] = [];
    let windowTokens = 0;
    let decoratedAt = 0;
    const decorations = probabilities.onDidDecorate((e) => e === editor && (decoratedAt = performance.now()));
    for (let run = 0; run < runs; run++) {
      await probabilities.toggle();
      start = performance.now();
      // The decorations are set before the toggle's state is stored: the user sees them then.
      await probabilities.toggle();
      toggle.push(decoratedAt - start);
      const drawn = probabilities.drawnIn(editor);
      windowTokens = drawn.length;
      if (windowTokens === 0) throw new Error('nothing shaded after the toggle');
      plainToggle.push(timedPlain(drawn));
      plainWhole.push(timedPlain(probabilities.marksOf(document)));
    }
    decorations.dispose();

    // The renderer tokenizes lines when they first come into view: a first pass pays that for both measured passes.
    await scrollScreens(editor, runs, () => true, probabilities.onDidDecorate);
    const scroll = await scrollScreens(editor, runs, () => covers(probabilities.decoratedLines(editor), visibleLines(editor)), probabilities.onDidDecorate);
    await probabilities.toggle();
    let plainLines: LineSpan | undefined;
    const setPlain = () => {
      const lines = decorationWindow(visibleLines(editor), document.lineCount);
      editor.setDecorations(plain, rangesOf(marksBetween(probabilities.marksOf(document), document.offsetAt(new vscode.Position(lines.first, 0)), document.offsetAt(new vscode.Position(lines.last + 1, 0)))));
      plainLines = lines;
    };
    setPlain();
    const plainOnScroll = vscode.window.onDidChangeTextEditorVisibleRanges((e) => e.textEditor === editor && setPlain());
    const plainScroll = await scrollScreens(editor, runs, () => covers(plainLines, visibleLines(editor)), vscode.window.onDidChangeTextEditorVisibleRanges).finally(() => plainOnScroll.dispose());
    editor.setDecorations(plain, []);
    await probabilities.toggle();

    const marks = probabilities.marksOf(document);
    const random = seededRandom(11);
    const positions = Array.from({ length: HOVERS }, () => document.positionAt(marks[Math.floor(random() * marks.length)].start));
    const hover: number[] = [];
    const plainHover: number[] = [];
    for (const position of positions) {
      start = performance.now();
      if (!probabilities.provideHover(document, position)) throw new Error('no hover on a shaded token');
      hover.push(performance.now() - start);
      start = performance.now();
      const range = document.getWordRangeAtPosition(position);
      new vscode.Hover(new vscode.MarkdownString().appendText(document.getText(range)), range);
      plainHover.push(performance.now() - start);
    }
    return {
      tokens,
      windowTokens,
      toggleMs: spread(toggle),
      firstShadeMs,
      plainToggleMs: spread(plainToggle),
      plainWholeMs: spread(plainWhole),
      scrollMs: spread(scroll),
      plainScrollMs: spread(plainScroll),
      hoverMs: spread(hover),
      plainHoverMs: spread(plainHover),
    };
  } finally {
    if (wasShown !== probabilities.shown) await probabilities.toggle();
    plain.dispose();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}

function visibleLines(editor: vscode.TextEditor): LineSpan {
  return { first: editor.visibleRanges[0].start.line, last: editor.visibleRanges[editor.visibleRanges.length - 1].end.line };
}

function covers(decorated: LineSpan | undefined, visible: LineSpan): boolean {
  return decorated !== undefined && decorated.first <= visible.first && visible.last <= decorated.last;
}

/**
 * Scrolls down from the top a screen at a time (as far as the document allows, up to
 * SCREENS_PER_RUN × runs screens) and times each, from revealRange to `done` holding, which is
 * checked whenever the editor reports what it shows and whenever `signal` fires.
 */
async function scrollScreens(editor: vscode.TextEditor, runs: number, done: () => boolean, signal: vscode.Event<unknown>): Promise<number[]> {
  await reveal(editor, 0, (v) => v.first === 0, done, signal);
  const screen = visibleLines(editor).last - visibleLines(editor).first + 1;
  const screens = Math.min(SCREENS_PER_RUN * runs, Math.floor(editor.document.lineCount / screen) - 2);
  const times: number[] = [];
  for (let i = 1; i <= screens; i++) {
    await new Promise((resolve) => setTimeout(resolve, READING_PAUSE_MS));
    const before = visibleLines(editor).first;
    const line = before + screen;
    const start = performance.now();
    // The editor keeps a few lines above the one revealed at the top: any move down showing it will do.
    await reveal(editor, line, (v) => v.first > before && v.first <= line && line <= v.last, done, signal);
    times.push(performance.now() - start);
  }
  return times;
}

/** Reveals `line` at the top of the editor and resolves once the lines in view are `arrived` and `done` holds. */
function reveal(editor: vscode.TextEditor, line: number, arrived: (visible: LineSpan) => boolean, done: () => boolean, signal: vscode.Event<unknown>): Promise<void> {
  const ready = () => arrived(visibleLines(editor)) && done();
  return new Promise<void>((resolve, reject) => {
    const subscriptions: vscode.Disposable[] = [];
    const finish = (error?: Error) => {
      clearTimeout(limit);
      for (const s of subscriptions) s.dispose();
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (ready()) finish();
    };
    const limit = setTimeout(() => finish(new Error(`line ${line} not shown decorated within ${WAIT_LIMIT_MS} ms (lines ${JSON.stringify(visibleLines(editor))} in view of ${editor.document.lineCount}, done: ${done()})`)), WAIT_LIMIT_MS);
    subscriptions.push(vscode.window.onDidChangeTextEditorVisibleRanges(check), signal(check));
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.AtTop);
    check();
  });
}
