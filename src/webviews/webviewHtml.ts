import * as crypto from 'node:crypto';
import * as vscode from 'vscode';

/** Which bundled client (in dist/) and stylesheet (in media/) a page loads. */
export interface WebviewPage {
  readonly script: string;
  readonly style: string;
  readonly title: string;
  /** Text the page shows before its script runs (the client replaces it), so a view is never blank. */
  readonly placeholder?: string;
}

/**
 * The page of every webview of the extension: a strict CSP with a fresh nonce, the bundled client
 * and its stylesheet, no inline script or style. The client builds the rest of the DOM.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = crypto.randomBytes(18).toString('base64');
  const source = webview.cspSource;
  const csp = [`default-src 'none'`, `style-src ${source}`, `img-src ${source}`, `font-src ${source}`, `script-src 'nonce-${nonce}'`].join('; ');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', page.script)).toString();
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', page.style)).toString();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(style)}">
<title>${attribute(page.title)}</title>
</head>
<body>
${page.placeholder ? `<p class="loading empty" role="status">${text(page.placeholder)}</p>\n` : ''}<script nonce="${attribute(nonce)}" src="${attribute(script)}"></script>
</body>
</html>`;
}

/** The options of a webview that loads only the extension's own media/ and dist/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
    // Clients keep their UI state with setState or are sent their data again, so a hidden one may be torn down.
    retainContextWhenHidden: false,
  };
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attribute(value: string): string {
  return text(value).replace(/"/g, '&quot;');
}
