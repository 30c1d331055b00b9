/**
 * The one message protocol between the extension host and the loom tree webview. Both sides import
 * it (esbuild bundles it into the client), so it imports neither `vscode` nor the DOM: plain data,
 * and the validator the host runs on everything the webview posts.
 */
import { isNodeId, MAX_NODE_ID_LENGTH } from '../core/loom/loomNode';

/** Who wrote a node's text. */
export type NodeAuthor = 'user' | 'model';

/** How a node came to be: the document's prefill, a generation, a regeneration of a node, or a hand edit. */
export type NodeKind = 'root' | 'generation' | 'regeneration' | 'edit';

/** Where a model node's generation stands; `undefined` for nodes no generation produced. */
export type NodeStatus = 'streaming' | 'completed' | 'cancelled' | 'failed';

/** What the view shows of one node. Plain data: the source builds it from its tree. */
export interface NodeSummary {
  /** Unique within the tree and stable for the node's life. */
  readonly id: string;
  /** Absent only for the root. */
  readonly parentId?: string;
  readonly author: NodeAuthor;
  readonly kind: NodeKind;
  /** The node's own text as plain text, possibly only its first few hundred characters. Never markup. */
  readonly preview: string;
  /** Length of the node's whole text (UTF-16 code units); more than `preview.length` when truncated. */
  readonly textLength: number;
  readonly bookmarked: boolean;
  readonly status?: NodeStatus;
  /** Children in display order. Authoritative: the view trusts this list over children's `parentId`. */
  readonly childIds: readonly string[];
  /** Model id, for model nodes. */
  readonly model?: string;
  /** Sampling temperature the request used, if it set one. */
  readonly temperature?: number;
  /** Input tokens over every request of the generation. */
  readonly inputTokens?: number;
  /** Output tokens over every request of the generation. */
  readonly outputTokens?: number;
  /** The API's last `stop_reason` (e.g. `end_turn`, `max_tokens`), `undefined` while streaming. */
  readonly stopReason?: string;
  /** Wall time of the generation in milliseconds. */
  readonly durationMs?: number;
  /** Milliseconds since the epoch. */
  readonly createdAt?: number;
  /** For a node saved from a distribution run: its place (0-based) among the samples asked for. */
  readonly sample?: { readonly index: number; readonly of: number };
  /** The node's tags, absent when it has none. */
  readonly tags?: readonly string[];
  /** A model node's recorded token probabilities, summarized; absent where none were recorded. */
  readonly tokens?: TokenSummary;
}

/** What the view shows of a node's token probabilities. */
export interface TokenSummary {
  /** Tokens in the node's text. */
  readonly count: number;
  /** The least likely token's text, as plain text (never markup), and its probability. */
  readonly lowest: string;
  readonly lowestProbability: number;
  readonly meanLogprob: number;
  /**
   * The preview's tokens in order from its start, as pairs: the token's length in the preview
   * (UTF-16), then its shade band, 1 (likely, faintest) to {@link SHADE_BANDS} (least likely).
   */
  readonly preview: readonly number[];
}

/** The strongest shade band (bands count from 1; 0 is text with no token, never shaded). */
export const SHADE_BANDS = 4;

/** The whole tree of one document. */
export interface TreeSnapshot {
  readonly rootId: string;
  /** Every node, in any order. */
  readonly nodes: readonly NodeSummary[];
  /** The path the editor shows: ids from the root to the current node. */
  readonly currentPath: readonly string[];
  /** Short name of the document, shown as the view's description. */
  readonly label?: string;
}

/**
 * An incremental change to the tree the view shows. A source batches its changes (e.g. one `upsert`
 * per animation-frame-sized interval while streaming), and the view applies them in order.
 */
