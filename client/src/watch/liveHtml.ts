// The heap-watch live view's HTML: nonce-locked script, strict CSP, nothing remote.
// Pure (no vscode) so it can be checked without VS Code.
import { contentSecurityPolicy, escapeHtml, makeNonce } from '../profileEditor/html';

export function buildWatchHtml(page: { cspSource: string; scriptUri: string; styleUri: string; title: string; nonce?: string }): string {
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
<header>
  <div class="title"><span id="title">${e(page.title)}</span> <span id="status" class="muted" aria-live="polite">starting…</span></div>
  <div class="muted" id="hint">Click a snapshot to measure growth from it. Growth also shows on the lines of your code.</div>
  <button id="stop" type="button">Stop watching</button>
</header>
<main>
  <section class="charts" id="charts"></section>
  <section>
    <h2>Leak suspects and other changes since snapshot <span id="baseSeq">–</span></h2>
    <table id="lines"><thead><tr><th>verdict</th><th class="num">growth</th><th>where</th><th>how</th></tr></thead><tbody></tbody></table>
    <h2>Goroutines by where they wait</h2>
    <table id="goroutines"><thead><tr><th>verdict</th><th class="num">growth</th><th>where</th><th>how</th></tr></thead><tbody></tbody></table>
  </section>
</main>
<script nonce="${nonce}" src="${e(page.scriptUri)}"></script>
</body>
</html>`;
}
