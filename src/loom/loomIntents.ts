import * as vscode from 'vscode';
import { buildMessagesRequest } from '../core/conversation/messagesRequest';
import type { GenerationParams } from '../core/conversation/generationSettings';
import type { GenerationController } from '../generation/generationController';
import type { LoomSession } from '../session/loomSession';
import type { RegenerationComparer } from '../reproducibility/regenerationComparer';
import type { ViewIntent } from '../webviews/webviewProtocol';
import { revealMatch } from './findInLoom';

/** Carries out what the user asked for in the loom view, on the tree of `session`. */
export async function handleViewIntent(session: LoomSession, intent: ViewIntent, generations: GenerationController, comparer: RegenerationComparer): Promise<void> {
  const { tree } = session;
  if (!tree.has(intent.id)) return;
  switch (intent.type) {
    case 'select':
      await session.switchTo(intent.id);
      return;
    case 'open':
      await session.switchTo(intent.id);
      await vscode.window.showTextDocument(session.document);
      return;
    case 'bookmark':
      tree.setBookmark(intent.id, intent.bookmarked);
      return;
    case 'copy':
      await vscode.env.clipboard.writeText(tree.get(intent.id)!.text);
      return;
    case 'delete':
      return deleteWithUndo(session, intent.id);
    case 'showRequest':
      return showNodeRequest(session, intent.id);
    case 'regenerate':
      await comparer.regenerate(session, intent.id);
      return;
    case 'compare':
      comparer.compare(session, intent.id);
      return;
    case 'generateAlternatives':
      await generations.generateFromNode(session, intent.id, 'alternatives');
      return;
    case 'reveal':
      await revealMatch(session, intent.id, intent.start, intent.end, true);
      return;
    case 'setTags':
      tree.setTags(intent.id, intent.tags);
      return;
  }
}

/** Deletes a subtree at once and offers to bring it back; the editor leaves a deleted path first. */
async function deleteWithUndo(session: LoomSession, id: string): Promise<void> {
  const { tree } = session;
  const node = tree.get(id)!;
  if (node.parentId === null) {
    void vscode.window.showInformationMessage('Prefill Loom: the root holds your own text and cannot be deleted.');
    return;
  }
  if (tree.pathTo(session.currentId).some((n) => n.id === id)) await session.switchTo(node.parentId);
  const removed = tree.removeSubtree(id);
  const choice = await vscode.window.showInformationMessage(`Prefill Loom: deleted a branch of ${removed.nodes.length} node(s).`, 'Undo');
  if (choice === 'Undo') tree.restoreSubtree(removed);
}

/** Opens the request that generated a node, as it would be sent again (the key is never part of it). */
async function showNodeRequest(session: LoomSession, id: string): Promise<void> {
  const node = session.tree.get(id)!;
  const params = node.generation?.params as GenerationParams | undefined;
  if (node.generation?.imported !== undefined) {
    void vscode.window.showInformationMessage(`Prefill Loom: this text came from another loom (${node.generation.imported}); no request of Prefill Loom made it.`);
    return;
  }
  if (!params || node.parentId === null) {
    void vscode.window.showInformationMessage('Prefill Loom: this text was written by hand; no request made it.');
    return;
  }
  const prefill = session.tree.textOf(node.parentId).trimEnd();
  const body = buildMessagesRequest(params, prefill, params.max_tokens);
  const document = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(body, null, 2)}\n` });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}
