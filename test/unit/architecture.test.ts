import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/codeServer';

/**
 * The layering ARCHITECTURE.md describes, lowest first: a folder may import only itself and the
 * folders before it. Core folders come first, so the core can never reach an adapter.
 */
const LAYERS = [
  'src/core/shared',
  'src/core/conversation',
  'src/core/providers',
  'src/core/generation',
  'src/core/loom',
  'src/core/probabilities',
  'src/core/interop',
  'src/core/reproducibility',
  'src/core/distribution',
  'src/endpoints',
  'src/conversation',
  'src/webviews',
  'src/session',
  'src/generation',
  'src/reproducibility',
  'src/distribution',
  'src/probabilities',
  'src/loom',
  'src',
];
/** Entry points nothing may import: the command line imports the core only. */
const CLI = 'src/cli';
/** The webview clients run in the browser: they share only the protocol file with the host. */
const WEBVIEW_PROTOCOL = 'src/webviews/webviewProtocol.ts';

interface ImportEdge {
  from: string;
  /** A repository-relative file, or a bare module name such as `vscode`. */
  to: string;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(repoRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

// Static imports and re-exports (type-only ones too: a cycle of types is still a cycle of ideas),
// dynamic import() and require().
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

function importsOf(file: string): ImportEdge[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  return [...text.matchAll(SPECIFIER)].map((match) => ({ from: file, to: resolveSpecifier(file, match[1]) }));
}

function resolveSpecifier(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    const absolute = path.join(repoRoot, candidate);
    if (fs.existsSync(absolute) && fs.statSync(absolute).isFile()) return candidate;
  }
  return base;
}

const folderOf = (file: string): string => path.posix.dirname(file);
const isCore = (file: string): boolean => file.startsWith('src/core/');

function layerViolation(edge: ImportEdge): string | undefined {
  if (!edge.to.startsWith('src/') && !edge.to.startsWith('media/')) {
    return isCore(edge.from) && edge.to === 'vscode' ? 'the core imports vscode' : undefined;
  }
  const from = folderOf(edge.from);
  const to = folderOf(edge.to);
  if (to === CLI && from !== CLI) return 'nothing imports the command line';
  if (from === CLI) return isCore(edge.to) || to === CLI ? undefined : 'the command line imports only the core';
  const fromRank = LAYERS.indexOf(from);
  const toRank = LAYERS.indexOf(to);
  if (fromRank < 0 || toRank < 0) return `folder not in the layer list (add it to LAYERS and ARCHITECTURE.md)`;
  return toRank > fromRank ? `${from} may not import ${to} (arrows point down the layers)` : undefined;
}

function mediaViolation(edge: ImportEdge): string | undefined {
  if (edge.to.startsWith('media/') || !edge.to.startsWith('src/')) return undefined;
  return edge.to === WEBVIEW_PROTOCOL ? undefined : 'a webview client imports host code other than the protocol';
}

/** Every cycle found by a depth-first walk, each as the files along it. */
function findCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const to of next.get(file) ?? []) {
      if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of next.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('architecture (the import structure ARCHITECTURE.md describes)', () => {
  const srcEdges = sourceFiles('src').flatMap(importsOf);
  const mediaEdges = sourceFiles('media').flatMap(importsOf);

  it('reads imports from the sources (the walk itself sees edges)', () => {
    assert.ok(srcEdges.some((e) => e.from === 'src/extension.ts' && e.to === 'vscode'));
    assert.ok(srcEdges.some((e) => e.to === WEBVIEW_PROTOCOL));
    assert.ok(mediaEdges.some((e) => e.to === WEBVIEW_PROTOCOL));
  });

  it('flags a vscode import in the core, an upward arrow, an import of the CLI and a cycle', () => {
    assert.match(layerViolation({ from: 'src/core/loom/loomTree.ts', to: 'vscode' }) ?? '', /core imports vscode/);
    assert.match(layerViolation({ from: 'src/core/shared/pricing.ts', to: 'src/core/loom/loomTree.ts' }) ?? '', /may not import/);
    assert.match(layerViolation({ from: 'src/session/loomSession.ts', to: 'src/generation/generationController.ts' }) ?? '', /may not import/);
    assert.match(layerViolation({ from: 'src/loom/loomIntents.ts', to: 'src/cli/options.ts' }) ?? '', /command line/);
    assert.equal(layerViolation({ from: 'src/loom/loomIntents.ts', to: 'src/session/loomSession.ts' }), undefined);
    const cycle = [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' }];
    assert.deepEqual(findCycles(cycle), [['a', 'b', 'c', 'a']]);
  });

  it('has no vscode import in the core and every arrow points down the layers', () => {
    const problems = srcEdges.flatMap((edge) => {
      const why = layerViolation(edge);
      return why ? [`${edge.from} -> ${edge.to}: ${why}`] : [];
    });
    assert.deepEqual(problems, []);
  });

  it('keeps the webview clients to the protocol file', () => {
    const problems = mediaEdges.flatMap((edge) => {
      const why = mediaViolation(edge);
      return why ? [`${edge.from} -> ${edge.to}: ${why}`] : [];
    });
    assert.deepEqual(problems, []);
  });

  it('has no import cycle', () => {
    const local = [...srcEdges, ...mediaEdges].filter((e) => e.to.startsWith('src/') || e.to.startsWith('media/'));
    assert.deepEqual(findCycles(local).map((cycle) => cycle.join(' -> ')), []);
  });

  it('names every source folder in ARCHITECTURE.md', () => {
    const map = fs.readFileSync(path.join(repoRoot, 'ARCHITECTURE.md'), 'utf8');
    const folders = new Set([...sourceFiles('src'), ...sourceFiles('media')].map(folderOf));
    const unnamed = [...folders].filter((folder) => !map.includes(`\`${folder}/\``));
    assert.deepEqual(unnamed, []);
  });
});

