import * as assert from 'node:assert/strict';
import { detectFormats, importForeignTree, loomsidianNoteList, parseForeignJson } from '../../src/core/interop/foreignTrees';
import { ImportError, type ImportResult } from '../../src/core/interop/importedTree';
import { writeTkLoom } from '../../src/core/interop/tkLoom';
import type { LoomNode } from '../../src/core/loom/loomNode';
import { LoomTree } from '../../src/core/loom/loomTree';
import { parseTreeFile, serializeTree } from '../../src/core/loom/treeFormat';
import { nodeTokens, packTokens } from '../../src/core/providers/tokenLogprobs';
import { streaming } from './treeFixtures';
import { bonsaiFile, exoloomFile, loomsidianFile, MINILOOM_TEXTS, miniloomFile, tkLoomFile } from './fixtures/foreignLooms';

type Json = Record<string, any>;

/** The probabilities of node `a` in {@link tkLoomFile}. */
const DRAGON_TOKENS = [
  { text: ' there', logprob: -0.5, top: [{ text: ' there', logprob: -0.5 }, { text: ' lived', logprob: -1.2 }] },
  { text: ' was', logprob: -0.1, top: [] },
  { text: ' a 🐉', logprob: -2.25, top: [{ text: ' a', logprob: -0.3 }] },
];

/** Root-to-leaf texts of a tree given by parent links and segment texts, computed from the source file itself. */
function sourceLeafTexts(nodes: Array<{ id: string; parent: string | null; text: string }>): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const hasChild = new Set(nodes.map((n) => n.parent).filter((p) => p !== null));
  const textOf = (id: string): string => {
    const n = byId.get(id)!;
    return (n.parent === null ? '' : textOf(n.parent)) + n.text;
  };
  return nodes.filter((n) => !hasChild.has(n.id)).map((n) => textOf(n.id)).sort();
}

function leafTexts(tree: LoomTree): string[] {
  return [...tree.preorder()].filter((n) => tree.children(n.id).length === 0).map((n) => tree.textOf(n.id)).sort();
}

function byOrigin(result: ImportResult): Map<string, LoomNode> {
  return new Map([...result.tree.preorder()].map((n) => [n.origin!.id, n]));
}

function tkNodes(node: Json, parent: string | null = null): Array<{ id: string; parent: string | null; text: string }> {
  return [{ id: node.id, parent, text: node.text }, ...node.children.flatMap((c: Json) => tkNodes(c, node.id))];
}

function run(raw: Json, options = {}): ImportResult {
  return importForeignTree(raw, options);
}

