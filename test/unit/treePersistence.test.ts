import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { GenerationInfo } from '../../src/core/loom/loomNode';
import { LoomTree } from '../../src/core/loom/loomTree';
import { loadTree, TreeStore, type StoreOptions } from '../../src/core/loom/treePersistence';
import { LinkError, memoryTreeStorage, moveAside, nodeTreeStorage, sidecarPaths, tempPath, treePathsIn, type TreePaths, type TreeStorage } from '../../src/core/loom/treeStorage';

const GENERATION: GenerationInfo = {
  model: 'claude-haiku-4-5',
  params: { model: 'claude-haiku-4-5', temperature: 1 },
  stopReason: null,
  usage: { input_tokens: 1, output_tokens: 0 },
  durationMs: 0,
  requests: 1,
  status: 'streaming',
};

let dir: string;
let paths: TreePaths;

const OPTIONS: StoreOptions = { document: 'story.md', initialText: 'Once' };

async function open(storage: TreeStorage = nodeTreeStorage, options: Partial<StoreOptions> = {}): Promise<TreeStore> {
  const result = await TreeStore.open(storage, paths, { ...OPTIONS, ...options });
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.store;
}

async function reload(): Promise<{ tree: LoomTree; currentId: string; warnings: string[] }> {
  const result = await loadTree(nodeTreeStorage, paths);
  assert.equal(result.kind, 'loaded', result.kind === 'error' ? result.error.message : result.kind);
  return result as { tree: LoomTree; currentId: string; warnings: string[] };
}

function nodes(tree: LoomTree) {
  return [...tree.preorder()];
}

function read(file: string): string {
  return readFileSync(file, 'utf8');
}

/** A storage whose named operation fails once, after `skip` calls, as a crash or a full disk would leave things. */
function failing(op: keyof TreeStorage, skip = 0): TreeStorage {
  let calls = 0;
  return {
    ...nodeTreeStorage,
    [op]: async (file: string, data: string) => {
      if (calls++ === skip) throw new Error(`simulated ${op} failure`);
      return (nodeTreeStorage[op] as (a: string, b: string) => Promise<unknown>)(file, data);
    },
  };
}

