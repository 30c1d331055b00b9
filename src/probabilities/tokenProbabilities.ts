import * as vscode from 'vscode';
import {
  followChanges,
  markAt,
  marksBetween,
  mergeMarks,
  pathTokenMarks,
  probabilityOf,
  SHADING_LEVELS,
  shadingLevel,
  tokenHoverMarkdown,
  type TokenChoice,
  type TokenMark,
} from '../core/probabilities/tokenShading';
import { decorationWindow, windowCovers, type LineSpan } from '../core/probabilities/tokenWindow';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';

/** The command the hover's links run: the only one its Markdown is trusted to run. */
export const BRANCH_AT_TOKEN_COMMAND = 'prefillLoom.branchAtToken';
const SHOWN_KEY = 'prefillLoom.tokenProbabilitiesShown';
const REFRESH_DELAY_MS = 60;
/** The lines taken as a screen before an editor reports what it shows. */
const FALLBACK_SCREEN_LINES = 60;

/** What a hover link carries: the token by its document offset (and text, to refuse a stale link) and the choice. */
export interface BranchLink {
  uri: string;
  start: number;
  token: string;
  text: string;
  logprob: number;
}

/** A drawn token: document offsets and its shading level (1 faint … 4 strong). */
export interface DrawnToken {
  readonly start: number;
  readonly end: number;
  readonly level: number;
}

/** What an editor shows decorated: the lines of its window and the marks drawn there. */
interface Decorated {
  readonly lines: LineSpan;
  readonly marks: readonly TokenMark[];
}

/**
 * Token probabilities in the editor: every recorded token of a model node on the shown path, shaded
 * by its probability while shading is on (remembered per workspace), with a hover. Marks come from
 * the tree whenever the path or its records change, and follow the user's edits in between, so a
 * hand edit inside a token takes that token's mark and nothing else. The marks cover the whole
 * document; decorations only the lines in view and a margin around them (`tokenWindow`), set again
 * when a scroll leaves too little of the margin, as setting them costs about as much per range as
 * everything else together.
 */
