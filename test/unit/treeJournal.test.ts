/**
 * The journal: which lines it accepts, what it does with entries it cannot apply, and that no entry
 * is deleted without a copy kept or skipped without a word.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LoomTree } from '../../src/core/loom/loomTree';
import { journalFits, parseJournal, replayJournal, type JournalEntry } from '../../src/core/loom/treeJournal';
import { loadTree, TreeStore, type StoreOptions } from '../../src/core/loom/treePersistence';
import { nodeTreeStorage, sidecarPaths, type TreePaths, type TreeStorage } from '../../src/core/loom/treeStorage';

const OPTIONS: StoreOptions = { document: 'story.md', initialText: 'Once' };
const HEADER = '{"format":"prefill-loom-journal","version":1}\n';

let dir: string;
let paths: TreePaths;

async function open(storage: TreeStorage = nodeTreeStorage): Promise<{ store: TreeStore; warnings: string[] }> {
  const result = await TreeStore.open(storage, paths, OPTIONS);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result;
}

function read(file: string): string {
  return readFileSync(file, 'utf8');
}

/** The journal of a tree with one node `a` below the root, as a session leaves it. */
async function treeWithJournal(): Promise<{ store: TreeStore; a: string }> {
  const { store } = await open();
  const a = store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
  await store.flush();
  store.tree.appendText(a.id, ' a');
  store.setCurrent(a.id);
  await store.flush();
  return { store, a: a.id };
}

/** The disk, but the first removal fails: a crash between writing a new snapshot and clearing the journal. */
function crashingBeforeFirstRemove(): TreeStorage {
  let removes = 0;
  return {
    ...nodeTreeStorage,
    remove: async (file) => {
      if (removes++ === 0) throw new Error('simulated crash before the journal was removed');
      return nodeTreeStorage.remove(file);
    },
  };
}

