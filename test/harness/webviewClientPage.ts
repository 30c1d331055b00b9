/**
 * A webview client of the extension (the loom tree's dist/webview.js, or the probe report's) on its own, in a plain page with the host's CSP and
 * a stub `acquireVsCodeApi` that records what the client posts: for the client's tests and benchmark.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { type FromWebview, type NodeSummary, type PerfReport, type ToDistribution, type ToProbeReport, type ToWebview, type TreeSnapshot } from '../../src/webviews/webviewProtocol';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const ORIGIN = 'http://loom.test';
const NONCE = 'bG9vbS10ZXN0LW5vbmNl';
/** The host's CSP (loomViewProvider.ts), with this page's origin as the webview's cspSource. */
const CSP = `default-src 'none'; style-src ${ORIGIN}; img-src ${ORIGIN}; font-src ${ORIGIN}; script-src 'nonce-${NONCE}'`;

/** What the stub page keeps on `window`, seen from this (Node-typed) file. */
export interface PageWindow {
  __posted: FromWebview[];
  __state: unknown;
  __violations: string[];
  __pwned?: unknown;
  dispatchEvent(event: unknown): boolean;
  MessageEvent: new (type: string, init: { data: unknown }) => unknown;
  postMessage(message: unknown, targetOrigin: string): void;
  requestAnimationFrame(callback: () => void): number;
  document: { querySelector(selector: string): { getBoundingClientRect(): unknown } | null };
}

export interface PageOptions {
  /** Serve the page without a CSP, so injected markup would run if the client ever parsed it. */
  csp?: boolean;
  /** What `getState` returns at first, as after the view was hidden and shown again. */
  state?: unknown;
  theme?: 'vscode-dark' | 'vscode-high-contrast' | 'vscode-high-contrast-light';
  /** Which client the page loads; the loom tree's by default. */
  client?: WebviewClient;
}

/** The bundled clients, by their script, stylesheet and page title (as the host's webviewHtml writes them). */
export const CLIENTS = {
  loomView: { script: '/dist/webview.js', style: '/media/loomView.css', title: 'Loom Tree' },
  probeReport: { script: '/dist/probeReport.js', style: '/media/probeReport.css', title: 'Prefill Probe Report' },
  distribution: { script: '/dist/distribution.js', style: '/media/distribution.css', title: 'Distribution at the Point' },
} as const;
export type WebviewClient = keyof typeof CLIENTS;

function page(options: PageOptions): string {
  const csp = options.csp === false ? '' : `<meta http-equiv="Content-Security-Policy" content="${CSP}">`;
  const client = CLIENTS[options.client ?? 'loomView'];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">${csp}
<link rel="stylesheet" href="${ORIGIN}/theme.css"><link rel="stylesheet" href="${ORIGIN}${client.style}">
<title>${client.title}</title>
</head><body class="${options.theme === 'vscode-high-contrast-light' ? 'vscode-high-contrast-light vscode-light' : (options.theme ?? 'vscode-dark')}">
<script nonce="${NONCE}">
  window.__posted = [];
  window.__violations = [];
  window.__state = ${JSON.stringify(options.state ?? null)};
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => window.__state,
    setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
  });
