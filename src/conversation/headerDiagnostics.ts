import * as vscode from 'vscode';
import { parseDocumentHeader, type DocumentHeader } from '../core/conversation/documentHeader';

/**
 * Shows problems in a document's header as diagnostics on the offending line. Only documents the
 * user has looms in are checked, so other files with front matter (a blog post, say) are left alone.
 */
export class HeaderDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('prefillLoom');
  private readonly watched = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.watched.has(e.document.uri.toString()) && e.contentChanges.some((c) => this.touchesHeader(e.document, c))) {
          this.check(e.document);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.watched.delete(d.uri.toString());
        this.collection.delete(d.uri);
      }),
    ];
  }

  /** Parses the header, starts watching the document, and publishes its diagnostics. */
  check(document: vscode.TextDocument): DocumentHeader {
    const header = parseDocumentHeader(document.getText());
    this.watched.add(document.uri.toString());
    this.collection.set(document.uri, header.diagnostics.map((d) => toDiagnostic(d)));
    return header;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }

  /** Edits far below the header cannot change it; re-parsing a huge document per keystroke would. */
  private touchesHeader(document: vscode.TextDocument, change: vscode.TextDocumentContentChangeEvent): boolean {
    return change.range.start.line <= this.headerLastLine(document) + 1;
  }

  /** The header's closing line, or -1 when the document has no header. */
  private headerLastLine(document: vscode.TextDocument): number {
    if (document.lineAt(0).text.trimEnd() !== '---') return -1;
    for (let line = 1; line < document.lineCount; line++) {
      if (document.lineAt(line).text.trimEnd() === '---') return line;
    }
    return document.lineCount;
  }
}

function toDiagnostic(d: DocumentHeader['diagnostics'][number]): vscode.Diagnostic {
  const range = new vscode.Range(d.line, d.startColumn, d.line, Math.max(d.endColumn, d.startColumn + 1));
  const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const diagnostic = new vscode.Diagnostic(range, d.message, severity);
  diagnostic.source = 'Prefill Loom';
  return diagnostic;
}