export class TokenProbabilities implements vscode.Disposable, vscode.HoverProvider {
  private readonly types = new Map<number, vscode.TextEditorDecorationType>(
    SHADING_LEVELS.map(({ level }) => [level, vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor(`prefillLoom.tokenProbability.level${level}`), rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed })]),
  );
  /** Per document (uri): the marks in document offsets, as last computed and followed through edits. */
  private readonly marks = new Map<string, readonly TokenMark[]>();
  /** Documents whose editor is switching paths: their followed marks belong to the old path. */
  private readonly switching = new Set<string>();
  private readonly watched = new Map<string, vscode.Disposable[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly decorated = new WeakMap<vscode.TextEditor, Decorated>();
  private readonly decorateEmitter = new vscode.EventEmitter<vscode.TextEditor>();
  /** An editor's shading decorations were set (for tests and the benchmark: when a user would see them). */
  readonly onDidDecorate = this.decorateEmitter.event;
  private readonly subscriptions: vscode.Disposable[];
  private shownNow: boolean;

  constructor(
    private readonly sessions: LoomSessions,
    private readonly state: vscode.Memento,
  ) {
    this.shownNow = state.get<boolean>(SHOWN_KEY, false);
    this.subscriptions = [
      sessions.onDidOpenSession((s) => this.watch(s)),
      vscode.workspace.onDidChangeTextDocument((e) => this.follow(e)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshVisible()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.scrolled(e.textEditor)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri.toString())),
      vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], this),
    ];
    this.refreshVisible();
  }

  get shown(): boolean {
    return this.shownNow;
  }

  /** Turns shading on or off in every editor; resolves with the new state once it is remembered. */
  async toggle(): Promise<boolean> {
    const shown = (this.shownNow = !this.shownNow);
    // Drawn before it is stored: the workspace state's write is a round trip the user need not wait for.
    // The marks are kept current while shading is off, so only a document without any is computed.
    for (const editor of vscode.window.visibleTextEditors) {
      this.marksOf(editor.document);
      this.decorate(editor);
    }
    await this.state.update(SHOWN_KEY, shown);
    return shown;
  }

  /** The document's token marks now (computed from its loom when not shown), in document offsets. */
  marksOf(document: vscode.TextDocument): readonly TokenMark[] {
    const key = document.uri.toString();
    if (!this.marks.has(key)) {
      const session = this.sessions.get(document);
      if (session) this.watch(session);
      this.recompute(key, session);
    }
    return this.marks.get(key) ?? [];
  }

  /** Recomputes the document's marks from its loom now (after a switch of paths: the next key may come at once). */
  refresh(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.recompute(key, this.sessions.get(document));
    this.draw(key);
  }

  /** The token at or just before `offset`. */
  markNear(document: vscode.TextDocument, offset: number): TokenMark | undefined {
    return markAt(this.marksOf(document), offset);
  }

  /** The lines whose tokens are decorated in the editor, if any were set. */
  decoratedLines(editor: vscode.TextEditor): LineSpan | undefined {
    return this.decorated.get(editor)?.lines;
  }

  /** What is drawn in the editor (empty while shading is off): for tests and the benchmark. */
  drawnIn(editor: vscode.TextEditor): DrawnToken[] {
    return this.shown ? (this.decorated.get(editor)?.marks ?? []).map((m) => ({ start: m.start, end: m.end, level: shadingLevel(probabilityOf(m.token.logprob)) })) : [];
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.shown) return undefined;
    const offset = document.offsetAt(position);
    const mark = this.markNear(document, offset);
    if (!mark || offset >= mark.end) return undefined;
    return new vscode.Hover(hoverFor(document, mark), new vscode.Range(document.positionAt(mark.start), document.positionAt(mark.end)));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const list of this.watched.values()) for (const s of list) s.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    for (const type of this.types.values()) type.dispose();
    this.decorateEmitter.dispose();
  }

  /** Recomputes from the tree when the path or its records change (batched: a stream changes it often). */
  private watch(session: LoomSession): void {
    const key = session.document.uri.toString();
    if (this.watched.has(key)) return;
    const later = () => this.schedule(key);
    let treeSubscription = session.tree.onDidChange(later);
    this.watched.set(key, [
      { dispose: () => treeSubscription.dispose() },
      session.onDidChangeCurrent(() => {
        // Switching paths changes the current node before the editor's text: the marks must not follow that edit.
        if (session.body() !== session.tree.textOf(session.currentId)) this.switching.add(key);
        later();
      }),
      session.onDidReplaceTree(() => {
        treeSubscription.dispose();
        treeSubscription = session.tree.onDidChange(later);
        this.switching.add(key);
        later();
      }),
    ]);
    later();
  }

  private schedule(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
        const document = editor?.document ?? vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
        if (document) this.recompute(key, this.sessions.get(document));
        this.draw(key);
      }, REFRESH_DELAY_MS),
    );
  }

  /**
   * The tree's marks for the shown path, with the followed marks it no longer vouches for (text after
   * a hand edit, which the loom records as the user's edit node) where they overlap none of its. While
   * the buffer is not the path's text (a stream, an edit not yet reconciled), the followed marks stand.
   */
  private recompute(key: string, session: LoomSession | undefined): void {
    if (!session) {
      this.marks.delete(key);
      return;
    }
    const body = session.body();
    if (body !== session.tree.textOf(session.currentId)) return;
    const offset = session.document.getText().length - body.length;
    const marks = pathTokenMarks(session.tree, session.currentId);
    const fromTree = offset === 0 ? marks : marks.map((m) => ({ ...m, start: m.start + offset, end: m.end + offset }));
    const followed = this.switching.delete(key) ? [] : (this.marks.get(key) ?? []);
    this.marks.set(key, mergeMarks(fromTree, followed));
  }

  private follow(event: vscode.TextDocumentChangeEvent): void {
    const key = event.document.uri.toString();
    const marks = this.marks.get(key);
    if (!marks || event.contentChanges.length === 0) return;
    this.marks.set(key, followChanges(marks, event.contentChanges.map((c) => ({ offset: c.rangeOffset, removed: c.rangeLength, inserted: c.text.length }))));
    this.draw(key);
  }

  private refreshVisible(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const session = this.sessions.get(editor.document);
      if (session) this.watch(session);
      const key = editor.document.uri.toString();
      this.recompute(key, session);
      this.draw(key);
    }
  }

  private draw(key: string): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === key) this.decorate(editor);
    }
  }

  /** Sets the editor's decorations over its window of lines, from the document's marks now. */
  private decorate(editor: vscode.TextEditor): void {
    const { document } = editor;
    const marks = this.shown ? (this.marks.get(document.uri.toString()) ?? []) : [];
    const lines = decorationWindow(visibleLines(editor), document.lineCount);
    const inWindow = marksBetween(marks, document.offsetAt(new vscode.Position(lines.first, 0)), document.offsetAt(new vscode.Position(lines.last + 1, 0)));
    const byLevel = rangesByLevel(document, inWindow);
    for (const [level, type] of this.types) editor.setDecorations(type, byLevel.get(level)!);
    this.decorated.set(editor, { lines, marks: inWindow });
    this.decorateEmitter.fire(editor);
  }

  /** A scroll: new decorations once the margin runs short, at once unless some were set just before (then at the end of the throttle). */
  private scrolled(editor: vscode.TextEditor): void {
    const marks = this.marks.get(editor.document.uri.toString());
    // Without marks nothing is drawn anywhere: whatever was drawn before went when the marks did.
    if (!this.shown || !marks?.length) return;
    if (!windowCovers(this.decorated.get(editor)?.lines, visibleLines(editor), editor.document.lineCount)) this.decorate(editor);
  }

  private forget(key: string): void {
    this.marks.delete(key);
    this.switching.delete(key);
    for (const s of this.watched.get(key) ?? []) s.dispose();
    this.watched.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }
}

