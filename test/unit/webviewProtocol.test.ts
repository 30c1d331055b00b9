import * as assert from 'node:assert/strict';
import {
  decodeNode,
  encodeTree,
  MAX_ERROR_LENGTH,
  MAX_ID_LENGTH,
  MAX_QUERY_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  parseFromWebview,
  type FromWebview,
  type NodeSummary,
  type PerfReport,
  type TreeSnapshot,
  type WireTree,
} from '../../src/webviews/webviewProtocol';

const REPORT: PerfReport = {
  nodeCount: 100_000,
  rowCount: 100_000,
  renderedRowCount: 42,
  snapshotMs: 120.5,
  deltasMs: 0.8,
  keyCount: 50,
  keyMeanMs: 1.2,
  keyMedianMs: 1.1,
  keyP95Ms: 2.5,
  keyMaxMs: 4,
};

/** One of every message the webview may send. */
const VALID: readonly FromWebview[] = [
  { type: 'ready' },
  { type: 'perf', requestId: 3, report: REPORT },
  { type: 'perf', requestId: 0, report: { ...REPORT, snapshotMs: undefined, deltasMs: undefined } },
  { type: 'perf', requestId: 1, report: { ...REPORT, topRowId: 'root', currentId: 'n7', currentRowIndex: 3 } },
  { type: 'clientError', message: 'TypeError: x is undefined' },
  { type: 'select', id: 'n1' },
  { type: 'open', id: 'n1' },
  { type: 'bookmark', id: 'n1', bookmarked: true },
  { type: 'bookmark', id: 'n1', bookmarked: false },
  { type: 'delete', id: 'n1' },
  { type: 'copy', id: 'n1' },
  { type: 'showRequest', id: 'n1' },
  { type: 'regenerate', id: 'n1' },
  { type: 'generateAlternatives', id: 'n1' },
  { type: 'find', requestId: 4, query: 'lamp' },
  { type: 'find', requestId: 5, query: '#draft' },
  { type: 'reveal', id: 'n1', start: 3, end: 7 },
  { type: 'setTags', id: 'n1', tags: ['draft', 'good one'] },
  { type: 'setTags', id: 'n1', tags: [] },
];

