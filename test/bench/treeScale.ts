import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { GenerationInfo } from '../../src/core/loom/loomNode';
import { LoomTree } from '../../src/core/loom/loomTree';
import { serializeTree } from '../../src/core/loom/treeFormat';
import { packTokens, type TokenLogprob } from '../../src/core/providers/tokenLogprobs';
import { loadTree, TreeStore } from '../../src/core/loom/treePersistence';
import { reconcile } from '../../src/core/loom/treeReconcile';
import { nodeTreeStorage, treePathsIn } from '../../src/core/loom/treeStorage';
import { seededRandom } from '../server/random';
import { median } from './stats';

/** What one tree size measured. Times in milliseconds, except navigation (microseconds per call). */
export interface TreeScaleResult {
  nodes: number;
  fileBytes: number;
  /** Nodes on the deepest path, and the characters of its text. */
  depth: number;
  pathChars: number;
  /** Serializing the whole tree (what a compaction costs, before the disk). */
  serializeMs: number;
  /** Reading the snapshot from disk, parsing it and building the tree (median of 3). */
  loadMs: number;
  /** Reading the file and one JSON.parse of it: the floor of any JSON load, to judge loadMs by on this machine. */
  readMs: number;
  jsonParseMs: number;
  /** One small change (a node added, text appended, the current node moved) and a flush (median of 20, after one to warm up). */
  saveOneChangeMs: number;
  /** The same in CPU time, which the disk's fsync latency does not blur. */
  saveOneChangeCpuMs: number;
  /** A full snapshot rewrite through the store (temp file, fsync, rename). */
  compactMs: number;
  navigationUs: { children: number; siblings: number; parent: number; pathToDeepest: number; textOfDeepest: number; nodeAtOffsetDeepest: number };
  /** Reconciling one character typed at the end of the deepest path. */
  reconcileKeystrokeMs: number;
}

/**
 * Generates trees of each size, saves them to a temporary directory and measures loading, saving
 * after one change and navigation. Returns the numbers; asserts nothing.
 */
