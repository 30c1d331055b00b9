import * as vscode from 'vscode';
import { parseDocumentHeader } from '../core/conversation/documentHeader';
import type { LoomTree } from '../core/loom/loomTree';
import type { TreeStore } from '../core/loom/treePersistence';
import { commonPrefixLength } from '../core/reproducibility/textDivergence';
import { prepareGenerationAt, reconcile } from '../core/loom/treeReconcile';

/**
 * One document's loom: its tree, the node the editor shows, and the link between the two. The
 * editor's body (the text after the header) is always the text of the path to the current node.
 */
export class LoomSession {
  /** Generations streaming into this document; reconciling waits for them, as their text is theirs. */
  private streaming = 0;
  private readonly currentChanged = new vscode.EventEmitter<string>();
  /** Fires with the new current node whenever the editor comes to show another path. */
  readonly onDidChangeCurrent = this.currentChanged.event;
  private readonly treeReplaced = new vscode.EventEmitter<LoomTree>();
  /** Fires when an import put another tree object in place; listeners of the old one must move over. */
  readonly onDidReplaceTree = this.treeReplaced.event;

  constructor(
    readonly document: vscode.TextDocument,
    readonly store: TreeStore,
  ) {}

  get tree(): LoomTree {
    return this.store.tree;
  }

  get currentId(): string {
    return this.store.currentId;
  }

  /** Where the body starts: the tree never holds the header. */
  bodyOffset(): number {
    return parseDocumentHeader(this.document.getText()).bodyOffset;
  }

  body(): string {
    return this.document.getText().slice(this.bodyOffset());
  }

  /**
   * Catches the tree up with the buffer, then gives `position` as an offset into the body (negative
   * inside the header): where a command at the cursor acts on the tree.
   */
  bodyOffsetAt(position: vscode.Position): number {
    this.reconcile();
    return this.document.offsetAt(position) - this.bodyOffset();
  }

  /** Document offset where node `id`'s own text starts, when the editor shows a path through it. */
  nodeStart(id: string): number | undefined {
    let at = this.bodyOffset();
    for (const node of this.tree.pathTo(this.currentId)) {
      if (node.id === id) return at;
      at += node.text.length;
    }
    return undefined;
  }

  /**
   * Makes the tree follow the buffer (hand edits become user nodes); a no-op while text streams in,
   * and while the header is open: then where the body starts is not known yet, and following the
   * buffer would take the header lines for body text.
   */
  reconcile(): void {
    if (this.streaming > 0 || this.headerIsOpen()) return;
    this.setCurrent(reconcile(this.tree, this.currentId, this.body()).currentId);
  }

  /**
   * Readies the tree for a generation whose continuation goes in at body offset `offset`: the
   * tree first catches up with the buffer up to there, then the new node hangs exactly at that point.
   */
  beginGeneration(offset: number): string {
    this.reconcile();
    this.streaming++;
    return prepareGenerationAt(this.tree, this.currentId, offset);
  }

  /** The generation into the editor ended: `nodeId` is what the editor now shows up to the insertion point. */
  endGeneration(nodeId: string | undefined): void {
    this.streaming--;
    if (nodeId && this.tree.has(nodeId) && this.streaming === 0) this.setCurrent(nodeId);
    this.reconcile();
  }

  /** Puts an imported tree in place of this one (saved at once) and shows its current path. */
  async replaceTree(tree: LoomTree, currentId: string): Promise<void> {
    await this.store.replaceTree(tree, currentId);
    this.treeReplaced.fire(tree);
    // The body belongs to the tree that was replaced: it must not become a hand edit of the new one.
    await this.show(currentId);
  }

  /**
   * Shows the path to `id` in the editor, as one undoable edit of only the part that differs. With
   * `openUndoStep`, the edit goes through that editor and leaves its undo step open for what follows.
   */
  async switchTo(id: string, openUndoStep?: vscode.TextEditor): Promise<boolean> {
    if (this.headerIsOpen()) {
      void vscode.window.showWarningMessage('Prefill Loom: the document header has no closing "---" line yet. Add it before moving through the loom; the loom follows the document again once the header is closed.');
      return false;
    }
    this.reconcile();
    return this.show(id, openUndoStep);
  }

  private async show(id: string, openUndoStep?: vscode.TextEditor): Promise<boolean> {
    const target = this.tree.textOf(id);
    const start = this.bodyOffset();
    const current = this.body();
    const prefix = commonPrefixLength(current, target);
    const suffix = commonSuffixLength(current.slice(prefix), target.slice(prefix));
    const range = new vscode.Range(this.document.positionAt(start + prefix), this.document.positionAt(start + current.length - suffix));
    const text = target.slice(prefix, target.length - suffix);
    this.setCurrent(id);
    const applied =
      openUndoStep?.document === this.document
        ? await openUndoStep.edit((b) => b.replace(range, text), { undoStopBefore: true, undoStopAfter: false })
        : await vscode.workspace.applyEdit(withReplacement(this.document.uri, range, text));
    this.reconcile();
    return applied;
  }

  /** A first line `---` with no closing line yet: a header being typed. */
  private headerIsOpen(): boolean {
    const header = parseDocumentHeader(this.document.getText());
    return header.present && header.bodyOffset === 0;
  }

  private setCurrent(id: string): void {
    if (id === this.currentId) return;
    this.store.setCurrent(id);
    this.currentChanged.fire(id);
  }
}

function withReplacement(uri: vscode.Uri, range: vscode.Range, text: string): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, range, text);
  return edit;
}

function commonSuffixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}
