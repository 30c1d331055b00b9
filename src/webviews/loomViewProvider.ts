import * as vscode from 'vscode';
import type { LoomViewSource } from './loomViewSource';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { encodeTree, parseFromWebview, type ComparisonView, type FromWebview, type PerfReport, type ToWebview, type TreeChange, type TreeDelta, type TreeSnapshot } from './webviewProtocol';

/** The webview view in the Prefill Loom activity bar container (package.json `contributes.views`). */
export const LOOM_VIEW_ID = 'prefillLoom.tree';
/** The panel that shows the same tree beside the editor. */
export const LOOM_PANEL_TYPE = 'prefillLoom.treePanel';

const PANEL_TITLE = 'Loom Tree';
/** How long a webview shown again may take to post `ready` before the host syncs it anyway. */
const READY_GRACE_MS = 2_000;
const MEASURE_TIMEOUT_MS = 10_000;
/**
 * How long a page may take to start its script before it is loaded again, and how often. VS Code
 * for the web can request a page's resources before its service worker serves them (two webviews
 * coming up at once): the script then never runs and the view would stay on "Loading loom…".
 */
const LOAD_CHECK_MS = 5_000;
const LOAD_ATTEMPTS = 3;

export interface LoomViewOptions {
  /** The extension's root: the webview may load `media/` and `dist/` below it, nothing else. */
  readonly extensionUri: vscode.Uri;
  readonly source: LoomViewSource;
  /** Where invalid messages and client errors are reported. */
  readonly log: vscode.LogOutputChannel;
}

/**
 * Shows the loom tree of the active document in webviews: the view in the activity bar, and a panel
 * beside the editor (`showBeside`), both fed from one {@link LoomViewSource}. Register it as the
 * `prefillLoom.tree` view provider and as the serializer of `prefillLoom.treePanel` panels.
 */