export type TreeChange =
  /**
   * Nodes added or changed, as whole summaries: a streaming node's preview grew, a parent got a child.
   * A node without `parentId` is the root from now on (a split of the root makes its head the root).
   */
  | { readonly type: 'upsert'; readonly nodes: readonly NodeSummary[] }
  /** Nodes removed, each with its whole subtree. */
  | { readonly type: 'remove'; readonly ids: readonly string[] }
  /** The editor now shows another path: ids from the root to the current node. */
  | { readonly type: 'current'; readonly path: readonly string[] };

/** What a source reports: a change, or another tree altogether. */
export type TreeDelta =
  | TreeChange
  /** Another tree replaces the whole view (the active document changed); `undefined` when none is active. */
  | { readonly type: 'reset'; readonly tree: TreeSnapshot | undefined };

/**
 * JSON text of a `T`. A whole tree crosses into the webview as one string: the structured clone of
 * 100,000 small objects (done twice on the way into a VS Code webview) costs many times a
 * `JSON.parse` of the same data.
 */
export type JsonOf<T> = string & { readonly __jsonOf?: T };

/**
 * The most of a node's text a summary needs: a row shows one line of it. A source may send more (the
 * view cuts it), but every character is sent for every node of a snapshot.
 */
export const PREVIEW_CHARS = 120;

/**
 * A tree snapshot as it crosses into the webview: nodes as arrays, in preorder, parents by index. It
 * is less than half the size of the same nodes as objects (names repeat in every object; ids repeat
 * as parentId and in childIds), and the view's rows are the nodes in this order when nothing is folded.
 */
export interface WireTree {
  /** Nodes in preorder from the root (index 0): children follow their parent, siblings in order. */
  readonly nodes: readonly WireNode[];
  readonly currentPath: readonly string[];
  readonly label?: string;
  /** Strings several nodes share (model ids, stop reasons), referred to by index. */
  readonly strings: readonly string[];
}

/** One node of a {@link WireTree}; fields after `textLength` may be cut off the end or `null` when absent. */
export type WireNode = readonly [
  id: string,
  /** Index of the parent in `nodes`; -1 for the root. */
  parent: number,
  /** Author, kind, bookmark and status, see {@link FLAGS}. */
  flags: number,
  preview: string,
  textLength: number,
  /** Index into `strings`. */
  model?: number | null,
  temperature?: number | null,
  inputTokens?: number | null,
  outputTokens?: number | null,
  /** Index into `strings`. */
  stopReason?: number | null,
  durationMs?: number | null,
  createdAt?: number | null,
  /** A sample's `[index, of]`. */
  sample?: readonly [number, number] | null,
  tags?: readonly string[] | null,
  /** count, lowest, lowestProbability, meanLogprob, preview (see {@link TokenSummary}). */
  tokens?: readonly [number, string, number, number, readonly number[]] | null,
];

const KINDS: readonly NodeKind[] = ['root', 'generation', 'regeneration', 'edit'];
const STATUSES: readonly (NodeStatus | undefined)[] = [undefined, 'streaming', 'completed', 'cancelled', 'failed'];
/** Bit layout of a wire node's flags: bit 0 model author, bit 1 bookmarked, bits 2–3 kind, bits 4–6 status. */
const FLAGS = { model: 1, bookmarked: 2, kindShift: 2, statusShift: 4 } as const;

/** Encodes a snapshot for the webview. Nodes the root does not reach are left out, as the view could not show them. */
export function encodeTree(tree: TreeSnapshot): JsonOf<WireTree> {
  const unvisited = new Map<string, NodeSummary>();
  for (const node of tree.nodes) {
    unvisited.set(node.id, node);
  }
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (value: string | undefined): number | null => {
    if (value === undefined) {
      return null;
    }
    let index = stringIndex.get(value);
    if (index === undefined) {
      index = strings.push(value) - 1;
      stringIndex.set(value, index);
    }
    return index;
  };
  const nodes: WireNode[] = [];
  // Depth-first from the root with two parallel stacks (no object per node); a node leaves
  // `unvisited` when it is written, so a repeated id or a cycle cannot write it twice.
  const stackIds: string[] = [tree.rootId];
  const stackParents: number[] = [-1];
  while (stackIds.length > 0) {
    const id = stackIds.pop() as string;
    const parent = stackParents.pop() as number;
    const node = unvisited.get(id);
    if (!node) {
      continue;
    }
    unvisited.delete(id);
    const index = nodes.length;
    nodes.push(encodeNode(node, parent, intern));
    for (let i = node.childIds.length - 1; i >= 0; i--) {
      stackIds.push(node.childIds[i]);
      stackParents.push(index);
    }
  }
  const wire: WireTree = { nodes, currentPath: tree.currentPath, label: tree.label, strings };
  return JSON.stringify(wire) as JsonOf<WireTree>;
}

