/**
 * Tree files in a folder someone else prepared (a cloned repository): names that are links, backups
 * that already exist, two windows saving at once, ids the view cannot send back.
 */
import * as assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MAX_NODE_ID_LENGTH } from '../../src/core/loom/loomNode';
import { importTreeJson } from '../../src/core/loom/treeExport';
import { loadTree, TreeStore, type StoreOptions } from '../../src/core/loom/treePersistence';
import { companionPaths, conflictPath, freePath, journalBackupPath, memoryTreeStorage, moveAside, nodeTreeStorage, sidecarPaths, type TreePaths, type TreeStorage } from '../../src/core/loom/treeStorage';
import { MAX_ID_LENGTH } from '../../src/webviews/webviewProtocol';

const OPTIONS: StoreOptions = { document: 'story.md', initialText: 'Once' };
const OUTSIDE_TEXT = 'export PATH="$HOME/bin:$PATH" # the user\'s own file\n';

let dir: string;
let outside: string;
let outsideFile: string;
let paths: TreePaths;

/** A snapshot whose one node has a missing parent: loading repairs it, so opening compacts at once. */
const NEEDS_REPAIR = JSON.stringify({
  format: 'prefill-loom-tree',
  version: 1,
  rootId: 'r',
  currentId: 'r',
  nodes: [
    { id: 'r', parentId: null, author: 'user', createdAt: 0, text: 'Once' },
    { id: 'o', parentId: 'gone', author: 'user', createdAt: 0, text: ' upon' },
  ],
});

async function open(storage: TreeStorage = nodeTreeStorage, options: Partial<StoreOptions> = {}): Promise<TreeStore> {
  const result = await TreeStore.open(storage, paths, { ...OPTIONS, ...options });
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.store;
}

function assertOutsideUntouched(): void {
  assert.deepEqual(readdirSync(outside), ['bashrc'], 'nothing created outside the folder');
  assert.equal(readFileSync(outsideFile, 'utf8'), OUTSIDE_TEXT, 'the linked file is byte-for-byte unchanged');
}

