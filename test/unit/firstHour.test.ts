import * as assert from 'node:assert/strict';
import { branchesAtOffset, whitespaceTailAt } from '../../src/core/loom/branchAtCursor';
import { LoomTree } from '../../src/core/loom/loomTree';
import { describeEmptyResults } from '../../src/core/generation/emptyResult';
import { collapseIdentical } from '../../src/core/generation/identicalAlternatives';
import { usageLabel, ZERO_USAGE } from '../../src/core/shared/tokenUsage';

describe('branching at the cursor', () => {
  const tree = LoomTree.create('You wrote this.');
  const model = tree.addChild(tree.rootId, ' The model wrote this.', { author: 'model' });
  const edit = tree.addChild(model.id, ' You added this.', { author: 'user', kind: 'edit' });

  it('branches where model text follows the offset', () => {
    assert.equal(branchesAtOffset(tree, edit.id, 3), true);
    assert.equal(branchesAtOffset(tree, edit.id, 'You wrote this. The'.length), true);
  });

  it('keeps going where only user text follows', () => {
    assert.equal(branchesAtOffset(tree, edit.id, tree.textOf(model.id).length), false);
    assert.equal(branchesAtOffset(tree, tree.rootId, 3), false);
    assert.equal(branchesAtOffset(tree, edit.id, tree.textOf(edit.id).length), false);
  });
});

describe('the whitespace a continuation replaces', () => {
  it('finds the whitespace-only user leaf split off at the end', () => {
    const tree = LoomTree.create('door and ');
    const { headId, tailId } = tree.splitNode(tree.rootId, 'door and'.length);
    assert.equal(whitespaceTailAt(tree, tailId, 'door and'.length, ' '), tailId);
    assert.equal(whitespaceTailAt(tree, tailId, 'door and'.length, ''), undefined);
    tree.addChild(tailId, 'more', { author: 'user' });
    assert.equal(whitespaceTailAt(tree, tailId, 'door and'.length, ' '), undefined, 'not when the path goes on');
    assert.ok(tree.has(headId));
  });

  it('leaves model text and bookmarked nodes alone', () => {
    const tree = LoomTree.create('door and');
    const space = tree.addChild(tree.rootId, ' ', { author: 'model' });
    assert.equal(whitespaceTailAt(tree, space.id, 'door and'.length, ' '), undefined);
  });

  it('leaves a user leaf alone unless it is exactly the replaced whitespace ending the path there, and never the root', () => {
    const at = 'door and'.length;
    const leaf = (text: string) => {
      const tree = LoomTree.create('door and');
      return { tree, id: tree.addChild(tree.rootId, text, { author: 'user' }).id };
    };
    const written = leaf('x');
    assert.equal(whitespaceTailAt(written.tree, written.id, at, ' '), undefined, 'text the user wrote, not whitespace');
    const empty = leaf('');
    assert.equal(whitespaceTailAt(empty.tree, empty.id, at, ''), undefined, 'no whitespace replaced');
    const wider = leaf('  ');
    assert.equal(whitespaceTailAt(wider.tree, wider.id, at + 1, '  '), undefined, 'the whitespace does not end the path');
    const blank = LoomTree.create(' ');
    assert.equal(whitespaceTailAt(blank, blank.rootId, 0, ' '), undefined, 'the root');
  });
});

describe('empty results', () => {
  it('names the stop reason, the tokens and the likely reason', () => {
    const message = describeEmptyResults([{ stopReason: 'end_turn', usage: ZERO_USAGE }], 1)!;
    assert.match(message, /no text: the model ended its turn at once \(end_turn, 0 output tokens\)/);
    assert.match(message, /finished answer/);
    assert.match(describeEmptyResults([{ stopReason: 'stop_sequence', usage: ZERO_USAGE }], 3)!, /1 of 3 alternatives.*stop_sequence/);
    assert.match(describeEmptyResults([{ stopReason: 'max_tokens', usage: ZERO_USAGE }], 1)!, /max_tokens/);
    assert.equal(describeEmptyResults([], 2), undefined);
  });
});

describe('identical alternatives', () => {
  it('keeps the first of each text and says how many repeated', () => {
    assert.equal(collapseIdentical([{ id: 'a', text: 'x' }, { id: 'b', text: 'y' }], 0), undefined);
    const all = collapseIdentical([{ id: 'a', text: 'x' }, { id: 'b', text: 'x' }, { id: 'c', text: 'x' }], 0)!;
    assert.deepEqual(all.drop, ['b', 'c']);
    assert.match(all.message, /The 3 alternatives were identical \(temperature 0/);
    const some = collapseIdentical([{ id: 'a', text: 'x' }, { id: 'b', text: 'y' }, { id: 'c', text: 'x' }], 1)!;
    assert.deepEqual(some.drop, ['c']);
    assert.match(some.message, /1 of the 3 alternatives repeated another; 2 different branches are kept/);
    assert.doesNotMatch(some.message, /temperature/);
  });
});

describe('the status bar figures', () => {
  it('say which tokens are input and which output', () => {
    assert.equal(usageLabel({ input_tokens: 14, output_tokens: 1018 }), '14 in · 1,018 out tok');
  });
});
