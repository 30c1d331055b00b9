import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../harness/commandLine';
import { bonsaiFile, exoloomFile, loomsidianFile, miniloomFile, tkLoomFile } from './fixtures/foreignLooms';

function fileWith(name: string, content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'loom-import-')), name);
  writeFileSync(file, content);
  return file;
}

const cli = (args: string[]) => runCli(args, '', {});

describe('prefill-loom import and export (command line)', function () {
  this.timeout(20_000);

  it('prints each format as a Prefill Loom tree file, the summary on standard error', async () => {
    const files: Array<[string, unknown, string[]]> = [
      ['tree.json', tkLoomFile(), []],
      ['data.json', loomsidianFile(), ['--note', 'stories/dragon.md']],
      ['exo.json', exoloomFile(), ['--format', 'exoloom']],
      ['mini.json', miniloomFile(), []],
      ['bonsai.json', bonsaiFile(), []],
    ];
    for (const [name, content, extra] of files) {
      const run = await cli(['import', fileWith(name, JSON.stringify(content)), ...extra]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.json.format, 'prefill-loom-tree');
      assert.equal(typeof run.json.rootId, 'string');
      assert.ok(run.json.nodes.some((n: any) => n.id === run.json.currentId));
      assert.ok(run.json.nodes.every((n: any) => typeof n.text === 'string' && (n.author === 'user' || n.author === 'model') && n.origin.id !== undefined));
      assert.match(run.stderr, /^imported \d+ nodes? from /);
    }
  });

  it('exports back to the original Loom and imports that again to the same tree', async () => {
    const imported = await cli(['import', fileWith('tree.json', JSON.stringify(tkLoomFile()))]);
    const treeFile = fileWith('story.md.loom.json', JSON.stringify(imported.json));
    const exported = await cli(['export', '--format', 'tk-loom', treeFile]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(exported.json.selected_node_id, 'a1');
    const again = await cli(['import', fileWith('back.json', JSON.stringify(exported.json))]);
    const strip = (json: any) => json.nodes.map((n: any) => [n.text, n.author, n.bookmarked ?? false, n.tags ?? [], n.hidden ?? false, n.chapter]);
    assert.deepEqual(strip(again.json), strip(imported.json));
  });

  it('exits 1 for a damaged file and 2 for an unknown shape or bad options, printing nothing on standard output', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['import', fileWith('x.json', '{"root": {')], 1, /not valid JSON/],
      [['import', fileWith('x.json', JSON.stringify({ root: { id: 'r', children: [] } }))], 1, /has no text/],
      [['import', fileWith('x.json', '{"hello": 1}')], 2, /not a tree from a loom/],
      [['import', fileWith('x.json', JSON.stringify(loomsidianFile()))], 2, /--note/],
      [['import', fileWith('x.json', '{}'), '--format', 'word'], 2, /--format must be one of/],
      [['import'], 2, /one FILE/],
      [['import', '/nonexistent/tree.json'], 2, /cannot read/],
      [['export', fileWith('t.json', '{}')], 2, /--format tk-loom/],
      [['export', '--format', 'tk-loom', fileWith('t.json', '{"format":"prefill-loom-tree","version":1,"nodes":7}')], 1, /cannot be read as a Prefill Loom tree/],
    ];
    for (const [args, status, message] of cases) {
      const run = await cli(args);
      assert.equal(run.status, status, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.deepEqual(run.json, {});
    }
  });
});