describe('Tree journal', () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'loom-journal-'));
    paths = sidecarPaths(path.join(dir, 'story.md'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('reads only well-formed lines', () => {
    const node = '{"id":"n","parentId":"r","text":"x"}';
    for (const [line, problem] of [
      ['{"seq":1,"op":"append","id":"n"}', /line 2: an "append" entry without id and text/],
      ['{"seq":1,"op":"append","text":"x"}', /line 2: an "append" entry without id and text/],
      ['{"seq":1,"op":"generation","id":"n"}', /line 2: a "generation" entry without id and patch/],
      ['{"seq":1,"op":"bookmark","id":"n","bookmarked":"yes"}', /line 2: a "bookmark" entry without id and bookmarked/],
      ['{"seq":1,"op":"generation","patch":{}}', /line 2: a "generation" entry without id and patch/],
      ['{"seq":1,"op":"bookmark","bookmarked":true}', /line 2: a "bookmark" entry without id and bookmarked/],
      ['{"seq":1,"op":"tags","id":"n"}', /line 2: a "tags" entry without id and tags/],
      ['{"seq":1,"op":"tags","id":"n","tags":"draft"}', /line 2: a "tags" entry without id and tags/],
      ['{"seq":1,"op":"tags","id":"n","tags":["draft",7]}', /line 2: a "tags" entry without id and tags/],
      ['{"seq":1,"op":"tags","tags":["draft"]}', /line 2: a "tags" entry without id and tags/],
      ['{"seq":1,"op":"split","id":"n","offset":1.5,"headId":"h"}', /line 2: a "split" entry without id, offset and headId/],
      ['{"seq":1,"op":"split","offset":1,"headId":"h"}', /line 2: a "split" entry without id, offset and headId/],
      ['{"seq":1,"op":"split","id":"n","offset":1,"headId":7}', /line 2: a "split" entry without id, offset and headId/],
      ['{"seq":1,"op":"remove","id":7}', /line 2: a "remove" entry without id/],
      ['{"seq":1,"op":"remove"}', /line 2: a "remove" entry without id/],
      ['{"seq":1,"op":"current"}', /line 2: a "current" entry without id/],
      ['{"seq":1,"op":"restore","removed":{"parentId":"r"}}', /line 2: a "restore" entry without parentId and nodes/],
      ['{"seq":1,"op":"restore","removed":{"nodes":[]}}', /line 2: a "restore" entry without parentId and nodes/],
      ['{"seq":1,"op":"restore"}', /line 2: a "restore" entry without parentId and nodes/],
      ['{"seq":1,"op":"restore","removed":{"parentId":"r","nodes":[{"id":"n","parentId":"r"}]}}', /line 2: node n has no "text"/],
      ['{"seq":1,"op":"add","node":{"id":"r2","parentId":null,"text":""}}', /line 2: an "add" entry without a parent/],
      [`{"seq":1,"op":"add","node":{"id":"n","parentId":"r"}}`, /line 2: node n has no "text"/],
      ['{"seq":1,"op":"teleport","id":"n"}', /line 2: unknown operation "teleport"/],
      ['[1,2]', /line 2: not an object/],
      ['"append"', /line 2: not an object/],
      [`{"op":"add","node":${node}}`, /line 2: no sequence number/],
      [`{"seq":9007199254740993,"op":"add","node":${node}}`, /line 2: no sequence number/],
      [`{"seq":-1,"op":"add","node":${node}}`, /line 2: no sequence number/],
      ['{"seq":1,"op":"append","id":"n","te', /line 2 is not valid JSON/],
    ] as const) {
      it(`${line.slice(0, 60)} → corrupt`, () => {
        const parsed = parseJournal(HEADER + line + '\n' + '{"seq":2,"op":"current","id":"r"}\n', 'story.md.loom.journal.jsonl');
        assert.ok(!parsed.ok, 'refused');
        assert.equal(parsed.error.kind, 'corrupt');
        assert.match(parsed.error.message, problem);
      });
    }

    it('reads blank lines (spaces, a lone \\r from a CRLF checkout) as nothing', () => {
      const parsed = parseJournal(HEADER + '  \n\r\n{"seq":1,"op":"current","id":"r"}\r\n', 'j');
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
      assert.deepEqual(parsed.value.entries, [{ seq: 1, op: { op: 'current', id: 'r' } }]);
    });

    it('reads a header whose ids are not text as one written before ids, so its entries are applied', () => {
      const parsed = parseJournal('{"format":"prefill-loom-journal","version":1,"id":5,"snapshot":7}\n{"seq":1,"op":"current","id":"r"}\n', 'j');
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.value.ids, {});
      assert.ok(journalFits(parsed.value.ids, { id: 's-mine' }));
    });

    it('a restore entry with a position that is not a whole number restores the branch first among its siblings', () => {
      const removed = (extra: string) => `{"seq":1,"op":"restore","removed":{"parentId":"r",${extra}"nodes":[{"id":"n","parentId":"r","text":"y"}]}}`;
      const parsed = parseJournal(HEADER + [removed('"index":"2","parentPathLength":-1,'), removed('"index":1.5,'), removed('"index":1,"parentPathLength":4,')].join('\n') + '\n', 'j');
      assert.ok(parsed.ok);
      const positions = parsed.value.entries.map(({ op }) => (op.op === 'restore' ? [op.removed.index, op.removed.parentPathLength] : []));
      assert.deepEqual(positions, [[0, 0], [0, 0], [1, 4]]);
    });

    it('a journal from a newer version is not read', () => {
      const parsed = parseJournal('{"format":"prefill-loom-journal","version":2}\n', 'j');
      assert.ok(!parsed.ok && parsed.error.kind === 'newerVersion');
      assert.match(parsed.error.message, /journal format 2; this version of Prefill Loom reads up to 1/);
    });

    it('reads every operation it writes', () => {
      const lines = [
        `{"seq":1,"op":"add","node":${node}}`,
        '{"seq":2,"op":"append","id":"n","text":"y"}',
        '{"seq":3,"op":"generation","id":"n","patch":{"error":"late"}}',
        '{"seq":4,"op":"bookmark","id":"n","bookmarked":true}',
        '{"seq":5,"op":"split","id":"n","offset":1,"headId":"h"}',
        '{"seq":6,"op":"remove","id":"n"}',
        '{"seq":7,"op":"restore","removed":{"parentId":"h","index":0,"parentPathLength":2,"nodes":[{"id":"n","parentId":"h","text":"y"}]}}',
        '{"seq":8,"op":"current","id":"n"}',
      ];
      const parsed = parseJournal(HEADER + lines.join('\n') + '\n', 'j');
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.value.entries.map((e: JournalEntry) => e.op.op), ['add', 'append', 'generation', 'bookmark', 'split', 'remove', 'restore', 'current']);
      assert.equal(parsed.value.needsRepair, false);
    });
  });

  it('applies a complete last entry that lacks only its newline, and keeps the journal aside before rewriting it', async () => {
    const { store, a } = await treeWithJournal();
    store.dispose();
    const journal = read(paths.journal) + `{"seq":99,"op":"append","id":"${a}","text":" time"}`;
    writeFileSync(paths.journal, journal);
    const { store: reopened } = await open();
    assert.equal(reopened.tree.textOf(a), 'Once upon a time');
    assert.equal(read(path.join(dir, 'story.md.loom.journal.before-repair.jsonl')), journal);
    assert.equal((await loadTree(nodeTreeStorage, paths)).kind, 'loaded');
  });

  it('warns with the count when entries are skipped, and keeps them in a copy before compacting', async () => {
    const { store, a } = await treeWithJournal();
    store.dispose();
    // An entry whose parent comes on a later line: it cannot be applied where it stands.
    const journal = read(paths.journal) + `{"seq":50,"op":"add","node":{"id":"late","parentId":"later","text":"!"}}\n{"seq":51,"op":"add","node":{"id":"later","parentId":"${a}","text":"?"}}\n`;
    writeFileSync(paths.journal, journal);
    const { store: reopened, warnings } = await open();
    assert.ok(reopened.tree.has('later') && !reopened.tree.has('late'));
    assert.match(warnings.join('\n'), /skipped journal entry 50 \(add\)/);
    assert.match(warnings.join('\n'), /1 journal entry could not be applied; the journal as it was is kept as story\.md\.loom\.journal\.before-repair\.jsonl/);
    assert.equal(read(path.join(dir, 'story.md.loom.journal.before-repair.jsonl')), journal);
    reopened.tree.appendText('later', '.');
    await reopened.compact();
    assert.equal(read(path.join(dir, 'story.md.loom.journal.before-repair.jsonl')), journal, 'still there after compaction');
  });

  it('a snapshot replaced from elsewhere (a git pull) does not silently hide local journal entries', async () => {
    const { store, a } = await treeWithJournal();
    store.dispose();
    const journal = read(paths.journal);
    // Another machine's snapshot of the same tree, saved further along (a higher journalSeq).
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'loom-elsewhere-'));
    try {
      const theirPaths = sidecarPaths(path.join(elsewhere, 'story.md'));
      writeFileSync(theirPaths.snapshot, read(paths.snapshot));
      const theirs = await TreeStore.open(nodeTreeStorage, theirPaths, OPTIONS);
      assert.ok(theirs.ok);
      for (let i = 0; i < 5; i++) {
        theirs.store.tree.appendText(a, ` ${i}`);
        await theirs.store.flush();
      }
      await theirs.store.compact();
      writeFileSync(paths.snapshot, read(theirPaths.snapshot));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    const { warnings } = await open();
    assert.match(warnings.join('\n'), /2 journal entries were written for another version of story\.md\.loom\.json .*not applied.*kept as story\.md\.loom\.journal\.before-repair\.jsonl/);
    assert.equal(read(path.join(dir, 'story.md.loom.journal.before-repair.jsonl')), journal);
  });

  it('counts entries set aside or skipped in words that fit the count', async () => {
    const { store, a } = await treeWithJournal();
    store.dispose();
    const header = '{"format":"prefill-loom-journal","version":1,"id":"j-local","snapshot":"s-replaced"}\n';
    writeFileSync(paths.journal, `${header}{"seq":9,"op":"append","id":"${a}","text":"!"}\n`);
    assert.deepEqual((await open()).warnings, [
      '1 journal entry was written for another version of story.md.loom.json (it was replaced, e.g. by a git pull) and not applied; the journal as it was is kept as story.md.loom.journal.before-repair.jsonl',
    ]);
    const late = (id: string, seq: number) => `{"seq":${seq},"op":"add","node":{"id":"${id}","parentId":"later","text":"!"}}\n`;
    writeFileSync(paths.journal, `${HEADER}${late('late1', 20)}${late('late2', 21)}`);
    assert.match((await open()).warnings.join('\n'), /^2 journal entries could not be applied; /m);
  });

  it('an empty journal that names another snapshot is rewritten, so what is appended next is applied', async () => {
    const { store, a } = await treeWithJournal();
    await store.compact();
    store.dispose();
    writeFileSync(paths.journal, '{"format":"prefill-loom-journal","version":1,"id":"j-elsewhere","snapshot":"s-elsewhere"}\n');
    const { store: reopened } = await open();
    reopened.tree.appendText(a, ' time');
    await reopened.flush();
    const loaded = await loadTree(nodeTreeStorage, paths);
    assert.ok(loaded.kind === 'loaded');
    assert.equal(loaded.tree.textOf(a), 'Once upon a time');
    assert.deepEqual(loaded.warnings, []);
  });

  describe('which snapshot a journal belongs on', () => {
    for (const [journal, snapshot, fits] of [
      [{}, { id: 's1' }, true],
      [{ id: 'j1', snapshot: 's1' }, { id: 's1' }, true],
      [{ id: 'j1', snapshot: 's0' }, { id: 's1', absorbed: 'j1' }, true],
      [{ id: 'j1', snapshot: 's0' }, { id: 's1', absorbed: 'j0' }, false],
      [{ snapshot: 's0' }, { id: 's1' }, false],
    ] as const) {
      it(`journal ${JSON.stringify(journal)} on snapshot ${JSON.stringify(snapshot)}: ${fits ? 'applied' : 'set aside'}`, () => {
        assert.equal(journalFits(journal, snapshot), fits);
      });
    }
  });

  describe('replay', () => {
    it('skips a move to a node that is not in the tree, with a warning, and keeps the current node', () => {
      const tree = LoomTree.create('Once');
      const a = tree.addChild(tree.rootId, ' upon', { author: 'user' }).id;
      const replay = replayJournal(tree, [{ seq: 1, op: { op: 'current', id: 'gone' } }], 0, a);
      assert.equal(replay.currentId, a);
      assert.equal(replay.skipped, 1);
      assert.deepEqual(replay.warnings, ['skipped journal entry 1 (current): no node gone in the tree']);
    });

    it('opens at the root when the current node was removed by a later entry', () => {
      const tree = LoomTree.create('Once');
      const a = tree.addChild(tree.rootId, ' upon', { author: 'user' }).id;
      const replay = replayJournal(tree, [{ seq: 1, op: { op: 'remove', id: a } }], 0, a);
      assert.ok(!tree.has(a));
      assert.equal(replay.currentId, tree.rootId);
    });
  });

  describe('sequence numbers', () => {
    it('replay returns the highest sequence number it saw, never one below the snapshot or an entry', () => {
      const tree = LoomTree.create('Once');
      const entries: JournalEntry[] = [3, 7, 5].map((seq) => ({ seq, op: { op: 'current', id: tree.rootId } }));
      assert.equal(replayJournal(tree, entries, 0, tree.rootId).seq, 7);
      assert.equal(replayJournal(tree, entries, 9, tree.rootId).seq, 9);
      assert.equal(replayJournal(tree, [], 4, tree.rootId).seq, 4);
    });

    it('after reopening, a crash between the new snapshot and clearing the journal applies no entry twice', async () => {
      const { store, a } = await treeWithJournal();
      store.dispose();
      const crashing = crashingBeforeFirstRemove();
      const { store: reopened } = await open(crashing);
      reopened.tree.appendText(a, ' time');
      await reopened.flush();
      await assert.rejects(reopened.compact(), /simulated crash/);
      const { store: again, warnings } = await open();
      assert.equal(again.tree.textOf(a), 'Once upon a time');
      assert.deepEqual(warnings, []);
      again.tree.appendText(a, '!');
      await again.flush();
      const loaded = await loadTree(nodeTreeStorage, paths);
      assert.ok(loaded.kind === 'loaded');
      assert.equal(loaded.tree.textOf(a), 'Once upon a time!');
    });

    it('a journal set aside (written for another snapshot) is not applied later, even after a crash before it was cleared', async () => {
      const { store } = await open();
      const a = store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' }).id;
      await store.flush();
      store.dispose();
      const entry = (seq: number) => `{"seq":${seq},"op":"append","id":"${a}","text":" ${seq}"}\n`;
      writeFileSync(paths.journal, `{"format":"prefill-loom-journal","version":1,"id":"j-local","snapshot":"s-replaced"}\n${entry(1)}${entry(2)}`);
      const crashing = crashingBeforeFirstRemove();
      const failed = await TreeStore.open(crashing, paths, OPTIONS);
      assert.ok(!failed.ok && /simulated crash/.test(failed.error.message));
      const loaded = await loadTree(nodeTreeStorage, paths);
      assert.ok(loaded.kind === 'loaded');
      assert.equal(loaded.tree.textOf(a), 'Once upon', 'neither entry applied to the snapshot they were not written for');
    });

    it('a snapshot whose journalSeq is not a safe integer is refused', async () => {
      await treeWithJournal();
      writeFileSync(paths.snapshot, read(paths.snapshot).replace(/"journalSeq": \d+/, '"journalSeq": 9007199254740993'));
      const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
      assert.ok(!result.ok && /"journalSeq" is not a sequence number/.test(result.error.message));
      assert.ok(existsSync(paths.journal) && readdirSync(dir).length === 2);
    });
  });
});
