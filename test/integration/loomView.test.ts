/**
 * The loom view provider in a real VS Code, fed by a small in-test source: the page loads under its
 * CSP from the allowed roots, the ready handshake delivers the snapshot, deltas and resets follow,
 * and a 100,000-node tree goes through VS Code's own message path. What the webview draws and how
 * it reacts to keys is tested in Chromium (test/e2e/loomWebviewClient.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LoomViewProvider } from '../../src/webviews/loomViewProvider';
import type { NodeSummary, PerfReport, TreeSnapshot } from '../../src/webviews/webviewProtocol';
import { eventually } from '../harness/eventually';
import { TestViewSource } from './loomTestKit';

const EXTENSION_ID = 'prefill-loom.prefill-loom';

function node(id: string, parentId: string | undefined, childIds: string[] = []): NodeSummary {
  return { id, parentId, author: parentId ? 'model' : 'user', kind: parentId ? 'generation' : 'root', preview: ` text of ${id}`, textLength: 12, bookmarked: false, childIds };
}

function chain(count: number): TreeSnapshot {
  const nodes = Array.from({ length: count }, (_, i) => node(`c${i}`, i === 0 ? undefined : `c${i - 1}`, i + 1 < count ? [`c${i + 1}`] : []));
  return { rootId: 'c0', nodes, currentPath: ['c0'], label: 'chain.md' };
}

describe('the loom view provider in VS Code', function () {
  this.timeout(60_000);
  let source: TestViewSource;
  let provider: LoomViewProvider;
  let log: vscode.LogOutputChannel;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    log = vscode.window.createOutputChannel('Loom View Test', { log: true });
  });

  beforeEach(() => {
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri;
    assert.ok(extensionUri);
    source = new TestViewSource({
      rootId: 'r',
      nodes: [node('r', undefined, ['a', 'b']), node('a', 'r'), node('b', 'r')],
      currentPath: ['r', 'a'],
      label: 'story.md',
    });
    provider = new LoomViewProvider({ extensionUri, source, log });
  });

  afterEach(() => {
    provider.dispose();
    source.emitter.dispose();
  });

  after(() => log.dispose());

  it('serves a page with a strict CSP, a fresh nonce and only media/ and dist/ as roots', async () => {
    const panel = provider.showBeside({ preserveFocus: true });
    // Loaded before it is closed again: closing a panel still opening upsets the workbench.
    await provider.measure();
    const html = panel.webview.html;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp, 'a CSP meta tag');
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, 'a nonce');
    assert.equal(csp, `default-src 'none'; style-src ${panel.webview.cspSource}; img-src ${panel.webview.cspSource}; font-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}'`);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], new RegExp(`nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`));
    assert.match(scripts[0], /src="[^"]+\/dist\/webview\.js"/);
    assert.doesNotMatch(html, /unsafe-inline|style="|<style|javascript:/);
    const roots = panel.webview.options.localResourceRoots?.map((uri) => uri.path.split('/').slice(-1)[0]);
    assert.deepEqual(roots, ['media', 'dist']);
    assert.equal(panel.options.retainContextWhenHidden, false);
    panel.dispose();
    const again = provider.showBeside({ preserveFocus: true });
    assert.notEqual(/nonce-([^']+)/.exec(again.webview.html)?.[1], nonce, 'every page gets its own nonce');
    await provider.measure();
  });

  it('runs the client, which answers ready with the snapshot and measures what it drew', async () => {
    const panel = provider.showBeside({ preserveFocus: true });
    const [report] = await provider.measure();
    assert.ok(report, 'the client loaded under the CSP and answered');
    assert.equal(report.nodeCount, 3);
    assert.equal(report.rowCount, 3);
    assert.equal(report.renderedRowCount, 3);
    assert.equal(panel.title, 'Loom Tree: story.md');
  });

  it('loads the page again when its script did not start (a resource that failed to load)', async () => {
    // Seen in VS Code for the web: two webviews coming up at once, one page's resources requested
    // before its service worker took over, so its script never ran and the view stayed blank.
    const real = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loom-view-root-'));
    fs.cpSync(path.join(real, 'media'), path.join(root, 'media'), { recursive: true });
    fs.mkdirSync(path.join(root, 'dist'));
    provider.dispose();
    provider = new LoomViewProvider({ extensionUri: vscode.Uri.file(root), source, log });
    provider.showBeside({ preserveFocus: true });
    await new Promise((r) => setTimeout(r, 1500));
    fs.copyFileSync(path.join(real, 'dist', 'webview.js'), path.join(root, 'dist', 'webview.js'));
    let reports: PerfReport[] = [];
    await eventually(async () => (reports = await provider.measure()).length === 1, 'the page to load again and answer', 40_000, 200);
    assert.equal(reports[0].nodeCount, 3);
  });

  it('forwards deltas, batched, and resets to another tree or to none', async () => {
    provider.showBeside({ preserveFocus: true });
    await provider.measure();
    source.emitter.fire({ type: 'upsert', nodes: [node('a', 'r', ['a1']), node('a1', 'a')] });
    source.emitter.fire({ type: 'upsert', nodes: [node('a2', 'a')] });
    source.emitter.fire({ type: 'current', path: ['r', 'a', 'a2'] });
    let [report] = await provider.measure();
    assert.equal(report.nodeCount, 5);
    assert.equal(report.rowCount, 5);

    source.emitter.fire({ type: 'remove', ids: ['a'] });
    [report] = await provider.measure();
    assert.equal(report.nodeCount, 2);

    source.tree = chain(10);
    source.emitter.fire({ type: 'reset', tree: source.tree });
    [report] = await provider.measure();
    assert.equal(report.nodeCount, 10);
    source.emitter.fire({ type: 'reset', tree: undefined });
    [report] = await provider.measure();
    assert.equal(report.nodeCount, 0);
  });

  it('brings a panel shown again up to date, with what changed while it was hidden', async () => {
    const panel = provider.showBeside({ preserveFocus: true });
    await provider.measure();
    const document = await vscode.workspace.openTextDocument({ content: 'in front of the panel' });
    await vscode.window.showTextDocument(document, { viewColumn: panel.viewColumn, preview: false });
    await until(() => !panel.visible);
    source.tree = { rootId: 'r', nodes: [node('r', undefined, ['a', 'b', 'c']), node('a', 'r'), node('b', 'r'), node('c', 'r')], currentPath: ['r'] };
    source.emitter.fire({ type: 'upsert', nodes: [source.tree.nodes[0], source.tree.nodes[3]] });
    panel.reveal(panel.viewColumn, true);
    await until(() => panel.visible);
    const [report] = await provider.measure();
    assert.equal(report.nodeCount, 4);
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('ignores and logs every message outside the protocol, passing only valid intents on', async () => {
    const warnings: string[] = [];
    const recordingLog = { ...log, warn: (message: string) => warnings.push(message), error: (message: string) => warnings.push(message) } as vscode.LogOutputChannel;
    const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    const guarded = new LoomViewProvider({ extensionUri, source, log: recordingLog });
    const page = new ScriptedPage();
    await guarded.deserializeWebviewPanel(page.panel);
    page.send({ type: 'ready' });
    assert.equal((page.posted[0] as { type: string }).type, 'snapshot', 'the handshake works through the fake page');
    const outside: unknown[] = [
      null,
      'select',
      42,
      [],
      { type: 'eval', code: 'process.exit()' },
      { type: 'select' },
      { type: 'select', id: 42 },
      { type: 'select', id: '' },
      { type: 'select', id: 'x'.repeat(10_000) },
      { type: 'bookmark', id: 'a', bookmarked: 'yes' },
      { type: 'perf', requestId: -1, report: {} },
      { type: 'clientError', message: 'x'.repeat(100_000) },
      { type: '__proto__', id: 'a' },
      { type: 'constructor', id: 'a' },
    ];
    for (const raw of outside) page.send(raw);
    page.send({ type: 'select', id: 'a', extra: '<script>' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(source.intents, [{ type: 'select', id: 'a' }], 'only the valid intent arrived, without its extra field');
    assert.equal(warnings.length, outside.length, warnings.join('\n'));
    assert.ok(warnings.every((w) => w.startsWith('Loom view: ignored a message that is not in the protocol: ') && w.length < 300), 'each logged, briefly');
    guarded.dispose();
  });

  it('brings 100,000 nodes through VS Code into the view', async () => {
    provider.showBeside({ preserveFocus: true });
    await provider.measure();
    source.tree = chain(100_000);
    const start = Date.now();
    source.emitter.fire({ type: 'reset', tree: source.tree });
    const [report] = await provider.measure();
    const wallMs = Date.now() - start;
    console.log(`      100k-node snapshot in VS Code: ${wallMs} ms from the source to the view's answer, ${report.snapshotMs?.toFixed(1)} ms of it in the view`);
    assert.equal(report.nodeCount, 100_000);
    assert.ok(report.renderedRowCount < 100, `${report.renderedRowCount} row elements`);
  });
});

/** A webview panel whose page the test plays: it posts what the test sends and records what it is sent. */
class ScriptedPage {
  readonly posted: unknown[] = [];
  private readonly incoming = new vscode.EventEmitter<unknown>();
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly panel = {
    title: '',
    iconPath: undefined,
    visible: true,
    viewColumn: vscode.ViewColumn.Beside,
    webview: {
      options: {},
      html: '',
      cspSource: 'vscode-webview://scripted',
      asWebviewUri: (uri: vscode.Uri) => uri,
      postMessage: (message: unknown) => {
        this.posted.push(message);
        return Promise.resolve(true);
      },
      onDidReceiveMessage: this.incoming.event,
    },
    onDidChangeViewState: new vscode.EventEmitter<void>().event,
    onDidDispose: this.disposed.event,
    reveal: () => undefined,
    dispose: () => this.disposed.fire(),
  } as unknown as vscode.WebviewPanel;

  send(message: unknown): void {
    this.incoming.fire(message);
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, 'timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
