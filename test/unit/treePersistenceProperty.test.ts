import * as assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { GenerationInfo, GenerationPatch, LoomNode, NodeGenerationStatus, RemovedSubtree } from '../../src/core/loom/loomNode';
import { loadTree, TreeStore } from '../../src/core/loom/treePersistence';
import { memoryTreeStorage, treePathsIn, type TreeStorage } from '../../src/core/loom/treeStorage';
import { reconcile } from '../../src/core/loom/treeReconcile';
import { seededRandom } from '../server/random';


type Fault = 'create' | 'append' | 'tornAppend' | 'rename' | 'remove';
const FAULTS: readonly Fault[] = ['create', 'append', 'tornAppend', 'rename', 'remove'];

/**
 * Files in memory (this test is about what the store writes, not the disk; treePersistence.test.ts
 * uses the disk), counting what happens, where one armed operation fails as a full disk or a crash
 * would leave it: not done at all, or (a torn append) with part of its data written.
 */
function faultyStorage(counts: Record<string, number>): TreeStorage & { arm(fault: Fault | undefined): void } {
  const storage = memoryTreeStorage();
  let armed: Fault | undefined;
  const fire = (fault: Fault): boolean => {
    if (armed !== fault && !(fault === 'append' && armed === 'tornAppend')) return false;
    counts[armed] = (counts[armed] ?? 0) + 1;
    return true;
  };
  return {
    ...storage,
    arm: (fault) => void (armed = fault),
    create: async (p, data) => {
      if (fire('create')) throw new Error('simulated create failure');
      return storage.create(p, data);
    },
    append: async (p, data) => {
      counts.append++;
      if (fire('append')) {
        // Cut inside the first line, so no entry of this append lands: what is on disk stays exactly a saved state.
        if (armed === 'tornAppend') await storage.append(p, data.slice(0, Math.max(1, data.indexOf('\n') - 3)));
        armed = undefined;
        throw new Error('simulated append failure');
      }
      return storage.append(p, data);
    },
    rename: async (from, to) => {
      counts.rename++;
      if (fire('rename')) throw new Error('simulated rename failure');
      return storage.rename(from, to);
    },
    remove: async (p) => {
      if (fire('remove')) throw new Error('simulated remove failure');
      return storage.remove(p);
    },
  };
}

const STATUSES: readonly NodeGenerationStatus[] = ['completed', 'failed', 'cancelled'];

function generationInfo(status: NodeGenerationStatus, error?: string): GenerationInfo {
  return { model: 'm', params: { model: 'm' }, stopReason: null, usage: { input_tokens: 1, output_tokens: 2 }, durationMs: 3, requests: 1, status, ...(error ? { error } : {}) };
}

/** What a reload must give back: every node (with its generation info) and the current node. */
function stateOf(store: TreeStore): { nodes: LoomNode[]; currentId: string } {
  return structuredClone({ nodes: [...store.tree.preorder()], currentId: store.currentId });
}

