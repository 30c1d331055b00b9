import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { importForeignTree, parseForeignJson } from '../../src/core/interop/foreignTrees';
import type { LoomTree } from '../../src/core/loom/loomTree';
import { serializeTree } from '../../src/core/loom/treeFormat';
import { searchTree } from '../../src/core/loom/treeSearch';
import { snapshotOf } from '../../src/loom/loomViewDeltas';
import { seededRandom } from '../server/random';
import { spread, type Spread } from './stats';

/** Import of a generated Tk-format (socketteer/loom) file, against reading and parsing the same file. */
export interface LoomImportResult {
  nodes: number;
  fileBytes: number;
  /** Nodes on the deepest path. */
  depth: number;
  /** Nodes whose generation lists per-token probabilities. */
  withTokens: number;
  /** Read the file, JSON.parse it, import it into a loom tree. */
  importMs: Spread;
  /** Read the file and JSON.parse it: the baseline. */
  parseMs: Spread;
  /** The same two in CPU time. */
  importCpuMs: Spread;
  parseCpuMs: Spread;
  /** The first loom view and the first save of a freshly imported tree, each against doing it again. */
  firstUse: FirstUseResult;
  tree: LoomTree;
}

/**
 * An import packs a node's tokens only when first asked for, so the first view (its snapshot
 * summarises every node's tokens) and the first save pay for them. Baseline: the same view or save
 * of the same tree again, when they are packed.
 */
export interface FirstUseResult {
  firstViewMs: Spread;
  laterViewMs: Spread;
  firstSaveMs: Spread;
  laterSaveMs: Spread;
  firstViewCpuMs: Spread;
  laterViewCpuMs: Spread;
  firstSaveCpuMs: Spread;
  laterSaveCpuMs: Spread;
}

/** Find in the loom over a tree, against a plain case-insensitive scan of the same node texts. */
export interface TreeFindResult {
  nodes: number;
  query: string;
  matches: number;
  findMs: Spread;
  scanMs: Spread;
  /** The same in CPU time: on a shared machine the wall time also counts other processes' turns. */
  findCpuMs: Spread;
  scanCpuMs: Spread;
}

const WORDS = ['the', 'keeper', 'lamp', 'sea', 'stairs', 'night', 'light', 'storm', 'ship', 'rock', 'wind', 'and', 'a', 'of', 'dragon', 'gull'];

/**
 * A Loom file of `n` nodes shaped like a real loom: mostly chains (a continuation of the last node),
 * branching now and then, depth bounded as in trees people grow by hand; every fifth model node with
 * its tokens and top alternatives in `model_responses`, tags and bookmarks on a few.
 */
export function generateTkLoomFile(n: number, seed = 7): { json: string; depth: number; withTokens: number } {
  const random = seededRandom(seed);
  type TkNode = { id: string; text: string; meta: Record<string, unknown>; children: TkNode[]; tags?: string[]; generation?: { id: string; index: number } };
  const nodes: TkNode[] = [];
  const depths: number[] = [];
  const responses: Record<string, unknown> = {};
  let withTokens = 0;
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 6 + Math.floor(random() * 10) }, () => WORDS[Math.floor(random() * WORDS.length)]);
    const node: TkNode = { id: `n${i}`, text: ` ${words.join(' ')}`, meta: { source: i === 0 ? 'prompt' : 'AI', creation_timestamp: timestamp(i) }, children: [] };
    if (i % 100 === 3) node.tags = ['bookmark'];
    if (i % 250 === 7) node.tags = [...(node.tags ?? []), 'keep'];
    if (i > 0 && i % 5 === 0) {
      withTokens++;
      node.generation = { id: `g${i}`, index: 0 };
      const tokens = node.text.split(/(?= )/).map((token) => ({ generatedToken: { token, logprob: -random() * 3 }, counterfactuals: { [token]: -0.5, ' the': -1.5, ' a': -2.5 } }));
      responses[`g${i}`] = { id: `g${i}`, model: 'davinci-002', completions: [{ text: node.text, finishReason: 'length', tokens }] };
    }
    if (i > 0) {
      const last = i - 1;
      const parent = random() < 0.75 && depths[last] < 800 ? last : Math.floor(random() * i);
      nodes[parent].children.push(node);
      depths.push(depths[parent] + 1);
    } else {
      depths.push(0);
    }
    nodes.push(node);
  }
  const file = { root: nodes[0], chapters: {}, selected_node_id: `n${n - 1}`, model_responses: responses };
  return { json: JSON.stringify(file), depth: Math.max(...depths) + 1, withTokens };
}

