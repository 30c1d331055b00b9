import type { FromWebview } from '../../src/webviewProtocol';

/** The object VS Code gives a webview; `acquireVsCodeApi` may be called only once per page. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The page's one VS Code API object, with a typed `post`. */
export class HostChannel {
  readonly api: VsCodeApi = acquireVsCodeApi();

  post(message: FromWebview): void {
    this.api.postMessage(message);
  }
}