describe('TreeStore', () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'loom-store-'));
    paths = sidecarPaths(path.join(dir, 'story.md'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names sidecar files after the document, and workspace-storage files after a given name', () => {
    assert.deepEqual(sidecarPaths('/w/notes/story.md'), { snapshot: '/w/notes/story.md.loom.json', journal: '/w/notes/story.md.loom.journal.jsonl' });
    assert.deepEqual(treePathsIn('/ws', 'Untitled-1'), { snapshot: '/ws/Untitled-1.loom.json', journal: '/ws/Untitled-1.loom.journal.jsonl' });
  });

  it('starts a new tree from the buffer and writes nothing until there is a change to flush', async () => {
    const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
    assert.ok(result.ok && result.created);
    assert.equal(result.store.tree.textOf(result.store.currentId), 'Once');
    await result.store.flush();
    assert.deepEqual(readdirSync(dir), []);
  });

  it('writes a snapshot first, then appends one journal line per flush; a reload sees it all', async () => {
    const store = await open();
    const a = store.tree.addChild(store.tree.rootId, ' upon', { author: 'model', generation: GENERATION });
    store.setCurrent(a.id);
    await store.flush();
    assert.deepEqual(readdirSync(dir), ['story.md.loom.json']);
    const snapshot = read(paths.snapshot);
    for (const word of [' a', ' time']) store.tree.appendText(a.id, word);
    store.tree.setGeneration(a.id, { status: 'completed', stopReason: 'end_turn' });
    store.tree.setGeneration(a.id, { usage: { input_tokens: 1, output_tokens: 3 } });
    await store.flush();
    assert.equal(read(paths.snapshot), snapshot);
    const lines = read(paths.journal).trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => JSON.parse(l).op ?? 'header'), ['header', 'append', 'generation']);
    assert.equal(JSON.parse(lines[1]).text, ' a time');
    const back = await reload();
    assert.deepEqual(nodes(back.tree), nodes(store.tree));
    assert.equal(back.currentId, a.id);
    assert.deepEqual(back.warnings, []);
  });

  it('folds the journal into the snapshot once it outgrows a fraction of it', async () => {
    const store = await open(nodeTreeStorage, { compaction: { minBytes: 0, ratio: 0.5 } });
    const a = store.tree.addChild(store.tree.rootId, '', { author: 'user' });
    await store.flush();
    let compactions = 0;
    for (let i = 0; i < 40; i++) {
      store.tree.appendText(a.id, `chunk ${i} `.repeat(3));
      await store.flush();
      if (!existsSync(paths.journal)) compactions++;
    }
    assert.ok(compactions >= 3 && compactions <= 20, `${compactions} compactions`);
    assert.deepEqual(nodes((await reload()).tree), nodes(store.tree));
  });

  it('ignores a journal line cut short by a crash, with a warning, and repairs the journal on open', async () => {
    const store = await open();
    const a = store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
    await store.flush();
    store.tree.appendText(a.id, ' a time');
    await store.flush();
    writeFileSync(paths.journal, read(paths.journal) + '{"seq":9,"op":"append","id":"' + a.id + '","te', { flag: 'w' });
    const { warnings, tree } = await reload();
    assert.match(warnings.join(), /ignored an incomplete last line/);
    assert.equal(tree.textOf(a.id), 'Once upon a time');
    const reopened = await open();
    assert.equal(existsSync(paths.journal), false);
    reopened.tree.appendText(a.id, '.');
    await reopened.flush();
    const again = await reload();
    assert.deepEqual(again.warnings, []);
    assert.equal(again.tree.textOf(a.id), 'Once upon a time.');
  });

  it('keeps the old snapshot when a crash comes between writing the temp file and renaming it', async () => {
    const store = await open();
    store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
    await store.flush();
    const before = nodes(store.tree);
    // As if the process died after writing the temp file: a half-written temp file, no rename.
    writeFileSync(tempPath(paths.snapshot), '{"format": "prefill-loom-tree", "vers');
    assert.deepEqual(nodes((await reload()).tree), before);
    // The same through the store: the rename fails, the next flush writes it all.
    const crashing = await open(failing('rename'));
    crashing.tree.addChild(crashing.tree.rootId, ' more', { author: 'user' });
    await assert.rejects(crashing.compact(), /simulated rename failure/);
    assert.deepEqual(nodes((await reload()).tree), before);
    await crashing.flush();
    assert.deepEqual(nodes((await reload()).tree), nodes(crashing.tree));
  });

  it('does not apply journal entries twice after a crash between a new snapshot and clearing the journal', async () => {
    const store = await open(failing('remove', 1));
    const a = store.tree.addChild(store.tree.rootId, '', { author: 'user' });
    await store.flush();
    store.tree.appendText(a.id, ' upon');
    await store.flush();
    store.tree.appendText(a.id, ' a time');
    await assert.rejects(store.compact(), /simulated remove failure/);
    assert.ok(existsSync(paths.journal));
    assert.equal((await reload()).tree.textOf(a.id), 'Once upon a time');
    store.tree.appendText(a.id, '!');
    await store.flush();
    assert.equal((await reload()).tree.textOf(a.id), 'Once upon a time!');
  });

  it('rewrites the snapshot after an append fails, instead of appending after a partial line', async () => {
    const store = await open(failing('append'));
    const a = store.tree.addChild(store.tree.rootId, '', { author: 'user' });
    await store.flush();
    store.tree.appendText(a.id, ' upon');
    await assert.rejects(store.flush(), /simulated append failure/);
    store.tree.appendText(a.id, ' a time');
    await store.flush();
    assert.equal((await reload()).tree.textOf(a.id), 'Once upon a time');
  });

  it('journals a cleared error so that it stays cleared', async () => {
    const store = await open();
    const a = store.tree.addChild(store.tree.rootId, ' up', { author: 'model', generation: { ...GENERATION, status: 'failed', error: '529 overloaded' } });
    await store.flush();
    store.tree.setGeneration(a.id, { status: 'completed', error: undefined });
    await store.flush();
    assert.match(read(paths.journal), /"error":null/);
    assert.deepEqual((await reload()).tree.get(a.id)?.generation, { ...GENERATION, status: 'completed' });
  });

  it('keeps a generation error that arrives after the node was first saved', async () => {
    const store = await open();
    const a = store.tree.addChild(store.tree.rootId, ' up', { author: 'model', generation: GENERATION });
    await store.flush();
    store.tree.setGeneration(a.id, { status: 'failed', error: '529 overloaded' });
    await store.flush();
    assert.match(read(paths.journal), /"error":"529 overloaded"/);
    assert.deepEqual((await reload()).tree.get(a.id)?.generation, { ...GENERATION, status: 'failed', error: '529 overloaded' });
  });

  it('marks a generation that was streaming when its writer stopped as cancelled', async () => {
    const store = await open();
    const a = store.tree.addChild(store.tree.rootId, ' up', { author: 'model', generation: GENERATION });
    await store.flush();
    const node = (await reload()).tree.get(a.id)!;
    assert.equal(node.generation?.status, 'cancelled');
    assert.match(node.generation?.error ?? '', /interrupted/);
  });

  it('replaces the whole tree on import', async () => {
    const store = await open();
    store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
    await store.flush();
    const other = await open();
    other.tree.addChild(other.tree.rootId, ' more', { author: 'user' });
    await store.replaceTree(other.tree, other.tree.rootId);
    assert.equal(existsSync(paths.journal), false);
    assert.deepEqual(nodes((await reload()).tree), nodes(other.tree));
  });

  describe('never writes over a file it cannot read', () => {
    for (const [name, file, content, kind] of [
      ['a corrupt snapshot', 'snapshot', '{"format": "prefill-loom-tree", "version": 1, "nodes": [', 'corrupt'],
      ['a newer snapshot', 'snapshot', '{"format": "prefill-loom-tree", "version": 2, "nodes": "new shape"}', 'newerVersion'],
      ['a journal without its snapshot', 'journal', '{"format":"prefill-loom-journal","version":1}\n', 'corrupt'],
    ] as const) {
      it(`${name}: open fails with a typed error, the file stays as it is until moved aside`, async () => {
        writeFileSync(paths[file], content);
        const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
        assert.ok(!result.ok);
        assert.equal(result.error.kind, kind);
        assert.equal(result.error.path, paths[file]);
        assert.equal(read(paths[file]), content);
        const moved = await moveAside(nodeTreeStorage, paths, Date.UTC(2026, 0, 2, 3, 4, 5));
        const expected = file === 'snapshot' ? 'story.md.loom.corrupt-20260102T030405Z.json' : 'story.md.loom.journal.corrupt-20260102T030405Z.jsonl';
        assert.equal(moved[file], path.join(dir, expected));
        assert.equal(read(path.join(dir, expected)), content);
        const fresh = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
        assert.ok(fresh.ok && fresh.created);
      });
    }

    it('a journal with an unreadable line in the middle', async () => {
      const store = await open();
      store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
      await store.flush();
      const journal = '{"format":"prefill-loom-journal","version":1}\nnot json\n{"seq":5,"op":"current","id":"x"}\n';
      writeFileSync(paths.journal, journal);
      const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
      assert.ok(!result.ok && result.error.kind === 'corrupt' && /line 2 is not valid JSON/.test(result.error.message));
      assert.equal(read(paths.journal), journal);
    });

    it('keeps a second file moved aside in the same second', async () => {
      writeFileSync(paths.snapshot, 'one');
      await moveAside(nodeTreeStorage, paths, 0);
      writeFileSync(paths.snapshot, 'two');
      const moved = await moveAside(nodeTreeStorage, paths, 0);
      assert.equal(moved.snapshot, path.join(dir, 'story.md.loom.corrupt-19700101T000000Z-2.json'));
    });
  });

  describe('a file that cannot be read or rewritten on open', () => {
    for (const [name, file] of [['the snapshot', 'story.md.loom.json'], ['the journal', 'story.md.loom.journal.jsonl']] as const) {
      it(`${name} unreadable: an io error naming the file and the cause`, async () => {
        const store = await open();
        store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
        await store.flush();
        const refuse = (p: string) => path.basename(p) === file && Promise.reject(new Error('simulated read failure'));
        const unreadable: TreeStorage = {
          ...nodeTreeStorage,
          read: async (p) => refuse(p) || nodeTreeStorage.read(p),
          readBytes: async (p) => refuse(p) || nodeTreeStorage.readBytes!(p),
        };
        const result = await loadTree(unreadable, paths);
        assert.ok(result.kind === 'error');
        assert.equal(result.error.kind, 'io');
        assert.equal(result.error.message, `Could not access ${file}: simulated read failure. Check that it is readable and writable; Prefill Loom has not changed it.`);
      });
    }

    it('a journal with no snapshot beside it is refused, not read as a new tree', async () => {
      writeFileSync(paths.journal, '{"format":"prefill-loom-journal","version":1}\n');
      const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
      assert.ok(!result.ok);
      assert.equal(result.error.kind, 'corrupt');
      assert.match(result.error.message, /there is no story\.md\.loom\.json for it to apply to/);
    });

    it('an upgrade that cannot be written: open fails with an io error and the old file stays', async () => {
      const v0 = JSON.stringify({ format: 'prefill-loom-tree', version: 0, root: 'r', current: 'r', nodes: { r: { parent: null, text: 'Once', author: 'human' } } });
      writeFileSync(paths.snapshot, v0);
      const result = await TreeStore.open(failing('rename'), paths, OPTIONS);
      assert.ok(!result.ok);
      assert.equal(result.error.kind, 'io');
      assert.match(result.error.message, /^Could not access story\.md\.loom\.json: simulated rename failure\./);
      assert.equal(read(paths.snapshot), v0);
    });
  });

  it('moving to the node already current saves nothing; moves in a row save one entry; a missing node is refused', async () => {
    const store = await open();
    const a = store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
    await store.flush();
    store.setCurrent(store.tree.rootId);
    assert.equal(store.pendingCount, 0);
    store.setCurrent(a.id);
    store.setCurrent(store.tree.rootId);
    store.setCurrent(a.id);
    assert.equal(store.pendingCount, 1);
    assert.throws(() => store.setCurrent('gone'), /no node gone in the tree/);
    assert.equal(store.currentId, a.id);
  });

  it('upgrades an older format on open, keeping the original as a backup', async () => {
    const v0 = JSON.stringify({ format: 'prefill-loom-tree', version: 0, root: 'r', current: 'r', nodes: { r: { parent: null, text: 'Once', author: 'human' } } });
    writeFileSync(paths.snapshot, v0);
    const store = await open();
    assert.equal(read(path.join(dir, 'story.md.loom.v0.json')), v0);
    assert.equal(JSON.parse(read(paths.snapshot)).version, 1);
    assert.equal(store.tree.textOf('r'), 'Once');
  });

  it('repairs a hand-edited snapshot with a missing node on open, keeping the file as it was beside it', async () => {
    const store = await open();
    const a = store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
    const b = store.tree.addChild(a.id, ' a time', { author: 'model', generation: { ...GENERATION, status: 'completed' } });
    await store.compact();
    const edited = read(paths.snapshot).replace(new RegExp(`\\n.*"id":"${a.id}".*\\n`), '\n');
    writeFileSync(paths.snapshot, edited);
    const repaired = await open();
    assert.equal(read(path.join(dir, 'story.md.loom.before-repair.json')), edited);
    assert.equal(repaired.tree.parent(b.id)?.id, repaired.tree.rootId, 'the orphan hangs under the root');
    assert.equal(repaired.tree.get(b.id)?.text, ' a time');
    const again = await reload();
    assert.deepEqual(again.warnings, [], 'the repaired tree was saved');
    assert.equal(again.tree.size, 2);
  });

  it('two writers on the same files (two windows): the second to write saves its tree aside, once told, losing no node of either', async () => {
    const conflicts: string[] = [];
    const first = await open(nodeTreeStorage, { onConflict: (savedTo) => conflicts.push(savedTo) });
    const a = first.tree.addChild(first.tree.rootId, ' upon a time', { author: 'user' });
    await first.flush();
    const second = await open();
    const b = second.tree.addChild(second.tree.rootId, ' there was', { author: 'user' });
    await second.flush();
    const c = first.tree.addChild(a.id, ' a loom', { author: 'model' });
    await first.flush();
    first.tree.appendText(c.id, '.');
    await first.flush();

    assert.equal(conflicts.length, 1, 'told once');
    assert.match(path.basename(conflicts[0]), /^story\.md\.loom\.conflict-\d{8}T\d{6}Z-[0-9a-f]{6}\.json$/);
    const onDisk = await reload();
    assert.ok(onDisk.tree.has(a.id) && onDisk.tree.has(b.id), "the files keep the second writer's tree");
    assert.ok(!onDisk.tree.has(c.id), 'untouched by the first after the conflict');
    const aside = await loadTree(nodeTreeStorage, { snapshot: conflicts[0], journal: `${conflicts[0]}.none` });
    assert.equal(aside.kind, 'loaded');
    if (aside.kind === 'loaded') assert.equal(aside.tree.textOf(c.id), 'Once upon a time a loom.', "the first writer's whole tree, up to its last change");
  });
});