describe('parseFromWebview', () => {
  it('accepts every message of the protocol as it is', () => {
    for (const message of VALID) {
      assert.deepEqual(parseFromWebview(message), message, message.type);
    }
  });

  it('accepts a message that went through JSON (undefined fields dropped)', () => {
    for (const message of VALID) {
      assert.deepEqual(parseFromWebview(JSON.parse(JSON.stringify(message))), message, message.type);
    }
  });

  it('drops fields the protocol does not have', () => {
    assert.deepEqual(parseFromWebview({ type: 'select', id: 'n1', html: '<b>x</b>' }), { type: 'select', id: 'n1' });
    assert.deepEqual(parseFromWebview({ type: 'ready', extra: 1 }), { type: 'ready' });
  });

  it('rejects what is not a message', () => {
    for (const raw of [undefined, null, 0, 'ready', true, [], [{ type: 'ready' }], {}, { type: 1 }, { kind: 'ready' }]) {
      assert.equal(parseFromWebview(raw), undefined, JSON.stringify(raw));
    }
  });

  it('rejects unknown types, including inherited names and host-side ones', () => {
    for (const type of ['hello', 'snapshot', 'deltas', 'measure', 'toString', '__proto__', 'constructor', 'SELECT', 'select ']) {
      assert.equal(parseFromWebview({ type, id: 'n1' }), undefined, type);
    }
  });

  it('rejects intents without a usable node id', () => {
    for (const id of [undefined, null, '', 7, ['n1'], { id: 'n1' }, 'x'.repeat(MAX_ID_LENGTH + 1)]) {
      assert.equal(parseFromWebview({ type: 'select', id }), undefined, String(id));
      assert.equal(parseFromWebview({ type: 'delete', id }), undefined, String(id));
    }
    assert.ok(parseFromWebview({ type: 'select', id: 'x'.repeat(MAX_ID_LENGTH) }));
  });

  it('rejects a bookmark without a boolean', () => {
    for (const bookmarked of [undefined, 'true', 1, null]) {
      assert.equal(parseFromWebview({ type: 'bookmark', id: 'n1', bookmarked }), undefined, String(bookmarked));
    }
  });

  it('rejects a find without a request id or a string query, or a query too long', () => {
    for (const raw of [{ requestId: 1 }, { requestId: 1, query: 7 }, { requestId: -1, query: 'x' }, { requestId: 1, query: 'x'.repeat(MAX_QUERY_LENGTH + 1) }]) {
      assert.equal(parseFromWebview({ type: 'find', ...raw }), undefined, JSON.stringify(raw));
    }
  });

  it('rejects a reveal whose range is not a pair of offsets in order', () => {
    for (const range of [{}, { start: 1 }, { start: -1, end: 2 }, { start: 3, end: 2 }, { start: 0.5, end: 2 }, { start: '1', end: 2 }]) {
      assert.equal(parseFromWebview({ type: 'reveal', id: 'n1', ...range }), undefined, JSON.stringify(range));
    }
  });

  it('rejects tags that are not a short list of short strings', () => {
    for (const tags of [undefined, 'draft', [1], [null], ['x'.repeat(MAX_TAG_LENGTH + 1)], Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`)]) {
      assert.equal(parseFromWebview({ type: 'setTags', id: 'n1', tags }), undefined, JSON.stringify(tags));
    }
  });

  it('rejects a client error that is not a string or too long', () => {
    assert.equal(parseFromWebview({ type: 'clientError' }), undefined);
    assert.equal(parseFromWebview({ type: 'clientError', message: { text: 'x' } }), undefined);
    assert.equal(parseFromWebview({ type: 'clientError', message: 'x'.repeat(MAX_ERROR_LENGTH + 1) }), undefined);
  });

  it('rejects a perf report with a bad request id', () => {
    for (const requestId of [undefined, -1, 1.5, NaN, Infinity, '3', 2 ** 53]) {
      assert.equal(parseFromWebview({ type: 'perf', requestId, report: REPORT }), undefined, String(requestId));
    }
  });

  it('rejects a perf report with missing, negative or non-finite numbers', () => {
    assert.equal(parseFromWebview({ type: 'perf', requestId: 1 }), undefined);
    assert.equal(parseFromWebview({ type: 'perf', requestId: 1, report: [] }), undefined);
    for (const field of Object.keys(REPORT) as (keyof PerfReport)[]) {
      for (const value of [-1, NaN, Infinity, '1', null]) {
        const report = { ...REPORT, [field]: value };
        assert.equal(parseFromWebview({ type: 'perf', requestId: 1, report }), undefined, `${field}: ${value}`);
      }
      if (field !== 'snapshotMs' && field !== 'deltasMs') {
        const { [field]: _missing, ...rest } = REPORT;
        assert.equal(parseFromWebview({ type: 'perf', requestId: 1, report: rest }), undefined, `without ${field}`);
      }
    }
    for (const field of ['nodeCount', 'rowCount', 'renderedRowCount', 'keyCount'] as const) {
      assert.equal(parseFromWebview({ type: 'perf', requestId: 1, report: { ...REPORT, [field]: 2.5 } }), undefined, `${field} not an integer`);
    }
  });
});

describe('the snapshot wire format', () => {
  const nodes: NodeSummary[] = [
    { id: 'b', parentId: 'r', author: 'model', kind: 'regeneration', preview: ' b', textLength: 900, bookmarked: true, status: 'failed', childIds: [], model: 'claude-haiku-4-5', stopReason: 'max_tokens' },
    { id: 'r', author: 'user', kind: 'root', preview: '<b>root</b>\n', textLength: 12, bookmarked: false, childIds: ['a', 'b'], createdAt: 1 },
    { id: 'a', parentId: 'r', author: 'model', kind: 'generation', preview: ' a', textLength: 2, bookmarked: false, status: 'streaming', childIds: ['a1'], model: 'claude-haiku-4-5', temperature: 0, inputTokens: 0, outputTokens: 7, durationMs: 12.5, createdAt: 2, tokens: { count: 1, lowest: ' a', lowestProbability: 0.25, meanLogprob: Math.log(0.25), preview: [2, 3] } },
    { id: 'a1', parentId: 'a', author: 'user', kind: 'edit', preview: '', textLength: 0, bookmarked: false, status: 'completed', childIds: [], tags: ['draft', 'tk'] },
    { id: 'stray', parentId: 'nowhere', author: 'model', kind: 'generation', preview: 'unreachable', textLength: 11, bookmarked: false, childIds: [] },
  ];
  const tree: TreeSnapshot = { rootId: 'r', nodes, currentPath: ['r', 'a'], label: 'story.md' };

  it('lists the nodes the root reaches in preorder, parents by index, shared strings once', () => {
    const wire = JSON.parse(encodeTree(tree)) as WireTree;
    assert.deepEqual(
      wire.nodes.map((n) => [n[0], n[1]]),
      [
        ['r', -1],
        ['a', 0],
        ['a1', 1],
        ['b', 0],
      ],
    );
    assert.deepEqual(wire.strings, ['claude-haiku-4-5', 'max_tokens']);
    assert.deepEqual(wire.currentPath, ['r', 'a']);
    assert.equal(wire.label, 'story.md');
  });

  it('decodes every reachable node to the summary it was made from', () => {
    const wire = JSON.parse(encodeTree(tree)) as WireTree;
    const ids = wire.nodes.map((n) => n[0]);
    const children = (index: number): string[] => wire.nodes.filter((n) => n[1] === index).map((n) => n[0]);
    const decoded = wire.nodes.map((n, i) => decodeNode(n, n[1] >= 0 ? ids[n[1]] : undefined, children(i), wire.strings));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    for (const summary of decoded) {
      assert.deepEqual(summary, byId.get(summary.id), summary.id);
    }
  });

  it('is smaller than the same nodes as objects', () => {
    assert.ok(encodeTree(tree).length < JSON.stringify(tree).length * 0.7);
  });
});
