import * as vscode from 'vscode';
import type { LoomNode } from '../core/loom/loomNode';
import { compareTexts, type Divergence, type TextComparison } from '../core/reproducibility/textDivergence';
import { quoteExactly } from '../core/reproducibility/exactQuote';
import { comparisonView } from '../webviews/comparisonView';
import type { DivergenceDecorations, NodeMark } from './divergenceDecorations';
import type { GenerationController } from '../generation/generationController';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';
import type { LoomViewProvider } from '../webviews/loomViewProvider';

export interface RegenerationComparerDeps {
  sessions: LoomSessions;
  generations: GenerationController;
  decorations: DivergenceDecorations;
  view: LoomViewProvider;
}

/** A regeneration set against the node it generates again. */
export interface Comparison {
  readonly originalId: string;
  readonly regenerationId: string;
  readonly comparison: TextComparison;
}

/** Longest quote of model text in a message or hover. */
const QUOTE_CHARS = 60;

/**
 * Regenerates model-written text from its original request and shows where the new text diverges:
 * inline in the editor (over both versions, with the other version in the hover) and in the loom
 * view's comparison pane. The regeneration stays in the tree as a sibling, so either can be kept.
 */
export class RegenerationComparer {
  constructor(private readonly deps: RegenerationComparerDeps) {}

  /**
   * From the cursor: with the cursor (or a selection's start) inside model-written text, the text
   * before it is prefilled and the rest is regenerated, so a prefill of the model's own text can be
   * set against what the model wrote; at the start of a node, the whole node is regenerated.
   */
  async atCursor(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): Promise<Comparison | undefined> {
    const session = editor && (await this.deps.sessions.sessionFor(editor.document));
    if (!editor || !session) {
      void vscode.window.showInformationMessage('Prefill Loom: put the cursor in text the model wrote, then run Regenerate and Compare.');
      return undefined;
    }
    const id = regenerationPoint(session, session.bodyOffsetAt(editor.selection.start));
    return id === undefined ? undefined : this.regenerate(session, id);
  }

  /** Generates node `id` again from the request that made it, then compares. */
  async regenerate(session: LoomSession, id: string): Promise<Comparison | undefined> {
    const original = session.tree.get(id);
    if (!original || !isGenerated(original)) {
      void vscode.window.showInformationMessage('Prefill Loom: only text the model wrote can be regenerated; this was written by hand.');
      return undefined;
    }
    const [regenerationId] = await this.deps.generations.generateFromNode(session, id, 'regenerate');
    const regeneration = regenerationId === undefined ? undefined : session.tree.get(regenerationId);
    if (!regeneration || regeneration.generation?.status !== 'completed') {
      // A failed generation has told the user why; a stopped one wants no comparison.
      return undefined;
    }
    return this.show(session, id, regeneration.id, true);
  }

  /**
   * Compares without generating: a regeneration with its original, or a node with its latest
   * regeneration.
   */
  compare(session: LoomSession, id: string): Comparison | undefined {
    const node = session.tree.get(id);
    const pair = node && comparedPair(session, node);
    if (!pair) {
      void vscode.window.showInformationMessage('Prefill Loom: this node has no regeneration to compare with. Regenerate it first (r in the loom view).');
      return undefined;
    }
    return this.show(session, pair.originalId, pair.regenerationId, false);
  }

  private show(session: LoomSession, originalId: string, regenerationId: string, announce: boolean): Comparison {
    const { tree } = session;
    const original = tree.get(originalId)!;
    const regeneration = tree.get(regenerationId)!;
    const comparison = compareTexts(original.text, regeneration.text);
    const { decorations, view } = this.deps;
    decorations.show(session, { source: 'comparison', nodeId: originalId, nodeText: original.text, marks: marksOf(comparison.divergences, 'original') });
    decorations.show(session, { source: 'comparison', nodeId: regenerationId, nodeText: regeneration.text, marks: marksOf(comparison.divergences, 'regeneration') });
    view.showComparison(comparisonView(tree.rootId, originalId, regenerationId, comparison));
    view.showBeside({ preserveFocus: true });
    if (announce) void this.announce(session, regenerationId, comparison);
    return { originalId, regenerationId, comparison };
  }

  private async announce(session: LoomSession, regenerationId: string, comparison: TextComparison): Promise<void> {
    const first = comparison.divergences[0];
    if (!first) {
      void vscode.window.showInformationMessage('Prefill Loom: the regeneration is identical to the original.');
      return;
    }
    const choice = await vscode.window.showInformationMessage(
      `Prefill Loom: the regeneration differs from character ${comparison.firstDivergence! + 1} on, in ${plural(comparison.divergences.length, 'place')}: the original has ${quote(first.originalText)} where it has ${quote(first.otherText)}.`,
      'Show Regeneration',
    );
    if (choice) await session.switchTo(regenerationId);
  }
}

/** The node to regenerate for a cursor at body offset `offset` (splitting a node there), or undefined after telling the user why not. */
function regenerationPoint(session: LoomSession, offset: number): string | undefined {
  const { tree } = session;
  const body = session.body();
  if (offset < 0 || offset > body.length) {
    void vscode.window.showWarningMessage('Prefill Loom: the cursor is inside the document header. Place it in the text after the header.');
    return undefined;
  }
  // A prefill cannot end in whitespace: the regeneration starts before it and writes it again.
  const at = body.slice(0, offset).trimEnd().length;
  const { node, offset: inner } = tree.nodeAtOffset(session.currentId, at, 'after');
  if (!isGenerated(node)) {
    void vscode.window.showInformationMessage('Prefill Loom: put the cursor in text the model wrote; this part was written by hand.');
    return undefined;
  }
  if (inner === 0 || inner === node.text.length) return node.id;
  // The tail keeps the node's id and generation: it is what a prefill up to the cursor regenerates.
  tree.splitNode(node.id, inner);
  return node.id;
}

function isGenerated(node: LoomNode): boolean {
  return node.author === 'model' && node.parentId !== null && node.generation !== undefined;
}

/** The pair a node stands in: itself and its original, or itself and its latest regeneration. */
function comparedPair(session: LoomSession, node: LoomNode): { originalId: string; regenerationId: string } | undefined {
  const { tree } = session;
  if (node.kind === 'regeneration' && node.comparesTo && tree.has(node.comparesTo)) {
    return { originalId: node.comparesTo, regenerationId: node.id };
  }
  const latest = tree
    .siblings(node.id)
    .filter((s) => s.kind === 'regeneration' && s.comparesTo === node.id)
    .pop();
  return latest && { originalId: node.id, regenerationId: latest.id };
}

/** Marks over one side of a comparison, each with the other side's text in its hover. */
function marksOf(divergences: readonly Divergence[], side: 'original' | 'regeneration'): NodeMark[] {
  const other = side === 'original' ? 'The regeneration' : 'The original';
  return divergences.map((d) => {
    const [start, end, otherText] = side === 'original' ? [d.originalStart, d.originalEnd, d.otherText] : [d.otherStart, d.otherEnd, d.originalText];
    return {
      kind: start === end ? 'inserted' : 'divergent',
      start,
      end,
      hover: otherText ? `${other} has here: ${quoteExactly(otherText)}` : `${other} has nothing here.`,
    };
  });
}

function quote(text: string): string {
  return text.length === 0 ? 'nothing' : quoteExactly(text, QUOTE_CHARS);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
