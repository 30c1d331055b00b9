import type { GenerationInfo } from '../loom/loomNode';
import type { LoomTree } from '../loom/loomTree';
import { prepareGenerationAt } from '../loom/treeReconcile';
import { ZERO_USAGE } from '../shared/tokenUsage';
import { packTokens, type TokenAlternative, type TokenLogprob } from '../providers/tokenLogprobs';
import { placedTokens, type TokenPlacement, type TokenSpan } from './tokenPlacement';
import { isPartialCharacter, visibleToken } from './tokenText';

/**
 * Which stretches of a document are recorded tokens of model-written nodes, how strongly each is
 * shaded, what its hover says, and how a branch from one of its alternatives goes into the tree.
 * The editor (src/probabilities) draws what this computes; nothing here knows of VS Code.
 */

/** A token of a node on the shown path: body offsets (a {@link TokenSpan} is in a node's), and the generation that produced it. */
export interface TokenMark extends TokenSpan {
  readonly nodeId: string;
  readonly generation: GenerationInfo;
}

/** The probability a log-probability stands for (shared with the loom view's per-node statistics). */
export function probabilityOf(logprob: number): number {
  // Rounding can put a server's logprob a hair above 0.
  return Math.min(1, Math.exp(logprob));
}

/**
 * Shading levels, strongest first: a token below `below` gets that level. Four levels are enough
 * to tell near-certain from coin-flip from surprising text at a glance; the hover carries the numbers.
 */
export const SHADING_LEVELS: ReadonlyArray<{ readonly level: number; readonly below: number }> = [
  { level: 4, below: 0.1 },
  { level: 3, below: 0.35 },
  { level: 2, below: 0.7 },
  { level: 1, below: Infinity },
];

/** 1 (faintest, likely) to 4 (strongest, unlikely). */
export function shadingLevel(probability: number): number {
  return SHADING_LEVELS.find((l) => probability < l.below)!.level;
}

/**
 * The recorded tokens lying wholly inside a model node's text. A node split by a hand edit or a
 * branch keeps its generation record on the tail; the head (which has none) finds it down the chain
 * of split tails (model children made at the same moment), and the tokens are placed on the chain's
 * text by the one placement the per-node statistics use (line endings, partial characters), so a
 * token is only ever shown over its own text.
 */
export function nodeTokenSpans(tree: LoomTree, nodeId: string): TokenSpan[] {
  const record = generationRecord(tree, nodeId);
  return record ? wholeSpans(record) : [];
}

/** The tokens of every model node on the path to `pathEndId`, in body offsets, in order. */
export function pathTokenMarks(tree: LoomTree, pathEndId: string): TokenMark[] {
  const marks: TokenMark[] = [];
  let offset = 0;
  for (const node of tree.pathTo(pathEndId)) {
    const record = generationRecord(tree, node.id);
    if (record) for (const span of wholeSpans(record)) marks.push({ start: offset + span.start, end: offset + span.end, token: span.token, nodeId: node.id, generation: record.generation });
    offset += node.text.length;
  }
  return marks;
}

interface GenerationRecord {
  generation: GenerationInfo;
  /** The tokens placed on the node's text followed by its split tails'. */
  placement: TokenPlacement;
  length: number;
}

/**
 * The spans of tokens whose whole text is in the node: not one its text starts inside, none running
 * past its end, and none of a token holding only the start of a character (it has no text of its
 * own: the token completing the character is marked over it).
 */
function wholeSpans({ placement, length }: GenerationRecord): TokenSpan[] {
  const spans: TokenSpan[] = [];
  for (let i = placement.cut ? 1 : 0; i < placement.spans.length && placement.spans[i].end <= length; i++) {
    if (placement.spans[i].end > placement.spans[i].start) spans.push(placement.spans[i]);
  }
  return spans;
}

