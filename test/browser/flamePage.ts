// Serves the real flamegraph webview page (same HTML builder, same bundle, same
// CSS) from 127.0.0.1 and opens it in headless Debian Chromium, with a stand-in
// for VS Code's acquireVsCodeApi that records what the page posts. Shared by the
// browser test and the flamegraph benchmark.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebviewHtml } from '../../client/src/profileEditor/html';
import type { ToWebview } from '../../server/src/protocol/webview';

// Callbacks passed to page.evaluate run in the page; the root tsconfig has no DOM
// types, so these names are declared loosely here, for this module only.
declare const window: any, document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const CHROMIUM = '/usr/bin/chromium';

export interface FlameServer { url: string; close(): Promise<void> }

export async function serveWebview(title = 'heap.pb.gz'): Promise<FlameServer> {
  const files: Record<string, [string, string]> = {
    '/media/out/flamegraph.js': [path.join(repoRoot, 'media', 'out', 'flamegraph.js'), 'text/javascript'],
    '/media/flamegraph.css': [path.join(repoRoot, 'media', 'flamegraph.css'), 'text/css'],
  };
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(buildWebviewHtml({ cspSource: origin, scriptUri: `${origin}/media/out/flamegraph.js`, styleUri: `${origin}/media/flamegraph.css`, title }));
      return;
    }
    if (url === '/favicon.ico') { res.writeHead(204).end(); return; }
    const f = files[url];
    if (!f) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': f[1] });
    fs.createReadStream(f[0]).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${origin}/`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens the page with the acquireVsCodeApi stand-in; resolves once the page posted `ready`. */
export async function openFlamePage(browser: Browser, server: FlameServer, opts: { width?: number; height?: number; dark?: boolean } = {}): Promise<{ page: Page; consoleErrors: string[] }> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, colorScheme: opts.dark === false ? 'light' : 'dark' });
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  // Init scripts run before the page's own, outside its CSP, like VS Code's preload.
  await page.addInitScript(() => {
    const w = window as unknown as { __posted: unknown[]; __state: unknown };
    w.__posted = [];
    w.__state = undefined;
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => { w.__posted.push(m); },
      getState: () => w.__state,
      setState: (s: unknown) => { w.__state = s; },
    });
  });
  await page.goto(server.url);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return { page, consoleErrors };
}

// Typed arrays go over CDP as plain arrays and are rebuilt in the page, so the page
// receives exactly what VS Code's postMessage delivers: Int32Array / Float64Array.
function plain(m: ToWebview): unknown {
  return JSON.parse(JSON.stringify(m, (_k, v: unknown) => (ArrayBuffer.isView(v) ? { __typed: v.constructor.name, data: Array.from(v as unknown as ArrayLike<number>) } : v)));
}

/** Posts a message as the extension would; resolves when the page has drawn after it. */
export async function sendToPage(page: Page, m: ToWebview, waitForDraw = m.type === 'profile'): Promise<void> {
  const before = await drawCount(page);
  await page.evaluate((msg) => {
    const revive = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(revive);
      if (v && typeof v === 'object') {
        const o = v as { __typed?: string; data?: number[] };
        if (o.__typed) return o.__typed === 'Int32Array' ? Int32Array.from(o.data!) : Float64Array.from(o.data!);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
      }
      return v;
    };
    window.postMessage(revive(msg), '*');
  }, plain(m));
  if (waitForDraw) await waitForDrawAfter(page, before);
}

export function drawCount(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.getElementById('canvas')!.dataset.frame ?? 0));
}

export async function waitForDrawAfter(page: Page, count: number): Promise<void> {
  await page.waitForFunction((c) => Number(document.getElementById('canvas')!.dataset.frame ?? 0) > c, count);
}

export function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}
