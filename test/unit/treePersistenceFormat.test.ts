import * as assert from 'node:assert/strict';
import type { GenerationInfo } from '../../src/core/loom/loomNode';
import { LoomTree } from '../../src/core/loom/loomTree';
import { exportPathMarkdown, exportPathText, exportTreeJson, importTreeJson } from '../../src/core/loom/treeExport';
import { parseTreeFile, serializeTree, TREE_FORMAT_VERSION, type TreeSnapshot } from '../../src/core/loom/treeFormat';

const GENERATION: GenerationInfo = {
  model: 'claude-haiku-4-5',
  params: { model: 'claude-haiku-4-5', system: 'You are a novelist.', temperature: 0.7, max_tokens: 64, stop_sequences: ['\n\nTHE END'] },
  stopReason: 'end_turn',
  usage: { input_tokens: 12, output_tokens: 5 },
  durationMs: 800,
  requests: 1,
  status: 'completed',
};

function sample(): LoomTree {
  let i = 0;
  const tree = LoomTree.create('Once', { newId: () => `n${i++}`, now: () => 1000 });
  const a = tree.addChild('n0', ' upon a time', { author: 'model', kind: 'generation', generation: GENERATION, createdAt: 2000 });
  tree.addChild(a.id, '\n"Quote | pipe" 😀', { author: 'user', kind: 'edit', createdAt: 3000 });
  tree.addChild('n0', ' more', { author: 'model', kind: 'regeneration', comparesTo: 'n1', bookmarked: true, generation: GENERATION });
  return tree;
}

