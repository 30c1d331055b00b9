import { redactSecrets } from '../core/providers/secretRedaction';
import type * as vscode from 'vscode';
import type { GenerationOutcome } from '../core/generation/generation';
import type { GenerationParams } from '../core/conversation/generationSettings';
import type { NodeKind } from '../core/loom/loomTree';
import { ZERO_USAGE } from '../core/shared/tokenUsage';
import type { EndpointKind } from '../core/providers/endpointKind';
import { packTokens } from '../core/providers/tokenLogprobs';
import { prepareGenerationAt } from '../core/loom/treeReconcile';
import type { LoomSession } from '../session/loomSession';
import type { LoomSessions } from '../session/loomSessions';

/** Where a generation was sent, recorded on its node so a regeneration goes to the same endpoint. */
export interface GenerationOrigin {
  endpoint: string;
  endpointKind: EndpointKind;
}

/** Records one generation as a model node of a loom while it streams. */
export class GenerationRecorder {
  private released = false;

  private constructor(
    readonly session: LoomSession,
    readonly parentId: string,
    readonly nodeId: string,
    private readonly onRelease?: (nodeId: string | undefined) => void,
  ) {}

  /**
   * For the generation streaming into the editor: the node hangs where the continuation goes,
   * `sentLength` characters into the body (the prefill without its trailing whitespace, which the
   * continuation replaces). Undefined when the document's tree file cannot be used.
   */
  static async forEditor(sessions: LoomSessions, document: vscode.TextDocument, params: GenerationParams, sentLength: number, origin: GenerationOrigin): Promise<GenerationRecorder | undefined> {
    const session = await sessions.sessionFor(document);
    if (!session) return undefined;
    const parentId = session.beginGeneration(sentLength);
    const nodeId = addStreamingNode(session, parentId, params, origin, 'generation');
    return new GenerationRecorder(session, parentId, nodeId, (id) => session.endGeneration(id));
  }

  /** For a branch that grows only in the tree, under the path to `anchorId` cut to `sentLength`. */
  static forTree(session: LoomSession, anchorId: string, sentLength: number, params: GenerationParams, origin: GenerationOrigin, kind: NodeKind, comparesTo?: string): GenerationRecorder {
    const parentId = prepareGenerationAt(session.tree, anchorId, sentLength);
    return new GenerationRecorder(session, parentId, addStreamingNode(session, parentId, params, origin, kind, comparesTo));
  }

  append(text: string): void {
    this.session.tree.appendText(this.nodeId, text);
  }

  /** Stores how the generation ended; a generation that produced nothing leaves no node behind. */
  finish(outcome: GenerationOutcome): void {
    const { tree } = this.session;
    if (outcome.text.length === 0) {
      tree.removeSubtree(this.nodeId);
      return;
    }
    tree.setGeneration(this.nodeId, {
      status: outcome.status,
      stopReason: outcome.stopReason,
      usage: outcome.usage,
      durationMs: outcome.requests.reduce((ms, r) => ms + r.durationMs, 0),
      requests: outcome.requests.length,
      error: outcome.status === 'failed' ? redactSecrets(String((outcome.error as Error | undefined)?.message ?? outcome.error)) : undefined,
      ...(outcome.tokens ? { tokens: packTokens(outcome.tokens) } : {}),
    });
  }

  /** Hands the document back to hand-edit tracking; safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease?.(this.session.tree.has(this.nodeId) ? this.nodeId : undefined);
  }
}

function addStreamingNode(session: LoomSession, parentId: string, params: GenerationParams, origin: GenerationOrigin, kind: NodeKind, comparesTo?: string): string {
  return session.tree.addChild(parentId, '', {
    author: 'model',
    kind,
    ...(comparesTo ? { comparesTo } : {}),
    generation: { model: params.model, params: { ...params }, stopReason: null, usage: ZERO_USAGE, durationMs: 0, requests: 0, status: 'streaming', ...origin },
  }).id;
}