function encodeNode(node: NodeSummary, parent: number, intern: (value: string | undefined) => number | null): WireNode {
  const flags =
    (node.author === 'model' ? FLAGS.model : 0) |
    (node.bookmarked ? FLAGS.bookmarked : 0) |
    (Math.max(0, KINDS.indexOf(node.kind)) << FLAGS.kindShift) |
    (Math.max(0, STATUSES.indexOf(node.status)) << FLAGS.statusShift);
  const wire: unknown[] = [
    node.id,
    parent,
    flags,
    node.preview,
    node.textLength,
    intern(node.model),
    node.temperature ?? null,
    node.inputTokens ?? null,
    node.outputTokens ?? null,
    intern(node.stopReason),
    node.durationMs ?? null,
    node.createdAt ?? null,
    node.sample ? [node.sample.index, node.sample.of] : null,
    node.tags && node.tags.length > 0 ? (node.tags as string[]) : null,
    node.tokens ? [node.tokens.count, node.tokens.lowest, node.tokens.lowestProbability, node.tokens.meanLogprob, node.tokens.preview] : null,
  ];
  while (wire.length > 5 && wire[wire.length - 1] === null) {
    wire.pop();
  }
  return wire as unknown as WireNode;
}

/** The summary a wire node stands for, given its parent's and children's ids. */
export function decodeNode(wire: WireNode, parentId: string | undefined, childIds: readonly string[], strings: readonly string[]): NodeSummary {
  const [id, , flags, preview, textLength, model, temperature, inputTokens, outputTokens, stopReason, durationMs, createdAt, sample, tags, tokens] = wire;
  const summary: { -readonly [K in keyof NodeSummary]: NodeSummary[K] } = {
    id,
    author: flags & FLAGS.model ? 'model' : 'user',
    kind: KINDS[(flags >> FLAGS.kindShift) & 3],
    preview,
    textLength,
    bookmarked: (flags & FLAGS.bookmarked) !== 0,
    childIds,
  };
  if (parentId !== undefined) summary.parentId = parentId;
  const status = STATUSES[(flags >> FLAGS.statusShift) & 7];
  if (status !== undefined) summary.status = status;
  if (model != null) summary.model = strings[model];
  if (temperature != null) summary.temperature = temperature;
  if (inputTokens != null) summary.inputTokens = inputTokens;
  if (outputTokens != null) summary.outputTokens = outputTokens;
  if (stopReason != null) summary.stopReason = strings[stopReason];
  if (durationMs != null) summary.durationMs = durationMs;
  if (createdAt != null) summary.createdAt = createdAt;
  if (sample != null) summary.sample = { index: sample[0], of: sample[1] };
  if (tags != null) summary.tags = tags;
  if (tokens != null) summary.tokens = { count: tokens[0], lowest: tokens[1], lowestProbability: tokens[2], meanLogprob: tokens[3], preview: tokens[4] };
  return summary;
}

