import type { FromWebview } from '../../src/webviews/webviewProtocol';

/** The object VS Code gives a webview; `acquireVsCodeApi` may be called only once per page. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The page's one VS Code API object, with a `post` typed by the page's protocol. */
export class HostChannel<Message = FromWebview> {
  readonly api: VsCodeApi = acquireVsCodeApi();

  post(message: Message): void {
    this.api.postMessage(message);
  }
}
