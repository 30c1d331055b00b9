import type { EndpointKind } from '../providers/endpointKind';
import type { PackedTokens } from '../providers/tokenLogprobs';
import type { TokenUsage } from '../shared/tokenUsage';

// The shapes of a loom tree's nodes and of the operations that change it. They are also the
// persisted format (see treeFormat.ts and treeJournal.ts), so changing them means a new format version.

/** Who wrote a node's text. */
export type Author = 'user' | 'model';

/** How a node came to be: a generation, a regeneration of another node, or a hand edit. */
export type NodeKind = 'generation' | 'regeneration' | 'edit';

export type NodeGenerationStatus = 'streaming' | 'completed' | 'cancelled' | 'failed';

/** What produced a model node. */
export interface GenerationInfo {
  readonly model: string;
  /** The request parameters: model, system, user, temperature, max_tokens, top_p, top_k, stop_sequences. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly stopReason: string | null;
  /** Summed over every request of the generation (auto-continue makes several). */
  readonly usage: Readonly<TokenUsage>;
  readonly durationMs: number;
  readonly requests: number;
  readonly status: NodeGenerationStatus;
  readonly error?: string;
  /** The prefill's trailing whitespace this generation replaced in the document (its text starts after it). */
  readonly replacedWhitespace?: string;
  /**
   * The endpoint that produced the node, by name (never its URL: a tree file must not be able to
   * choose where requests go), and its kind. Absent on nodes from before endpoints: Anthropic.
   */
  readonly endpoint?: string;
  readonly endpointKind?: EndpointKind;
  /**
   * Every generated token with its log-probability and alternatives, packed (see tokenLogprobs.ts;
   * read them with `nodeTokens`). Their texts joined are the text the generation produced; after a
   * hand edit splits the node, the node's text is a suffix of it.
   */
  readonly tokens?: PackedTokens;
  /**
   * Set when another loom recorded this generation (its format name, e.g. `tk-loom`): the tokens and
   * model are that loom's, and no request of this project's made it, so there is none to show or replay.
   */
  readonly imported?: string;
}

/**
 * Where an imported node came from, so nothing of the other loom's record is lost: its format and
 * id, what it said of authorship when that was neither clearly the user nor a model, where it hung
 * when it had to hang elsewhere here, and every field this format has no place for, verbatim.
 */
export interface NodeOrigin {
  /** The other loom's format name, as the importer knows it (`tk-loom`, `loomsidian`, …). */
  readonly format: string;
  readonly id: string;
  /** `author` is then `user`, because nothing says a model wrote the text. */
  readonly authorship?: 'mixed' | 'unknown';
  /** The other loom's parent, when the node could not hang under it here (a rewrite, a second parent). */
  readonly parentId?: string;
  /** Fields with no place in this format, exactly as read. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * Marks a node saved from a distribution run (Sample Distribution): one draw among many at its
 * point, kept for the record, rather than a generation the user chose to continue.
 */
export interface SampleMark {
  /** The run it came from: every sample saved from one run has the same id. */
  readonly run: string;
  /** Its place in the run, 0-based. */
  readonly index: number;
  /** How many samples the run asked for. */
  readonly of: number;
}

/** A shallow patch of {@link GenerationInfo}; a key set to `undefined` (e.g. `error`) is removed. */
export type GenerationPatch = { readonly [K in keyof GenerationInfo]?: GenerationInfo[K] | undefined };

/**
 * One node of a loom tree. The text a node stands for is its path's text: the root's text, then each
 * node's `text` down to it ({@link LoomTree.textOf}). Offsets are UTF-16 code units, as in VS Code.
 */
export interface LoomNode {
  readonly id: string;
  /** `null` only for the root. */
  readonly parentId: string | null;
  /** The text this node adds to its parent's path. */
  readonly text: string;
  readonly author: Author;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly bookmarked?: boolean;
  readonly kind?: NodeKind;
  /** Set on model nodes that a generation produced (not on the head half of a split, see splitNode). */
  readonly generation?: GenerationInfo;
  /** For `kind: 'regeneration'`: the id of the node this one generates again. */
  readonly comparesTo?: string;
  /** The user's labels, in the order given; never empty when present. */
  readonly tags?: readonly string[];
  /** Hidden (pruned) in the other loom it came from: a mark for the view, never a deletion. */
  readonly hidden?: boolean;
  /** The title of the chapter this node starts (the original Loom's chapters). */
  readonly chapter?: string;
  readonly origin?: NodeOrigin;
  readonly sample?: SampleMark;
}

/** What {@link LoomTree.removeSubtree} took out, enough to put it back with restoreSubtree. */
export interface RemovedSubtree {
  readonly parentId: string;
  /** Position among the parent's children. */
  readonly index: number;
  /** The length of the parent's path text then: where the subtree hangs, if the parent grows meanwhile. */
  readonly parentPathLength: number;
  /** The removed node first, then its descendants in preorder. */
  readonly nodes: readonly LoomNode[];
}

/**
 * A change to a tree. Every mutation is one op: listeners of `onDidChange` receive it (a webview can
 * mirror the tree with `apply`), and the journal stores it as one line.
 */
export type TreeOp =
  /** Adds `node` as the last child of `node.parentId`. */
  | { readonly op: 'add'; readonly node: LoomNode }
  | { readonly op: 'append'; readonly id: string; readonly text: string }
  | { readonly op: 'generation'; readonly id: string; readonly patch: GenerationPatch }
  | { readonly op: 'bookmark'; readonly id: string; readonly bookmarked: boolean }
  /** Replaces the node's tags (an empty list removes them). */
  | { readonly op: 'tags'; readonly id: string; readonly tags: readonly string[] }
  /** Node `id` keeps its text from `offset` on; a new node `headId` takes its place with the text before. */
  | { readonly op: 'split'; readonly id: string; readonly offset: number; readonly headId: string }
  | { readonly op: 'remove'; readonly id: string }
  | { readonly op: 'restore'; readonly removed: RemovedSubtree };

/**
 * Longest node id. One rule for tree files, imports, the journal and the view's messages, so every
 * node that loads can also be selected, deleted or bookmarked from the view.
 */
export const MAX_NODE_ID_LENGTH = 256;

export function isNodeId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NODE_ID_LENGTH;
}
