import type { LoomNode } from './loomNode';
import type { LoomTree } from './loomTree';

/** What to look for in a tree: text (plain or a regular expression) or, as `#name`, a tag. */
export interface TreeQuery {
  text: string;
  regex?: boolean;
  caseSensitive?: boolean;
}

/** One match: where in which node's own text, with a little text either side for the list. */
export interface TreeMatch {
  nodeId: string;
  /** UTF-16 offsets into the node's own text. */
  start: number;
  end: number;
  before: string;
  match: string;
  after: string;
}

export interface TreeSearchResult {
  matches: TreeMatch[];
  /** All matches, also those past the limit. */
  total: number;
  /** Set when the query is not a valid regular expression: what is wrong with it. */
  error?: string;
}

const CONTEXT = 30;

/**
 * Searches every node's own text, across all branches, in tree order: plain text is case-insensitive
 * unless asked; `#tag` lists the nodes with that tag. A match never spans two nodes (each node is
 * searched on its own, so a match belongs to exactly one branch). At most `limit` matches are kept,
 * with their context; the others are only counted.
 */
export function searchTree(tree: LoomTree, query: TreeQuery, limit = 500): TreeSearchResult {
  if (query.text === '') return { matches: [], total: 0 };
  const tag = /^#(\S+)$/.exec(query.text)?.[1];
  if (tag !== undefined && !query.regex) {
    return collect(tree, limit, (node, found) => {
      if (node.tags?.some((t) => sameTag(t, tag, query))) found(node, 0, 0);
    });
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(query.regex ? query.text : escapeRegExp(query.text), query.caseSensitive ? 'gu' : 'giu');
  } catch (e) {
    return { matches: [], total: 0, error: (e as Error).message };
  }
  return collect(tree, limit, (node, found) => eachMatch(pattern, node, found));
}

function sameTag(tag: string, wanted: string, query: TreeQuery): boolean {
  return query.caseSensitive ? tag === wanted : tag.toLowerCase() === wanted.toLowerCase();
}

type Found = (node: LoomNode, start: number, end: number) => void;

/** Every match `find` reports, counted; the first `limit` kept with their context. No list of ranges per node. */
function collect(tree: LoomTree, limit: number, find: (node: LoomNode, found: Found) => void): TreeSearchResult {
  const matches: TreeMatch[] = [];
  let total = 0;
  const found: Found = (node, start, end) => {
    total++;
    if (matches.length < limit) matches.push(matchAt(node, start, end));
  };
  tree.forEachNode((node) => find(node, found));
  return { matches, total };
}

function eachMatch(pattern: RegExp, node: LoomNode, found: Found): void {
  const text = node.text;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    // An empty match (a regex like `a*`) would never move on; step a whole code point, since a
    // unicode regex moves an index inside a surrogate pair back to the pair's start.
    if (m[0] === '') {
      pattern.lastIndex = m.index + ((text.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
      continue;
    }
    found(node, m.index, m.index + m[0].length);
  }
}

function matchAt(node: LoomNode, start: number, end: number): TreeMatch {
  return {
    nodeId: node.id,
    start,
    end,
    before: node.text.slice(Math.max(0, start - CONTEXT), start),
    match: node.text.slice(start, end),
    after: node.text.slice(end, end + CONTEXT),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
