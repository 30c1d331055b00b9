import { redactSecrets } from '../core/providers/secretRedaction';
import type * as vscode from 'vscode';
import type { GenerationOutcome } from '../core/generation/generation';
import type { GenerationParams } from '../core/conversation/generationSettings';
import type { NodeKind } from '../core/loom/loomTree';
import { ZERO_USAGE } from '../core/shared/tokenUsage';
import type { EndpointKind } from '../core/providers/endpointKind';
import { packTokens } from '../core/providers/tokenLogprobs';
import { prepareGenerationAt } from '../core/loom/treeReconcile';
import { branchesAtOffset, whitespaceTailAt } from '../core/loom/branchAtCursor';
import { splitTrailingWhitespace } from '../core/conversation/prefill';
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
  /** How much of the body after the cursor the generation takes the place of in the editor (see {@link forEditor}). */
  restLength = 0;
  /** The whitespace-only node split off by the generation's replaced whitespace, removed once text arrived. */
  private whitespaceTailId: string | undefined;

  private constructor(
    readonly session: LoomSession,
    readonly parentId: string,
    readonly nodeId: string,
    private readonly onRelease?: (nodeId: string | undefined) => void,
  ) {}

  /**
   * For the generation streaming into the editor from the end of `prefill` (the body before the
   * cursor): the node hangs where the continuation goes, after the prefill without its trailing
   * whitespace, which the continuation replaces. When model text follows the cursor the generation
   * branches there ({@link branchesAtOffset}) and `restLength` says how much of the editor it replaces.
   * Undefined when the document's tree file cannot be used.
   */
  static async forEditor(sessions: LoomSessions, document: vscode.TextDocument, params: GenerationParams, prefill: string, origin: GenerationOrigin): Promise<GenerationRecorder | undefined> {
    const session = await sessions.sessionFor(document);
    if (!session) return undefined;
    // Only Anthropic holds the prefill's trailing whitespace back; the other kinds send it as written.
    const { sent, trailingWhitespace } = origin.endpointKind === 'anthropic' ? splitTrailingWhitespace(prefill) : { sent: prefill, trailingWhitespace: '' };
    const parentId = session.beginGeneration(sent.length);
    const nodeId = addStreamingNode(session, parentId, params, origin, 'generation');
    const recorder = new GenerationRecorder(session, parentId, nodeId, (id) => session.endGeneration(id));
    if (branchesAtOffset(session.tree, session.currentId, prefill.length)) recorder.restLength = session.body().length - prefill.length;
    recorder.whitespaceTailId = whitespaceTailAt(session.tree, session.currentId, sent.length, trailingWhitespace);
    return recorder;
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
      this.whitespaceTailId = undefined;
      return;
    }
    tree.setGeneration(this.nodeId, {
      replacedWhitespace: outcome.replaced || undefined,
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
    this.dropReplacedWhitespace();
  }

  /** The whitespace the continuation replaced is in its record, so the node left holding it goes. */
  private dropReplacedWhitespace(): void {
    const id = this.whitespaceTailId;
    const { tree } = this.session;
    if (id && tree.has(id) && id !== this.session.currentId && tree.children(id).length === 0) tree.removeSubtree(id);
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