/** Timings the client measured, sent on request (see `measure`). Durations in milliseconds. */
export interface PerfReport {
  /** Nodes the view holds. */
  readonly nodeCount: number;
  /** Rows of the flattened visible-row index (expanded nodes under the displayed root). */
  readonly rowCount: number;
  /** Row elements in the DOM now: bounded by the viewport, not by the tree. */
  readonly renderedRowCount: number;
  /** Last snapshot, from its message arriving to its rows laid out; `undefined` before any. */
  readonly snapshotMs?: number;
  /** Last `deltas` message, from arriving to its rows laid out; `undefined` before any. */
  readonly deltasMs?: number;
  /** Keypresses handled since the previous report. */
  readonly keyCount: number;
  /** Mean keypress-to-render time (event timestamp to the focused row laid out) over those keys. */
  readonly keyMeanMs: number;
  /** Median of the same. */
  readonly keyMedianMs: number;
  /** 95th percentile of the same. */
  readonly keyP95Ms: number;
  /** Slowest of the same. */
  readonly keyMaxMs: number;
  /** The node of the first row (the displayed root), so a test sees what the view shows; absent with no rows. */
  readonly topRowId?: string;
  /** The node the view marks current, and its row's index (absent when folded away or not in the rows). */
  readonly currentId?: string;
  readonly currentRowIndex?: number;
}

/**
 * One run of a comparison shown in the view, in order: text both versions share, text only the
 * original has, text only the regeneration has, or a long shared run left out (its length only).
 */
export type ComparisonRun =
  | { readonly kind: 'same' | 'removed' | 'added'; readonly text: string }
  | { readonly kind: 'elided'; readonly length: number };

/** A regeneration beside the node it generates again, as the view's comparison pane shows it. */
export interface ComparisonView {
  /** The root of the tree both nodes are in: a comparison shows only with its own tree. */
  readonly rootId: string;
  readonly originalId: string;
  readonly regenerationId: string;
  /** Where the texts first differ (UTF-16 offset into both), or null when they are identical. */
  readonly firstDivergence: number | null;
  /** How many places differ. */
  readonly divergenceCount: number;
  readonly runs: readonly ComparisonRun[];
}

/** Messages the host posts to the webview. */
export type ToWebview =
  /**
   * The whole tree (after `ready`, when the view is shown again, and when another document becomes
   * active); `undefined` shows the empty state.
   */
  | { readonly type: 'snapshot'; readonly tree: JsonOf<WireTree> | undefined }
  /** Changes since the last snapshot, in order. */
  | { readonly type: 'deltas'; readonly deltas: readonly TreeChange[] }
  /** Asks for a `perf` report; the client answers with the same `requestId`. */
  | { readonly type: 'measure'; readonly requestId: number }
  /** Shows a comparison in the view's comparison pane, or closes the pane (`undefined`). */
  | { readonly type: 'comparison'; readonly comparison: ComparisonView | undefined }
  /** The answer to `find`, with the same `requestId`. */
  | { readonly type: 'found'; readonly requestId: number; readonly result: FoundView };

/** One match of a find in the view: where in which node's own text (UTF-16 offsets), with context. */
export interface FoundMatch {
  readonly id: string;
  readonly start: number;
  readonly end: number;
  readonly before: string;
  readonly match: string;
  readonly after: string;
}

/** What a find in the view found: matches in tree order (at most a limit of them), and how many in all. */
export interface FoundView {
  readonly matches: readonly FoundMatch[];
  readonly total: number;
  /** Why the query could not be run (an invalid regular expression). */
  readonly error?: string;
}

