import * as vscode from 'vscode';
import type { ContinuationEdit } from '../core/generation/continuationText';
import { shiftedOffset } from '../core/generation/insertionPoint';

/**
 * Told when streamed text is in the document: when each piece of it was pushed and when it landed
 * (performance.now()). For the streaming benchmark; without one, pushes record no times.
 */
export type LandingProbe = (pushedAt: readonly number[], landedAt: number) => void;

/**
 * Streams a continuation into a document at a moving insertion point.
 *
 * Edits are coalesced: while one edit is being applied, later text queues up and goes in as one
 * edit, so the editor is never asked for more edits than it can apply. The insertion point follows
 * the user's own edits, so typing elsewhere (or at the insertion point) never splits the stream or
 * loses a character. While the document has a visible editor, all edits join one undo step.
 */
export class StreamingInsertion implements vscode.Disposable {
  private offset: number;
  private pendingReplace = 0;
  private pendingText = '';
  /** Changes seen while our own edit is in flight: which one is ours is only known when it lands. */
  private heldChanges: vscode.TextDocumentChangeEvent[] | undefined;
  private draining: Promise<void> | undefined;
  private firstEdit = true;
  /** Text after the insertion point the first streamed text takes the place of (a branch at the cursor). */
  private restToReplace = 0;
  private pushedAt: number[] = [];
  private closed = false;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly document: vscode.TextDocument,
    insertionOffset: number,
    private readonly onClosed: () => void,
    private readonly probe?: LandingProbe,
  ) {
    this.offset = insertionOffset;
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== this.document || e.contentChanges.length === 0) return;
        if (this.heldChanges) this.heldChanges.push(e);
        else this.followForeignChange(e);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === this.document) {
          this.closed = true;
          this.onClosed();
        }
      }),
    ];
  }

  /** Where the next streamed text goes. */
  get insertionOffset(): number {
    return this.offset;
  }

  /**
   * Makes the first streamed text also replace the `length` characters after the insertion point, in
   * the same undo step; if nothing arrives they stay.
   */
  replaceOnFirstEdit(length: number): void {
    this.restToReplace = length;
  }

  /** Makes the streamed text join the undo step of the edit just before it (a branch the editor switched to for it). */
  joinPreviousUndoStep(): void {
    this.firstEdit = false;
  }

  push(edit: ContinuationEdit): void {
    this.pendingReplace += edit.replace;
    this.pendingText += edit.text;
    if (this.probe) this.pushedAt.push(performance.now());
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves once everything pushed so far is in the document (or the document is gone). */
  async flushed(): Promise<void> {
    while (this.draining) await this.draining;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private async drain(): Promise<void> {
    while (!this.closed && (this.pendingText.length > 0 || this.pendingReplace > 0)) {
      const replace = this.safeReplaceLength(this.pendingReplace);
      const text = this.pendingText;
      const pushedAt = this.pushedAt;
      this.pendingReplace = 0;
      this.pendingText = '';
      this.pushedAt = [];
      await this.applyWithRetry(replace, text);
      this.probe?.(pushedAt, performance.now());
    }
  }

  /** Only whitespace may be replaced: if the user edited it meanwhile, their text stays. */
  private safeReplaceLength(length: number): number {
    if (length === 0) return 0;
    const start = this.document.positionAt(this.offset - length);
    const existing = this.document.getText(new vscode.Range(start, this.document.positionAt(this.offset)));
    return existing.length === length && existing.trim() === '' ? length : 0;
  }

  /** An edit is refused when the document changed after we computed the range; recompute and retry. */
  private async applyWithRetry(replace: number, text: string): Promise<void> {
    for (let attempt = 0; attempt < 100 && !this.closed; attempt++) {
      if (await this.apply(replace, text)) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    if (!this.closed) throw new Error('The editor refused the streamed text 100 times in a row.');
  }

  /**
   * VS Code applies an edit only to the document version it was computed against, so a successful
   * edit is the change that produced exactly the next version; matching on that, rather than on the
   * change's shape (which VS Code may minimise), tells our edit from the user's under any interleaving.
   */
  private async apply(replace: number, text: string): Promise<boolean> {
    const start = this.offset - replace;
    const ourVersion = this.document.version + 1;
    const rest = this.restToReplace;
    const range = new vscode.Range(this.document.positionAt(start), this.document.positionAt(this.offset + rest));
    this.heldChanges = [];
    let applied = false;
    try {
      applied = await this.tryEdit(range, text);
      if (applied) this.restToReplace = 0;
    } finally {
      const held = this.heldChanges;
      this.heldChanges = undefined;
      for (const e of held) {
        // The replaced rest lay after the insertion point: removing it does not move the point back.
        if (applied && e.document.version === ourVersion) this.offset += lengthChange(e) + rest;
        else this.followForeignChange(e);
      }
    }
    return applied;
  }

  private async tryEdit(range: vscode.Range, text: string): Promise<boolean> {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    try {
      if (editor) {
        const ok = await editor.edit((b) => b.replace(range, text), { undoStopBefore: this.firstEdit, undoStopAfter: false });
        if (ok) this.firstEdit = false;
        return ok;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(this.document.uri, range, text);
      return await vscode.workspace.applyEdit(edit);
    } catch {
      // The editor was closed or hidden between finding it and editing; the retry finds the document again.
      return false;
    }
  }

  private followForeignChange(e: vscode.TextDocumentChangeEvent): void {
    // Changes in one event are reported against the document before the event, last first.
    for (const change of [...e.contentChanges].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
      this.offset = shiftedOffset(this.offset, change);
    }
  }
}

/**
 * How much longer the document became: what landed, which can differ from what was asked (the
 * editor rewrites line breaks to the document's own), so the insertion point follows the text.
 */
function lengthChange(e: vscode.TextDocumentChangeEvent): number {
  return e.contentChanges.reduce((sum, c) => sum + c.text.length - c.rangeLength, 0);
}