export async function benchTreeScale(sizes: readonly number[] = [1000, 10000, 100000], shape: TreeShape = {}): Promise<TreeScaleResult[]> {
  const results: TreeScaleResult[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'loom-bench-'));
  try {
    for (const n of sizes) results.push(await benchOne(n, dir, shape));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

async function benchOne(n: number, dir: string, shape: TreeShape): Promise<TreeScaleResult> {
  const paths = treePathsIn(dir, `tree-${n}.md`);
  const { serializeMs, deepestId } = await writeTree(n, paths.snapshot, shape);
  const { readMs, jsonParseMs } = await floor(paths.snapshot);
  const loads: number[] = [];
  let loaded: LoomTree | undefined;
  for (let i = 0; i < 3; i++) {
    loaded = undefined;
    const start = performance.now();
    const result = await loadTree(nodeTreeStorage, paths);
    loads.push(performance.now() - start);
    if (result.kind !== 'loaded') throw new Error(`bench tree did not load: ${result.kind}`);
    loaded = result.tree;
  }
  const t = loaded!;
  loaded = undefined;

  const opened = await TreeStore.open(nodeTreeStorage, paths, { document: `tree-${n}.md`, initialText: '' });
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.store;
  const saves: number[] = [];
  const saveCpu: number[] = [];
  for (let i = 0; i < 21; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const node = store.tree.addChild(store.currentId, ' and then', { author: 'user', kind: 'edit' });
    store.tree.appendText(node.id, ' more');
    store.setCurrent(node.id);
    await store.flush();
    if (i === 0) continue;
    const used = process.cpuUsage(cpu);
    saves.push(performance.now() - start);
    saveCpu.push((used.user + used.system) / 1000);
  }
  let start = performance.now();
  await store.compact();
  const compactMs = performance.now() - start;
  store.dispose();

  const ids = [...t.preorder()].map((node) => node.id);
  const pick = seededRandom(7);
  const sample = Array.from({ length: 10_000 }, () => ids[Math.floor(pick() * ids.length)]);
  const per = (fn: (id: string) => unknown, calls = sample.length) => {
    const s = performance.now();
    for (let i = 0; i < calls; i++) fn(sample[i % sample.length]);
    return ((performance.now() - s) * 1000) / calls;
  };
  const pathText = t.textOf(deepestId);
  const navigationUs = {
    children: per((id) => t.children(id)),
    siblings: per((id) => t.siblings(id)),
    parent: per((id) => t.parent(id)),
    pathToDeepest: per(() => t.pathTo(deepestId), 200),
    textOfDeepest: per(() => t.textOf(deepestId), 200),
    nodeAtOffsetDeepest: per(() => t.nodeAtOffset(deepestId, pathText.length >> 1), 200),
  };
  start = performance.now();
  reconcile(t, deepestId, pathText + 'x');
  const reconcileKeystrokeMs = performance.now() - start;

  return {
    nodes: n,
    fileBytes: statSync(paths.snapshot).size,
    depth: t.pathTo(deepestId).length,
    pathChars: pathText.length,
    serializeMs,
    readMs,
    jsonParseMs,
    loadMs: median(loads),
    saveOneChangeMs: median(saves),
    saveOneChangeCpuMs: median(saveCpu),
    compactMs,
    navigationUs,
    reconcileKeystrokeMs,
  };
}

/** What reading the file and one JSON.parse of it cost: no JSON loader can be faster. */
async function floor(file: string): Promise<{ readMs: number; jsonParseMs: number }> {
  const start = performance.now();
  const text = await nodeTreeStorage.read(file);
  const readMs = performance.now() - start;
  return { readMs, jsonParseMs: time(() => JSON.parse(text!)) };
}

/** Writes a generated tree, keeping nothing of it in memory but its deepest id. */
async function writeTree(n: number, file: string, shape: TreeShape): Promise<{ serializeMs: number; deepestId: string }> {
  const { tree, deepestId } = generateTree(n, 42, shape);
  let text = '';
  const serializeMs = time(() => (text = serializeTree(tree, { currentId: deepestId, document: path.basename(file) })));
  await nodeTreeStorage.remove(file);
  await nodeTreeStorage.create(file, text);
  return { serializeMs, deepestId };
}

/**
 * A loom of `n` nodes, the same for the same seed: a root of ~800 characters; mostly chains of
 * continuations with alternatives off recent nodes and a few anywhere; 80% model nodes with full
 * generation info; text lengths mostly 10–300 characters, some to 1,500 and 1% up to 20,000.
 * Returns the deepest node too.
 */
export function generateTree(n: number, seed: number, shape: TreeShape = {}): { tree: LoomTree; deepestId: string } {
  const random = seededRandom(seed);
  let next = 0;
  let clock = Date.UTC(2026, 0, 1);
  const tree = LoomTree.create(words(random, 800), { newId: () => (next++).toString(36).padStart(6, '0'), now: () => (clock += 1000) });
  const ids = [tree.rootId];
  const depth = new Map([[tree.rootId, 1]]);
  let deepestId = tree.rootId;
  while (ids.length < n) {
    const r = random();
    const parentId =
      r < 0.6 ? ids[ids.length - 1] : r < 0.9 ? ids[Math.max(0, ids.length - 1 - Math.floor(random() * 50))] : ids[Math.floor(random() * ids.length)];
    const size = random();
    const length = size < 0.85 ? 10 + random() * 290 : size < 0.99 ? 300 + random() * 1200 : 5000 + random() * 15000;
    const model = random() < 0.8;
    const text = words(random, length);
    const node = tree.addChild(parentId, text, {
      author: model ? 'model' : 'user',
      kind: model ? (random() < 0.2 ? 'regeneration' : 'generation') : 'edit',
      generation: model ? withTokens(generationInfo(random, length), shape.topLogprobs === undefined ? undefined : tokensFor(random, text, shape.topLogprobs)) : undefined,
      bookmarked: random() < 0.01 || undefined,
    });
    ids.push(node.id);
    const d = depth.get(parentId)! + 1;
    depth.set(node.id, d);
    if (d > depth.get(deepestId)!) deepestId = node.id;
  }
  return { tree, deepestId };
}

/** What the generated trees hold besides text: `topLogprobs` set gives every model node its token probabilities, with that many alternatives each. */
export interface TreeShape {
  topLogprobs?: number;
}

function withTokens(info: GenerationInfo, tokens: TokenLogprob[] | undefined): GenerationInfo {
  return tokens ? { ...info, endpoint: 'local-vllm', endpointKind: 'completions', tokens: packTokens(tokens) } : info;
}

/** Tokens of about four characters covering `text` exactly, each with `top` alternatives at full double precision. */
function tokensFor(random: () => number, text: string, top: number): TokenLogprob[] {
  const tokens: TokenLogprob[] = [];
  for (let i = 0; i < text.length; ) {
    const size = Math.min(text.length - i, 1 + Math.floor(random() * 7));
    const piece = text.slice(i, i + size);
    // GPU servers compute in float32 and print those values, so a real tree's probabilities pack 4 bytes wide.
    const logprob = Math.fround(Math.log(random()));
    const alternatives = [{ text: piece, logprob }];
    for (let k = 1; k < top; k++) {
      const at = Math.floor(random() * (CORPUS.length - 8));
      alternatives.push({ text: CORPUS.slice(at, at + 1 + Math.floor(random() * 6)), logprob: Math.fround(logprob + Math.log(random())) });
    }
    tokens.push({ text: piece, logprob, top: alternatives.slice(0, top) });
    i += size;
  }
  return tokens;
}

const PARAMS = [0, 0.7, 1].map((temperature) => ({
  model: 'claude-haiku-4-5',
  system: 'You are a novelist.',
  user: 'Write the text, continuing seamlessly from wherever your reply begins, with no preamble or commentary.',
  temperature,
  max_tokens: 256,
  stop_sequences: ['\n\nTHE END'],
}));

function generationInfo(random: () => number, length: number): GenerationInfo {
  const output = Math.max(1, Math.round(length / 4));
  return {
    model: 'claude-haiku-4-5',
    params: PARAMS[Math.floor(random() * PARAMS.length)],
    stopReason: random() < 0.7 ? 'max_tokens' : 'end_turn',
    usage: { input_tokens: 200 + Math.floor(random() * 4000), output_tokens: output },
    durationMs: Math.round(output * 12 + random() * 400),
    requests: output > 256 ? Math.ceil(output / 256) : 1,
    status: 'completed',
  };
}

const CORPUS = (
  'the keeper climbed the stairs of the old lighthouse while the sea argued with the rocks below and ' +
  'somewhere a gull laughed at nothing in particular; she counted the steps, as she always did, and ' +
  'lost count at ninety-one, as she always did. "Again," she said to the lamp. The lamp said nothing.\n\n'
).repeat(80);

/** `length` characters of prose-like text. */
function words(random: () => number, length: number): string {
  const start = Math.floor(random() * (CORPUS.length - 20_001));
  return CORPUS.slice(start, start + Math.round(length));
}


function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

if (require.main === module) {
  benchTreeScale().then(
    (results) => console.log(JSON.stringify(results, null, 2)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