describe('Tree files: links, backups and racing windows', () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'loom-safety-'));
    outside = mkdtempSync(path.join(tmpdir(), 'loom-outside-'));
    outsideFile = path.join(outside, 'bashrc');
    writeFileSync(outsideFile, OUTSIDE_TEXT);
    paths = sidecarPaths(path.join(dir, 'story.md'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  describe('a tree file name that is a link is refused, and nothing is written through it', () => {
    for (const [name, companion] of [
      ['the .before-repair.json backup of a snapshot that needs repair (the attack of issue 16)', 'story.md.loom.before-repair.json'],
      ['the old temp file name', 'story.md.loom.json.tmp'],
      ['the journal', 'story.md.loom.journal.jsonl'],
      ['the snapshot itself', 'story.md.loom.json'],
      ['the .v0.json backup', 'story.md.loom.v0.json'],
    ] as const) {
      it(`${name}: open fails naming the link and what to do; the linked file is unchanged`, async () => {
        if (companion !== 'story.md.loom.json') writeFileSync(paths.snapshot, NEEDS_REPAIR);
        symlinkSync(outsideFile, path.join(dir, companion));
        const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
        assert.ok(!result.ok, 'refused');
        assert.equal(result.error.kind, 'link');
        assert.equal(result.error.path, path.join(dir, companion));
        assert.match(result.error.message, new RegExp(`${companion.replace(/\./g, '\\.')} is a symbolic link.*Delete the link`));
        assertOutsideUntouched();
      });
    }

    it('a dangling link at the journal name: open refuses, and no file is created where it points', async () => {
      await open().then(async (s) => {
        s.tree.addChild(s.tree.rootId, ' upon', { author: 'user' });
        await s.flush();
      });
      symlinkSync(path.join(outside, 'created-by-loom'), paths.journal);
      const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
      assert.ok(!result.ok && result.error.kind === 'link');
      assertOutsideUntouched();
    });

    it('links that appear after the tree opened: saving never writes through them', async () => {
      const store = await open();
      const a = store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
      symlinkSync(outsideFile, `${paths.snapshot}.tmp`);
      await store.flush();
      assert.ok(!lstatSync(paths.snapshot).isSymbolicLink(), 'the snapshot is a file of its own');
      symlinkSync(path.join(outside, 'created-by-loom'), paths.journal);
      store.tree.appendText(a.id, ' a time');
      await assert.rejects(store.flush(), /story\.md\.loom\.journal\.jsonl is a symbolic link/);
      assertOutsideUntouched();
    });

    it('the storage itself: creating refuses any existing path, appending and reading refuse links', async () => {
      const link = path.join(dir, 'link');
      symlinkSync(outsideFile, link);
      const dangling = path.join(dir, 'dangling');
      symlinkSync(path.join(outside, 'created-by-loom'), dangling);
      await assert.rejects(nodeTreeStorage.create(link, 'x'), /exists/);
      await assert.rejects(nodeTreeStorage.create(dangling, 'x'), /exists/);
      await assert.rejects(nodeTreeStorage.append(link, 'x'), /is a symbolic link/);
      await assert.rejects(nodeTreeStorage.append(dangling, 'x'), /is a symbolic link/);
      await assert.rejects(nodeTreeStorage.read(link), /is a symbolic link/);
      assert.equal(await nodeTreeStorage.isLink(dangling), true);
      assertOutsideUntouched();
    });
  });

  it('never writes a backup over an existing file: a second repair keeps the first backup', async () => {
    writeFileSync(paths.snapshot, NEEDS_REPAIR);
    writeFileSync(path.join(dir, 'story.md.loom.before-repair.json'), 'the first backup');
    await open();
    assert.equal(readFileSync(path.join(dir, 'story.md.loom.before-repair.json'), 'utf8'), 'the first backup');
    assert.equal(readFileSync(path.join(dir, 'story.md.loom.before-repair-2.json'), 'utf8'), NEEDS_REPAIR);
  });

  describe('two windows saving in the same second', () => {
    it('get a conflict copy each; neither overwrites the other', async () => {
      const realNow = Date.now;
      Date.now = () => Date.UTC(2026, 0, 2, 3, 4, 5);
      try {
        const saved: string[] = [];
        const seed = await open();
        seed.tree.addChild(seed.tree.rootId, ' upon', { author: 'user' });
        await seed.flush();
        const [a, b] = [await open(nodeTreeStorage, { onConflict: (to) => saved.push(to) }), await open(nodeTreeStorage, { onConflict: (to) => saved.push(to) })];
        const third = await open();
        third.tree.addChild(third.tree.rootId, ' meanwhile', { author: 'user' });
        await third.flush();
        const na = a.tree.addChild(a.tree.rootId, ' from window A', { author: 'user' });
        const nb = b.tree.addChild(b.tree.rootId, ' from window B', { author: 'user' });
        await Promise.all([a.flush(), b.flush()]);
        assert.equal(saved.length, 2);
        assert.notEqual(saved[0], saved[1], 'two different conflict files');
        const held = await Promise.all(
          saved.map(async (copy) => {
            const loaded = await loadTree(nodeTreeStorage, { snapshot: copy, journal: `${copy}.none` });
            assert.ok(loaded.kind === 'loaded');
            return [na.id, nb.id].filter((id) => loaded.tree.has(id));
          }),
        );
        assert.deepEqual(held.flat().sort(), [na.id, nb.id].sort(), "each copy holds its own window's node");
      } finally {
        Date.now = realNow;
      }
    });

    it('a window whose append raced another: it notices after appending and saves its tree aside', async () => {
      const first = await open();
      first.tree.addChild(first.tree.rootId, ' upon', { author: 'user' });
      await first.flush();
      first.tree.addChild(first.tree.rootId, ' a journal exists', { author: 'user' });
      await first.flush();
      const other = await open();
      const saved: string[] = [];
      // The other window passed its size check at the same moment and appends just before us.
      const racing: TreeStorage = {
        ...nodeTreeStorage,
        append: async (file, data) => {
          other.tree.addChild(other.tree.rootId, ' from the other window', { author: 'user' });
          await other.flush();
          await nodeTreeStorage.append(file, data);
        },
      };
      const mine = await open(racing, { onConflict: (to) => saved.push(to) });
      const node = mine.tree.addChild(mine.tree.rootId, ' from this window', { author: 'user' });
      await mine.flush();
      assert.equal(saved.length, 1, 'the race was noticed');
      const copy = await loadTree(nodeTreeStorage, { snapshot: saved[0], journal: `${saved[0]}.none` });
      assert.ok(copy.kind === 'loaded' && copy.tree.has(node.id));
    });
  });

  describe('a document whose own name ends like a tree file (data.json, log.jsonl): every name is made from the end of the tree file name', () => {
    it('the names checked for links, the journal backup and the conflict copy', () => {
      const json = sidecarPaths('/w/data.json');
      assert.deepEqual(companionPaths(json), [
        '/w/data.json.loom.json',
        '/w/data.json.loom.journal.jsonl',
        '/w/data.json.loom.json.tmp',
        '/w/data.json.loom.before-repair.json',
        '/w/data.json.loom.v0.json',
        '/w/data.json.loom.journal.before-repair.jsonl',
      ]);
      assert.equal(journalBackupPath(sidecarPaths('/w/log.jsonl').journal), '/w/log.jsonl.loom.journal.before-repair.jsonl');
      assert.match(conflictPath(json.snapshot, 0), /^\/w\/data\.json\.loom\.conflict-19700101T000000Z-[0-9a-f]{6}\.json$/);
    });

    it('a link at the backup name of data.json\'s tree is refused', async () => {
      paths = sidecarPaths(path.join(dir, 'data.json'));
      writeFileSync(paths.snapshot, NEEDS_REPAIR);
      symlinkSync(outsideFile, path.join(dir, 'data.json.loom.before-repair.json'));
      const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
      assert.ok(!result.ok && result.error.kind === 'link');
      assertOutsideUntouched();
    });

    it('files moved aside, and backups beside existing ones, are numbered at the end', async () => {
      const files = new Map<string, string>();
      const storage = memoryTreeStorage(files);
      const json = sidecarPaths('/w/log.jsonl');
      for (const name of ['/w/log.jsonl.loom.json', '/w/log.jsonl.loom.journal.jsonl']) files.set(name, 'x');
      const moved = await moveAside(storage, json, 0);
      assert.deepEqual(moved, { snapshot: '/w/log.jsonl.loom.corrupt-19700101T000000Z.json', journal: '/w/log.jsonl.loom.journal.corrupt-19700101T000000Z.jsonl' });
      const backup = journalBackupPath(json.journal);
      files.set(backup, 'first');
      assert.equal(await freePath(storage, backup), '/w/log.jsonl.loom.journal.before-repair-2.jsonl');
      files.set('/w/log.jsonl.loom.journal.before-repair-2.jsonl', 'second');
      assert.equal(await freePath(storage, backup), '/w/log.jsonl.loom.journal.before-repair-3.jsonl');
    });
  });

  describe('the storages', () => {
    it('in memory, as on disk: creating refuses an existing name, renaming a missing file fails and changes nothing', async () => {
      const files = new Map([['/w/a', 'mine']]);
      const storage = memoryTreeStorage(files);
      await assert.rejects(storage.create('/w/a', 'theirs'), /\/w\/a exists/);
      await assert.rejects(storage.rename('/w/missing', '/w/a'), /\/w\/missing does not exist/);
      assert.deepEqual([...files], [['/w/a', 'mine']]);
    });

    it('on disk, an error other than a missing file is an error, not "no file"', async () => {
      const file = path.join(dir, 'a-file');
      writeFileSync(file, 'x');
      const under = path.join(file, 'child');
      await assert.rejects(nodeTreeStorage.exists(under), /ENOTDIR/);
      await assert.rejects(nodeTreeStorage.size(under), /ENOTDIR/);
    });

    it('on disk, reading, creating, appending and renaming leave no file open', async function () {
      if (!existsSync('/proc/self/fd')) this.skip();
      const open = () => readdirSync('/proc/self/fd').length;
      const file = path.join(dir, 'f');
      const before = open();
      for (let i = 0; i < 5; i++) {
        await nodeTreeStorage.create(`${file}${i}`, 'x');
        await nodeTreeStorage.append(`${file}${i}`, 'y');
        await nodeTreeStorage.read(`${file}${i}`);
        await nodeTreeStorage.rename(`${file}${i}`, `${file}${i}.moved`);
      }
      assert.equal(open(), before);
    });
  });

  describe('one rule for node ids: loading, importing and the view', () => {
    const longId = 'x'.repeat(MAX_NODE_ID_LENGTH + 1);
    const tree = JSON.stringify({ format: 'prefill-loom-tree', version: 1, rootId: 'r', nodes: [{ id: 'r', parentId: null, text: 'Once' }, { id: longId, parentId: 'r', text: ' upon' }] });

    it('the view accepts exactly the ids a tree file may hold', () => {
      assert.equal(MAX_ID_LENGTH, MAX_NODE_ID_LENGTH);
    });

    it('a tree file with an id the view could not send back is refused with a clear message', async () => {
      writeFileSync(paths.snapshot, tree);
      const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
      assert.ok(!result.ok && result.error.kind === 'corrupt');
      assert.match(result.error.message, /node 2 has an id of 257 characters; ids are at most 256/);
      assert.equal(readFileSync(paths.snapshot, 'utf8'), tree, 'left unchanged');
      assert.ok(!existsSync(paths.journal));
    });

    it('an import with such an id is refused the same way', () => {
      const imported = importTreeJson(tree, 'other.loom.json');
      assert.ok(!imported.ok && /node 2 has an id of 257 characters/.test(imported.error.message));
    });

    it('a journal line adding such a node makes the journal unreadable, not a node the view cannot select', async () => {
      const store = await open();
      store.tree.addChild(store.tree.rootId, ' upon', { author: 'user' });
      await store.flush();
      writeFileSync(paths.journal, `{"format":"prefill-loom-journal","version":1}\n{"seq":9,"op":"add","node":{"id":"${longId}","parentId":"${store.tree.rootId}","text":"!"}}\n`);
      const result = await TreeStore.open(nodeTreeStorage, paths, OPTIONS);
      assert.ok(!result.ok && /line 2: node 1 has an id of 257 characters/.test(result.error.message));
    });
  });
});