/** What the user asks the host to do with a node. Collapse, expand and hoist stay in the view. */
export type ViewIntent =
  /** Switch the editor to the path that ends at this node. */
  | { readonly type: 'select'; readonly id: string }
  /** Same as `select`, then focus the editor. */
  | { readonly type: 'open'; readonly id: string }
  /** Set (not toggle, so a repeated message is harmless) the node's bookmark. */
  | { readonly type: 'bookmark'; readonly id: string; readonly bookmarked: boolean }
  /** Delete the node's subtree; the host confirms or offers undo. */
  | { readonly type: 'delete'; readonly id: string }
  /** Copy the node's whole text (not the preview) to the clipboard. */
  | { readonly type: 'copy'; readonly id: string }
  /** Show the exact request that generated the node. */
  | { readonly type: 'showRequest'; readonly id: string }
  /** Generate the node again: a new sibling from the same request, compared with the node. */
  | { readonly type: 'regenerate'; readonly id: string }
  /** Compare a regeneration with the node it generates again (or a node with its latest regeneration). */
  | { readonly type: 'compare'; readonly id: string }
  /** Generate alternative continuations as new children of the node. */
  | { readonly type: 'generateAlternatives'; readonly id: string }
  /** Switch the editor to the node's path and select `start..end` of the node's own text (a find match). */
  | { readonly type: 'reveal'; readonly id: string; readonly start: number; readonly end: number }
  /** Replace the node's tags (an empty list removes them). */
  | { readonly type: 'setTags'; readonly id: string; readonly tags: readonly string[] };

/** Messages the webview posts to the host. */
export type FromWebview =
  /** The client has loaded and listens; the host sends nothing before this (it would be lost). */
  | { readonly type: 'ready' }
  /** The answer to `measure`. */
  | { readonly type: 'perf'; readonly requestId: number; readonly report: PerfReport }
  /** An uncaught error in the client, for the host's log. */
  | { readonly type: 'clientError'; readonly message: string }
  /** Search every node's text (plain, any case; `#tag` for tagged nodes); the host answers `found`. */
  | { readonly type: 'find'; readonly requestId: number; readonly query: string }
  | ViewIntent;

/** Longest node id the host accepts from the webview: the same rule as tree files and imports. */
export const MAX_ID_LENGTH = MAX_NODE_ID_LENGTH;
/** Longest client error message the host accepts (the client truncates to this). */
export const MAX_ERROR_LENGTH = 4000;
/** Longest find query the host accepts. */
export const MAX_QUERY_LENGTH = 1000;
/** Most tags, and longest tag, the host accepts for one node from the view. */
export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 100;

const ID_INTENTS: ReadonlySet<string> = new Set(['select', 'open', 'delete', 'copy', 'showRequest', 'regenerate', 'compare', 'generateAlternatives']);

/**
 * Checks a message the webview posted. Returns it, typed, when it is exactly one of
 * {@link FromWebview} with valid fields, else `undefined`: the webview is not trusted to be well-formed.
 * Fields not in the protocol are dropped from the result.
 */
export function parseFromWebview(raw: unknown): FromWebview | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') {
    return undefined;
  }
  const type = raw.type;
  if (type === 'ready') {
    return { type };
  }
  if (type === 'perf') {
    const report = parsePerfReport(raw.report);
    return isCount(raw.requestId) && report ? { type, requestId: raw.requestId, report } : undefined;
  }
  if (type === 'clientError') {
    return typeof raw.message === 'string' && raw.message.length <= MAX_ERROR_LENGTH ? { type, message: raw.message } : undefined;
  }
  if (type === 'find') {
    return isCount(raw.requestId) && typeof raw.query === 'string' && raw.query.length <= MAX_QUERY_LENGTH ? { type, requestId: raw.requestId, query: raw.query } : undefined;
  }
  if (!isNodeId(raw.id)) {
    return undefined;
  }
  if (type === 'bookmark') {
    return typeof raw.bookmarked === 'boolean' ? { type, id: raw.id, bookmarked: raw.bookmarked } : undefined;
  }
  if (type === 'reveal') {
    return isCount(raw.start) && isCount(raw.end) && raw.start <= raw.end ? { type, id: raw.id, start: raw.start, end: raw.end } : undefined;
  }
  if (type === 'setTags') {
    return isTagList(raw.tags) ? { type, id: raw.id, tags: [...raw.tags] } : undefined;
  }
  if (ID_INTENTS.has(type)) {
    return { type: type as IdIntent, id: raw.id };
  }
  return undefined;
}

