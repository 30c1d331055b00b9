import * as assert from 'node:assert/strict';
import { serializeTree } from '../../src/core/loom/treeFormat';
import { benchTreeScale, generateTree } from '../bench/treeScale';

describe('tree scale bench (smoke)', function () {
  this.timeout(30_000);

  it('generates the same tree for the same seed, of the size asked for, with depth and long text', () => {
    const a = generateTree(2000, 3);
    const b = generateTree(2000, 3);
    assert.equal(a.tree.size, 2000);
    assert.equal(serializeTree(a.tree, { currentId: a.deepestId, document: '' }), serializeTree(b.tree, { currentId: b.deepestId, document: '' }));
    assert.ok(a.tree.pathTo(a.deepestId).length > 20);
    assert.ok([...a.tree.preorder()].some((n) => n.text.length >= 5000));
  });

  it('measures every figure for a small tree', async () => {
    const [result] = await benchTreeScale([300]);
    assert.equal(result.nodes, 300);
    const numbers = [result.loadMs, result.saveOneChangeMs, result.saveOneChangeCpuMs, result.compactMs, result.reconcileKeystrokeMs, ...Object.values(result.navigationUs)];
    for (const n of numbers) assert.ok(Number.isFinite(n) && n >= 0, String(n));
    assert.ok(result.fileBytes > 0);
  });
});
