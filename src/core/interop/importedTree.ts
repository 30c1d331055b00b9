import type { GenerationInfo, LoomNode, NodeOrigin } from '../loom/loomNode';
import { packTokens } from '../providers/tokenLogprobs';
import { LoomTree, type TreePlace } from '../loom/loomTree';
import { tokensWhenAsked, whenAsked } from '../loom/tokensAside';

/** The formats of other looms this project reads. */
export const FOREIGN_FORMATS = ['tk-loom', 'loomsidian', 'exoloom', 'miniloom', 'bonsai'] as const;
export type ForeignFormat = (typeof FOREIGN_FORMATS)[number];

/** One token of a generation as another loom recorded it: text, log-probability, alternatives. */
export interface ImportedToken {
  text: string;
  logprob: number;
  top: Array<{ text: string; logprob: number }>;
}

/**
 * A node's tokens as another loom recorded them, read when asked: packing the tokens of every node
 * while reading the file was most of an import's own time, and the parsed file holds them anyway.
 */
export interface ImportedTokens {
  /** Whether `read` gives any token: known at import, where counting them all would cost a tenth of it. */
  readonly some: boolean;
  /** How many tokens `read` gives: asked for only when the generation's usage is. */
  readonly count: number;
  read(): ImportedToken[];
}

/**
 * A node as an importer reads it, before it joins a tree. `text` is what the node adds to its
 * parent's path, as everywhere in this project.
 */
export interface ImportedNode {
  id: string;
  parentId: string | null;
  text: string;
  author: 'user' | 'model';
  authorship?: NodeOrigin['authorship'];
  /** Milliseconds since the epoch, where the other loom recorded a time. */
  createdAt?: number;
  bookmarked?: boolean;
  tags?: string[];
  hidden?: boolean;
  chapter?: string;
  /** The other loom's parent, where the node hangs elsewhere here. */
  originParentId?: string;
  /** Per-token probabilities of a model node's text, where the other loom recorded them. */
  tokens?: ImportedTokens;
  /** The model the other loom named for the node's generation. */
  model?: string;
  /** Fields with no place here, verbatim. */
  fields: Record<string, unknown>;
}

/**
 * A whole tree as an importer reads it: the root first, then parents before children, in sibling
 * order. The nodes may be read as the tree is built (one at a time, so no list of them is kept).
 */
export interface ImportedTree {
  format: ForeignFormat;
  rootId: string;
  /** The node the other loom had selected, if it recorded one (a node not in the file is ignored). */
  currentId?: string;
  nodes: Iterable<ImportedNode>;
}

/** A tree ready to become a loom document, with what to tell the user about it. */
export interface ImportResult {
  tree: LoomTree;
  currentId: string;
  /** One sentence: how many nodes, and which fields were kept as metadata. */
  summary: string;
  /** Field names kept verbatim, with how many nodes had each. */
  keptFields: Map<string, number>;
}