function generationRecord(tree: LoomTree, nodeId: string): GenerationRecord | undefined {
  const chain = tree.splitChain(nodeId);
  const generation = chain.at(-1)?.generation;
  const placement = generation && placedTokens(generation.tokens, chain.map((n) => n.text).join(''));
  return generation && placement && { generation, placement, length: chain[0].text.length };
}

/** One choice at a token position: the token itself or one of its alternatives. */
export interface TokenChoice extends TokenAlternative {
  readonly probability: number;
  /** The token the model wrote here. */
  readonly chosen: boolean;
}

/**
 * The written token and its alternatives, each text once, most likely first. An empty text, or part
 * of a character (a `bytes:` name), is no other choice to branch on: alone it is no text.
 */
export function tokenChoices(token: TokenLogprob): TokenChoice[] {
  const seen = new Set<string>(['']);
  const choices: TokenChoice[] = [];
  for (const alt of [{ text: token.text, logprob: token.logprob }, ...token.top]) {
    const chosen = alt.text === token.text;
    if (seen.has(alt.text) || (!chosen && isPartialCharacter(alt.text))) continue;
    seen.add(alt.text);
    choices.push({ text: alt.text, logprob: alt.logprob, probability: probabilityOf(alt.logprob), chosen });
  }
  // Stable: equal log-probabilities keep the server's order, the written token first.
  return choices.sort((a, b) => b.logprob - a.logprob);
}

/** The choice after (or before) the written one, cycling; undefined when there is no other. */
export function cycledChoice(token: TokenLogprob, step: 1 | -1): TokenChoice | undefined {
  const choices = tokenChoices(token);
  if (choices.length < 2) return undefined;
  const at = choices.findIndex((c) => c.chosen);
  return choices[(at + step + choices.length) % choices.length];
}

/** The mark over `offset`: the token containing it, else one ending there (a cursor just after a token). */
export function markAt<T extends TokenSpan>(marks: readonly T[], offset: number): T | undefined {
  const at = firstEndingAfter(marks, offset);
  const containing = marks[at];
  if (containing && containing.start <= offset) return containing;
  const before = marks[at - 1];
  return before && before.end === offset ? before : undefined;
}

/** The sorted, disjoint marks overlapping the offsets from `start` to `end`, in order (a slice, found by binary search). */
export function marksBetween<T extends TokenSpan>(marks: readonly T[], start: number, end: number): readonly T[] {
  const from = firstEndingAfter(marks, start);
  let to = from;
  while (to < marks.length && marks[to].start < end) to++;
  return marks.slice(from, to);
}

/** The index of the first of the sorted, disjoint marks that ends after `offset` (marks.length if none). */
function firstEndingAfter(marks: readonly TokenSpan[], offset: number): number {
  let lo = 0;
  let hi = marks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid].end <= offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return lo;
}

/** A change of a document, as VS Code reports it: `removed` characters at `offset` became `inserted`. */
export interface TextChange {
  readonly offset: number;
  readonly removed: number;
  readonly inserted: number;
}

/**
 * Marks after the document changed, in order: a change touching a token's inside removes that mark,
 * marks after it move, everything else stays. Changes apply in the order given (VS Code's order,
 * each relative to the text the ones before left).
 */
export function followChanges<T extends TokenSpan>(marks: readonly T[], changes: readonly TextChange[]): T[] {
  let current = marks as T[];
  for (const change of changes) {
    const end = change.offset + change.removed;
    const delta = change.inserted - change.removed;
    const next: T[] = [];
    for (const mark of current) {
      if (mark.end <= change.offset) next.push(mark);
      else if (mark.start >= end) next.push(delta === 0 ? mark : { ...mark, start: mark.start + delta, end: mark.end + delta });
    }
    current = next;
  }
  return current;
}

/** Marks from the tree, and the followed marks the tree no longer vouches for where they overlap none of its. */
export function mergeMarks<T extends TokenSpan>(fromTree: readonly T[], followed: readonly T[]): readonly T[] {
  const kept = followed.filter((m) => !overlapsAny(fromTree, m));
  // Usually the tree vouches for every followed mark: then its marks are the answer as they are.
  return kept.length === 0 ? fromTree : [...fromTree, ...kept].sort((a, b) => a.start - b.start);
}