describe('importing trees from other looms', () => {
  describe('the original Loom (tk-loom)', () => {
    it('keeps every path, author, bookmark, tag, chapter, hidden mark, time, token and unmapped field', () => {
      const file = tkLoomFile();
      const result = run(file);
      assert.deepEqual(leafTexts(result.tree), sourceLeafTexts(tkNodes(file.root as Json)));
      const n = byOrigin(result);
      assert.equal(n.get('r')!.author, 'user');
      assert.equal(n.get('a')!.author, 'model');
      assert.equal(n.get('a1')!.origin!.authorship, 'mixed');
      assert.equal(n.get('a2')!.origin!.authorship, 'unknown', 'no meta.source: unknown, and it says so');
      assert.deepEqual([...n.values()].filter((x) => x.bookmarked).map((x) => x.origin!.id).sort(), ['a', 'a2']);
      assert.deepEqual(n.get('a')!.tags, ['dragons']);
      assert.equal(n.get('a')!.chapter, 'The dragon');
      assert.equal(n.get('a1')!.hidden, true);
      assert.equal(n.get('a2')!.text, '');
      assert.equal(n.get('a')!.createdAt, new Date(2024, 5, 1, 10, 0, 5).getTime());
      assert.deepEqual(nodeTokens(n.get('a')!.generation), DRAGON_TOKENS, 'the probabilities are token data, as a recorded generation has');
      assert.equal(n.get('a')!.generation!.model, 'davinci');
      assert.equal(n.get('a')!.generation!.imported, 'tk-loom', 'marked as another loom\'s: there is no request of ours to replay');
      assert.equal(n.get('a')!.origin!.fields!.tokens, undefined, 'not kept twice');
      assert.deepEqual(n.get('a')!.origin!.fields!.meta, { origin: 'generated' });
      assert.equal(n.get('a')!.origin!.fields!.visited, true);
      assert.deepEqual(n.get('b')!.origin!.fields!.text_attributes, { nav_preview: 'x' });
      assert.deepEqual(Object.keys((n.get('r')!.origin!.fields!.tree as Json)).sort(), ['generation_settings', 'model_responses']);
      assert.equal(result.tree.textOf(result.currentId), 'Once upon a time there was a 🐉.');
      assert.match(result.summary, /^imported 5 nodes from Loom \(socketteer\/loom\); kept 6 fields as metadata: generation, meta, open, text_attributes, tree, visited\.$/);
    });

    it('reads the simple export ({text, children}) and older files with logprobs under meta.generation', () => {
      const result = run({ text: 'A', children: [{ text: 'B', children: [] }, { text: 'C', children: [{ text: 'D', children: [] }], meta: { generation: { logprobs: { tokens: ['C'], token_logprobs: [-1], top_logprobs: [{ C: -1, X: -2 }] } } } }] });
      assert.deepEqual(leafTexts(result.tree), ['AB', 'ACD']);
      const c = [...result.tree.preorder()].find((x) => x.text === 'C')!;
      assert.deepEqual(c.origin!.fields!.tokens, [{ text: 'C', logprob: -1, top: [{ text: 'C', logprob: -1 }, { text: 'X', logprob: -2 }] }]);
    });

    it('round-trips through the Loom format: text, structure, authorship, bookmarks, tags, chapters, hidden marks and token probabilities', () => {
      const first = run(tkLoomFile());
      const again = run(parseForeignJson(writeTkLoom(first.tree, first.currentId)));
      assert.deepEqual(shape(again.tree), shape(first.tree));
      assert.deepEqual(nodeTokens(byOrigin(again).get('a')!.generation), DRAGON_TOKENS);
      assert.equal(again.tree.textOf(again.currentId), first.tree.textOf(first.currentId));
    });

    it('writes the token probabilities a generation here recorded, which import back as token data', () => {
      const made = LoomTree.create('Once');
      const node = made.addChild(made.rootId, ' there was a 🐉', { author: 'model', generation: { ...streaming, status: 'completed', tokens: packTokens(DRAGON_TOKENS) } });
      const back = run(parseForeignJson(writeTkLoom(made, node.id)));
      assert.deepEqual(nodeTokens(back.tree.get(back.currentId)!.generation), DRAGON_TOKENS);
    });

    it('round-trips a tree made here (generations, hand edits, splits) through the Loom format', () => {
      const made = run(exoloomFile()).tree;
      const text = writeTkLoom(made, made.rootId);
      const back = run(parseForeignJson(text)).tree;
      assert.deepEqual(shape(back), shape(made));
    });
  });

  describe('Loomsidian', () => {
    it('lists the notes of a data.json with their node counts, and needs a note when there are several', () => {
      const file = loomsidianFile();
      assert.deepEqual(loomsidianNoteList(file), [
        { path: 'stories/dragon.md', nodes: 5 },
        { path: 'notes/other.md', nodes: 1 },
      ]);
      assert.throws(() => run(file), (e: ImportError) => e.kind === 'unknownShape' && /2 notes.*--note/.test(e.message));
    });

    it('imports one note: paths, child order, bookmarks, current node, unknown authorship, kept fields', () => {
      const file = loomsidianFile();
      const result = run(file, { note: 'stories/dragon.md' });
      const nodes = (file.state as Json)['stories/dragon.md'].nodes as Json;
      assert.deepEqual(leafTexts(result.tree), sourceLeafTexts(Object.entries(nodes).map(([id, v]) => ({ id, parent: v.parentId, text: v.text }))));
      const n = byOrigin(result);
      assert.deepEqual(result.tree.children(n.get('u1')!.id).map((c) => c.origin!.id), ['u2', 'u5']);
      assert.deepEqual([...n.values()].filter((x) => x.bookmarked).map((x) => x.origin!.id), ['u3']);
      assert.ok([...n.values()].every((x) => x.author === 'user' && x.origin!.authorship === 'unknown'));
      assert.equal(result.tree.textOf(result.currentId), 'The cave itself was 🌑 dark');
      assert.deepEqual(n.get('u3')!.origin!.fields, { collapsed: true, unread: true, searchResultState: null });
      assert.equal(n.get('u1')!.origin!.fields!.note, 'stories/dragon.md');
    });
  });

  describe('exoloom', () => {
    it('keeps USER/LLM authors, bookmarks, pruned nodes as hidden, child order and times; no active path means the root', () => {
      const file = exoloomFile();
      const result = run(file);
      const nodes = (file.tree as Json).nodes as Json;
      assert.deepEqual(leafTexts(result.tree), sourceLeafTexts(Object.entries(nodes).map(([id, v]) => ({ id, parent: v.parentId === null ? null : String(v.parentId), text: v.content }))));
      const n = byOrigin(result);
      assert.deepEqual(result.tree.children(n.get('10')!.id).map((c) => c.origin!.id), ['12', '11']);
      assert.equal(n.get('11')!.author, 'model');
      assert.equal(n.get('13')!.author, 'user');
      assert.equal(n.get('11')!.bookmarked, true);
      assert.equal(n.get('12')!.hidden, true);
      assert.equal(n.get('11')!.createdAt, Date.parse('2025-01-02T03:05:00Z'));
      assert.equal(n.get('11')!.origin!.fields!.authorName, 'base-405b');
      assert.equal(result.currentId, result.tree.rootId);
      assert.deepEqual(n.get('10')!.origin!.fields!.lens, { zoom: 2 });
    });
  });

  describe('MiniLoom', () => {
    it('applies each node patch to its parent text; a rewrite hangs where its text still agrees, keeping its MiniLoom parent', () => {
      const result = run(miniloomFile());
      assert.deepEqual(leafTexts(result.tree), [MINILOOM_TEXTS[3], MINILOOM_TEXTS[4]].sort());
      const n = byOrigin(result);
      assert.equal(result.tree.textOf(n.get('3')!.id), MINILOOM_TEXTS[2]);
      const rewrite = n.get('4')!;
      assert.equal(rewrite.origin!.parentId, '3');
      assert.equal(rewrite.origin!.authorship, 'mixed');
      assert.equal(n.get('3')!.author, 'model');
      assert.equal(n.get('2')!.author, 'user');
      assert.equal(result.tree.textOf(result.currentId), MINILOOM_TEXTS[4]);
      assert.equal(n.get('3')!.origin!.fields!.rating, true);
      assert.equal(n.get('3')!.origin!.fields!.model, 'llama-3-405b-base');
    });

    it('refuses a patch that does not fit its parent text, naming the node', () => {
      const file = miniloomFile() as Json;
      file.loomTree.nodeStore['3'].patch[0].start2 += 3;
      assert.throws(() => run(file), (e: ImportError) => e.kind === 'corrupt' && /node 3's patch does not fit/.test(e.message));
    });
  });

  describe('Bonsai', () => {
    it('hangs a node with two parents under the first, keeps the others, follows childrenIds order and the focused node', () => {
      const file = bonsaiFile();
      const result = run(file);
      const n = byOrigin(result);
      assert.deepEqual(result.tree.children(n.get('x')!.id).map((c) => c.origin!.id), ['z', 'y']);
      assert.deepEqual(n.get('w')!.origin!.fields!.parentIds, ['y', 'z']);
      assert.deepEqual(leafTexts(result.tree), ['Ship log: calm 🌊 seas', 'Ship log: storm']);
      assert.equal(n.get('y')!.author, 'model');
      assert.equal(n.get('z')!.author, 'model');
      assert.equal(n.get('x')!.author, 'user');
      assert.equal(n.get('w')!.origin!.authorship, 'unknown');
      assert.equal(n.get('y')!.bookmarked, true);
      assert.equal(n.get('z')!.hidden, true);
      assert.equal(result.tree.textOf(result.currentId), 'Ship log: calm 🌊 seas');
    });
  });

  describe('detection and refusal', () => {
    it('detects each format from its shape alone', () => {
      assert.deepEqual(detectFormats(tkLoomFile()), ['tk-loom']);
      assert.deepEqual(detectFormats(loomsidianFile()), ['loomsidian']);
      assert.deepEqual(detectFormats(exoloomFile()), ['exoloom']);
      assert.deepEqual(detectFormats(miniloomFile()), ['miniloom']);
      assert.deepEqual(detectFormats(bonsaiFile()), ['bonsai']);
    });

    it('refuses a file that is not JSON as corrupt, and an unknown shape or a wrong --format as unknown', () => {
      assert.throws(() => parseForeignJson('{"root": '), (e: ImportError) => e.kind === 'corrupt' && /not valid JSON/.test(e.message));
      assert.throws(() => run({ hello: 'world' }), (e: ImportError) => e.kind === 'unknownShape' && /Supported: Loom/.test(e.message));
      assert.throws(() => run(exoloomFile(), { format: 'bonsai' }), (e: ImportError) => e.kind === 'unknownShape' && /looks like exoloom/.test(e.message));
      assert.throws(() => run({ format: 'prefill-loom-tree' }), /Prefill Loom tree already/);
    });

    it('refuses damaged files with what was expected: a missing parent, a cycle, two roots, a node without text', () => {
      const cases: Array<[Json, RegExp]> = [
        [{ state: { n: { current: 'a', nodes: { a: { text: 'x', parentId: 'ghost' } } } } }, /parent "ghost" that is not in the file/],
        [{ state: { n: { current: 'a', nodes: { r: { text: '', parentId: null }, a: { text: 'x', parentId: 'b' }, b: { text: 'y', parentId: 'a' } } } } }, /cycle/],
        [{ state: { n: { current: 'a', nodes: { a: { text: 'x', parentId: null }, b: { text: 'y', parentId: null } } } } }, /2 root nodes/],
        [{ root: { id: 'r', children: [] } }, /has no text/],
      ];
      for (const [file, message] of cases) assert.throws(() => run(file), (e: ImportError) => e.kind === 'corrupt' && message.test(e.message));
    });

    it('writes the imported tree as a Prefill Loom tree file that reads back with every label', () => {
      const result = run(tkLoomFile());
      const parsed = parseTreeFile(serializeTree(result.tree, { currentId: result.currentId, document: 'x.md' }), 'x.md.loom.json');
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.value.warnings, []);
      assert.deepEqual([...parsed.value.tree.preorder()], [...result.tree.preorder()]);
    });
  });
});

/** What a round trip must keep: per node in preorder, its text, depth, author, authorship and labels. */
function shape(tree: LoomTree): unknown[] {
  const depth = (n: LoomNode): number => (n.parentId === null ? 0 : depth(tree.get(n.parentId)!) + 1);
  return [...tree.preorder()].map((n) => ({
    text: n.text,
    depth: depth(n),
    author: n.author,
    authorship: n.origin?.authorship,
    bookmarked: Boolean(n.bookmarked),
    tags: n.tags ?? [],
    chapter: n.chapter,
    hidden: Boolean(n.hidden),
  }));
}