/** Why a file cannot be imported; `kind` decides the command line's exit status (1 corrupt, 2 unknown shape). */
export class ImportError extends Error {
  constructor(
    readonly kind: 'corrupt' | 'unknownShape',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Builds the loom tree of an imported tree, keeping each node's origin. Each node goes into the tree
 * as it is read, without an operation recorded per node, and nothing read is kept on the way: at
 * 100,000 nodes the garbage collector copying records that outlive the loop was most of the time.
 */
export function buildImportedTree(imported: ImportedTree): ImportResult {
  const newId = importedIds();
  const keptFields = new Map<string, number>();
  const keep = (node: ImportedNode) => {
    for (const key in node.fields) keptFields.set(key, (keptFields.get(key) ?? 0) + 1);
  };
  const nodes = imported.nodes[Symbol.iterator]();
  const root = rootOf(imported, nodes.next());
  keep(root);
  const grown = LoomTree.growing(toLoomNode(imported.format, root, null, newId()), { newId });
  // Each node of the other loom's, by its id there: where it hangs here.
  const places = new Map<string, TreePlace>([[root.id, grown.root]]);
  for (let read = nodes.next(); !read.done; read = nodes.next()) {
    const node = read.value;
    keep(node);
    const parent = node.parentId === null ? undefined : places.get(node.parentId);
    if (parent === undefined) throw new ImportError('corrupt', `node ${JSON.stringify(node.id)} names a parent that is not in the file, or comes before it`);
    // One map operation per node, not a look-up and then a set: a repeated id is found by the size not growing.
    const known = places.size;
    places.set(node.id, grown.add(parent, toLoomNode(imported.format, node, parent.node.id, newId())));
    if (places.size === known) throw new ImportError('corrupt', `the file is damaged: two nodes have the id ${JSON.stringify(node.id)}`);
  }
  const { tree } = grown;
  const currentId = (imported.currentId !== undefined && places.get(imported.currentId)?.node.id) || tree.rootId;
  return { tree, currentId, keptFields, summary: importSummary(imported.format, tree.size, keptFields) };
}

const BASE_36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * `i0`, `i1`, … `iz`, `i10`, …: `i` and a count in base 36. The last digit comes from a table and the
 * rest is made once per 36 ids: `toString(36)` per id was a twentieth of an import's own time.
 */
function importedIds(): () => string {
  let next = 0;
  let head = 'i';
  return () => {
    const last = next % 36;
    if (last === 0 && next > 0) head = `i${(next / 36).toString(36)}`;
    next++;
    return head + BASE_36[last];
  };
}

/** The first node read, which must be the root. */
function rootOf(imported: ImportedTree, first: IteratorResult<ImportedNode>): ImportedNode {
  if (first.done || first.value.id !== imported.rootId || first.value.parentId !== null) throw new ImportError('corrupt', `the root node ${JSON.stringify(imported.rootId)} is missing`);
  return first.value;
}

/** The node as this project keeps it; keys are only set when they have a value (no `delete`, which slows every later access). */
function toLoomNode(format: ForeignFormat, node: ImportedNode, parentId: string | null, id: string): LoomNode {
  // A model node's probabilities become its generation's token data, as a recorded generation's are;
  // on a node nobody says a model wrote they stay the other loom's field.
  const generation = node.author === 'model' && node.tokens && node.tokens.some ? importedGeneration(format, node.tokens, node.model) : undefined;
  const fields = node.tokens && !generation ? { ...node.fields, tokens: node.tokens.read() } : node.fields;
  const origin: { -readonly [K in keyof NodeOrigin]: NodeOrigin[K] } = { format, id: node.id };
  if (node.authorship !== undefined) origin.authorship = node.authorship;
  if (node.originParentId !== undefined) origin.parentId = node.originParentId;
  if (hasKeys(fields)) origin.fields = fields;
  const createdAt = node.createdAt ?? 0;
  const labelled = node.bookmarked || (node.tags && node.tags.length > 0) || node.hidden || node.chapter !== undefined;
  // Most nodes have no labels: made in one literal they need no second block for their keys.
  if (!labelled) return generation ? { id, parentId, text: node.text, author: node.author, createdAt, origin, generation } : { id, parentId, text: node.text, author: node.author, createdAt, origin };
  const built: { -readonly [K in keyof LoomNode]: LoomNode[K] } = { id, parentId, text: node.text, author: node.author, createdAt };
  if (node.bookmarked) built.bookmarked = true;
  if (node.tags && node.tags.length > 0) built.tags = node.tags;
  if (node.hidden) built.hidden = true;
  if (node.chapter !== undefined) built.chapter = node.chapter;
  built.origin = origin;
  if (generation) built.generation = generation;
  return built;
}

function hasKeys(value: object): boolean {
  for (const _ in value) return true;
  return false;
}

/** What a generation another loom recorded holds here: its model and tokens, and no request. */
function importedGeneration(format: ForeignFormat, tokens: ImportedTokens, model: string | undefined): GenerationInfo {
  const generation: { -readonly [K in keyof GenerationInfo]: GenerationInfo[K] } = {
    model: model ?? '',
    params: {},
    stopReason: null,
    usage: outputTokens(tokens),
    durationMs: 0,
    requests: 0,
    status: 'completed',
  };
  // `tokens` goes before `imported` among the keys, for the same file on every save.
  tokensWhenAsked(generation, () => packTokens(tokens.read()));
  generation.imported = format;
  return generation;
}

/** No input tokens, and as many output tokens as the other loom recorded, counted when first asked for. */
function outputTokens(tokens: ImportedTokens): GenerationInfo['usage'] {
  const usage = { input_tokens: 0 };
  whenAsked(usage, 'output_tokens', () => tokens.count);
  return usage as GenerationInfo['usage'];
}

function importSummary(format: ForeignFormat, size: number, kept: Map<string, number>): string {
  const nodes = `imported ${size.toLocaleString('en-US')} node${size === 1 ? '' : 's'} from ${FORMAT_NAMES[format]}`;
  if (kept.size === 0) return `${nodes}.`;
  const names = [...kept.keys()].sort();
  return `${nodes}; kept ${names.length} field${names.length === 1 ? '' : 's'} as metadata: ${names.join(', ')}.`;
}

/** How each format is named to the user. */
export const FORMAT_NAMES: Readonly<Record<ForeignFormat, string>> = {
  'tk-loom': 'Loom (socketteer/loom)',
  loomsidian: 'Loomsidian',
  exoloom: 'exoloom',
  miniloom: 'MiniLoom',
  bonsai: 'Bonsai',
};
