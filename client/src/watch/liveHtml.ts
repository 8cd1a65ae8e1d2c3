// The heap-watch live view's body; the document around it (CSP, nonce, head) is webviewDocument's.
// Pure (no vscode) so it can be checked without VS Code.
import { escapeHtml, webviewDocument, type WebviewPage } from '../profileEditor/html';

export function buildWatchHtml(page: WebviewPage): string {
  const e = escapeHtml;
  return webviewDocument(page, `<header>
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
    <h2>Leaked goroutines (Go's goroutineleak profile)</h2>
    <p id="leakedNote" class="muted">waiting for the first snapshot</p>
    <table id="leaked" hidden><thead><tr><th class="num">goroutines</th><th>blocked at</th><th>waiting on</th><th>started by</th></tr></thead><tbody></tbody></table>
  </section>
</main>`);
}