function overlapsAny(sorted: readonly TokenSpan[], span: TokenSpan): boolean {
  const first = sorted[firstEndingAfter(sorted, span.start)];
  return first !== undefined && first.start < span.end;
}

/** A probability as the hover writes it. */
export function formatProbability(probability: number): string {
  return probability >= 0.001 ? `${(probability * 100).toFixed(1)} %` : `${(probability * 100).toExponential(1)} %`;
}

export function formatLogprob(logprob: number): string {
  return logprob.toFixed(3);
}

export const SHADING_LEGEND =
  'Shading: the less likely the token, the stronger its background (below 10 %, below 35 %, below 70 %, from 70 %). Click an alternative to branch there.';

/**
 * The hover of a token as Markdown: the token and its numbers, then its alternatives as a table,
 * each a link made by `link` (the written token is not one: it is already there), then the legend.
 */
export function tokenHoverMarkdown(token: TokenLogprob, link: (choice: TokenChoice) => string): string {
  const lines = [
    `**${escapeMarkdown(visibleToken(token.text))}** — probability ${formatProbability(probabilityOf(token.logprob))}, log-probability ${formatLogprob(token.logprob)}`,
    '',
    '| Token | Probability | Log-probability |',
    '|---|---:|---:|',
  ];
  for (const choice of tokenChoices(token)) {
    const label = escapeMarkdown(visibleToken(choice.text));
    const cell = choice.chosen ? `**${label}** (written)` : `[${label}](${link(choice)})`;
    lines.push(`| ${cell} | ${formatProbability(choice.probability)} | ${formatLogprob(choice.logprob)} |`);
  }
  lines.push('', `_${SHADING_LEGEND}_`);
  return lines.join('\n');
}

/** Model text is text: every character Markdown (or HTML in it) could read as syntax is escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&$:]/g, '\\$&');
}

/** Where a branch from a token's alternative hangs, and whether it had to be made. */
export interface TokenBranch {
  readonly nodeId: string;
  readonly created: boolean;
}

/**
 * Splits the path to `pathEndId` before the token at body offset `start` and finds, or makes, the
 * branch there that starts with `choice`: an existing child whose first recorded token is exactly
 * that text (the written token's own tail, or a branch made before), else a new model node holding
 * just that token, recorded with its log-probability and the position's alternatives so it is
 * shaded, hovered and cycled like the token it replaces. The caller continues the generation after it.
 */
export function branchAtToken(tree: LoomTree, pathEndId: string, mark: TokenMark, choice: TokenAlternative): TokenBranch {
  const parentId = prepareGenerationAt(tree, pathEndId, mark.start);
  const existing = tree.children(parentId).find((child) => {
    const first = nodeTokenSpans(tree, child.id)[0];
    return first?.start === 0 && first.token.text === choice.text;
  });
  if (existing) return { nodeId: existing.id, created: false };
  const { model, params, endpoint, endpointKind } = mark.generation;
  const top = tokenChoices(mark.token).map(({ text, logprob }) => ({ text, logprob }));
  const node = tree.addChild(parentId, choice.text, {
    author: 'model',
    kind: 'generation',
    generation: {
      model,
      params,
      stopReason: null,
      usage: ZERO_USAGE,
      durationMs: 0,
      requests: 0,
      status: 'completed',
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(endpointKind !== undefined ? { endpointKind } : {}),
      tokens: packTokens([{ text: choice.text, logprob: choice.logprob, top }]),
    },
  });
  return { nodeId: node.id, created: true };
}

/** The leaf a branch is shown down to: its newest continuation, so coming back shows what was read last. */
export function newestLeaf(tree: LoomTree, nodeId: string): string {
  let id = nodeId;
  for (let children = tree.children(id); children.length > 0; children = tree.children(id)) id = children[children.length - 1].id;
  return id;
}
