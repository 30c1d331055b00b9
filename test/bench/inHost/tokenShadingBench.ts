/**
 * Token probability shading in VS Code: a document whose one model node holds N recorded tokens
 * (top-5 alternatives each), shading recomputed from the loom and applied to the editor, and the
 * hover of a token. Baselines in the same run: the same number of ranges put into one plain
 * decoration type, and a plain-text hover at the same positions.
 */
import * as vscode from 'vscode';
import type { PrefillLoomApi } from '../../../src/extension';
import { packTokens, type TokenLogprob } from '../../../src/core/providers/tokenLogprobs';
import { ZERO_USAGE } from '../../../src/core/shared/tokenUsage';
import { seededRandom } from '../../server/random';
import { spread, type Spread } from '../stats';

export interface TokenShadingResult {
  tokens: number;
  /** Marks recomputed from the tree and set on the editor, in the host (records decoded once, then cached). */
  shadeMs: Spread;
  /** The first shading, which decodes the node's record. */
  firstShadeMs: number;
  /** The same number of ranges set on one plain decoration type. */
  plainMs: Spread;
  hoverMs: Spread;
  plainHoverMs: Spread;
}

const HOVERS = 200;
const WORDS = [' the', ' keeper', ' climbed', ',', ' lamp', '.\n', ' and', ' she', ' said', ' of'];

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
  const wasShown = api.tokenProbabilities.shown;
  try {
    const session = (await api.sessions.sessionFor(document))!;
    const generated = syntheticTokens(tokens);
    const node = session.tree.addChild(session.currentId, generated.map((t) => t.text).join(''), {
      author: 'model',
      generation: { model: 'bench', params: {}, stopReason: 'stop', usage: ZERO_USAGE, durationMs: 0, requests: 1, status: 'completed', tokens: packTokens(generated) },
    });
    await session.switchTo(node.id);
    if (!wasShown) await api.tokenProbabilities.toggle();
    const shade: number[] = [];
    const plainSet: number[] = [];
    for (let run = 0; run < runs; run++) {
      let start = performance.now();
      api.tokenProbabilities.refresh(document);
      shade.push(performance.now() - start);
      const marks = api.tokenProbabilities.drawnIn(editor);
      if (marks.length !== tokens) throw new Error(`${marks.length} of ${tokens} tokens shaded`);
      start = performance.now();
      editor.setDecorations(plain, marks.map((m) => new vscode.Range(document.positionAt(m.start), document.positionAt(m.end))));
      plainSet.push(performance.now() - start);
      editor.setDecorations(plain, []);
    }
    const marks = api.tokenProbabilities.drawnIn(editor);
    const random = seededRandom(11);
    const positions = Array.from({ length: HOVERS }, () => document.positionAt(marks[Math.floor(random() * marks.length)].start));
    const hover: number[] = [];
    const plainHover: number[] = [];
    for (const position of positions) {
      let start = performance.now();
      if (!api.tokenProbabilities.provideHover(document, position)) throw new Error('no hover on a shaded token');
      hover.push(performance.now() - start);
      start = performance.now();
      const range = document.getWordRangeAtPosition(position);
      new vscode.Hover(new vscode.MarkdownString().appendText(document.getText(range)), range);
      plainHover.push(performance.now() - start);
    }
    return { tokens, shadeMs: spread(shade), firstShadeMs: shade[0], plainMs: spread(plainSet), hoverMs: spread(hover), plainHoverMs: spread(plainHover) };
  } finally {
    if (!wasShown && api.tokenProbabilities.shown) await api.tokenProbabilities.toggle();
    plain.dispose();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