describe('TreeStore: what it reads, writes and keeps at the edges', () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'loom-store-edges-'));
    paths = sidecarPaths(path.join(dir, 'story.md'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A tree on disk: a snapshot with node `a` below the root, then a journal with one more change. */
  async function savedTree(): Promise<{ store: TreeStore; a: string }> {
    const store = await open();
    const a = store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
    await store.flush();
    store.tree.appendText(a.id, ' a time');
    await store.flush();
    return { store, a: a.id };
  }

  describe('a link that appears after the link check (a race with whoever prepared the folder)', () => {
    for (const file of ['snapshot', 'journal'] as const) {
      it(`the ${file} read refusing a link: the tree is refused as a link, naming the file`, async () => {
        await savedTree();
        const refuse = (p: string) => p === paths[file] && Promise.reject(new LinkError(p));
        const racing: TreeStorage = {
          ...nodeTreeStorage,
          isLink: async () => false,
          read: async (p) => refuse(p) || nodeTreeStorage.read(p),
          readBytes: async (p) => refuse(p) || nodeTreeStorage.readBytes!(p),
        };
        const result = await loadTree(racing, paths);
        assert.ok(result.kind === 'error');
        assert.equal(result.error.kind, 'link');
        assert.equal(result.error.path, paths[file]);
        assert.match(result.error.message, new RegExp(`${path.basename(paths[file]).replace(/\./g, '\\.')} is a symbolic link`));
      });
    }

    it('a link check that fails (the name cannot be examined) does not refuse the tree: the reads themselves refuse links', async () => {
      const { store } = await savedTree();
      const unexaminable: TreeStorage = { ...nodeTreeStorage, isLink: () => Promise.reject(new Error('simulated lstat failure')) };
      const result = await loadTree(unexaminable, paths);
      assert.equal(result.kind, 'loaded');
      if (result.kind === 'loaded') assert.deepEqual(nodes(result.tree), nodes(store.tree));
    });
  });

  it('a document whose own name contains ".json": backups are named after the snapshot, beside it', async () => {
    paths = sidecarPaths(path.join(dir, 'data.json'));
    const v0 = JSON.stringify({ format: 'prefill-loom-tree', version: 0, root: 'r', current: 'r', nodes: { r: { parent: null, text: '{}', author: 'human' } } });
    writeFileSync(paths.snapshot, v0);
    await open(nodeTreeStorage, { document: 'data.json' });
    assert.deepEqual(readdirSync(dir).sort(), ['data.json.loom.json', 'data.json.loom.v0.json']);
    assert.equal(read(path.join(dir, 'data.json.loom.v0.json')), v0);
  });

  it('keeps the backup of an upgraded file as the text it was, byte order mark included, from a storage that reads text or bytes', async () => {
    const v0 = `\ufeff${JSON.stringify({ format: 'prefill-loom-tree', version: 0, root: 'r', current: 'r', nodes: { r: { parent: null, text: 'Once', author: 'human' } } })}`;
    for (const readsBytes of [false, true]) {
      const files = new Map([[paths.snapshot, v0]]);
      const memory = memoryTreeStorage(files);
      const bytes = async (p: string) => (files.has(p) ? new Uint8Array(Buffer.from(files.get(p)!, 'utf8')) : undefined);
      await open(readsBytes ? { ...memory, readBytes: bytes } : memory);
      assert.equal(files.get(path.join(dir, 'story.md.loom.v0.json')), v0, readsBytes ? 'from bytes' : 'from text');
    }
  });

  it('a new tree opens with no warnings', async () => {
    const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
    assert.ok(result.ok && result.created);
    assert.deepEqual(result.warnings, []);
  });

  it('opening a tree that needs no repair leaves its files exactly as they were', async () => {
    const { store } = await savedTree();
    store.dispose();
    const [snapshot, journal] = [read(paths.snapshot), read(paths.journal)];
    const reopened = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
    assert.ok(reopened.ok && !reopened.created);
    assert.equal(read(paths.snapshot), snapshot);
    assert.equal(read(paths.journal), journal);
  });

  it('after an import, changes to the replaced tree are not saved, and changes to the new one are', async () => {
    const { store } = await savedTree();
    const old = store.tree;
    const imported = LoomTree.create('Imported');
    await store.replaceTree(imported, imported.rootId);
    old.addChild(old.rootId, ' from the old tree', { author: 'user' });
    assert.equal(store.pendingCount, 0, 'the old tree is no longer followed');
    const b = imported.addChild(imported.rootId, ' and continued', { author: 'user' });
    assert.equal(store.pendingCount, 1, 'the new tree is');
    await store.flush();
    const back = await reload();
    assert.deepEqual(nodes(back.tree), nodes(imported));
    assert.equal(back.tree.textOf(b.id), 'Imported and continued');
  });

  it('a disposed store stops following its tree: later changes are not queued or written', async () => {
    const { store } = await savedTree();
    const before = nodes((await reload()).tree);
    store.dispose();
    store.tree.addChild(store.tree.rootId, ' after closing', { author: 'user' });
    assert.equal(store.pendingCount, 0);
    await store.flush();
    assert.deepEqual(nodes((await reload()).tree), before);
  });

  describe('after another writer changed the files', () => {
    /** Two stores on one tree; `second` writes last, so `first`'s next flush is a conflict. */
    async function conflicted(options: Partial<StoreOptions> = {}): Promise<{ first: TreeStore; second: TreeStore }> {
      const first = await open(nodeTreeStorage, options);
      first.tree.addChild(first.tree.rootId, ' upon', { author: 'user' });
      await first.flush();
      const second = await open();
      second.tree.addChild(second.tree.rootId, ' there was', { author: 'user' });
      await second.flush();
      return { first, second };
    }

    it('a store with no conflict callback still saves its tree aside, and leaves the files to the other', async () => {
      const { first, second } = await conflicted();
      const mine = first.tree.addChild(first.tree.rootId, ' mine', { author: 'user' });
      await first.flush();
      const copies = readdirSync(dir).filter((f) => f.includes('.conflict-'));
      assert.equal(copies.length, 1);
      const aside = await loadTree(nodeTreeStorage, { snapshot: path.join(dir, copies[0]), journal: path.join(dir, 'none') });
      assert.ok(aside.kind === 'loaded' && aside.tree.has(mine.id));
      assert.deepEqual(nodes((await reload()).tree), nodes(second.tree));
    });

    it('notices a snapshot the other window rewrote even when neither has a journal', async () => {
      const saved: string[] = [];
      const first = await open(nodeTreeStorage, { onConflict: (to) => saved.push(to) });
      first.tree.addChild(first.tree.rootId, ' upon', { author: 'user' });
      await first.flush();
      const second = await open();
      second.tree.addChild(second.tree.rootId, ' there was', { author: 'user' });
      await second.compact();
      first.tree.addChild(first.tree.rootId, ' mine', { author: 'user' });
      await first.flush();
      assert.equal(saved.length, 1);
      assert.equal(existsSync(paths.journal), false, "nothing appended after the other window's snapshot");
      assert.deepEqual(nodes((await reload()).tree), nodes(second.tree));
    });

    it('a flush with nothing to write reports no conflict, though the files changed; the next change does', async () => {
      const saved: string[] = [];
      const { first } = await conflicted({ onConflict: (to) => saved.push(to) });
      await first.flush();
      assert.deepEqual(saved, [], 'nothing of the first was left to save');
      first.tree.addChild(first.tree.rootId, ' mine', { author: 'user' });
      await first.flush();
      assert.equal(saved.length, 1, 'a change to save meets the other window’s files');
    });

    it('a closed store writes nothing and reports nothing: a new buffer under the closed one’s name owns the files now', async () => {
      const saved: string[] = [];
      const closed = await open(nodeTreeStorage, { onConflict: (to) => saved.push(to) });
      closed.tree.addChild(closed.tree.rootId, ' upon', { author: 'user' });
      await closed.flush();
      closed.dispose();
      const next = await open();
      next.tree.addChild(next.tree.rootId, ' there was', { author: 'user' });
      await next.flush();
      const files = readdirSync(dir).sort();
      // A late move of the closed buffer's cursor, say.
      const upon = closed.tree.children(closed.tree.rootId)[0];
      closed.setCurrent(upon.id === closed.currentId ? closed.tree.rootId : upon.id);
      await closed.flush();
      await closed.compact();
      assert.deepEqual(saved, []);
      assert.deepEqual(readdirSync(dir).sort(), files, 'no file written or added');
      assert.deepEqual(nodes((await reload()).tree), nodes(next.tree));
    });

    it('nothing stays queued once the tree is saved aside', async () => {
      const { first } = await conflicted({ onConflict: () => undefined });
      first.tree.addChild(first.tree.rootId, ' mine', { author: 'user' });
      await first.flush();
      assert.equal(first.pendingCount, 0);
    });

    it('keeps saving to its own copy even once the files are back as it left them', async () => {
      const saved: string[] = [];
      const { first } = await conflicted({ onConflict: (to) => saved.push(to) });
      const snapshot = read(paths.snapshot);
      first.tree.addChild(first.tree.rootId, ' mine', { author: 'user' });
      await first.flush();
      // The other window's journal goes (it compacted elsewhere, the user deleted it): the sizes match this store's again.
      rmSync(paths.journal);
      const later = first.tree.addChild(first.tree.rootId, ' later', { author: 'user' });
      await first.flush();
      assert.equal(saved.length, 1);
      assert.equal(existsSync(paths.journal), false, 'nothing appended to the files');
      assert.equal(read(paths.snapshot), snapshot);
      const aside = await loadTree(nodeTreeStorage, { snapshot: saved[0], journal: `${saved[0]}.none` });
      assert.ok(aside.kind === 'loaded' && aside.tree.has(later.id));
    });
  });

  it('a journal appended to many times has one header, at its top, and reloads whole', async () => {
    const { store, a } = await savedTree();
    for (const word of ['.', ' The', ' end']) {
      store.tree.appendText(a, word);
      await store.flush();
    }
    const lines = read(paths.journal).trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.op ?? l.format), ['prefill-loom-journal', 'append', 'append', 'append', 'append']);
    const back = await reload();
    assert.deepEqual(back.warnings, []);
    assert.equal(back.tree.textOf(a), 'Once upon a time. The end');
  });

  describe('when the journal is folded into the snapshot', () => {
    /** The journal's size after the flushes of `savedTree` (a header and one entry), with ids of the same length. */
    async function journalSizeOfOneEntry(): Promise<number> {
      await savedTree();
      const size = Buffer.byteLength(read(paths.journal));
      rmSync(paths.journal);
      rmSync(paths.snapshot);
      return size;
    }

    it('appends while the journal stays within max(minBytes, ratio × snapshot), and rewrites the snapshot on the flush that would pass it', async () => {
      const limit = await journalSizeOfOneEntry();
      const store = await open(nodeTreeStorage, { compaction: { minBytes: limit, ratio: 0 } });
      const a = store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
      await store.flush();
      store.tree.appendText(a.id, ' a time');
      await store.flush();
      assert.equal(Buffer.byteLength(read(paths.journal)), limit, 'a journal of exactly the limit is appended to');
      store.tree.appendText(a.id, '.');
      await store.flush();
      assert.equal(existsSync(paths.journal), false, 'one byte more and the snapshot is rewritten');
      assert.equal((await reload()).tree.textOf(a.id), 'Once upon a time.');
    });

    it('by default, once the journal would pass 64 KiB (and half the snapshot)', async () => {
      const store = await open();
      const a = store.tree.addChild(store.tree.rootId, '', { author: 'user' });
      await store.flush();
      const chunk = 'x'.repeat(1000);
      let appended = 0;
      while (existsSync(paths.journal) || appended === 0) {
        store.tree.appendText(a.id, chunk);
        await store.flush();
        appended++;
        assert.ok(appended < 100, 'the journal was never folded in');
      }
      assert.ok(appended > 60, `folded in after ${appended} appends of 1 kB, before 64 KiB`);
    });
  });
});
