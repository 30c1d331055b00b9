import * as vscode from 'vscode';
import type { TokenAlternative } from '../core/providers/tokenLogprobs';
import { branchAtToken, cycledChoice, formatLogprob, formatProbability, newestLeaf, tokenChoices, type TokenMark } from '../core/probabilities/tokenShading';
import { visibleToken } from '../core/probabilities/tokenText';
import type { GenerationController } from '../generation/generationController';
import type { LoomSessions } from '../session/loomSessions';
import type { BranchLink, TokenProbabilities } from './tokenProbabilities';
import { inertLabel } from '../core/shared/inertLabel';

export interface TokenBranchingDeps {
  sessions: LoomSessions;
  generations: GenerationController;
  probabilities: TokenProbabilities;
}

/** Where a branch at a token went: its node, and whether it was made now (and continued) or reused. */
export interface TokenBranchResult {
  nodeId: string;
  created: boolean;
}

const NO_TOKEN =
  'Prefill Loom: no token with recorded probabilities at the cursor. Model text gets them from completions or chat endpoints with "logprobs" on; Toggle Token Probabilities shows which text has them.';

/**
 * Branching from a token's alternatives: from the hover's links, from the quick pick of Branch at
 * Token…, and by cycling. A branch is made once, through the loom's own split, and continued by the
 * same generation as Continue at Cursor, on the endpoint and with the parameters of the token's node.
 */
export class TokenBranching {
  constructor(private readonly deps: TokenBranchingDeps) {}

  /** The hover's link, or the palette's quick pick at the cursor. */
  async branchAtToken(link?: unknown): Promise<TokenBranchResult | undefined> {
    if (isBranchLink(link)) return this.fromLink(link);
    const at = this.tokenAtCursor();
    if (!at) return undefined;
    const items = tokenChoices(at.mark.token).map((choice) => ({
      label: inertLabel(visibleToken(choice.text)),
      description: `${formatProbability(choice.probability)} · log-probability ${formatLogprob(choice.logprob)}${choice.chosen ? ' · written' : ''}`,
      choice,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: `Branch at Token ${visibleToken(at.mark.token.text)}`, placeHolder: 'The token to continue from' });
    return picked && this.branch(at.editor, at.mark, picked.choice);
  }

  /** The next (or previous) alternative of the token under the cursor, as a branch. */
  async cycle(step: 1 | -1): Promise<TokenBranchResult | undefined> {
    const at = this.tokenAtCursor();
    if (!at) return undefined;
    const choice = cycledChoice(at.mark.token, step);
    if (!choice) {
      void vscode.window.setStatusBarMessage('Prefill Loom: the model recorded no alternative for this token', 3000);
      return undefined;
    }
    return this.branch(at.editor, at.mark, choice);
  }

  private tokenAtCursor(): { editor: vscode.TextEditor; mark: TokenMark } | undefined {
    const editor = vscode.window.activeTextEditor;
    const mark = editor && this.deps.probabilities.markNear(editor.document, editor.document.offsetAt(editor.selection.active));
    if (!editor || !mark) {
      void vscode.window.showInformationMessage(NO_TOKEN);
      return undefined;
    }
    return { editor, mark };
  }

  private async fromLink(link: BranchLink): Promise<TokenBranchResult | undefined> {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === link.uri);
    const mark = editor && this.deps.probabilities.markNear(editor.document, link.start);
    if (!editor || mark?.start !== link.start || mark.token.text !== link.token) {
      void vscode.window.showWarningMessage('Prefill Loom: that token is no longer in the editor (the text changed since the hover). Hover it again.');
      return undefined;
    }
    return this.branch(editor, mark, { text: link.text, logprob: link.logprob });
  }

  /**
   * Splits before the token, finds or makes the branch starting with `choice`, shows it, and (when
   * made now) continues after it. The cursor ends on the token, so cycling goes on from there.
   */
  private async branch(editor: vscode.TextEditor, mark: TokenMark, choice: TokenAlternative): Promise<TokenBranchResult | undefined> {
    const { sessions, generations } = this.deps;
    const { document } = editor;
    if (generations.isBusy(document)) return undefined;
    const session = await sessions.sessionFor(document);
    if (!session) return undefined;
    session.reconcile();
    const bodyOffset = session.bodyOffset();
    const bodyMark = { ...mark, start: mark.start - bodyOffset, end: mark.end - bodyOffset };
    const branch = branchAtToken(session.tree, session.currentId, bodyMark, choice);
    const target = branch.created ? branch.nodeId : newestLeaf(session.tree, branch.nodeId);
    // A branch made now: the switch and its continuation are one undo step.
    if (!(await session.switchTo(target, branch.created ? editor : undefined))) return undefined;
    if (branch.created) {
      const end = document.positionAt(bodyOffset + session.tree.textOf(branch.nodeId).length);
      editor.selection = new vscode.Selection(end, end);
      await generations.continueAtCursor(editor, 1, { like: mark.generation, joinUndo: true });
    }
    this.deps.probabilities.refresh(document);
    const position = document.positionAt(mark.start);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return branch;
  }
}

function isBranchLink(value: unknown): value is BranchLink {
  const v = value as BranchLink | undefined;
  return typeof v === 'object' && v !== null && typeof v.uri === 'string' && Number.isSafeInteger(v.start) && typeof v.token === 'string' && typeof v.text === 'string' && typeof v.logprob === 'number';
}