function parsed(text: string, path = '/d/story.md.loom.json'): TreeSnapshot {
  const result = parseTreeFile(text, path);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

function snapshotOf(tree: LoomTree) {
  return [...tree.preorder()];
}

describe('tree file format', () => {
  it('writes one node per line inside a readable versioned envelope', () => {
    const text = serializeTree(sample(), { currentId: 'n2', document: 'story.md', journalSeq: 4 });
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 11), [
      '{',
      '  "format": "prefill-loom-tree",',
      '  "version": 1,',
      '  "document": "story.md",',
      '  "rootId": "n0",',
      '  "currentId": "n2",',
      '  "journalSeq": 4,',
      '  "params": {',
      `    "p0": ${JSON.stringify(GENERATION.params)}`,
      '  },',
      '  "nodes": [',
    ]);
    assert.equal(lines[11], '    {"id":"n0","parentId":null,"author":"user","createdAt":1000,"text":"Once"},');
    assert.equal(
      lines[12],
      '    {"id":"n1","parentId":"n0","author":"model","kind":"generation","createdAt":2000,"text":" upon a time",' +
        '"generation":{"model":"claude-haiku-4-5","params":"p0","stopReason":"end_turn","usage":{"input_tokens":12,"output_tokens":5},"durationMs":800,"requests":1,"status":"completed"}},',
    );
    assert.equal(lines.length, 18);
    JSON.parse(text);
  });

  it('writes request parameters once, shares them on load, and reads inline parameters too', () => {
    const back = parsed(serializeTree(sample(), { currentId: 'n2', document: '' }));
    assert.equal(back.tree.get('n1')?.generation?.params, back.tree.get('n3')?.generation?.params);
    const inline = parsed(
      JSON.stringify({
        format: 'prefill-loom-tree',
        version: 1,
        rootId: 'r',
        nodes: [{ id: 'r', text: '' }, { id: 'm', parentId: 'r', text: 'x', generation: { ...GENERATION, params: { temperature: 0 } } }],
      }),
    );
    assert.deepEqual(inline.tree.get('m')?.generation?.params, { temperature: 0 });
    assert.deepEqual(inline.warnings, []);
    const missing = parsed(serializeTree(sample(), { currentId: 'n2', document: '' }).replace('"p0": {', '"p9": {'));
    assert.deepEqual(missing.tree.get('n1')?.generation?.params, {});
    assert.match(missing.warnings[0], /node n1: generation info without a valid params/);
  });

  it('reads back exactly what it wrote', () => {
    const tree = sample();
    const back = parsed(serializeTree(tree, { currentId: 'n2', document: 'story.md', journalSeq: 4 }));
    assert.deepEqual(snapshotOf(back.tree), snapshotOf(tree));
    assert.deepEqual([back.currentId, back.document, back.journalSeq, back.warnings], ['n2', 'story.md', 4, []]);
    assert.equal(back.tree.textOf('n2'), 'Once upon a time\n"Quote | pipe" 😀');
  });

  it('keeps lone surrogates and control characters intact', () => {
    const tree = LoomTree.create('a\ud83d', { newId: () => 'r' });
    tree.addChild('r', '\ude00\u0000\u2028', { author: 'user', id: 'c' });
    assert.equal(parsed(serializeTree(tree, { currentId: 'c', document: '' })).tree.textOf('c'), 'a😀\u0000\u2028');
  });

  describe('refuses, with an actionable message,', () => {
    for (const [name, text, kind, pattern] of [
      ['invalid JSON', '{"format": "prefill-loom-tree", "version": 1, "nodes": [', 'corrupt', /not valid JSON/],
      ['another JSON file', '{"name": "package"}', 'corrupt', /not a Prefill Loom tree/],
      ['a file that holds null', 'null', 'corrupt', /not a Prefill Loom tree/],
      ['a bad version', '{"format": "prefill-loom-tree", "version": "one"}', 'corrupt', /version/],
      ['nodes that are not a list', '{"format": "prefill-loom-tree", "version": 1, "nodes": {}}', 'corrupt', /"nodes" is not a list/],
      ['a node without text', '{"format": "prefill-loom-tree", "version": 1, "rootId": "r", "nodes": [{"id": "r"}]}', 'corrupt', /node r has no "text"/],
      ['duplicate ids', '{"format": "prefill-loom-tree", "version": 1, "rootId": "r", "nodes": [{"id": "r", "text": ""}, {"id": "r", "text": ""}]}', 'corrupt', /two nodes have the id "r"/],
      ['a fractional version', '{"format": "prefill-loom-tree", "version": 0.5, "nodes": []}', 'corrupt', /its "version" is not a format version number/],
      ['a negative version', '{"format": "prefill-loom-tree", "version": -1, "nodes": []}', 'corrupt', /its "version" is not a format version number/],
      ['a node that is not an object', '{"format": "prefill-loom-tree", "version": 1, "rootId": "r", "nodes": [{"id": "r", "text": ""}, 7]}', 'corrupt', /node 2 is not an object/],
      ['a node with an empty id', '{"format": "prefill-loom-tree", "version": 1, "rootId": "r", "nodes": [{"id": "", "text": ""}]}', 'corrupt', /node 1 has no "id"/],
      ['a node whose id is a number', '{"format": "prefill-loom-tree", "version": 1, "rootId": "r", "nodes": [{"id": "r", "text": ""}, {"id": 5, "text": ""}]}', 'corrupt', /node 2 has no "id"/],
      ['a version 0 file whose nodes are a list', '{"format": "prefill-loom-tree", "version": 0, "nodes": []}', 'corrupt', /could not be brought up from format version 0: "nodes" is not an object map/],
      ['a version 0 file with a node that is not an object', '{"format": "prefill-loom-tree", "version": 0, "nodes": {"r": 5}}', 'corrupt', /could not be brought up from format version 0: node r is not an object/],
      ['a newer version', '{"format": "prefill-loom-tree", "version": 7, "whatever": true}', 'newerVersion', /newer version of Prefill Loom \(tree format 7; this version of Prefill Loom reads up to 1\)\. Update Prefill Loom/],
    ] as const) {
      it(name, () => {
        const result = parseTreeFile(text, '/d/story.md.loom.json');
        assert.ok(!result.ok);
        assert.equal(result.error.kind, kind);
        assert.equal(result.error.path, '/d/story.md.loom.json');
        assert.match(result.error.message, pattern);
        assert.match(result.error.message, /^story\.md\.loom\.json /);
        assert.match(result.error.message, kind === 'corrupt' ? /left unchanged.*move it aside/ : /left unchanged/);
      });
    }
  });

  describe('loads what it can from a hand-edited file', () => {
    it('reattaches nodes whose parent is missing under the root, with a warning', () => {
      const text = serializeTree(sample(), { currentId: 'n2', document: 'story.md' }).replace(/\n.*"id":"n1".*\n/, '\n');
      const back = parsed(text);
      assert.equal(back.tree.size, 3);
      assert.equal(back.tree.parent('n2')?.id, 'n0');
      assert.deepEqual(back.tree.children('n0').map((n) => n.id), ['n2', 'n3']);
      assert.deepEqual(back.warnings, ['node n2 has a missing parent n1; it was attached under the root']);
    });

    it('a node whose parent id is left out or is not text: attached under the root, and the warning says it has no parent', () => {
      const text = JSON.stringify({
        format: 'prefill-loom-tree',
        version: 1,
        rootId: 'r',
        nodes: [
          { id: 'r', parentId: null, text: 'Once' },
          { id: 'a', text: ' upon' },
          { id: 'b', parentId: 7, text: ' a time' },
        ],
      });
      const back = parsed(text);
      assert.deepEqual(back.tree.children('r').map((n) => [n.id, n.parentId]), [['a', 'r'], ['b', 'r']]);
      assert.deepEqual(back.warnings, ['node a has no parent; it was attached under the root', 'node b has no parent; it was attached under the root']);
    });

    it('breaks cycles, makes an empty root if the root is gone, and falls back to the root as current', () => {
      const text = JSON.stringify({
        format: 'prefill-loom-tree',
        version: 1,
        rootId: 'gone',
        currentId: 'nowhere',
        nodes: [
          { id: 'a', parentId: 'b', text: 'A' },
          { id: 'b', parentId: 'a', text: 'B', author: 'robot', createdAt: 'yesterday', generation: { model: 'm', usage: 5 } },
        ],
      });
      const back = parsed(text);
      const root = back.tree.get(back.tree.rootId)!;
      assert.equal(root.text, '');
      assert.equal(back.currentId, root.id);
      assert.equal(back.tree.textOf('b'), 'AB');
      assert.equal(back.tree.get('b')?.author, 'user');
      assert.equal(back.tree.get('b')?.createdAt, 0);
      assert.deepEqual(back.tree.get('b')?.generation?.usage, { input_tokens: 0, output_tokens: 0 });
      assert.equal(back.tree.get('b')?.generation?.model, 'm');
      assert.equal(back.warnings.length, 5, back.warnings.join('\n'));
      assert.match(back.warnings.join('\n'), /root node "gone" is missing/);
      assert.match(back.warnings.join('\n'), /is in a cycle/);
      assert.match(back.warnings.join('\n'), /the current node "nowhere" is missing; the root is current/);
      assert.match(back.warnings.join('\n'), /node b: unknown author "robot", read as "user"/);
      assert.match(back.warnings.join('\n'), /generation info without a valid params, stopReason, usage, durationMs, requests, status/);
    });
  });

  describe('a hand-edited node keeps what is well-formed and drops the rest', () => {
    const ORIGIN = { format: 'tk-loom', id: 'x1' };
    /** The node `n` below the root as read from a file where it has `fields`. */
    function node(fields: Record<string, unknown>) {
      const back = parsed(JSON.stringify({ format: 'prefill-loom-tree', version: 1, rootId: 'r', nodes: [{ id: 'r', text: 'Once' }, { id: 'n', parentId: 'r', text: ' upon', ...fields }] }));
      return { node: back.tree.get('n')!, warnings: back.warnings };
    }

    for (const [name, fields, kept, dropped, warning] of [
      ['a known kind, bookmark and comparison', { kind: 'edit', bookmarked: true, comparesTo: 'r' }, { kind: 'edit', bookmarked: true, comparesTo: 'r' }, [], undefined],
      ['an unknown kind, a bookmark that is not true, a comparison that is not an id', { kind: 'poem', bookmarked: 'yes', comparesTo: 5 }, {}, ['kind', 'bookmarked', 'comparesTo'], undefined],
      ['tags, trimmed and without repeats', { tags: [' draft', 'draft', 'keep '] }, { tags: ['draft', 'keep'] }, [], undefined],
      ['tags that are all blank', { tags: [' ', ''] }, {}, ['tags'], undefined],
      ['tags that are not a list of texts', { tags: ['draft', 7] }, {}, ['tags'], 'node n: malformed "tags" ignored'],
      ['tags that are one text', { tags: 'draft' }, {}, ['tags'], 'node n: malformed "tags" ignored'],
      ['a hidden mark and a chapter', { hidden: true, chapter: 'One' }, { hidden: true, chapter: 'One' }, [], undefined],
      ['a hidden mark that is not true', { hidden: 'yes' }, {}, ['hidden'], undefined],
      ['a chapter that is not text', { chapter: 1 }, {}, ['chapter'], 'node n: malformed "chapter" ignored'],
      ['a full origin', { origin: { ...ORIGIN, authorship: 'mixed', parentId: 'x0', fields: { a: 1 } } }, { origin: { ...ORIGIN, authorship: 'mixed', parentId: 'x0', fields: { a: 1 } } }, [], undefined],
      ['an origin of unknown authorship', { origin: { ...ORIGIN, authorship: 'unknown' } }, { origin: { ...ORIGIN, authorship: 'unknown' } }, [], undefined],
      ['an origin that is null', { origin: null }, {}, ['origin'], 'node n: malformed "origin" ignored'],
      ['an origin that is not an object', { origin: 'tk-loom' }, {}, ['origin'], 'node n: malformed "origin" ignored'],
      ['an origin without a format', { origin: { id: 'x1' } }, {}, ['origin'], 'node n: malformed "origin" ignored'],
      ['an origin without an id', { origin: { format: 'tk-loom' } }, {}, ['origin'], 'node n: malformed "origin" ignored'],
      ['an origin with another authorship', { origin: { ...ORIGIN, authorship: 'model' } }, {}, ['origin'], 'node n: malformed "origin" ignored'],
      ['an origin whose parent is not an id', { origin: { ...ORIGIN, parentId: 3 } }, {}, ['origin'], 'node n: malformed "origin" ignored'],
      ['an origin whose fields are not an object', { origin: { ...ORIGIN, fields: [1] } }, {}, ['origin'], 'node n: malformed "origin" ignored'],
    ] as const) {
      it(name, () => {
        const { node: n, warnings } = node(fields);
        for (const [key, value] of Object.entries(kept)) assert.deepEqual((n as unknown as Record<string, unknown>)[key], value, key);
        for (const key of dropped) assert.ok(!(key in n), `${key} dropped`);
        assert.deepEqual(warnings, warning === undefined ? [] : [warning]);
      });
    }

    it('reads a file that starts with a byte order mark (saved by a Windows editor)', () => {
      const back = parsed('\ufeff' + JSON.stringify({ format: 'prefill-loom-tree', version: 1, rootId: 'r', nodes: [{ id: 'r', text: 'Once' }] }));
      assert.equal(back.tree.textOf('r'), 'Once');
    });

    it('an id of the longest allowed length is kept; a time out of range becomes 0', () => {
      const id = 'a'.repeat(256);
      const back = parsed(`{"format":"prefill-loom-tree","version":1,"rootId":"r","nodes":[{"id":"r","text":"Once"},{"id":"${id}","parentId":"r","text":"!","createdAt":1e400}]}`);
      assert.equal(back.tree.textOf(id), 'Once!');
      assert.equal(back.tree.get(id)?.createdAt, 0);
    });

    it('lists the first 20 warnings and counts the rest', () => {
      const many = Array.from({ length: 25 }, (_, i) => ({ id: `n${i}`, parentId: 'r', text: '', chapter: 1 }));
      const back = parsed(JSON.stringify({ format: 'prefill-loom-tree', version: 1, rootId: 'r', nodes: [{ id: 'r', text: '' }, ...many] }));
      assert.equal(back.warnings.length, 21);
      assert.equal(back.warnings[19], 'node n19: malformed "chapter" ignored');
      assert.equal(back.warnings[20], '…and 5 more');
    });

    it('a missing root is made under a name no node has', () => {
      const back = parsed(JSON.stringify({ format: 'prefill-loom-tree', version: 1, nodes: [{ id: 'root', parentId: 'x', text: 'A' }, { id: 'root2', parentId: 'x', text: 'B' }] }));
      assert.equal(back.tree.rootId, 'root3');
      assert.equal(back.currentId, 'root3');
      assert.deepEqual(back.tree.children('root3').map((n) => n.id), ['root', 'root2']);
      assert.match(back.warnings[0], /^the root node undefined is missing; an empty root was made$/);
      assert.equal(back.tree.get('root3')?.author, 'user');
      assert.equal(back.document, '', 'no document name recorded');
    });

    it('generation details of the wrong type are left out or replaced by defaults, with one warning naming them', () => {
      const generation = { ...GENERATION, params: 'p9', status: 'paused', requests: 'two', error: 404, endpoint: 5, endpointKind: 'fax', tokens: [1, 2] };
      const { node: n, warnings } = node({ author: 'model', generation });
      const g = n.generation!;
      assert.deepEqual(g.params, {}, 'a parameters name that is not in the table');
      assert.equal(g.status, 'completed');
      assert.equal(g.requests, 0);
      assert.equal(g.model, GENERATION.model);
      assert.deepEqual(g.usage, GENERATION.usage);
      for (const key of ['error', 'endpoint', 'endpointKind', 'tokens']) assert.ok(!(key in g), `${key} left out`);
      assert.deepEqual(warnings, ['node n: token probabilities unreadable; left out', 'node n: generation info without a valid params, requests, status; defaults used']);
    });

    it('a model, usage and duration of the wrong type are replaced by defaults', () => {
      const generation = { ...GENERATION, model: 7, usage: { output_tokens: 3 }, durationMs: '800' };
      const { node: n, warnings } = node({ author: 'model', generation });
      assert.equal(n.generation?.model, '');
      assert.deepEqual(n.generation?.usage, { input_tokens: 0, output_tokens: 0 });
      assert.equal(n.generation?.durationMs, 0);
      assert.deepEqual(warnings, ['node n: generation info without a valid model, usage, durationMs; defaults used']);
    });

    it('well-formed generation details are kept', () => {
      const generation = { ...GENERATION, status: 'failed', error: 'overloaded', endpoint: 'Local', endpointKind: 'completions', tokens: ['a', 'AAAA', '', 4] };
      const { node: n, warnings } = node({ author: 'model', generation });
      assert.deepEqual(n.generation, generation);
      assert.deepEqual(warnings, []);
    });
  });

  it('migrates version 0 (nodes as an object map) to version 1', () => {
    // The hand-made shape of version 0, as documented in treeFormat.ts.
    const v0 = {
      format: 'prefill-loom-tree',
      version: 0,
      document: 'story.md',
      root: 'r',
      current: 'm',
      nodes: {
        r: { parent: null, text: 'Once', author: 'human', created: '2025-01-02T03:04:05.000Z' },
        m: {
          parent: 'r',
          text: ' upon',
          author: 'model',
          created: '2025-01-02T03:04:06.000Z',
          model: 'claude-3-5-haiku-latest',
          params: { temperature: 1 },
          stop_reason: 'max_tokens',
          usage: { input_tokens: 3, output_tokens: 2 },
          duration_ms: 321,
          starred: true,
        },
        e: { parent: 'r', text: ' more', author: 'human', created: 'not a date' },
      },
    };
    const back = parsed(JSON.stringify(v0, null, 2));
    assert.equal(back.migratedFrom, 0);
    assert.equal(TREE_FORMAT_VERSION, 1);
    assert.deepEqual(back.warnings, []);
    assert.equal(back.currentId, 'm');
    assert.deepEqual(snapshotOf(back.tree), [
      { id: 'r', parentId: null, author: 'user', createdAt: Date.parse('2025-01-02T03:04:05.000Z'), text: 'Once' },
      {
        id: 'm',
        parentId: 'r',
        author: 'model',
        kind: 'generation',
        createdAt: Date.parse('2025-01-02T03:04:06.000Z'),
        bookmarked: true,
        text: ' upon',
        generation: {
          model: 'claude-3-5-haiku-latest',
          params: { temperature: 1 },
          stopReason: 'max_tokens',
          usage: { input_tokens: 3, output_tokens: 2 },
          durationMs: 321,
          requests: 1,
          status: 'completed',
        },
      },
      { id: 'e', parentId: 'r', author: 'user', kind: 'edit', createdAt: 0, text: ' more' },
    ]);
    const bad = parseTreeFile(JSON.stringify({ ...v0, nodes: [] }), 'x.loom.json');
    assert.ok(!bad.ok && bad.error.kind === 'corrupt' && /format version 0/.test(bad.error.message));
  });
});