/** A node's time as Loom writes it: nodes generated together share a second, about four a second. */
function timestamp(i: number): string {
  const d = new Date(Date.UTC(2024, 5, 1) + Math.floor(i / 4) * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}-${two(d.getUTCHours())}.${two(d.getUTCMinutes())}.${two(d.getUTCSeconds())}`;
}

export function benchLoomImport(n: number, runs = 5): LoomImportResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'loom-interop-bench-'));
  try {
    const file = path.join(dir, `tree-${n}.json`);
    const generated = generateTkLoomFile(n);
    writeFileSync(file, generated.json);
    const importMs: number[] = [];
    const parseMs: number[] = [];
    const importCpuMs: number[] = [];
    const parseCpuMs: number[] = [];
    let tree: LoomTree | undefined;
    // One warm-up of each, then alternating runs, so both see the same machine.
    for (let run = -1; run < runs; run++) {
      let start = performance.now();
      let cpu = process.cpuUsage();
      JSON.parse(readFileSync(file, 'utf8'));
      if (run >= 0) {
        parseMs.push(performance.now() - start);
        parseCpuMs.push(cpuSince(cpu));
      }
      start = performance.now();
      cpu = process.cpuUsage();
      const result = importForeignTree(parseForeignJson(readFileSync(file, 'utf8')));
      if (run >= 0) {
        importMs.push(performance.now() - start);
        importCpuMs.push(cpuSince(cpu));
      }
      tree = result.tree;
    }
    if (tree!.size !== n) throw new Error(`imported ${tree!.size} nodes of ${n}`);
    const firstUse = benchFirstUse(file, runs);
    return { nodes: n, fileBytes: statSync(file).size, depth: generated.depth, withTokens: generated.withTokens, importMs: spread(importMs), parseMs: spread(parseMs), importCpuMs: spread(importCpuMs), parseCpuMs: spread(parseCpuMs), firstUse, tree: tree! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each run imports the file twice: one tree for a first view and a view again, one for a first save and a save again. */
function benchFirstUse(file: string, runs: number): FirstUseResult {
  const samples: Record<keyof FirstUseResult, number[]> = { firstViewMs: [], laterViewMs: [], firstSaveMs: [], laterSaveMs: [], firstViewCpuMs: [], laterViewCpuMs: [], firstSaveCpuMs: [], laterSaveCpuMs: [] };
  const time = (run: number, wall: keyof FirstUseResult, cpuTime: keyof FirstUseResult, work: () => unknown) => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    work();
    if (run < 0) return;
    samples[wall].push(performance.now() - start);
    samples[cpuTime].push(cpuSince(cpu));
  };
  for (let run = -1; run < runs; run++) {
    let { tree, currentId } = importForeignTree(parseForeignJson(readFileSync(file, 'utf8')));
    time(run, 'firstViewMs', 'firstViewCpuMs', () => snapshotOf(tree, currentId, 'bench'));
    time(run, 'laterViewMs', 'laterViewCpuMs', () => snapshotOf(tree, currentId, 'bench'));
    ({ tree, currentId } = importForeignTree(parseForeignJson(readFileSync(file, 'utf8'))));
    time(run, 'firstSaveMs', 'firstSaveCpuMs', () => serializeTree(tree, { currentId, document: 'bench.md' }));
    time(run, 'laterSaveMs', 'laterSaveCpuMs', () => serializeTree(tree, { currentId, document: 'bench.md' }));
  }
  return Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, spread(values)])) as unknown as FirstUseResult;
}

/** CPU time (user + system) since `since`, in milliseconds. */
function cpuSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** Find (Find in Loom…, `/` in the view: at most 1,000 matches kept, all counted) against a plain scan. */
export function benchTreeFind(tree: LoomTree, query: string, runs = 21): TreeFindResult {
  const findMs: number[] = [];
  const scanMs: number[] = [];
  const findCpuMs: number[] = [];
  const scanCpuMs: number[] = [];
  let matches = 0;
  const wanted = query.toLowerCase();
  for (let run = -1; run < runs; run++) {
    let start = performance.now();
    let cpu = process.cpuUsage();
    let scanned = 0;
    // The walk the find uses, so the baseline is the matching alone at its cheapest.
    tree.forEachNode((node) => {
      if (node.text.toLowerCase().includes(wanted)) scanned++;
    });
    if (run >= 0) {
      scanMs.push(performance.now() - start);
      scanCpuMs.push(cpuSince(cpu));
    }
    start = performance.now();
    cpu = process.cpuUsage();
    matches = searchTree(tree, { text: query }, 1000).total;
    if (run >= 0) {
      findMs.push(performance.now() - start);
      findCpuMs.push(cpuSince(cpu));
    }
    if (scanned === 0 && matches !== 0) throw new Error('the scan and the find disagree');
  }
  return { nodes: tree.size, query, matches, findMs: spread(findMs), scanMs: spread(scanMs), findCpuMs: spread(findCpuMs), scanCpuMs: spread(scanCpuMs) };
}
