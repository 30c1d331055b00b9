import * as vscode from 'vscode';
import { MARK_KIND_LABELS, markFrom } from '../core/reproducibility/markNavigation';
import type { DivergenceDecorations, DrawnMark, MarkKind } from './divergenceDecorations';

const LABELS: Record<MarkKind, string> = MARK_KIND_LABELS;

/**
 * Keyboard and screen-reader access to divergence and probe marks: a list of them in words, and
 * moves of the cursor to the next or previous one.
 */
export function registerDivergenceNavigation(decorations: DivergenceDecorations): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('prefillLoom.nextDivergence', () => move(decorations, 'next')),
    vscode.commands.registerCommand('prefillLoom.previousDivergence', () => move(decorations, 'previous')),
    vscode.commands.registerCommand('prefillLoom.listDivergences', () => list(decorations)),
  ];
}

function marksOf(decorations: DivergenceDecorations): { editor: vscode.TextEditor; marks: readonly DrawnMark[] } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const marks = decorations.drawnIn(editor.document);
  if (marks.length > 0) return { editor, marks };
  void vscode.window.showInformationMessage('Prefill Loom: no divergence or probe marks in this editor. Run Regenerate and Compare or Probe Prefill Consistency first.');
  return undefined;
}

function move(decorations: DivergenceDecorations, direction: 'next' | 'previous'): void {
  const found = marksOf(decorations);
  if (!found) return;
  const { editor, marks } = found;
  // From the selection's start: a mark just moved to is selected, and the next one may start where it ends.
  const mark = markFrom(marks, editor.document.offsetAt(editor.selection.start), direction);
  if (mark) reveal(editor, mark, marks);
}

async function list(decorations: DivergenceDecorations): Promise<void> {
  const found = marksOf(decorations);
  if (!found) return;
  const { editor, marks } = found;
  const items = [...marks].sort((a, b) => a.start - b.start).map((mark) => ({
    label: `Line ${editor.document.positionAt(mark.start).line + 1}: ${LABELS[mark.kind]}`,
    detail: mark.hover || undefined,
    mark,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Prefill Loom: Divergence and Probe Marks', placeHolder: 'Pick a mark to move the cursor to it', matchOnDetail: true });
  if (picked) reveal(editor, picked.mark, marks);
}

/** Selects the mark and says what it is, so a screen reader hears it as well as seeing it marked. */
function reveal(editor: vscode.TextEditor, mark: DrawnMark, marks: readonly DrawnMark[]): void {
  const range = new vscode.Range(editor.document.positionAt(mark.start), editor.document.positionAt(mark.end));
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  const index = [...marks].sort((a, b) => a.start - b.start).indexOf(mark) + 1;
  vscode.window.setStatusBarMessage(`Prefill Loom: mark ${index} of ${marks.length}, ${LABELS[mark.kind]}`, 5000);
}
