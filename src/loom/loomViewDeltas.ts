import type { LoomNode, LoomTree, TreeOp } from '../core/loom/loomTree';
import { probabilityOf, shadingLevel } from '../core/probabilities/tokenShading';
import { nodeSpans, type TokenSpan } from '../core/probabilities/tokenPlacement';
import { tokenStats } from '../core/probabilities/tokenStats';
import { PREVIEW_CHARS, type NodeSummary, type TokenSummary, type TreeChange, type TreeSnapshot } from '../webviews/webviewProtocol';

/**
 * Turns a tree's ops into the view's changes, batched: the nodes an op touched are summarized again
 * when the batch is taken, so a stream's hundred appends cost one upsert. No `vscode` here, so the
 * client's mirror of the tree can be checked against it in plain Node.
 */
export class ViewDeltaBatch {
  private dirty = new Set<string>();
  private removed = new Set<string>();
  private currentDirty = false;

  collect(tree: LoomTree, op: TreeOp): void {
    switch (op.op) {
      case 'add':
        this.touch(op.node.id, op.node.parentId);
        break;
      case 'split':
        // A split of the root makes the head the new root: the old root is upserted with its new parent.
        this.touch(op.id, op.headId, tree.get(op.headId)?.parentId ?? null);
        this.currentDirty = true;
        break;
      case 'remove':
        this.removed.add(op.id);
        break;
      case 'restore':
        this.touch(op.removed.parentId, ...op.removed.nodes.map((n) => n.id));
        break;
      default:
        this.touch(op.id);
    }
  }

  markCurrent(): void {
    this.currentDirty = true;
  }

  clear(): void {
    this.dirty.clear();
    this.removed.clear();
    this.currentDirty = false;
  }

  /** The changes since the last take, in the order the view applies them; `currentPath` is the editor's path now. */
  take(tree: LoomTree, currentPath: () => readonly string[]): TreeChange[] {
    const changes: TreeChange[] = [];
    if (this.removed.size > 0) changes.push({ type: 'remove', ids: [...this.removed] });
    const nodes = [...this.dirty].filter((id) => tree.has(id)).map((id) => summarize(tree, tree.get(id)!));
    if (nodes.length > 0) changes.push({ type: 'upsert', nodes });
    if (this.currentDirty) changes.push({ type: 'current', path: currentPath() });
    this.clear();
    return changes;
  }

  private touch(...ids: Array<string | null>): void {
    for (const id of ids) if (id) this.dirty.add(id);
  }
}

/** The whole tree as the view loads it. */
export function snapshotOf(tree: LoomTree, currentId: string, label: string): TreeSnapshot {
  return {
    rootId: tree.rootId,
    nodes: [...tree.preorder()].map((node) => summarize(tree, node)),
    currentPath: tree.pathTo(currentId).map((n) => n.id),
    label,
  };
}

/** What the view shows of a node: plain data, the text cut to a preview. */
export function summarize(tree: LoomTree, node: LoomNode): NodeSummary {
  const g = node.generation;
  const temperature = g?.params.temperature;
  return {
    id: node.id,
    ...(node.parentId ? { parentId: node.parentId } : {}),
    author: node.author,
    kind: node.parentId === null ? 'root' : (node.kind ?? (node.author === 'model' ? 'generation' : 'edit')),
    preview: node.text.slice(0, PREVIEW_CHARS),
    textLength: node.text.length,
    bookmarked: node.bookmarked ?? false,
    childIds: tree.children(node.id).map((c) => c.id),
    createdAt: node.createdAt,
    ...(node.sample ? { sample: { index: node.sample.index, of: node.sample.of } } : {}),
    ...(node.tags && node.tags.length > 0 ? { tags: node.tags } : {}),
    ...(g
      ? {
          status: g.status,
          // Another loom may not have named its model.
          ...(g.model !== '' ? { model: g.model } : {}),
          ...(typeof temperature === 'number' ? { temperature } : {}),
          inputTokens: g.usage.input_tokens,
          outputTokens: g.usage.output_tokens,
          ...(g.stopReason ? { stopReason: g.stopReason } : {}),
          durationMs: g.durationMs,
          ...tokenSummary(nodeSpans(g, node.text)),
        }
      : {}),
  };
}

/** A node's token probabilities as the view shows them: lowest, mean, and the preview's tokens banded. */
function tokenSummary(spans: readonly TokenSpan[] | undefined): { tokens?: TokenSummary } {
  const stats = spans && tokenStats(spans);
  if (!spans || !stats) return {};
  const preview: number[] = [];
  for (const span of spans) {
    if (span.start >= PREVIEW_CHARS) break;
    const length = Math.min(span.end, PREVIEW_CHARS) - span.start;
    if (length > 0) preview.push(length, shadingLevel(probabilityOf(span.token.logprob)));
  }
  return { tokens: { count: stats.count, lowest: stats.lowest.text, lowestProbability: probabilityOf(stats.lowest.logprob), meanLogprob: stats.meanLogprob, preview } };
}