describe('export and import', () => {
  it('exports a tree as JSON in the file format and imports it back', () => {
    const tree = sample();
    const json = exportTreeJson(tree, 'n2', 'story.md');
    const back = importTreeJson(json, 'story.loom.json');
    assert.ok(back.ok);
    assert.deepEqual(snapshotOf(back.value.tree), snapshotOf(tree));
    assert.equal(back.value.currentId, 'n2');
    const bad = importTreeJson('nonsense', 'dropped.json');
    assert.ok(!bad.ok && bad.error.message.startsWith('dropped.json cannot be read'));
  });

  it('exports a path as plain text', () => {
    assert.equal(exportPathText(sample(), 'n2'), 'Once upon a time\n"Quote | pipe" 😀');
  });

  it('exports a path as Markdown: a table of its nodes, then the text unchanged', () => {
    assert.equal(
      exportPathMarkdown(sample(), 'n2', 'story.md'),
      [
        '# story.md',
        '',
        '| # | Author | Model | Temperature | Stop reason | Output tokens | Starts with |',
        '| --: | --- | --- | --: | --- | --: | --- |',
        '| 1 | user |  |  |  |  | Once |',
        '| 2 | model | claude-haiku-4-5 | 0.7 | end_turn | 5 | upon a time |',
        '| 3 | user |  |  |  |  | "Quote \\| pipe" 😀 |',
        '',
        '---',
        '',
        'Once upon a time\n"Quote | pipe" 😀',
      ].join('\n'),
    );
  });

  it('shows each node by its first 40 characters in one line, and its text as text in the table', () => {
    let i = 0;
    const tree = LoomTree.create('Once  upon\n\n  a  time', { newId: () => `p${i++}`, now: () => 0 });
    const blank = tree.addChild(tree.rootId, ' \n\t ', { author: 'user' });
    const exact = tree.addChild(blank.id, '😀'.repeat(40), { author: 'user' });
    const long = tree.addChild(exact.id, `${'a'.repeat(39)} and more`, { author: 'user' });
    const generation = { ...GENERATION, model: 'my\r\nmodel', stopReason: null, status: 'cancelled' as const };
    const marked = tree.addChild(long.id, 'a\\b <i>x</i> &lt; &amp;', { author: 'model', generation });
    const rows = exportPathMarkdown(tree, marked.id, 't').split('\n').slice(4, 9);
    assert.deepEqual(rows, [
      '| 1 | user |  |  |  |  | Once upon a time |',
      '| 2 | user |  |  |  |  | (empty) |',
      `| 3 | user |  |  |  |  | ${'😀'.repeat(40)} |`,
      `| 4 | user |  |  |  |  | ${'a'.repeat(39)}… |`,
      '| 5 | model | my model | 0.7 | cancelled | 5 | a\\\\b &lt;i>x&lt;/i> &amp;lt; &amp;amp; |',
    ]);
  });
});
