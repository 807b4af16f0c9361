import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export interface WebviewPageParts {
  title: string;
  script: vscode.Uri;
  style: vscode.Uri;
  /** Shown until the page's script renders. */
  loading: string;
  /** Defaults to a fresh random nonce. */
  nonce?: string;
}

/**
 * The HTML shell of the extension's webviews: a strict Content Security Policy (nothing but the
 * extension's own styles and images, and the one script carrying the nonce), the stylesheet, a
 * loading placeholder and the page script.
 */
export function webviewPage(webview: vscode.Webview, parts: WebviewPageParts): string {
  const nonce = parts.nonce ?? randomBytes(16).toString('base64');
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource}`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  const loading = parts.loading.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${webview.asWebviewUri(parts.style)}">
<title>${parts.title}</title>
</head>
<body>
<main id="root"><p>${loading}</p></main>
<script nonce="${nonce}" src="${webview.asWebviewUri(parts.script)}"></script>
</body>
</html>`;
}
