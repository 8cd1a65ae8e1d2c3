// The one place webview HTML is built (the flamegraph's page here; the heap watch's
// body in client/src/watch/liveHtml.ts uses the same document): a nonce-locked
// script, a strict CSP, no remote content. Pure (no vscode) so the browser test
// serves the exact same page and unit tests check the escaping.
import { randomBytes } from 'node:crypto';

export interface WebviewPage {
  /** webview.cspSource (or the test server's origin). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Shown in the header until the profile arrives: the file name. */
  title: string;
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; img-src ${cspSource}; style-src ${cspSource}; script-src 'nonce-${nonce}';`;
}

/**
 * The document around a webview's body: the one <head> every HeapLens webview has
 * (strict CSP with a fresh nonce, the stylesheet, the title) and the nonce-locked script.
 */
export function webviewDocument(page: WebviewPage, body: string): string {
  const nonce = page.nonce ?? makeNonce();
  const e = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(contentSecurityPolicy(page.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${e(page.styleUri)}">
<title>${e(page.title)}</title>
</head>
<body>
${body}
<script nonce="${nonce}" src="${e(page.scriptUri)}"></script>
</body>
</html>`;
}

export function buildWebviewHtml(page: WebviewPage): string {
  const e = escapeHtml;
  return webviewDocument(page, `<header id="header">
  <div class="title"><span id="title">${e(page.title)}</span> <span id="kind" class="muted"></span></div>
  <dl id="facts"></dl>
</header>
<div id="toolbar" role="toolbar">
  <label>Sample type <select id="sampleType" aria-label="Sample type"></select></label>
  <button id="orientation" type="button" title="Flame: root at the bottom; icicle: root at the top">Icicle</button>
  <button id="view" type="button" title="Show who calls the hottest allocation sites">Callers</button>
  <input id="search" type="search" placeholder="Search functions ( / )" aria-label="Search functions" spellcheck="false">
  <span id="searchStatus" class="muted" aria-live="polite"></span>
  <span class="spacer"></span>
  <button id="compare" type="button" title="Pick a base profile; the flamegraph then shows the difference">Compare…</button>
  <button id="clearBase" type="button" hidden>Stop comparing</button>
</div>
<nav id="breadcrumb" aria-label="Zoom path"></nav>
<div id="legend" class="muted" hidden></div>
<div id="message" role="alert" hidden></div>
<div id="chart" tabindex="0" aria-label="Flame graph. Arrows move, Enter opens source, Escape zooms out.">
  <canvas id="canvas"></canvas>
</div>
<div id="tooltip" role="tooltip" hidden></div>
<footer id="status" class="muted" role="status" aria-live="polite">Loading profile…</footer>`);
}
