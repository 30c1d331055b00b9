import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { detectFormats, importForeignTree, loomsidianNoteList, parseForeignJson } from '../../src/core/interop/foreignTrees';
import { ImportError, type ImportResult } from '../../src/core/interop/importedTree';
import { writeTkLoom } from '../../src/core/interop/tkLoom';
import type { LoomNode } from '../../src/core/loom/loomNode';
import { LoomTree } from '../../src/core/loom/loomTree';
import { parseTreeFile, serializeTree } from '../../src/core/loom/treeFormat';
import { nodeTokens, packTokens } from '../../src/core/providers/tokenLogprobs';
import { generateTkLoomFile } from '../bench/loomInterop';
import { streaming } from './treeFixtures';
import { bonsaiFile, exoloomFile, loomsidianFile, MINILOOM_TEXTS, miniloomFile, tkLoomFile } from './fixtures/foreignLooms';

type Json = Record<string, any>;

/** The probabilities of node `a` in {@link tkLoomFile}. */
const DRAGON_TOKENS = [
  { text: ' there', logprob: -0.5, top: [{ text: ' there', logprob: -0.5 }, { text: ' lived', logprob: -1.2 }] },
  { text: ' was', logprob: -0.1, top: [] },
  { text: ' a 🐉', logprob: -2.25, top: [{ text: ' a', logprob: -0.3 }] },
];

/** Loom's simple export, with a node's logprobs where older files kept them. */
const OLDER_TK_FILE = { text: 'A', children: [{ text: 'B', children: [] }, { text: 'C', children: [{ text: 'D', children: [] }], meta: { generation: { logprobs: { tokens: ['C'], token_logprobs: [-1], top_logprobs: [{ C: -1, X: -2 }] } } } }] };

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
      const result = run(OLDER_TK_FILE);
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

    it('packs a model node\'s tokens only when they are read, to exactly what packing them at once gives', () => {
      const generation = byOrigin(run(tkLoomFile())).get('a')!.generation!;
      assert.ok(Object.getOwnPropertyDescriptor(generation, 'tokens')!.get, 'not packed by the import');
      assert.deepEqual(Object.keys(generation), ['model', 'params', 'stopReason', 'usage', 'durationMs', 'requests', 'status', 'tokens', 'imported']);
      assert.equal(generation.usage.output_tokens, DRAGON_TOKENS.length);
      assert.deepEqual(generation.tokens, packTokens(DRAGON_TOKENS));
      assert.equal(generation.tokens, generation.tokens, 'packed once, then kept');
      assert.deepEqual(Object.getOwnPropertyDescriptor(generation, 'tokens'), { value: packTokens(DRAGON_TOKENS), writable: true, enumerable: true, configurable: true });
    });

    it('counts only the readable tokens, and keeps a model node with none as a node without token data', () => {
      const file = tkLoomFile() as Json;
      const tokens = file.model_responses.gen1.completions[0].tokens;
      tokens.splice(1, 0, { generatedToken: { token: 7, logprob: -1 } }, 'not a token');
      assert.equal(byOrigin(run(file)).get('a')!.generation!.usage.output_tokens, DRAGON_TOKENS.length);
      assert.deepEqual(nodeTokens(byOrigin(run(file)).get('a')!.generation), DRAGON_TOKENS);
      file.model_responses.gen1.completions[0].tokens = ['none readable'];
      const a = byOrigin(run(file)).get('a')!;
      assert.equal(a.generation, undefined);
      assert.deepEqual(a.origin!.fields!.tokens, []);
    });

    it('reads a tree thousands of nodes deep, and names where a damaged node sits', () => {
      const depth = 20_000;
      const deep = '{"root":' + '{"id":"n","text":"x","children":['.repeat(depth) + ']}'.repeat(depth) + '}';
      assert.throws(() => run(parseForeignJson(deep)), (e: ImportError) => e.kind === 'corrupt' && /two nodes have the id "n"/.test(e.message));
      const chain = '{"root":' + Array.from({ length: depth }, (_, i) => `{"id":"n${i}","text":"x","children":[`).join('') + ']}'.repeat(depth) + '}';
      const result = run(parseForeignJson(chain));
      assert.equal(result.tree.size, depth);
      assert.equal(result.tree.textOf([...result.tree.preorder()].at(-1)!.id).length, depth);
      const damaged = { root: { id: 'r', text: '', children: [{ id: 'a', text: '', children: [] }, { id: 'b', text: '', children: [{ id: 'c', children: [] }] }] } };
      assert.throws(() => run(damaged), (e: ImportError) => e.kind === 'corrupt' && e.message === 'This Loom file is damaged: the node at root.children[1].children[0] has no text.');
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

    it('saves and exports an imported tree byte for byte as the importer that packed every token at once did', () => {
      // SHA-256 of the tree file and of the Loom export, from the code before tokens were packed when read (times read in UTC).
      const expected: Array<[string, Json, string, string]> = [
        ['tk-loom', tkLoomFile(), 'b3c133b30da186e9af58455fc765b0689bddeedea661b41c7583735e885de42d', 'ebfd0596135f62d04b81cc6bd40b9e00dec43faa62d5a25b9d6805f035dd1196'],
        ['loomsidian', loomsidianFile(), 'b4911cdb72ab9c9d249b97c799df0f326cc5ef8c0ecae321afab416c285da72d', '42150db82ab17a8a1a2e08fc8dacac85e21cc20eeebe4fba0d699567820af5ee'],
        ['exoloom', exoloomFile(), '67d8f5236f0f633f50669b04b216fc10db604b6e85d74b265cee8ba0fce91a74', '93487112ca5a0cf2ba0d68084bf811818ded056318a79341a2cdd9bc666b8de2'],
        ['miniloom', miniloomFile(), 'b2ffeb55e18353025f6121b9252e4b28d208b0490f066515b17808bd2176caa7', '8b382e92780d4c193fc319e4bff90877a2f22d7240212fc92e694c4b8690e12e'],
        ['bonsai', bonsaiFile(), '013e33c8a88583b940688baf8ab8d35fa08f87ffec0983a8be190e494693e03f', 'd935baa2f71b8d4c3e319ae4fc9ab63e55a6cc4dce778108d231f7bb425e749f'],
        ['older tk-loom', OLDER_TK_FILE, '60ace9fe0b0c99b56fbfa79772af632c87926fb66e824fddf9706a922d29e50c', '3f1e997c7dbfd45fd8a092ca645109963db9224516c1c36c04bbe3e96c5dad73'],
        ['generated tk-loom', JSON.parse(generateTkLoomFile(2000, 3).json), 'c46f9cf7ee072e553d83011d887f926a75da7751782d30bb439bed102bb27c4a', 'e0bda74d2edce57077da87208ee9adea7aff16dc9679afeda4994b16aab7edca'],
      ];
      const zone = process.env.TZ;
      process.env.TZ = 'UTC';
      try {
        for (const [name, file, saved, exported] of expected) {
          const result = run(file, name === 'loomsidian' ? { note: 'stories/dragon.md' } : {});
          const sha = (text: string) => createHash('sha256').update(text).digest('hex');
          assert.equal(sha(serializeTree(result.tree, { currentId: result.currentId, document: 'x.md' })), saved, `${name}: tree file`);
          assert.equal(sha(writeTkLoom(result.tree, result.currentId)), exported, `${name}: Loom export`);
        }
      } finally {
        if (zone === undefined) delete process.env.TZ;
        else process.env.TZ = zone;
      }
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
