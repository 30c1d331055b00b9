import * as vscode from 'vscode';
import { MARK_STYLES } from '../core/reproducibility/markStyles';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';

/** How a marked stretch of a node's text is drawn. */
export type MarkKind = 'divergent' | 'inserted' | 'consistent' | 'probeDivergent' | 'mixed' | 'failed';

/** One marked stretch of a node's text: offsets into the node's own text, and what its hover says. */
export interface NodeMark {
  readonly kind: MarkKind;
  readonly start: number;
  readonly end: number;
  /** Plain text (quote model text with quoteExactly, so whitespace shows): never rendered as Markdown or HTML. */
  readonly hover: string;
}

/** A set of marks over one node, from one comparison or one probe. */
export interface NodeOverlay {
  /** Overlays with the same source on the same node replace each other. */
  readonly source: 'comparison' | 'probe';
  readonly nodeId: string;
  /** The node's text when the marks were made: marks show only while it is unchanged. */
  readonly nodeText: string;
  readonly marks: readonly NodeMark[];
}

/** A mark as drawn in a document: document offsets. */
export interface DrawnMark {
  readonly kind: MarkKind;
  readonly start: number;
  readonly end: number;
  readonly hover: string;
}

const REDRAW_DELAY_MS = 100;

/**
 * Draws comparisons and probe results over the nodes they are about, in every editor of the
 * document, for as long as the node is on the path the editor shows and its text is unchanged.
 */
export class DivergenceDecorations implements vscode.Disposable {
  private readonly types: Record<MarkKind, vscode.TextEditorDecorationType> = {
    divergent: vscode.window.createTextEditorDecorationType({
      backgroundColor: color(MARK_STYLES.divergent.colors.background),
      outlineColor: color(MARK_STYLES.divergent.colors.outline),
      outlineStyle: 'dashed',
      outlineWidth: '1px',
      overviewRulerColor: color(MARK_STYLES.divergent.colors.line),
      overviewRulerLane: vscode.OverviewRulerLane.Center,
    }),
    inserted: vscode.window.createTextEditorDecorationType({
      borderColor: color(MARK_STYLES.inserted.colors.line),
      borderStyle: 'none none none solid',
      borderWidth: '0 0 0 2px',
      overviewRulerColor: color(MARK_STYLES.inserted.colors.line),
      overviewRulerLane: vscode.OverviewRulerLane.Center,
    }),
    consistent: underline('consistent', 'dotted'),
    probeDivergent: underline('probeDivergent', 'solid'),
    mixed: underline('mixed', 'dashed'),
    // A double line needs three pixels to show as two.
    failed: underline('failed', 'double', '3px'),
  };
  private readonly overlays = new Map<string, NodeOverlay[]>();
  private readonly drawn = new Map<string, DrawnMark[]>();
  private readonly watched = new Map<string, vscode.Disposable[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly sessions: LoomSessions) {
    this.subscriptions = [
      vscode.window.onDidChangeVisibleTextEditors(() => {
        for (const key of this.overlays.keys()) this.redraw(key);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)),
    ];
  }

  /** Shows `overlay` in the session's document, replacing an earlier one of the same source on that node. */
  show(session: LoomSession, overlay: NodeOverlay): void {
    const key = session.document.uri.toString();
    const kept = (this.overlays.get(key) ?? []).filter((o) => o.nodeId !== overlay.nodeId || o.source !== overlay.source);
    this.overlays.set(key, [...kept, overlay]);
    this.watch(key, session);
    this.redraw(key);
  }

  /** Removes every mark from the document. */
  clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.overlays.delete(key);
    for (const s of this.watched.get(key) ?? []) s.dispose();
    this.watched.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.redraw(key);
  }

  /** The marks drawn in the document now, in document offsets (what the user sees, for tests too). */
  drawnIn(document: vscode.TextDocument): readonly DrawnMark[] {
    return this.drawn.get(document.uri.toString()) ?? [];
  }

  dispose(): void {
    for (const key of [...this.watched.keys()]) for (const s of this.watched.get(key) ?? []) s.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    for (const type of Object.values(this.types)) type.dispose();
  }

  /** Redraws when the editor switches paths or the tree changes (batched: a stream changes it often). */
  private watch(key: string, session: LoomSession): void {
    if (this.watched.has(key)) return;
    const later = () => {
      clearTimeout(this.timers.get(key));
      this.timers.set(key, setTimeout(() => this.redraw(key), REDRAW_DELAY_MS));
    };
    this.watched.set(key, [session.onDidChangeCurrent(later), session.tree.onDidChange(later), session.onDidReplaceTree(later)]);
  }

  private redraw(key: string): void {
    const editors = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === key);
    const session = editors[0] && this.sessions.get(editors[0].document);
    const marks = session ? placeMarks(session, this.overlays.get(key) ?? []) : [];
    this.drawn.set(key, marks);
    if (marks.length === 0 && !this.overlays.has(key)) this.drawn.delete(key);
    for (const editor of editors) {
      for (const [kind, type] of Object.entries(this.types) as [MarkKind, vscode.TextEditorDecorationType][]) {
        editor.setDecorations(type, marks.filter((m) => m.kind === kind).map((m) => decorationOf(editor.document, m)));
      }
    }
  }
}

/** The underline of a probe mark: its style is the mark's shape (MARK_STYLES), its colour the theme's. */
function underline(kind: MarkKind, style: string, width = '2px'): vscode.TextEditorDecorationType {
  const line = color(MARK_STYLES[kind].colors.line);
  return vscode.window.createTextEditorDecorationType({
    borderColor: line,
    borderStyle: `none none ${style} none`,
    borderWidth: `0 0 ${width} 0`,
    overviewRulerColor: style === 'solid' ? line : undefined,
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
}

function color(id: string | undefined): vscode.ThemeColor | undefined {
  return id === undefined ? undefined : new vscode.ThemeColor(id);
}

/** Document offsets of the overlays whose node is on the shown path with the text it had. */
function placeMarks(session: LoomSession, overlays: readonly NodeOverlay[]): DrawnMark[] {
  return overlays.flatMap((overlay) => {
    const start = session.nodeStart(overlay.nodeId);
    if (start === undefined || session.tree.get(overlay.nodeId)?.text !== overlay.nodeText) return [];
    return overlay.marks.map((m) => ({ kind: m.kind, start: start + m.start, end: start + m.end, hover: m.hover }));
  });
}

function decorationOf(document: vscode.TextDocument, mark: DrawnMark): vscode.DecorationOptions {
  const [start, end] = mark.kind === 'inserted' ? insertionBar(document, mark.start) : [mark.start, mark.end];
  return { range: new vscode.Range(document.positionAt(start), document.positionAt(end)), hoverMessage: mark.hover ? hoverMarkdown(mark.hover) : undefined };
}

/** The character whose left border marks an insertion point (the one before it at the very end). */
function insertionBar(document: vscode.TextDocument, offset: number): [number, number] {
  const length = document.getText().length;
  return offset < length ? [offset, offset + 1] : [Math.max(0, offset - 1), offset];
}

/** Hover text is escaped: Markdown (and so HTML) in model text must not render. */
function hoverMarkdown(text: string): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString();
  markdown.appendText(text);
  return markdown;
}