/** The lines the editor shows, from the first visible to the last (folded lines between count). */
function visibleLines(editor: vscode.TextEditor): LineSpan {
  const { visibleRanges } = editor;
  if (visibleRanges.length === 0) {
    const { line } = editor.selection.active;
    return { first: line, last: line + FALLBACK_SCREEN_LINES - 1 };
  }
  return { first: visibleRanges[0].start.line, last: visibleRanges[visibleRanges.length - 1].end.line };
}

/**
 * The marks' ranges by shading level. The marks are in order, so their positions come from one walk
 * over the line breaks of the text they lie in, from the first mark's line, rather than a search per
 * offset (\r\n documents too: a position's line is the count of \n before it).
 */
function rangesByLevel(document: vscode.TextDocument, marks: readonly TokenMark[]): Map<number, vscode.Range[]> {
  const byLevel = new Map<number, vscode.Range[]>(SHADING_LEVELS.map(({ level }) => [level, []]));
  if (marks.length === 0) return byLevel;
  let { line } = document.positionAt(marks[0].start);
  const base = document.offsetAt(new vscode.Position(line, 0));
  const text = document.getText(new vscode.Range(new vscode.Position(line, 0), document.positionAt(marks[marks.length - 1].end)));
  let lineStart = 0;
  let nextBreak = text.indexOf('\n');
  const position = (documentOffset: number): vscode.Position => {
    const offset = documentOffset - base;
    while (nextBreak !== -1 && nextBreak < offset) {
      line++;
      lineStart = nextBreak + 1;
      nextBreak = text.indexOf('\n', lineStart);
    }
    return new vscode.Position(line, offset - lineStart);
  };
  for (const mark of marks) byLevel.get(shadingLevel(probabilityOf(mark.token.logprob)))!.push(new vscode.Range(position(mark.start), position(mark.end)));
  return byLevel;
}

/** The hover: trusted to run only the branch command, and no HTML. */
function hoverFor(document: vscode.TextDocument, mark: TokenMark): vscode.MarkdownString {
  const link = (choice: TokenChoice): string => {
    const args: BranchLink = { uri: document.uri.toString(), start: mark.start, token: mark.token.text, text: choice.text, logprob: choice.logprob };
    return `command:${BRANCH_AT_TOKEN_COMMAND}?${encodeURIComponent(JSON.stringify([args]))}`;
  };
  const markdown = new vscode.MarkdownString(tokenHoverMarkdown(mark.token, link));
  markdown.isTrusted = { enabledCommands: [BRANCH_AT_TOKEN_COMMAND] };
  markdown.supportHtml = false;
  return markdown;
}
