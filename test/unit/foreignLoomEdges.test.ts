// The edges of importing other looms' files: each refusal with the message that names what was
// expected, and the small shapes real files take (a lone note, a node without children, a time or
// a tag that is not what it should be), where nothing must be lost or invented.
import * as assert from 'node:assert/strict';
import { detectFormats, importForeignTree, loomsidianNoteList, parseForeignJson } from '../../src/core/interop/foreignTrees';
import { buildImportedTree, ImportError, type ImportedNode, type ImportResult } from '../../src/core/interop/importedTree';
import { writeTkLoom } from '../../src/core/interop/tkLoom';
import type { LoomNode } from '../../src/core/loom/loomNode';
import { LoomTree } from '../../src/core/loom/loomTree';
import { nodeTokens, packTokens } from '../../src/core/providers/tokenLogprobs';
import { streaming } from './treeFixtures';
import { bonsaiFile, exoloomFile, loomsidianFile, miniloomFile, tkLoomFile } from './fixtures/foreignLooms';

type Json = Record<string, any>;

/** The node imported from the other loom's node `id`. */
function imported(result: ImportResult, id: string): LoomNode {
  const found = [...result.tree.preorder()].find((n) => n.origin!.id === id);
  assert.ok(found, `no node imported from ${id}`);
  return found;
}

/** Asserts that importing `raw` fails with exactly `message` and `kind`. */
function refuses(raw: Json, message: string, kind: ImportError['kind'] = 'corrupt', options = {}): void {
  assert.throws(
    () => importForeignTree(raw, options),
    (e: unknown) => {
      assert.ok(e instanceof ImportError, String(e));
      assert.equal(e.message, message);
      assert.equal(e.kind, kind);
      return true;
    },
  );
}

const SUPPORTED = 'Supported: Loom (socketteer/loom), Loomsidian, exoloom, MiniLoom, Bonsai.';

/** A file with the shapes of both exoloom and MiniLoom. */
const AMBIGUOUS = { loomType: 'Exoloom', tree: {}, loomTree: { nodeStore: {} } };