describe('TreeStore with random changes, flushes, failed writes, crashes and reloads', function () {
  this.timeout(60_000);

  it('always reloads the tree it last saved (or was saving when a write failed), through appends, compactions, failures and crashes', async () => {
    const counts: Record<string, number> = { append: 0, rename: 0, crashes: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const storage = faultyStorage(counts);
      const random = seededRandom(seed);
      const int = (n: number) => Math.floor(random() * n);
      const text = () => ['a', 'b ', '\n', '😀', 'é"\\'][int(5)].repeat(int(4));
      const paths = treePathsIn('/docs', `doc${seed}.md`);
      const options = { document: `doc${seed}.md`, initialText: text(), compaction: { minBytes: int(2) * 400, ratio: 0.5 } };
      const opened = await TreeStore.open(storage, paths, options);
      assert.ok(opened.ok);
      let store = opened.store;
      /**
       * What the files may hold: the state of the last flush that succeeded (undefined: nothing
       * written yet), or of any flush that failed since (a failed journal removal comes after its
       * snapshot is safe).
       */
      let onDisk: (ReturnType<typeof stateOf> | undefined)[] = [undefined];
      /** A torn append since the last reopen: its cut line may still be on disk, and is reported. */
      let torn = false;
      const undo: RemovedSubtree[] = [];
      const reopen = async (where: string, acceptable: (ReturnType<typeof stateOf> | undefined)[]) => {
        store.dispose();
        const reopened = await TreeStore.open(storage, paths, options);
        assert.ok(reopened.ok, `${where}: ${reopened.ok ? '' : reopened.error.message}`);
        undo.length = 0; // an undo record belongs to the tree object it came from
        if (reopened.created) {
          // Nothing written yet is right only for a tree that never changed (a new tree is the same text).
          const unchanged = (s: ReturnType<typeof stateOf> | undefined) => s === undefined || (s.nodes.length === 1 && s.nodes[0].text === options.initialText && !s.nodes[0].bookmarked);
          assert.ok(acceptable.some(unchanged), `${where}: files vanished`);
          store = reopened.store;
          onDisk = [undefined];
          return;
        }
        const expected = torn ? /^ignored an incomplete last line|^the journal as it was is kept as doc\d+\.md\.loom\.journal\.before-repair(-\d+)?\.jsonl$/ : /^$/;
        assert.ok(reopened.warnings.every((w) => expected.test(w)), `${where}: ${reopened.warnings.join('; ')}`);
        torn = false;
        const state = stateOf(reopened.store);
        assert.ok(
          acceptable.some((s) => s !== undefined && isDeepStrictEqual(s, state)),
          `${where}: reloaded ${JSON.stringify(state)}\nexpected one of ${JSON.stringify(acceptable)}`,
        );
        store = reopened.store;
        onDisk = [state];
      };
      for (let step = 0; step < 60; step++) {
        const where = `seed ${seed} step ${step}`;
        const tree = store.tree;
        const all = [...tree.preorder()];
        const pick = all[int(all.length)];
        switch (int(10)) {
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
          case 8:
            tree.addChild(pick.id, text(), { author: 'model', generation: generationInfo(STATUSES[int(3)], int(2) ? 'overloaded' : undefined) });
            break;
          case 9: {
            // Generation patches, as a stream ends: a late error, an error cleared, usage updated.
            const model = all.filter((n) => n.generation);
            const node = model[int(model.length)];
            if (!node) break;
            const patches: GenerationPatch[] = [{ status: 'failed', error: `late ${step}` }, { status: 'completed', error: undefined }, { usage: { input_tokens: step, output_tokens: 1 } }];
            for (let i = int(3); i >= 0; i--) tree.setGeneration(node.id, patches[int(3)]);
            break;
          }
        }
        if (int(3) === 0) {
          const fault = int(4) === 0 ? FAULTS[int(FAULTS.length)] : undefined;
          const attempted = stateOf(store);
          storage.arm(fault);
          const failed = await store.flush().then(
            () => false,
            () => true,
          );
          storage.arm(undefined);
          torn ||= fault === 'tornAppend';
          onDisk = failed ? [...onDisk, attempted] : [attempted];
          if (failed && int(2) === 0) {
            // The process dies here; the next one opens what is on disk.
            counts.crashes++;
            await reopen(`${where} (crash after a failed ${fault})`, onDisk);
          }
        }
        if (int(10) === 0) {
          // A failed save is retried by the next flush; what it writes must reload exactly.
          await store.flush();
          await reopen(where, [stateOf(store)]);
          if (int(2) === 0) {
            // Right after reopening: a change, then a crash between the new snapshot and the journal's removal.
            store.tree.addChild(store.tree.rootId, text(), { author: 'user' });
            const attempted = stateOf(store);
            storage.arm('remove');
            await assert.rejects(store.compact(), /simulated remove failure/);
            storage.arm(undefined);
            counts.crashes++;
            await reopen(`${where} (crash mid-compaction after reopening)`, [attempted]);
          }
        }
      }
      await store.flush();
      const loaded = await loadTree(storage, paths);
      assert.ok(loaded.kind === 'loaded');
      assert.deepEqual([...loaded.tree.preorder()], [...store.tree.preorder()], `seed ${seed} end`);
      assert.equal(loaded.currentId, store.currentId);
    }
    for (const what of ['append', 'rename', 'crashes', ...FAULTS]) assert.ok(counts[what] > 20, JSON.stringify(counts));
  });
});