</script>
<script nonce="${NONCE}" src="${ORIGIN}${client.script}"></script>
</body></html>`;
}

/** A few of VS Code's theme variables, so rows have real colours and fonts (and screenshots read). */
const THEME_CSS = `
body.vscode-dark { background: #181818; --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d;
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-focusBorder: #0078d4; --vscode-list-hoverBackground: #2a2d2e; --vscode-list-inactiveSelectionBackground: #37373d;
  --vscode-list-activeSelectionBackground: #04395e; --vscode-list-activeSelectionForeground: #ffffff; --vscode-list-focusOutline: #0078d4;
  --vscode-charts-yellow: #cca700; --vscode-charts-purple: #b180d7; --vscode-charts-blue: #3794ff; --vscode-errorForeground: #f85149;
  --vscode-editorWhitespace-foreground: #e3e4e229; --vscode-editorWarning-foreground: #cca700; --vscode-progressBar-background: #0078d4;
  --vscode-toolbar-hoverBackground: #5a5d5e50; --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc; }
body.vscode-high-contrast { background: #000000; --vscode-foreground: #ffffff; --vscode-descriptionForeground: #ffffffb3;
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-focusBorder: #f38518; --vscode-contrastActiveBorder: #f38518; --vscode-contrastBorder: #6fc3df;
  --vscode-list-focusOutline: #f38518; --vscode-charts-yellow: #ffd700; --vscode-charts-purple: #b180d7; --vscode-charts-blue: #3794ff;
  --vscode-editorWhitespace-foreground: #7c7c7c; --vscode-editorWarning-foreground: #ffd700; --vscode-errorForeground: #f48771; }
body.vscode-high-contrast-light { background: #ffffff; --vscode-foreground: #292929; --vscode-descriptionForeground: #292929e6;
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-focusBorder: #006bbd; --vscode-contrastActiveBorder: #006bbd; --vscode-contrastBorder: #0f4a85;
  --vscode-list-focusOutline: #006bbd; --vscode-charts-yellow: #895503; --vscode-charts-purple: #652d90; --vscode-charts-blue: #1a85ff;
  --vscode-editorWhitespace-foreground: #cccccc; --vscode-editorWarning-foreground: #895503; --vscode-errorForeground: #b5200d; }
`;

export const FILES: Record<string, { file: string; type: string }> = Object.fromEntries(
  Object.values(CLIENTS).flatMap(({ script, style }) => [
    [script, { file: path.join(ROOT, script), type: 'text/javascript' }],
    [style, { file: path.join(ROOT, style), type: 'text/css' }],
  ]),
);

/**
 * For a mocha suite of client tests: checks the client is built, launches Chromium in a throw-away
 * profile before the suite and closes it after. Returns the suite's browser context (set by `before`).
 */
export function clientBrowserForSuite(client: WebviewClient): () => BrowserContext {
  let runDir = '';
  let context: BrowserContext | undefined;
  before(async () => {
    assert.ok(fs.existsSync(FILES[CLIENTS[client].script].file), `${CLIENTS[client].script} is built (node esbuild.js)`);
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-webview-'));
    context = (await launchBrowser(runDir)).context;
  });
  after(async () => {
    await context?.close();
    fs.rmSync(runDir, { recursive: true, force: true });
  });
  return () => {
    assert.ok(context, 'the browser is launched');
    return context;
  };
}

/** Opens the client in a fresh page and waits for its `ready`. */
export async function openClient(context: BrowserContext, requests: string[], options: PageOptions = {}): Promise<Page> {
  const p = await context.newPage();
  await p.setViewportSize({ width: 420, height: 600 });
  p.on('pageerror', (e) => requests.push(`pageerror ${e.message}`));
  await p.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    requests.push(url.pathname);
    if (url.origin !== ORIGIN) {
      return route.abort();
    }
    if (url.pathname === '/index.html') {
      return route.fulfill({ contentType: 'text/html', body: page(options) });
    }
    if (url.pathname === '/theme.css') {
      return route.fulfill({ contentType: 'text/css', body: THEME_CSS });
    }
    const served = FILES[url.pathname];
    return served ? route.fulfill({ contentType: served.type, body: fs.readFileSync(served.file) }) : route.fulfill({ status: 404, body: '' });
  });
  await p.goto(`${ORIGIN}/index.html`);
  await p.waitForFunction(() => (globalThis as unknown as PageWindow).__posted.some((m) => m.type === 'ready'));
  return p;
}

/**
 * After a client test: nothing was blocked by the CSP, and the page loaded nothing but the client and
 * its stylesheet and threw nothing. Closes the page.
 */
export async function assertCleanPage(p: Page, requests: readonly string[], client: WebviewClient = 'loomView'): Promise<void> {
  const violations = await p.evaluate(() => (globalThis as unknown as PageWindow).__violations);
  assert.deepEqual(violations, [], 'nothing the client does is blocked by the CSP');
  const { script, style } = CLIENTS[client];
  assert.deepEqual(
    requests.filter((r) => !['/index.html', '/theme.css', style, script].includes(r)),
    [],
    'the page loads nothing but the client and its stylesheet, and throws nothing',
  );
  await p.close();
}

/** Delivers a host message synchronously, as the webview's message event. */
export async function send(p: Page, message: ToWebview | ToProbeReport | ToDistribution): Promise<void> {
  await p.evaluate((m) => {
    const w = globalThis as unknown as PageWindow;
    w.dispatchEvent(new w.MessageEvent('message', { data: m }));
  }, message);
}

/** Messages the client posted after the handshake; clears them. */
export async function takePosted<Message = FromWebview>(p: Page): Promise<Message[]> {
  return p.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    const posted = w.__posted.filter((m) => m.type !== 'ready');
    w.__posted = [];
    return posted;
  }) as Promise<Message[]>;
}

export async function measure(p: Page): Promise<PerfReport> {
  await takePosted(p);
  await send(p, { type: 'measure', requestId: 7 });
  const [reply] = await takePosted(p);
  assert.ok(reply?.type === 'perf' && reply.requestId === 7, JSON.stringify(reply));
  return reply.report;
}


export function node(id: string, parentId: string | undefined, preview: string, extra: Partial<NodeSummary> = {}): NodeSummary {
  return {
    id,
    parentId,
    author: parentId === undefined ? 'user' : 'model',
    kind: parentId === undefined ? 'root' : 'generation',
    preview,
    textLength: preview.length,
    bookmarked: false,
    childIds: [],
    ...extra,
  };
}

/**
 * A loom-like tree of `count` nodes: mostly long chains, branching now and then (depth in the
 * thousands), model metadata on every node, one long text in a hundred.
 */
export function loomLikeTree(count: number): TreeSnapshot {
  let seed = 42;
  const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const nodes: { -readonly [K in keyof NodeSummary]: NodeSummary[K] }[] = [];
  for (let i = 0; i < count; i++) {
    const parent = i === 0 ? undefined : nodes[Math.max(0, i - 1 - Math.floor(random() * random() * 12))];
    const long = i % 97 === 0;
    const preview = `node ${i}: ${long ? 'a long one '.repeat(10) : 'some words of the story'}\n`;
    nodes.push({
      id: `n${i.toString(36).padStart(9, '0')}`,
      parentId: parent?.id,
      author: i === 0 ? 'user' : 'model',
      kind: i === 0 ? 'root' : 'generation',
      preview,
      textLength: long ? 5000 : preview.length,
      bookmarked: i % 1000 === 0,
      childIds: [],
      ...(i === 0 ? {} : { model: 'claude-haiku-4-5', temperature: 1, inputTokens: 1200 + i, outputTokens: 40, stopReason: 'end_turn', durationMs: 900, createdAt: 1_764_000_000_000 + i }),
    });
    (parent?.childIds as string[] | undefined)?.push(nodes[i].id);
  }
  return { rootId: nodes[0].id, currentPath: [nodes[0].id], nodes };
}


/** One axe-core finding, as much as a failing test needs to say. */
export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core over the page as it is now and returns the serious and critical violations. The
 * script is evaluated through the browser's debugging protocol, which the page's CSP does not govern,
 * so the audit sees the page exactly as the client left it.
 */
export async function auditPage(p: Page): Promise<AxeFinding[]> {
  await p.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return p.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<Result> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
