import * as assert from 'node:assert/strict';
import type { RemovedSubtree } from '../../src/core/loom/loomNode';
import { loadTree, TreeStore } from '../../src/core/loom/treePersistence';
import { memoryTreeStorage, treePathsIn, type TreeStorage } from '../../src/core/loom/treeStorage';
import { reconcile } from '../../src/core/loom/treeReconcile';
import { seededRandom } from '../server/random';


/** Files in memory, counting appends and renames: this test is about what the store writes, not the disk (treePersistence.test.ts uses the disk). */
function memoryStorage(counts: { append: number; rename: number }): TreeStorage {
  const storage = memoryTreeStorage();
  return {
    ...storage,
    append: (p, data) => {
      counts.append++;
      return storage.append(p, data);
    },
    rename: (from, to) => {
      counts.rename++;
      return storage.rename(from, to);
    },
  };
}

describe('TreeStore with random changes, flushes and reloads', function () {
  this.timeout(60_000);

  it('always reloads exactly the tree and current node it saved, through journal appends and compactions', async () => {
    const counts = { append: 0, rename: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const storage = memoryStorage(counts);
      const random = seededRandom(seed);
      const int = (n: number) => Math.floor(random() * n);
      const text = () => ['a', 'b ', '\n', '😀', 'é"\\'][int(5)].repeat(int(4));
      const paths = treePathsIn('/docs', `doc${seed}.md`);
      const options = { document: `doc${seed}.md`, initialText: text(), compaction: { minBytes: int(2) * 400, ratio: 0.5 } };
      const opened = await TreeStore.open(storage, paths, options);
      assert.ok(opened.ok);
      let store = opened.store;
      const undo: RemovedSubtree[] = [];
      for (let step = 0; step < 60; step++) {
        const tree = store.tree;
        const all = [...tree.preorder()];
        const pick = all[int(all.length)];
        switch (int(8)) {
          case 0:
          case 1:
            tree.addChild(pick.id, text(), { author: int(2) ? 'user' : 'model', bookmarked: int(5) === 0 || undefined });
            break;
          case 2:
            tree.appendText(pick.id, text());
            break;
          case 3:
            tree.splitNode(pick.id, int(pick.text.length + 1));
            break;
          case 4:
            if (pick.parentId !== null && !tree.pathTo(store.currentId).some((n) => n.id === pick.id)) undo.push(tree.removeSubtree(pick.id));
            else if (undo.length > 0) tree.restoreSubtree(undo.pop()!);
            break;
          case 5:
            store.setCurrent(pick.id);
            break;
          case 6: {
            const buffer = tree.textOf(store.currentId) + text();
            store.setCurrent(reconcile(tree, store.currentId, buffer.slice(int(3))).currentId);
            break;
          }
          case 7:
            tree.setBookmark(pick.id, !pick.bookmarked);
            break;
        }
        if (int(3) === 0) await store.flush();
        if (int(10) === 0) {
          await store.flush();
          store.dispose();
          const reopened = await TreeStore.open(storage, paths, options);
          assert.ok(reopened.ok);
          if (reopened.created) {
            // Nothing changed yet, so nothing was written: a new tree is the same text.
            assert.equal(tree.size, 1);
            store = reopened.store;
            continue;
          }
          assert.deepEqual(reopened.warnings, [], `seed ${seed} step ${step}`);
          assert.deepEqual([...reopened.store.tree.preorder()], [...tree.preorder()], `seed ${seed} step ${step}`);
          assert.equal(reopened.store.currentId, store.currentId);
          store = reopened.store;
          undo.length = 0; // an undo record belongs to the tree object it came from
        }
      }
      await store.flush();
      const loaded = await loadTree(storage, paths);
      assert.ok(loaded.kind === 'loaded');
      assert.deepEqual([...loaded.tree.preorder()], [...store.tree.preorder()], `seed ${seed} end`);
      assert.equal(loaded.currentId, store.currentId);
    }
    assert.ok(counts.append > 500 && counts.rename > 500, JSON.stringify(counts));
  });
});