export class LoomViewProvider implements vscode.WebviewViewProvider, vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly connections = new Set<WebviewConnection>();
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscription: vscode.Disposable;
  private readonly measurements = new Map<number, (report: PerfReport) => void>();
  private nextRequestId = 1;
  /** The comparison on display, shown again to a webview that (re)loads with its tree. */
  private comparison: ComparisonView | undefined;

  constructor(private readonly options: LoomViewOptions) {
    this.subscription = options.source.onDidChange((delta) => {
      for (const connection of this.connections) {
        connection.forward(delta);
      }
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const connection = this.connect(view.webview, (label) => (view.description = label), () => view.visible);
    connection.track(
      view.onDidChangeVisibility(() => connection.setVisible(view.visible)),
      view.onDidDispose(() => this.disconnect(connection)),
    );
  }

  /** Opens the tree in a panel beside the editor, or reveals the one already open. */
  showBeside(options: { preserveFocus?: boolean } = {}): vscode.WebviewPanel {
    const preserveFocus = options.preserveFocus ?? false;
    if (this.panel) {
      this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus);
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(LOOM_PANEL_TYPE, PANEL_TITLE, { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, this.webviewOptions());
    this.adoptPanel(panel);
    return panel;
  }

  /** Restores the panel after a window reload; the tree comes from the source, not from `state`. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = this.webviewOptions();
    this.adoptPanel(panel);
  }

  /** The comparison the view shows (or last showed, with its tree). */
  get currentComparison(): ComparisonView | undefined {
    return this.comparison;
  }

  /** Shows a comparison in every webview's comparison pane (each shows it only with its own tree). */
  showComparison(comparison: ComparisonView | undefined): void {
    this.comparison = comparison;
    for (const connection of this.connections) {
      connection.post({ type: 'comparison', comparison });
    }
  }

  /** Timings from every webview showing the tree (see `PerfReport`); waits for those still loading. */
  async measure(): Promise<PerfReport[]> {
    const reports = [...this.connections].map((connection) => {
      const requestId = this.nextRequestId++;
      return new Promise<PerfReport | undefined>((resolve) => {
        const timer = setTimeout(() => {
          this.measurements.delete(requestId);
          resolve(undefined);
        }, MEASURE_TIMEOUT_MS);
        this.measurements.set(requestId, (report) => {
          clearTimeout(timer);
          this.measurements.delete(requestId);
          resolve(report);
        });
        connection.post({ type: 'measure', requestId });
      });
    });
    return (await Promise.all(reports)).filter((report): report is PerfReport => report !== undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
    for (const connection of [...this.connections]) {
      this.disconnect(connection);
    }
  }

  private adoptPanel(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.options.extensionUri, 'media', 'loom.svg');
    const connection = this.connect(panel.webview, (label) => (panel.title = label ? `${PANEL_TITLE}: ${label}` : PANEL_TITLE), () => panel.visible);
    connection.track(
      panel.onDidChangeViewState(() => connection.setVisible(panel.visible)),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
        }
        this.disconnect(connection);
      }),
    );
  }

  private connect(webview: vscode.Webview, describe: (label: string | undefined) => void, isVisible: () => boolean): WebviewConnection {
    webview.options = this.webviewOptions();
    const page = () => webviewHtml(webview, this.options.extensionUri, { script: 'webview.js', style: 'loomView.css', title: PANEL_TITLE, placeholder: 'Loading loom…' });
    const connection = new WebviewConnection(webview, this.options, { describe, page, isVisible, receive: (message) => this.receive(message), currentComparison: () => this.comparison });
    connection.load();
    this.connections.add(connection);
    return connection;
  }

  private disconnect(connection: WebviewConnection): void {
    this.connections.delete(connection);
    connection.dispose();
  }

  /** Messages every connection passes up once validated, apart from the handshake. */
  private receive(message: Exclude<FromWebview, { type: 'ready' | 'find' }>): void {
    const log = this.options.log;
    switch (message.type) {
      case 'perf':
        this.measurements.get(message.requestId)?.(message.report);
        return;
      case 'clientError':
        log.error(`Loom view: error in the webview: ${message.message}`);
        return;
      default:
        void Promise.resolve()
          .then(() => this.options.source.handle(message))
          .catch((e: unknown) => log.error(`Loom view: ${message.type} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    }
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return webviewOptions(this.options.extensionUri);
  }
}

/** What a connection needs from the view or panel that holds its webview. */
interface ConnectionHost {
  /** Shows the tree's label (the view's description, the panel's title). */
  describe(label: string | undefined): void;
  page(): string;
  isVisible(): boolean;
  receive(message: Exclude<FromWebview, { type: 'ready' | 'find' }>): void;
  currentComparison(): ComparisonView | undefined;
}

/**
 * One webview showing the tree. Until the client posts `ready`, nothing is sent (it would be lost):
 * tree changes are dropped, since `ready` is answered with a fresh snapshot, and other messages wait.
 */
class WebviewConnection implements vscode.Disposable {
  private ready = false;
  private readonly waiting: ToWebview[] = [];
  private pendingChanges: TreeChange[] = [];
  private readyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the page set last has said anything: until then its script may not have started. */
  private heardFromPage = false;
  private loads = 0;
  private loadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private readonly options: Pick<LoomViewOptions, 'source' | 'log'>,
    private readonly host: ConnectionHost,
  ) {
    this.disposables.push(webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
  }

  /** Sets the page (a fresh nonce each time, so VS Code loads it anew) and checks that it starts. */
  load(): void {
    this.loads++;
    this.heardFromPage = false;
    this.webview.html = this.host.page();
    this.checkLoadLater();
  }

  private checkLoadLater(): void {
    clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => this.loadAgainIfSilent(), LOAD_CHECK_MS);
  }

  /** A hidden page is not loaded by VS Code at all: it is checked again once shown. */
  private loadAgainIfSilent(): void {
    if (this.heardFromPage || !this.host.isVisible()) return;
    if (this.loads >= LOAD_ATTEMPTS) {
      this.options.log.error(`Loom view: the page did not start after ${LOAD_ATTEMPTS} attempts; close the view and open it again (Prefill Loom: Loom Tree: Show Beside Editor).`);
      return;
    }
    this.options.log.warn(`Loom view: the page did not start within ${LOAD_CHECK_MS / 1000} s (its script did not load); loading it again.`);
    this.load();
  }

  track(...disposables: vscode.Disposable[]): void {
    this.disposables.push(...disposables);
  }

  post(message: ToWebview): void {
    if (this.ready) {
      // Changes still waiting for their batch go first: the client sees everything in order.
      this.flushChanges();
      void this.webview.postMessage(message);
    } else if (message.type !== 'comparison') {
      // A comparison is not queued: the sync on `ready` sends the one current then.
      this.waiting.push(message);
    }
  }

  /** Passes a tree change on; changes fired in the same tick go out as one message. */
  forward(delta: TreeDelta): void {
    if (delta.type === 'reset') {
      this.host.describe(delta.tree?.label);
      if (this.ready) {
        this.flushChanges();
        this.postSnapshot(delta.tree);
      }
      return;
    }
    if (!this.ready) {
      return;
    }
    this.pendingChanges.push(delta);
    if (this.pendingChanges.length === 1) {
      queueMicrotask(() => this.flushChanges());
    }
  }

  /**
   * A hidden webview loses its page (`retainContextWhenHidden` is off) and posts `ready` again when
   * shown. Should the page have survived instead, no `ready` comes: it is synced after a grace period.
   */
  setVisible(visible: boolean): void {
    clearTimeout(this.readyTimer);
    if (!visible) {
      this.ready = false;
      this.pendingChanges = [];
    } else if (!this.ready) {
      this.readyTimer = setTimeout(() => this.ready || this.sync(), READY_GRACE_MS);
      if (!this.heardFromPage) this.checkLoadLater();
    }
  }

  dispose(): void {
    clearTimeout(this.readyTimer);
    clearTimeout(this.loadTimer);
    this.ready = false;
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
  }

  private onMessage(raw: unknown): void {
    const message = parseFromWebview(raw);
    if (!message) {
      this.options.log.warn(`Loom view: ignored a message that is not in the protocol: ${brief(raw)}`);
      return;
    }
    this.heardFromPage = true;
    clearTimeout(this.loadTimer);
    if (message.type === 'ready') {
      this.sync();
      return;
    }
    if (message.type === 'find') {
      // Answered to the webview that asked: each has its own find bar.
      this.post({ type: 'found', requestId: message.requestId, result: this.options.source.find(message.query) });
      return;
    }
    this.host.receive(message);
  }

  /** Sends the whole tree, then whatever waited for the client. */
  private sync(): void {
    clearTimeout(this.readyTimer);
    this.ready = true;
    this.pendingChanges = [];
    const tree = this.options.source.snapshot();
    this.host.describe(tree?.label);
    this.postSnapshot(tree);
    for (const message of this.waiting.splice(0)) {
      void this.webview.postMessage(message);
    }
    const comparison = this.host.currentComparison();
    if (comparison && comparison.rootId === tree?.rootId) {
      void this.webview.postMessage({ type: 'comparison', comparison } satisfies ToWebview);
    }
  }

  private postSnapshot(tree: TreeSnapshot | undefined): void {
    void this.webview.postMessage({ type: 'snapshot', tree: tree && encodeTree(tree) } satisfies ToWebview);
  }

  private flushChanges(): void {
    const deltas = this.pendingChanges;
    this.pendingChanges = [];
    if (this.ready && deltas.length > 0) {
      void this.webview.postMessage({ type: 'deltas', deltas } satisfies ToWebview);
    }
  }
}

/** A short, safe rendering of an untrusted value for the log. */
function brief(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = Object.prototype.toString.call(raw);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
