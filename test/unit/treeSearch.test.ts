import * as assert from 'node:assert/strict';
import { LoomTree } from '../../src/core/loom/loomTree';
import { searchTree } from '../../src/core/loom/treeSearch';

function sample(): LoomTree {
  let i = 0;
  const tree = LoomTree.create('The Moth and the lamp', { newId: () => `n${i++}`, now: () => 0 });
  tree.addChild('n0', ' flew to the moth-light', { author: 'model', tags: ['moths'] });
  const b = tree.addChild('n0', ' 🦋 MOTH again', { author: 'user', tags: ['Moths', 'draft'] });
  tree.addChild(b.id, 'aaa', { author: 'model' });
  return tree;
}

const found = (r: ReturnType<typeof searchTree>) => r.matches.map((m) => [m.nodeId, m.start, m.end, m.match]);

describe('searching a loom tree', () => {
  it('finds plain text in every branch, case-insensitive by default, with offsets into the node and context', () => {
    const result = searchTree(sample(), { text: 'moth' });
    assert.equal(result.total, 3);
    assert.deepEqual(found(result), [
      ['n0', 4, 8, 'Moth'],
      ['n1', 13, 17, 'moth'],
      ['n2', 4, 8, 'MOTH'],
    ]);
    assert.deepEqual([result.matches[1].before, result.matches[1].after], [' flew to the ', '-light']);
  });

  it('matches case when asked, and takes regular expressions (no endless loop on empty matches)', () => {
    assert.deepEqual(found(searchTree(sample(), { text: 'MOTH', caseSensitive: true })), [['n2', 4, 8, 'MOTH']]);
    assert.deepEqual(found(searchTree(sample(), { text: 'a+', regex: true, caseSensitive: true })).filter(([id]) => id === 'n3'), [['n3', 0, 3, 'aaa']]);
    assert.deepEqual(found(searchTree(sample(), { text: 'x*', regex: true })), []);
    assert.deepEqual(found(searchTree(sample(), { text: '🦋', regex: true })), [['n2', 1, 3, '🦋']]);
  });

  it('treats a plain query literally and reports a bad regular expression', () => {
    assert.deepEqual(found(searchTree(sample(), { text: 'moth-l' })), [['n1', 13, 19, 'moth-l']]);
    assert.equal(searchTree(sample(), { text: '.', regex: false }).total, 0);
    assert.match(searchTree(sample(), { text: '(', regex: true }).error ?? '', /Invalid regular expression/);
  });

  it('lists tagged nodes for #tag, case-insensitive by default', () => {
    assert.deepEqual(searchTree(sample(), { text: '#moths' }).matches.map((m) => m.nodeId), ['n1', 'n2']);
    assert.deepEqual(searchTree(sample(), { text: '#moths', caseSensitive: true }).matches.map((m) => m.nodeId), ['n1']);
    assert.deepEqual(searchTree(sample(), { text: '#draft' }).matches.map((m) => m.nodeId), ['n2']);
  });

  it('keeps the first matches up to the limit, in tree order with their context, and counts the rest without them', () => {
    const tree = sample();
    for (const query of [{ text: 'a' }, { text: 'm.', regex: true }, { text: '#moths' }, { text: 'x*', regex: true }]) {
      const all = searchTree(tree, query, Infinity);
      for (const limit of [0, 1, 2, 3]) {
        const kept = searchTree(tree, query, limit);
        assert.deepEqual(kept.matches, all.matches.slice(0, limit), `${query.text}, limit ${limit}`);
        assert.equal(kept.total, all.total);
      }
    }
    assert.deepEqual(found(searchTree(tree, { text: 'a' }, Infinity)), [
      ['n0', 9, 10, 'a'],
      ['n0', 18, 19, 'a'],
      ['n2', 9, 10, 'a'],
      ['n2', 11, 12, 'a'],
      ['n3', 0, 1, 'a'],
      ['n3', 1, 2, 'a'],
      ['n3', 2, 3, 'a'],
    ]);
  });

  it('keeps at most the limit but counts every match', () => {
    const result = searchTree(sample(), { text: 'a' }, 2);
    assert.equal(result.matches.length, 2);
    assert.ok(result.total > 2);
  });

  it('finds nothing for an empty query, and no match beside a bad regular expression', () => {
    assert.deepEqual(searchTree(sample(), { text: '' }), { matches: [], total: 0 });
    const bad = searchTree(sample(), { text: '(', regex: true });
    assert.deepEqual([bad.matches, bad.total], [[], 0]);
  });

  it('takes only a whole query of one word after # as a tag, and a tag match as the node with an empty range', () => {
    assert.equal(searchTree(sample(), { text: 'a #moths' }).total, 0);
    assert.equal(searchTree(sample(), { text: '#moths x' }).total, 0);
    const [match] = searchTree(sample(), { text: '#draft' }).matches;
    assert.deepEqual(match, { nodeId: 'n2', start: 0, end: 0, before: '', match: '', after: ' 🦋 MOTH again' });
  });

  it('takes every character of a plain query literally', () => {
    const tree = LoomTree.create('1 a+b (c) $d ab', { newId: () => 'r' });
    assert.deepEqual(found(searchTree(tree, { text: 'a+b' })), [['r', 2, 5, 'a+b']]);
    assert.deepEqual(found(searchTree(tree, { text: '(c) $d' })), [['r', 6, 12, '(c) $d']]);
  });

  it('steps past an empty match by one code point: one code unit, two for a surrogate pair', () => {
    const tree = LoomTree.create('baa\uffffa😀a', { newId: () => 'r' });
    assert.deepEqual(found(searchTree(tree, { text: 'a*', regex: true })), [
      ['r', 1, 3, 'aa'],
      ['r', 4, 5, 'a'],
      ['r', 7, 8, 'a'],
    ]);
  });
});
