import type * as vscode from 'vscode';
import type { FoundView, TreeDelta, TreeSnapshot, ViewIntent } from './webviewProtocol';

/**
 * What the loom tree view needs from the rest of the extension: the tree of the active document as
 * plain data, its changes, and somewhere to send what the user asks for. The view knows nothing else
 * of the tree model or the editor.
 */
export interface LoomViewSource {
  /** The whole tree of the active document (or undefined when no loom document is active). */
  snapshot(): TreeSnapshot | undefined;
  /**
   * Fires with incremental changes (batched by the source); the provider forwards them. When another
   * document becomes active, fire a `reset` delta with its tree.
   */
  readonly onDidChange: vscode.Event<TreeDelta>;
  /** User intents from the view, already validated. A rejection is logged, not shown to the user. */
  handle(intent: ViewIntent): void | Promise<void>;
  /** Searches every node of the active document's tree (see `find` in the protocol). */
  find(query: string): FoundView;
}