/** The intents that carry nothing but a node id. */
export type IdIntent = Exclude<ViewIntent['type'], 'bookmark' | 'reveal' | 'setTags'>;

function isTagList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= MAX_TAGS && value.every((tag) => typeof tag === 'string' && tag.length <= MAX_TAG_LENGTH);
}

function parsePerfReport(raw: unknown): PerfReport | undefined {
  if (!isRecord(raw)) {
    return undefined;
  }
  const { nodeCount, rowCount, renderedRowCount, keyCount, keyMeanMs, keyMedianMs, keyP95Ms, keyMaxMs, snapshotMs, deltasMs } = raw;
  if (!isCount(nodeCount) || !isCount(rowCount) || !isCount(renderedRowCount) || !isCount(keyCount)) {
    return undefined;
  }
  if (!isDuration(keyMeanMs) || !isDuration(keyMedianMs) || !isDuration(keyP95Ms) || !isDuration(keyMaxMs)) {
    return undefined;
  }
  if ((snapshotMs !== undefined && !isDuration(snapshotMs)) || (deltasMs !== undefined && !isDuration(deltasMs))) {
    return undefined;
  }
  const { topRowId, currentId, currentRowIndex } = raw;
  if ((topRowId !== undefined && !isNodeId(topRowId)) || (currentId !== undefined && !isNodeId(currentId)) || (currentRowIndex !== undefined && !isCount(currentRowIndex))) {
    return undefined;
  }
  const shown = { ...(topRowId !== undefined && { topRowId }), ...(currentId !== undefined && { currentId }), ...(currentRowIndex !== undefined && { currentRowIndex }) };
  return { nodeCount, rowCount, renderedRowCount, keyCount, keyMeanMs, keyMedianMs, keyP95Ms, keyMaxMs, snapshotMs, deltasMs, ...shown };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSampleList(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.length <= MAX_SAVED_SAMPLES && value.every(isCount) && new Set(value).size === value.length;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

// ---- The probe report panel ----

/** One split point of a probe, as the report table shows it. */
export interface ProbePointView {
  /** Split offset in the probed node's text. */
  readonly offset: number;
  /** The last characters of the prefill at this point. */
  readonly prefillTail: string;
  /** What the original text continues with here. */
  readonly expected: string;
  /** What each sample continued with (an error message for a failed one). */
  readonly got: readonly string[];
  readonly verdict: 'consistent' | 'divergent' | 'mixed' | 'failed';
}

/** A prefill-consistency probe's findings, as the report panel shows them. */
export interface ProbeReportView {
  readonly title: string;
  /** Model, parameters, split mode, samples, tokens and cost, as label and value. */
  readonly facts: readonly (readonly [label: string, value: string])[];
  readonly points: readonly ProbePointView[];
}

/** Messages the host posts to the probe report panel. */
export type ToProbeReport = { readonly type: 'report'; readonly report: ProbeReportView };

/** Messages the probe report panel posts to the host. */
export type FromProbeReport =
  | { readonly type: 'ready' }
  /** Open the report as Markdown, to save or paste into a bug report. */
  | { readonly type: 'exportMarkdown' }
  /** Show split point `offset` of the probed node in the editor. */
  | { readonly type: 'reveal'; readonly offset: number };

/** Checks a message the probe report panel posted, as {@link parseFromWebview} does for the tree. */
export function parseFromProbeReport(raw: unknown): FromProbeReport | undefined {
  if (!isRecord(raw)) {
    return undefined;
  }
  if (raw.type === 'ready' || raw.type === 'exportMarkdown') {
    return { type: raw.type };
  }
  if (raw.type === 'reveal' && isCount(raw.offset)) {
    return { type: 'reveal', offset: raw.offset };
  }
  return undefined;
}

// ---- The distribution panel ----

/** Samples grouped by text, as the distribution panel lists them. */
export interface DistributionGroupView {
  readonly text: string;
  readonly count: number;
  /** 0..1 of the completed samples. */
  readonly share: number;
  /** Indices into the run's {@link DistributionRunView.samples}. */
  readonly members: readonly number[];
}

/** One run of samples at a point, as the distribution panel shows it. */
export interface DistributionRunView {
  /** Which prefill: "At the cursor", "Without the last word"… */
  readonly label: string;
  /** Endpoint, model, parameters, prefill tail and totals, as label and value. */
  readonly facts: readonly (readonly [label: string, value: string])[];
  /**
   * `text` is left out when this page was sent it already: a sample's text never changes, and a live
   * run is sent again up to ten times a second.
   */
  readonly samples: readonly { readonly index: number; readonly status: string; readonly text?: string; readonly error?: string }[];
  readonly exact: readonly DistributionGroupView[];
  readonly loose: readonly DistributionGroupView[];
  /** Whether first units are the endpoint's tokens or first words. */
  readonly firstUnit: 'token' | 'word';
  readonly firstUnits: readonly DistributionGroupView[];
  readonly scripts: readonly { readonly script: string; readonly share: number }[];
  /** The model's own next-token probabilities at the point, where the endpoint gives them. */
  readonly nextToken?: readonly { readonly text: string; readonly probability: number }[];
  /** Cancelled before every sample ended: the shares are over the samples that completed. */
  readonly partial: boolean;
  /** Whether samples can be saved into the document's loom (not when its tree file cannot be used). */
  readonly savable: boolean;
}

/** A text's share in both runs of a comparison. */
export interface AlignedGroupView {
  readonly text: string;
  readonly shareA: number;
  readonly shareB: number;
  readonly difference: number;
}

export interface DistributionPanelView {
  readonly title: string;
  /** One run, or two side by side. */
  readonly runs: readonly DistributionRunView[];
  /** With two runs: each group's share in both, by grouping mode. */
  readonly aligned?: { readonly exact: readonly AlignedGroupView[]; readonly loose: readonly AlignedGroupView[] };
  /** While samples are arriving: how many of how many ("37 of 200 samples"); saving and exports wait for the end. */
  readonly progress?: string;
}

export const DISTRIBUTION_EXPORT_FORMATS = ['json', 'csv', 'markdown'] as const;
export type DistributionExportFormat = (typeof DISTRIBUTION_EXPORT_FORMATS)[number];

/** Messages the host posts to the distribution panel. */
export type ToDistribution =
  | { readonly type: 'distribution'; readonly view: DistributionPanelView }
  /** Samples of run `run` are now nodes in the loom; `message` says where, for the panel's status line. */
  | { readonly type: 'saved'; readonly run: number; readonly samples: readonly number[]; readonly message: string };

/** The most samples one save may name: far above any run, so a bad message cannot make the host work for long. */
const MAX_SAVED_SAMPLES = 100_000;

/** Messages the distribution panel posts to the host. */
export type FromDistribution =
  | { readonly type: 'ready' }
  /** Open run `run` as a document in `format`, to save. */
  | { readonly type: 'export'; readonly run: number; readonly format: DistributionExportFormat }
  /** Hang samples `samples` (indices into the run, each once) of run `run` into the loom at the point. */
  | { readonly type: 'save'; readonly run: number; readonly samples: readonly number[] };

/** Checks a message the distribution panel posted, as {@link parseFromWebview} does for the tree. */
export function parseFromDistribution(raw: unknown): FromDistribution | undefined {
  if (!isRecord(raw)) {
    return undefined;
  }
  if (raw.type === 'ready') {
    return { type: 'ready' };
  }
  const format = DISTRIBUTION_EXPORT_FORMATS.find((f) => f === raw.format);
  if (raw.type === 'export' && isCount(raw.run) && format) {
    return { type: 'export', run: raw.run, format };
  }
  if (raw.type === 'save' && isCount(raw.run) && isSampleList(raw.samples)) {
    return { type: 'save', run: raw.run, samples: [...raw.samples] };
  }
  return undefined;
}