describe('importing other looms: refusals and edge shapes', () => {
  describe('reading and detection', () => {
    it('drops a byte-order mark before the JSON, and refuses a top level that is not an object', () => {
      assert.deepEqual(parseForeignJson('\ufeff{"a": 1}'), { a: 1 });
      for (const text of ['null', '[1]', '"x"']) {
        assert.throws(() => parseForeignJson(text), (e: ImportError) => e.kind === 'unknownShape' && e.message === `This file is not a tree from a loom Prefill Loom can read (its top level is not a JSON object). ${SUPPORTED}`);
      }
    });

    it('names every supported loom for a file of no known shape, with or without --format', () => {
      refuses({ hello: 'world' }, `This file is not a tree from a loom Prefill Loom can read (it matches none of their shapes). ${SUPPORTED}`, 'unknownShape');
      refuses({ hello: 'world' }, 'The file does not have the shape of a Bonsai file.', 'unknownShape', { format: 'bonsai' });
    });

    it('asks which format a file of two shapes is, and names both when --format names a third', () => {
      assert.deepEqual(detectFormats(AMBIGUOUS), ['exoloom', 'miniloom']);
      refuses(AMBIGUOUS, 'The file could be exoloom or MiniLoom; say which (--format exoloom|miniloom).', 'unknownShape');
      refuses(AMBIGUOUS, 'The file does not have the shape of a Bonsai file (it looks like exoloom or MiniLoom).', 'unknownShape', { format: 'bonsai' });
    });

    it('refuses a Prefill Loom tree file as of no other loom\'s shape', () => {
      refuses({ format: 'prefill-loom-tree' }, 'This is a Prefill Loom tree already: open it with "Loom Tree: Import…" (or use it as a tree file).', 'unknownShape');
    });

    it('imports with --format naming the format the file has', () => {
      assert.equal(importForeignTree(exoloomFile(), { format: 'exoloom' }).tree.size, 4);
    });

    it('needs every part of each shape before it calls a file that loom\'s', () => {
      const none: Json[] = [
        { tree: { nodes: {} } },
        { loomType: 'Exoloom' },
        { loomType: 'Exoloom', tree: null },
        { state: {} },
        { state: { 'a.md': { nodes: {} } } },
        { state: { 'a.md': { current: 'a' } } },
        { current: 'a', nodes: [] },
        { nodes: [{ id: 'a', text: 'x' }] },
        { nodes: [null] },
        { text: 'x' },
        { children: [] },
        { root: { id: 'r', text: 'x' } },
      ];
      for (const raw of none) assert.deepEqual(detectFormats(raw), [], JSON.stringify(raw));
    });
  });

  describe('building the tree', () => {
    const node = (id: string, parentId: string | null, extra: Partial<ImportedNode> = {}): ImportedNode => ({ id, parentId, text: id, author: 'user', fields: {}, ...extra });
    const build = (nodes: ImportedNode[], rootId = 'r') => buildImportedTree({ format: 'bonsai', rootId, nodes });
    const corrupt = (nodes: ImportedNode[], message: string) => assert.throws(() => build(nodes), (e: ImportError) => e.kind === 'corrupt' && e.message === message);

    it('refuses a tree whose first node is not its root, and a node before its parent', () => {
      corrupt([], 'the root node "r" is missing');
      corrupt([node('a', null)], 'the root node "r" is missing');
      corrupt([node('r', 'a')], 'the root node "r" is missing');
      corrupt([node('r', null), node('b', 'a'), node('a', 'r')], 'node "b" names a parent that is not in the file, or comes before it');
      corrupt([node('r', null), node('b', null)], 'node "b" names a parent that is not in the file, or comes before it');
    });

    it('sets no tags for an empty list, keeps a chapter alone, and gives later nodes ids that follow the imported ones', () => {
      const result = build([node('r', null), node('a', 'r', { tags: [] }), node('c', 'r', { chapter: 'Two' }), node('b', 'r', { tags: [], bookmarked: true })]);
      assert.equal('tags' in imported(result, 'a'), false);
      assert.equal('tags' in imported(result, 'b'), false);
      assert.equal(imported(result, 'c').chapter, 'Two');
      assert.deepEqual([...result.tree.preorder()].map((n) => n.id), ['i0', 'i1', 'i2', 'i3']);
      assert.equal(result.tree.addChild(result.tree.rootId, 'more', { author: 'user' }).id, 'i4');
    });

    it('counts each kept field per node, and says one node, one field or none', () => {
      const result = importForeignTree(loomsidianFile(), { note: 'stories/dragon.md' });
      assert.deepEqual(Object.fromEntries(result.keptFields), { collapsed: 5, unread: 5, lastVisited: 1, searchResultState: 5, note: 1, noteState: 1 });
      assert.equal(build([node('r', null)]).summary, 'imported 1 node from Bonsai.');
      assert.equal(build([node('r', null, { fields: { x: 1 } }), node('a', 'r', { fields: { x: 2 } })]).summary, 'imported 2 nodes from Bonsai; kept 1 field as metadata: x.');
    });

    it('starts at the root when the selected node is not in the file', () => {
      const file = tkLoomFile();
      file.selected_node_id = 'ghost';
      const result = importForeignTree(file);
      assert.equal(result.currentId, result.tree.rootId);
    });
  });

  describe('Loomsidian', () => {
    const note = (nodes: Json, extra: Json = {}) => ({ current: 'a', nodes, ...extra });
    const notes = (count: number) => ({ state: Object.fromEntries(Array.from({ length: count }, (_, i) => [`n${i + 1}.md`, note({ a: { text: 'x', parentId: null } })])) });

    it('keeps a bookmark that is not true or false as a field, and reads it as none', () => {
      const result = importForeignTree(note({ a: { text: 'A', bookmarked: 'yes' } }));
      assert.deepEqual([imported(result, 'a').bookmarked ?? false, imported(result, 'a').origin!.fields], [false, { bookmarked: 'yes' }]);
      assert.equal(imported(importForeignTree(note({ a: { text: 'A', bookmarked: true } })), 'a').origin!.fields, undefined);
    });

    it('reads a single note\'s state as its own file, with nothing invented on its root', () => {
      const result = importForeignTree(note({ a: { text: 'A' }, b: { text: 'B', parentId: 'a' } }));
      assert.equal(result.tree.textOf(result.currentId), 'A');
      assert.equal(imported(result, 'a').origin!.fields, undefined, 'no note name, no empty note state');
      assert.deepEqual(loomsidianNoteList(note({ a: { text: 'A' } })), [{ path: '', nodes: 1 }]);
    });

    it('passes over entries of the plugin state that are not notes', () => {
      const file = { state: { 'a.md': note({ a: { text: 'A', parentId: null } }), junk: 5, other: { nodes: {} } } };
      assert.deepEqual(loomsidianNoteList(file), [{ path: 'a.md', nodes: 1 }]);
      assert.equal(importForeignTree(file).tree.size, 1);
    });

    it('lists at most five notes when it needs one, and refuses a note the file does not hold', () => {
      refuses(notes(2), 'This Loomsidian file holds 2 notes; say which one (--note PATH): n1.md, n2.md.', 'unknownShape');
      refuses(notes(5), 'This Loomsidian file holds 5 notes; say which one (--note PATH): n1.md, n2.md, n3.md, n4.md, n5.md.', 'unknownShape');
      refuses(notes(6), 'This Loomsidian file holds 6 notes; say which one (--note PATH): n1.md, n2.md, n3.md, n4.md, n5.md, ….', 'unknownShape');
      refuses(loomsidianFile(), 'This Loomsidian file has no note "nope.md".', 'unknownShape', { note: 'nope.md' });
    });

    it('refuses a node without text, a tree without a root, and names the first three of several roots', () => {
      refuses(note({ a: { text: 'A' }, u9: { parentId: 'a' } }), 'This Loomsidian file is damaged: node "u9" has no text.');
      refuses(note({ a: { text: 'A' }, u9: 'text' }), 'This Loomsidian file is damaged: node "u9" has no text.');
      refuses(note({ a: { text: 'A', parentId: 'b' }, b: { text: 'B', parentId: 'a' } }), 'This Loomsidian file is damaged: it has no root node (every node has a parent).');
      refuses(note({ a: { text: 'A' }, b: { text: 'B' }, c: { text: 'C' }, d: { text: 'D' } }), 'This Loomsidian file is damaged: it has 4 root nodes ("a", "b", "c"), one was expected.');
    });
  });

  describe('exoloom', () => {
    const exo = (change: (file: Json) => void): Json => {
      const file = exoloomFile() as Json;
      change(file);
      return file;
    };
    const damaged = (what: string) => `This exoloom file is damaged: ${what}.`;

    it('refuses a file without nodes or root, a node reached twice, missing or without content, an unknown author, a child id that is not an id, and unreachable nodes', () => {
      refuses(exo((f) => (f.tree.nodes = [])), damaged('tree.nodes is not an object of nodes'));
      refuses(exo((f) => delete f.tree.rootNodeId), damaged('tree.rootNodeId names no node'));
      refuses(exo((f) => (f.tree.rootNodeId = 99)), damaged('tree.rootNodeId names no node'));
      refuses(exo((f) => { delete f.tree.rootNodeId; f.tree.nodes.undefined = { content: '', authorType: 'USER' }; }), damaged('tree.rootNodeId names no node'));
      refuses(exo((f) => (f.tree.rootNodeId = 10.5)), damaged('tree.rootNodeId names no node'));
      refuses(exo((f) => f.tree.nodes[11].childrenIds.push(12)), damaged('node 12 is reached twice (a cycle or a shared child)'));
      refuses(exo((f) => f.tree.nodes[13].childrenIds.push(99)), damaged('node 99 is missing or has no content'));
      refuses(exo((f) => (f.tree.nodes[11] = 'flew')), damaged('node 11 is missing or has no content'));
      refuses(exo((f) => delete f.tree.nodes[11].content), damaged('node 11 is missing or has no content'));
      refuses(exo((f) => (f.tree.nodes[11].authorType = 'AI')), damaged('node 11 has authorType "AI", USER or LLM was expected'));
      refuses(exo((f) => f.tree.nodes[13].childrenIds.push(null)), damaged('node 13 has a child id that is not an id'));
      refuses(exo((f) => f.tree.nodes[13].childrenIds.push(1.5)), damaged('node 13 has a child id that is not an id'));
      refuses(
        exo((f) => [20, 21, 22, 23].forEach((id) => (f.tree.nodes[id] = { content: '', authorType: 'USER' }))),
        damaged('4 node(s) are not reachable from the root (20, 21, 22)'),
      );
    });

    it('reads a file with only the tree and nodes, a leaf without childrenIds and a lens that is not an object, inventing no fields', () => {
      const result = importForeignTree({ loomType: 'Exoloom', tree: { rootNodeId: 1, nodes: { 1: { content: 'A', authorType: 'USER', childrenIds: [2] }, 2: { content: 'B', authorType: 'LLM' } } }, lens: null });
      assert.equal(result.tree.size, 2);
      assert.equal(imported(result, '1').origin!.fields, undefined);
      assert.equal(imported(result, '2').author, 'model');
    });
  });

  describe('Bonsai', () => {
    const damaged = (what: string) => `This Bonsai file is damaged: ${what}.`;

    it('keeps a bookmark or hidden mark that is not true or false as a field, and reads it as none', () => {
      const result = importForeignTree({ nodes: [{ id: 'r', text: 'A', bookmarked: 1, hidden: 'no' }, { id: 'c', text: 'B', parentIds: ['r'], bookmarked: true, hidden: false }] });
      const root = imported(result, 'r');
      assert.deepEqual([root.bookmarked ?? false, root.hidden ?? false, root.origin!.fields], [false, false, { bookmarked: 1, hidden: 'no' }]);
      assert.deepEqual([imported(result, 'c').bookmarked, imported(result, 'c').origin!.fields], [true, undefined]);
    });

    it('reads nodes with only parentIds or only childrenIds, and a root without either', () => {
      const file = { nodes: [{ id: 'r', text: 'A' }, { id: 'c', text: 'B', parentIds: ['r'] }] };
      assert.deepEqual(detectFormats(file), ['bonsai']);
      const result = importForeignTree(file);
      assert.equal(result.tree.textOf(imported(result, 'c').id), 'AB');
      assert.equal(imported(result, 'r').origin!.fields, undefined, 'nothing invented for the tree');
      assert.deepEqual(detectFormats({ nodes: [{ id: 'r', text: 'A', childrenIds: [] }, { id: 'c', text: 'B' }] }), ['bonsai']);
    });

    it('refuses a node without id or text, naming its place, and two nodes with one id', () => {
      refuses({ nodes: [{ id: 'r', text: 'A', parentIds: [] }, { id: 'c', parentIds: ['r'] }] }, damaged('node 2 has no id or no text'));
      refuses({ nodes: [{ id: 'r', text: 'A', parentIds: [] }, { text: 'B', parentIds: ['r'] }] }, damaged('node 2 has no id or no text'));
      refuses({ nodes: [{ id: 'r', text: 'A', parentIds: [] }, 'B', { id: 'c', text: 'C', parentIds: ['r'] }] }, damaged('node 2 has no id or no text'));
      refuses({ nodes: [{ id: 'r', text: 'A', parentIds: [] }, { id: '', text: 'B', parentIds: ['r'] }] }, damaged('node 2 has no id or no text'));
      refuses({ nodes: [{ id: 'r', text: 'A', parentIds: [] }, { id: 'r', text: 'B', parentIds: [] }] }, damaged('two nodes share the id "r"'));
    });

    it('orders children as childrenIds lists them, and the unlisted ones after, in file order', () => {
      const kids = ['a', 'b', 'c'].map((id) => ({ id, text: id, parentIds: ['r'] }));
      const order = (childrenIds: string[]) => {
        const result = importForeignTree({ nodes: [{ id: 'r', text: 'R', parentIds: [], childrenIds }, ...kids] });
        return result.tree.children(result.tree.rootId).map((n) => n.origin!.id);
      };
      assert.deepEqual(order(['a', 'c', 'b']), ['a', 'c', 'b']);
      assert.deepEqual(order(['c']), ['c', 'a', 'b']);
      assert.deepEqual(order([]), ['a', 'b', 'c']);
    });

    it('reads the author from type or author in any case, and calls an unknown type unknown', () => {
      const authorOf = (n: Json) => {
        const node = imported(importForeignTree({ nodes: [{ id: 'r', text: 'A', parentIds: [], ...n }] }), 'r');
        return `${node.author}/${node.origin!.authorship ?? 'known'}`;
      };
      assert.equal(authorOf({ author: 'AI' }), 'model/known');
      assert.equal(authorOf({ author: 'Human' }), 'user/known');
      assert.equal(authorOf({ type: 'note' }), 'user/unknown');
      assert.equal(authorOf({ type: 'Prompt', model: 'gpt' }), 'user/known', 'the type says who wrote it, the model only where it does not');
    });

    it('takes the focused node, else the last readable node of the path', () => {
      const current = (extra: Json) => {
        const result = importForeignTree({ ...bonsaiFile(), focusedId: undefined, ...extra });
        return imported(result, 'x') === result.tree.get(result.currentId) ? 'root' : result.tree.get(result.currentId)!.origin!.id;
      };
      assert.equal(current({ focusedId: 'z', pathNodes: ['x', 'y'] }), 'z');
      assert.equal(current({ pathNodes: ['x', 'y'] }), 'y');
      assert.equal(current({ pathNodes: ['x', 'y', {}] }), 'y');
      assert.equal(current({ pathNodes: ['x', 'y', 'ghost'] }), 'root');
    });
  });

  describe('MiniLoom', () => {
    const mini = (change: (store: Json) => void): Json => {
      const file = miniloomFile() as Json;
      change(file.loomTree.nodeStore);
      return file;
    };
    const damaged = (what: string) => `This MiniLoom file is damaged: ${what}.`;

    it('reads a node without a patch as its parent\'s text, and diffs saved as objects', () => {
      for (const patch of [undefined, null, '']) {
        const result = importForeignTree(mini((s) => (s['5'].patch = patch)));
        assert.equal(result.tree.textOf(imported(result, '5').id), 'Dear diary, today 🌧 rain');
      }
      const objects = importForeignTree(mini((s) => s['5'].patch.forEach((p: Json) => (p.diffs = p.diffs.map(([op, text]: [number, string]) => ({ 0: op, 1: text }))))));
      assert.equal(objects.tree.textOf(imported(objects, '5').id), 'Dear diary, today 🌧 rain.');
    });

    it('refuses a node that is not an object, and a patch or diff it cannot apply', () => {
      refuses(mini((s) => (s['5'] = 'x')), damaged('node "5" is not an object'));
      refuses(mini((s) => (s['5'].patch = 5)), damaged('node 5 has no patch list'));
      const patch = (change: (p: Json) => void) => mini((s) => change(s['5'].patch[0]));
      refuses(mini((s) => (s['5'].patch = [5])), damaged('node 5 has a malformed patch'));
      refuses(patch((p) => (p.diffs = 'x')), damaged('node 5 has a malformed patch'));
      refuses(patch((p) => delete p.start2), damaged('node 5 has a malformed patch'));
      refuses(patch((p) => (p.diffs[0] = [2, 'x'])), damaged('node 5 has a malformed diff'));
      refuses(patch((p) => (p.diffs[0] = [0, 7])), damaged('node 5 has a malformed diff'));
      refuses(patch((p) => (p.diffs[0] = 'x')), damaged('node 5 has a malformed diff'));
    });
  });

  describe('a time that is not read as one', () => {
    // Not readable as a time: text that is no date, a date inside a list, a number JSON overflowed to infinity.
    const UNREADABLE: unknown[] = ['yesterday', ['2025-01-02T03:04:05Z'], JSON.parse('1e400')];

    it('is kept as the node\'s field, never dropped, and the node gets no time', () => {
      for (const value of UNREADABLE) {
        const exo = exoloomFile() as Json;
        exo.tree.nodes[11].createdAt = value;
        const bonsai = bonsaiFile() as Json;
        bonsai.nodes[0].createdAt = value;
        const mini = miniloomFile() as Json;
        mini.loomTree.nodeStore['3'].timestamp = value;
        for (const [file, id, key] of [[exo, '11', 'createdAt'], [bonsai, 'x', 'createdAt'], [mini, '3', 'timestamp']] as const) {
          const node = imported(importForeignTree(file), id);
          assert.deepEqual(node.origin!.fields![key], value, `${id}: ${JSON.stringify(value)}`);
          assert.equal(node.createdAt, 0);
        }
      }
    });

    it('in a Loom file, is kept in the node\'s meta: text around a Loom time, or a Loom time in a list', () => {
      for (const value of ['x2024-06-01-10.00.00', '2024-06-01-10.00.00.5', 'yesterday', ['2024-06-01-10.00.00']]) {
        const node = imported(importForeignTree({ root: { id: 'r', text: 'R', meta: { source: 'prompt', creation_timestamp: value }, children: [] } }), 'r');
        assert.deepEqual(node.origin!.fields, { meta: { creation_timestamp: value } }, JSON.stringify(value));
        assert.equal(node.createdAt, 0);
      }
    });
  });

  describe('Loom\'s local times', () => {
    /** `yyyy-mm-dd-hh.mm.ss` as Loom writes it. */
    const written = (parts: number[]): string => {
      const [y, mo, d, h, mi, s] = parts.map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0'));
      return `${y}-${mo}-${d}-${h}.${mi}.${s}`;
    };
    // Around the offset changes of 2024 in each zone (New York: an hour at 2:00; Lord Howe: half an
    // hour; Kathmandu: none), each time read as the Date constructor reads it, in one import so the
    // hours read before an offset change stand beside the hour it happens in.
    const ZONES: Array<[string, number[][]]> = [
      ['America/New_York', [[2024, 3, 10], [2024, 11, 3]]],
      ['Australia/Lord_Howe', [[2024, 4, 7], [2024, 10, 6]]],
      ['Asia/Kathmandu', [[2024, 6, 1]]],
    ];

    it('reads every time as a date built from local time does, across an offset change and past 59 minutes or seconds', () => {
      const zone = process.env.TZ;
      try {
        for (const [tz, days] of ZONES) {
          process.env.TZ = tz;
          const times: number[][] = [];
          for (const [y, mo, d] of days) for (let minute = 0; minute < 4 * 60; minute += 7) times.push([y, mo, d, Math.floor(minute / 60), minute % 60, (minute * 13) % 60]);
          times.push([2024, 3, 10, 1, 60, 0], [2024, 11, 3, 1, 59, 99], [2024, 12, 31, 24, 0, 0], [2024, 13, 1, 0, 0, 0], [99, 1, 1, 0, 0, 0]);
          const children = times.map((t, i) => ({ id: `n${i}`, text: 'x', meta: { source: 'prompt', creation_timestamp: written(t) }, children: [] }));
          const result = importForeignTree({ root: { id: 'r', text: 'R', children } });
          times.forEach((t, i) => {
            const [y, mo, d, h, mi, s] = t;
            assert.equal(imported(result, `n${i}`).createdAt, new Date(y, mo - 1, d, h, mi, s).getTime(), `${tz} ${written(t)}`);
          });
        }
      } finally {
        if (zone === undefined) delete process.env.TZ;
        else process.env.TZ = zone;
      }
    });
  });

  describe('the original Loom (tk-loom)', () => {
    const tk = (children: Json[], extra: Json = {}): Json => ({ root: { id: 'r', text: 'R', children }, ...extra });
    const one = (node: Json, extra: Json = {}) => imported(importForeignTree(tk([{ id: 'a', text: 'A', ...node }], extra)), 'a');

    it('refuses a node without an id and children that are not a list, naming where they sit', () => {
      refuses(tk([{ id: 'a', text: 'A' }, { text: 'B' }]), 'This Loom file is damaged: the node at root.children[1] has no id.');
      refuses(tk([{ id: 'a', text: 'A', children: {} }]), 'This Loom file is damaged: the children of node "a" are not a list.');
    });

    it('reads a node without children as a leaf', () => {
      assert.equal(importForeignTree(tk([{ id: 'a', text: 'A' }])).tree.size, 2);
    });

    it('keeps tags that are not all text and a bookmark that is not true or false as fields, and drops neither', () => {
      const mixed = one({ tags: ['bookmark', 'x', 7] });
      assert.deepEqual(mixed.tags, ['x']);
      assert.equal(mixed.bookmarked, true);
      assert.deepEqual(mixed.origin!.fields, { tags: ['bookmark', 'x', 7] });
      assert.equal(one({ tags: ['x'] }).origin!.fields, undefined);
      assert.deepEqual(one({ bookmark: 'yes' }).origin!.fields, { bookmark: 'yes' });
      assert.equal(one({ bookmark: false }).origin!.fields, undefined);
    });

    it('keeps tags that are not a list and a meta that is not an object as fields, and drops neither', () => {
      const labelled = one({ tags: 'bookmark' });
      assert.deepEqual([labelled.tags, labelled.bookmarked ?? false, labelled.origin!.fields], [undefined, false, { tags: 'bookmark' }]);
      const odd = one({ meta: 'AI' });
      assert.deepEqual([odd.author, odd.origin!.authorship, odd.origin!.fields], ['user', 'unknown', { meta: 'AI' }]);
    });

    it('exports back a time it could not read as it was, not as the time the node was given', () => {
      for (const value of ['yesterday', ['2024-06-01-10.00.00']]) {
        const result = importForeignTree({ root: { id: 'r', text: 'R', meta: { source: 'prompt', creation_timestamp: value }, children: [] } });
        const root = JSON.parse(writeTkLoom(result.tree, result.tree.rootId)).root;
        assert.deepEqual(root.meta.creation_timestamp, value, JSON.stringify(value));
      }
    });

    it('keeps a source it does not know in the meta, and calls the authorship unknown', () => {
      const node = one({ meta: { source: 'human', creation_timestamp: '2024-06-01-10.00.00' } });
      assert.deepEqual([node.author, node.origin!.authorship, node.origin!.fields], ['user', 'unknown', { meta: { source: 'human' } }]);
      assert.equal(one({ meta: { source: 'prompt' } }).origin!.fields, undefined);
    });

    it('takes a chapter only from a chapter id that names a chapter with a title', () => {
      assert.equal(one({ chapter_id: 'c' }, { chapters: { c: { title: 'C' } } }).chapter, 'C');
      const untitled = one({ chapter_id: 'c' }, { chapters: { c: { title: 5 } } });
      assert.equal(untitled.chapter, undefined);
      assert.deepEqual(untitled.origin!.fields, { chapter_id: 'c' }, 'a chapter id it cannot read is kept, not dropped');
      assert.deepEqual(one({ chapter_id: 'gone' }).origin!.fields, { chapter_id: 'gone' });
      const numbered = one({ chapter_id: 5 }, { chapters: { 5: { title: 'Five' } } });
      assert.deepEqual([numbered.chapter, numbered.origin!.fields], [undefined, { chapter_id: 5 }], 'Loom\'s chapter ids are text');
      assert.equal(one({ chapter_id: 'c' }, { chapters: { c: { title: 'C' } } }).origin!.fields, undefined);
    });

    it('reads only readable tokens and alternatives, and the model older files name under meta.generation', () => {
      const old = (logprobs: Json, generation: Json = {}) => one({ meta: { source: 'AI', generation: { ...generation, logprobs } } }).generation;
      const generation = old({ tokens: ['a', 5, 'c', 'd'], token_logprobs: [-1, -2, 'x', -4], top_logprobs: [[-1], { b: null, c: -3 }, {}, null] }, { model: 'davinci' })!;
      assert.deepEqual(nodeTokens(generation), [
        { text: 'a', logprob: -1, top: [] },
        { text: 'd', logprob: -4, top: [] },
      ]);
      assert.equal(generation.usage.output_tokens, 2);
      assert.equal(generation.model, 'davinci');
      assert.equal(old({ tokens: ['a'], token_logprobs: [-1] })!.model, '', 'no model named');
    });

    it('reads a response without completions, and skips tokens that are not tokens', () => {
      const responses = (response: Json) => one({ meta: { source: 'AI' }, generation: { id: 'g', index: 0 } }, { model_responses: { g: response } }).generation;
      assert.equal(responses({ model: 'm' }), undefined);
      const tokens = [null, { generatedToken: { token: 'x', logprob: null } }, { generatedToken: { token: 'y', logprob: -1 }, counterfactuals: { y: -1, z: null } }];
      const generation = responses({ model: 7, completions: [{ tokens }] })!;
      assert.deepEqual(nodeTokens(generation), [{ text: 'y', logprob: -1, top: [{ text: 'y', logprob: -1 }] }]);
      assert.equal(generation.model, '', 'a model that is not text is no model');
    });

    it('writes a generation\'s model with its tokens, and no tokens for a node a person wrote', () => {
      const made = LoomTree.create('Once');
      const generation = { ...streaming, status: 'completed' as const, model: 'claude-x', tokens: packTokens([{ text: ' up', logprob: -1, top: [] }]) };
      const model = made.addChild(made.rootId, ' up', { author: 'model', generation });
      const person = made.addChild(made.rootId, ' on', { author: 'user', generation });
      const root = JSON.parse(writeTkLoom(made, model.id)).root;
      assert.equal(root.children[0].meta.generation.model, 'claude-x');
      assert.equal(root.children[1].meta.generation, undefined);
      assert.equal(person.author, 'user');
    });
  });
});
