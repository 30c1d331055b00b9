/**
 * A window reloaded while text streams in: what arrived before the reload is in the document or in
 * its tree file, and nothing is doubled.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTree } from '../../src/core/loom/treePersistence';
import { nodeTreeStorage, sidecarPaths } from '../../src/core/loom/treeStorage';
import { openAtEnd, openFile, readEditorText, runCommand, waitForWorkbench, type Workbench } from '../harness/workbench';
import { eventually } from '../harness/eventually';
import { STORY } from '../server/storyResponder';
import { E2E_KEY, openLoomWorkbench, type LoomWorkbench } from './loomWorkbench';

const PREFIX = STORY.slice(0, 60).trimEnd();

/** Without whitespace: the editor's rendering may wrap lines and lose a space at the wrap. */
function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}

describe('Fault matrix: the window reloads mid-stream', function () {
  this.timeout(240_000);
  let loom: LoomWorkbench;
  let workbench: Workbench;

  before(async () => {
    loom = await openLoomWorkbench({ files: { 'reload.md': PREFIX }, env: { ANTHROPIC_API_KEY: E2E_KEY }, settings: { 'prefillLoom.temperature': 0 } });
    ({ workbench } = loom);
    loom.server.setTokenDelay(150);
  });

  after(() => loom?.close());

  it('keeps what arrived, in the document or the tree file, and doubles nothing', async () => {
    const { page } = workbench;
    await openAtEnd(page, 'reload.md');
    await runCommand(page, 'Prefill Loom: Continue at Cursor');
    await eventually(async () => squeeze(await readEditorText(page)).length > squeeze(PREFIX).length + 20, 'text to stream in');
    const seenBefore = squeeze(await readEditorText(page));
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForTimeout(2000);
    await waitForWorkbench(page);
    await openFile(page, 'reload.md');
    await page.waitForTimeout(1500);

    const shown = squeeze(await readEditorText(page));
    assert.ok(shown.startsWith(squeeze(PREFIX)), `the document still starts with the user's text: ${shown}`);
    assert.ok(squeeze(STORY).startsWith(shown), `the document is the start of the continuation, nothing doubled: ${shown}`);

    const file = path.join(loom.workspace, 'reload.md');
    await eventually(async () => fs.existsSync(sidecarPaths(file).snapshot), 'the tree file');
    const saved = await loadTree(nodeTreeStorage, sidecarPaths(file));
    assert.equal(saved.kind, 'loaded');
    if (saved.kind !== 'loaded') return;
    // The reopened buffer may end inside the generation, which splits its node there: still one path.
    const generated = [...saved.tree.preorder()].filter((n) => n.author === 'model').map((n) => ({ ...n, path: saved.tree.textOf(n.id) }));
    const deepest = generated.reduce((a, b) => (b.path.length > a.path.length ? b : a));
    assert.ok(generated.every((n) => deepest.path.startsWith(n.path)), 'one generation, recorded once, on one path');
    const received = deepest.path;
    assert.ok(STORY.startsWith(received), 'the tree holds the start of the continuation, nothing doubled');
    assert.equal(generated.find((n) => n.generation)?.generation?.status, 'cancelled', 'marked as interrupted');
    assert.ok(squeeze(received).startsWith(seenBefore) || shown.startsWith(seenBefore), `what was shown before the reload is kept: ${seenBefore}`);
  });
});
