/**
 * Entry of the loom tree webview (bundled by esbuild into dist/webview.js). Wires the page to the
 * host: messages in, intents out, and `ready` once listening, since the host sends nothing before.
 */
import { MAX_ERROR_LENGTH, type ToWebview } from '../../src/webviews/webviewProtocol';
import { LoomApp } from './loomApp';
import { ViewStateStore } from './viewState';
import { HostChannel } from './vscodeApi';

const host = new HostChannel();
const app = new LoomApp(document.body, (message) => host.post(message), new ViewStateStore(host.api));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const receivedAt = performance.now();
  const message = event.data as ToWebview | null;
  // The host is trusted, but the page may see other messages: anything without a known type is not ours.
  if (typeof message === 'object' && message !== null && ['snapshot', 'deltas', 'measure', 'comparison', 'found'].includes(message.type)) {
    app.receive(message, receivedAt);
  }
});

window.addEventListener('error', (event) => reportError(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => reportError(event.reason));

function reportError(error: unknown): void {
  const text = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  host.post({ type: 'clientError', message: text.slice(0, MAX_ERROR_LENGTH) });
}

host.post({ type: 'ready' });
