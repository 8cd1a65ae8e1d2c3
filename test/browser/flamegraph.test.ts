// The flamegraph webview, for real: a heap profile written now by the bundled
// example's loadgen, decoded by the engine, sent to the real page in headless
// Chromium. Checks pixels, tooltip, zoom, search, sample types, source links.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { isLoaded, loadProfile, profileMessage, type LoadedProfile } from '../../client/src/profileEditor/load';
import { shortName } from '../../media/src/flamegraph/format';
import { invertTree } from '../../media/src/flamegraph/invert';
import { depths, layout, rowTop, widths, type Layout } from '../../media/src/flamegraph/layout';
import type { FlameTree, ToWebview } from '../../server/src/protocol/webview';
import { drawCount, launchChromium, openFlamePage, posted, repoRoot, sendToPage, serveWebview, waitForDrawAfter, type FlameServer } from './flamePage';

// Callbacks passed to page.evaluate run in the page; the root tsconfig has no DOM
// types, so these names are declared loosely here, for this module only.
declare const window: any, document: any, getComputedStyle: any; // eslint-disable-line @typescript-eslint/no-explicit-any
type HTMLCanvasElement = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const artifacts = path.join(repoRoot, 'test-artifacts');
const ROW = 18;
let tmp = '';
let browser: Browser;
let server: FlameServer;
let current: LoadedProfile;
let base: LoadedProfile;
let msg: Extract<ToWebview, { type: 'profile' }>;

function loadgen(out: string, args: string[]): LoadedProfile {
  const r = spawnSync('go', ['run', './cmd/loadgen', '-o', out, ...args], { cwd: path.join(repoRoot, 'examples', 'shop'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const loaded = loadProfile(fs.readFileSync(out), out);
  assert.ok(isLoaded(loaded), 'error' in loaded ? loaded.error : '');
  return loaded;
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-flame-'));
  fs.mkdirSync(artifacts, { recursive: true });
  current = loadgen(path.join(tmp, 'heap.pb.gz'), ['-rate', '512']);
  base = loadgen(path.join(tmp, 'base.pb.gz'), ['-rate', '512', '-rounds', '300']);
  const m = profileMessage(current);
  assert.equal(m.type, 'profile');
  msg = m as typeof msg;
  server = await serveWebview('heap.pb.gz');
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Pixels of the canvas that differ from its top-left background pixel... by colour. */
async function canvasStats(page: Page): Promise<{ nonBackground: number; digest: string; colours: [number, number, number][] }> {
  return page.evaluate(() => {
    const c = document.getElementById('canvas') as HTMLCanvasElement;
    const bg = getComputedStyle(document.documentElement).getPropertyValue('--hl-bg').trim();
    const ctx = c.getContext('2d')!;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = bg; probe.fillRect(0, 0, 1, 1);
    const b = probe.getImageData(0, 0, 1, 1).data;
    let nonBackground = 0;
    let h = 0;
    const seen = new Map<number, number>();
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] !== b[0] || d[i + 1] !== b[1] || d[i + 2] !== b[2]) nonBackground++;
      h = (Math.imul(h, 31) + d[i] + d[i + 1] * 7 + d[i + 2] * 13) | 0;
      const key = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const colours = [...seen.entries()].filter(([, n]) => n > 50).map(([k]) => [k >> 16, (k >> 8) & 255, k & 255] as [number, number, number]);
    return { nonBackground, digest: String(h), colours };
  });
}

async function canvasGeometry(page: Page): Promise<{ left: number; top: number; width: number }> {
  return page.evaluate(() => {
    const r = document.getElementById('canvas')!.getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width };
  });
}

/** Where the page draws each box, computed with the same pure layout it uses. */
async function expectedLayout(page: Page, tree: FlameTree, t: number, zoom = 0): Promise<{ l: Layout; maxDepth: number; left: number; top: number }> {
  const g = await canvasGeometry(page);
  const { depth, maxDepth } = depths(tree);
  return { l: layout(tree, widths(tree, t), depth, zoom, g.width), maxDepth, left: g.left, top: g.top };
}

function widestAt(tree: FlameTree, l: Layout, pred: (name: string, depth: number) => boolean): number {
  let best = -1;
  for (let k = 0; k < l.count; k++) if (pred(tree.names[tree.name[l.node[k]]], l.depth[k]) && (best < 0 || l.w[k] > l.w[best])) best = k;
  assert.ok(best >= 0, 'no box matches');
  return best;
}

function centre(e: { l: Layout; maxDepth: number; left: number; top: number }, k: number, orientation: 'flame' | 'icicle' = 'flame') {
  return { x: e.left + e.l.x[k] + Math.min(e.l.w[k] / 2, 40), y: e.top + rowTop(e.l.depth[k], e.maxDepth, ROW, orientation) + ROW / 2 };
}

async function freshPage(): Promise<{ page: Page; consoleErrors: string[] }> {
  const p = await openFlamePage(browser, server);
  await sendToPage(p.page, msg);
  return p;
}

test('draws the real profile under the strict CSP', async () => {
  const { page, consoleErrors } = await freshPage();
  const stats = await canvasStats(page);
  assert.ok(stats.nonBackground > 5000, `only ${stats.nonBackground} non-background pixels`);
  const header = await page.locator('#facts').innerText();
  assert.match(header, /alloc_space/);
  assert.match(header, /1 sample per 512 B allocated/);
  assert.equal(await page.locator('#sampleType').inputValue(), String(msg.meta.defaultSampleType));
  assert.deepEqual(consoleErrors, []);
  await page.screenshot({ path: path.join(artifacts, 'flame-initial.png') });
  await page.close();
});

test('hover shows a tooltip with a real function and its values', async () => {
  const { page } = await freshPage();
  const t = msg.meta.defaultSampleType;
  const e = await expectedLayout(page, msg.tree, t);
  const k = widestAt(msg.tree, e.l, (n, d) => d >= 2 && n.startsWith('example.com/shop/catalog.'));
  const name = msg.tree.names[msg.tree.name[e.l.node[k]]];
  const p = centre(e, k);
  await page.mouse.move(p.x, p.y);
  const tip = page.locator('#tooltip');
  await tip.waitFor({ state: 'visible' });
  const text = await tip.innerText();
  assert.ok(text.includes(name), `tooltip "${text}" lacks ${name}`);
  assert.match(text, /catalog\.go:\d+/);
  assert.match(text, /cum alloc_space\s+[\d.]+ (B|KiB|MiB|GiB)\s+[\d.]+%/);
  assert.match(text, /flat alloc_space/);
  await page.screenshot({ path: path.join(artifacts, 'flame-hover.png') });
  await page.close();
});

test('click zooms (breadcrumb), Escape zooms out, double-click posts openSource', async () => {
  const { page } = await freshPage();
  const t = msg.meta.defaultSampleType;
  const e = await expectedLayout(page, msg.tree, t);
  const k = widestAt(msg.tree, e.l, (n, d) => d >= 2 && n.startsWith('example.com/shop/catalog.'));
  const node = e.l.node[k];
  const name = msg.tree.names[msg.tree.name[node]];
  assert.equal(await page.locator('#breadcrumb button').count(), 1);
  const before = await canvasStats(page);
  const drawn = await drawCount(page);
  const p = centre(e, k);
  await page.mouse.click(p.x, p.y);
  await waitForDrawAfter(page, drawn);
  const current = page.locator('#breadcrumb button[aria-current="true"]');
  assert.equal(await current.innerText(), shortName(name));
  assert.ok((await page.locator('#breadcrumb button').count()) >= 3);
  assert.notEqual((await canvasStats(page)).digest, before.digest, 'zoom did not redraw');
  await page.screenshot({ path: path.join(artifacts, 'flame-zoomed.png') });

  // Zoomed: the frame spans the full width; a double-click opens its source.
  const z = await expectedLayout(page, msg.tree, t, node);
  const kz = z.l.node.indexOf(node);
  const pz = centre(z, kz);
  await page.mouse.dblclick(pz.x, pz.y);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'openSource'));
  const open = (await posted(page)).find((m) => m.type === 'openSource')!;
  assert.equal(open.name, name);
  assert.equal(open.file, msg.tree.files[msg.tree.file[node]]);
  assert.match(String(open.file), /catalog\/catalog\.go$/);
  assert.equal(open.line, msg.tree.line[node]);
  assert.ok(Number(open.line) > 0);

  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelector('#breadcrumb button[aria-current="true"]')?.textContent !== undefined);
  assert.notEqual(await current.innerText(), shortName(name));
  await page.close();
});

test('keyboard: arrows move the selection, Enter opens the source, / focuses search', async () => {
  const { page } = await freshPage();
  await page.focus('#chart');
  // The first arrow selects the root; each Up (flame: towards the leaves) its widest child.
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowUp');
  const t = msg.meta.defaultSampleType;
  let node = 0;
  for (let i = 0; i < 3; i++) {
    let best = -1;
    for (let c = node + 1; c < node + msg.tree.size[node]; c++) if (msg.tree.parent[c] === node && (best < 0 || msg.tree.cum[t][c] > msg.tree.cum[t][best])) best = c;
    node = best;
  }
  const expected = msg.tree.names[msg.tree.name[node]];
  // The status line (a live region) announces the selected frame.
  assert.match(await page.locator('#status').innerText(), new RegExp(`^${expected.replace(/[.*()[\]]/g, '\\$&')} — cum `));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'openSource'));
  const open = (await posted(page)).find((m) => m.type === 'openSource')!;
  assert.equal(open.name, expected);
  assert.equal(open.line, msg.tree.line[node]);
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search');
  await page.close();
});

test('search highlights matches and reports their share of the total', async () => {
  const { page } = await freshPage();
  const before = await canvasStats(page);
  const drawn = await drawCount(page);
  await page.fill('#search', 'catalog.Render');
  await waitForDrawAfter(page, drawn);
  const status = await page.locator('#searchStatus').innerText();
  const m = /matched ([\d.]+)% of alloc_space \(([\d.]+ (B|KiB|MiB|GiB))\)/.exec(status);
  assert.ok(m, `search status "${status}"`);
  // The share the page reports equals the engine's cum for that function / total.
  const t = msg.meta.defaultSampleType;
  const fn = current.agg.functions;
  let cum = 0;
  for (let i = 0; i < fn.count; i++) if (current.agg.strings[fn.name[i]].includes('catalog.Render')) cum += fn.cum[t][i];
  const pct = (cum / current.agg.totals[t]) * 100;
  assert.ok(Math.abs(Number(m[1]) - pct) < 0.1, `page says ${m[1]}%, engine says ${pct.toFixed(2)}%`);
  const after = await canvasStats(page);
  assert.notEqual(after.digest, before.digest);
  const match = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--hl-match').trim());
  const hex = /^#([0-9a-f]{6})/i.exec(match)![1];
  const rgb = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  assert.ok(after.colours.some((c) => c.every((v, i) => Math.abs(v - rgb[i]) <= 1)), 'no highlighted box drawn');
  await page.screenshot({ path: path.join(artifacts, 'flame-search.png') });
  await page.fill('#search', '/[/');
  assert.match(await page.locator('#searchStatus').innerText(), /invalid regular expression/);
  await page.close();
});

test('sample type switch redraws without reloading', async () => {
  const { page } = await freshPage();
  const before = await canvasStats(page);
  const drawn = await drawCount(page);
  const objects = msg.meta.sampleTypes.findIndex((s) => s.type === 'alloc_objects');
  assert.ok(objects >= 0);
  await page.selectOption('#sampleType', String(objects));
  await waitForDrawAfter(page, drawn);
  const after = await canvasStats(page);
  assert.notEqual(after.digest, before.digest, 'pixels did not change');
  assert.equal((await posted(page)).filter((m) => m.type === 'ready').length, 1, 'page reloaded');
  // The tooltip now speaks in objects: counts, not bytes.
  const e = await expectedLayout(page, msg.tree, objects);
  const k = widestAt(msg.tree, e.l, (n, d) => d >= 2 && n.startsWith('example.com/shop/catalog.'));
  const p = centre(e, k);
  await page.mouse.move(p.x, p.y);
  await page.locator('#tooltip').waitFor({ state: 'visible' });
  assert.match(await page.locator('#tooltip').innerText(), /cum alloc_objects\s+[\d,]+\s+[\d.]+%/);
  await page.close();
});

test('back out of a zoom, the graph is the one first drawn, for each sample type (layouts are reused, per type)', async () => {
  const { page } = await freshPage();
  // Clicking the root's box zooms out and selects the root, so the frames compared
  // carry the same outline; the mouse is then moved off the canvas (no hover outline).
  const clickAndDraw = async (p: { x: number; y: number }) => {
    const drawn = await drawCount(page);
    await page.mouse.click(p.x, p.y);
    await waitForDrawAfter(page, drawn);
    await page.mouse.move(0, 0);
    // Two animation frames: any draw the move queued has run.
    await page.evaluate(() => new Promise((done) => window.requestAnimationFrame(() => window.requestAnimationFrame(done))));
    return (await canvasStats(page)).digest;
  };
  const rootBox = async (t: number) => { const e = await expectedLayout(page, msg.tree, t); return centre(e, e.l.node.indexOf(0)); };
  const catalog = async (t: number) => {
    const e = await expectedLayout(page, msg.tree, t);
    return centre(e, widestAt(msg.tree, e.l, (n, d) => d >= 2 && n.startsWith('example.com/shop/catalog.')));
  };
  const t0 = msg.meta.defaultSampleType;
  const first = await clickAndDraw(await rootBox(t0));
  assert.notEqual(await clickAndDraw(await catalog(t0)), first, 'the zoom redrew');
  assert.equal(await clickAndDraw(await rootBox(t0)), first, 'back at the root: the same frame');
  const objects = msg.meta.sampleTypes.findIndex((x) => x.type === 'alloc_objects');
  const drawn = await drawCount(page);
  await page.selectOption('#sampleType', String(objects));
  await waitForDrawAfter(page, drawn);
  const objectsRoot = (await canvasStats(page)).digest;
  assert.notEqual(objectsRoot, first, 'another sample type, other widths');
  await clickAndDraw(await catalog(objects));
  assert.equal(await clickAndDraw(await rootBox(objects)), objectsRoot, 'back at the root in alloc_objects, not the layout of the first type');
  await page.close();
});

test('icicle orientation and the caller view', async () => {
  const { page } = await freshPage();
  let drawn = await drawCount(page);
  await page.click('#orientation');
  await waitForDrawAfter(page, drawn);
  const t = msg.meta.defaultSampleType;
  // Icicle: the root row is at the top of the canvas.
  const e = await expectedLayout(page, msg.tree, t);
  const k = widestAt(msg.tree, e.l, (n, d) => d === 1);
  const p = centre(e, k, 'icicle');
  assert.ok(p.y - e.top < ROW * 2);
  await page.mouse.move(p.x, p.y);
  await page.locator('#tooltip').waitFor({ state: 'visible' });
  assert.ok((await page.locator('#tooltip').innerText()).includes(msg.tree.names[msg.tree.name[e.l.node[k]]]));
  await page.screenshot({ path: path.join(artifacts, 'flame-icicle.png') });

  drawn = await drawCount(page);
  await page.click('#view');
  await waitForDrawAfter(page, drawn);
  const inv = invertTree(msg.tree, t);
  const ei = await expectedLayout(page, inv, t);
  const ki = widestAt(inv, ei.l, (n, d) => d === 1);
  const site = inv.names[inv.name[ei.l.node[ki]]];
  const pi = centre(ei, ki, 'icicle');
  await page.mouse.move(pi.x + 1, pi.y);
  await page.waitForFunction((s) => document.getElementById('tooltip')!.innerText.includes(s), site);
  // The hottest allocation site is the function with the largest flat value.
  const fn = current.agg.functions;
  let best = 0;
  for (let i = 1; i < fn.count; i++) if (fn.flat[t][i] > fn.flat[t][best]) best = i;
  assert.equal(site, current.agg.strings[fn.name[best]]);
  await page.screenshot({ path: path.join(artifacts, 'flame-callers.png') });
  await page.close();
});

test('compare: growth and shrinkage in their own colours', async () => {
  const { page } = await freshPage();
  const diff = profileMessage(current, base);
  assert.equal(diff.type, 'profile');
  await sendToPage(page, diff);
  assert.equal(await page.locator('#legend').isVisible(), true);
  assert.equal(await page.locator('#clearBase').isVisible(), true);
  const header = await page.locator('#facts').innerText();
  assert.ok(header.includes(base.source), 'header does not name the base');
  const { colours } = await canvasStats(page);
  const reddish = colours.some(([r, g, b]) => r > g + 60 && r > b + 60);
  assert.ok(reddish, 'no growth colour (the current run is 6x longer than the base)');
  await page.screenshot({ path: path.join(artifacts, 'flame-diff.png') });
  await page.click('#clearBase');
  assert.ok((await posted(page)).some((m) => m.type === 'clearBase'));
  await page.click('#compare');
  assert.ok((await posted(page)).some((m) => m.type === 'pickBase'));
  await page.close();
});

test('bad input shows the reason, and malformed messages are refused', async () => {
  const { page } = await openFlamePage(browser, server);
  const empty = loadProfile(new Uint8Array(0), path.join(tmp, 'empty.pb.gz'));
  const bytes = fs.readFileSync(current.source);
  const truncated = loadProfile(bytes.subarray(0, Math.floor(bytes.length / 2)), 'half.pb.gz');
  const text = loadProfile(Buffer.from('hello, not a profile\n'), 'notes.txt');
  for (const r of [empty, truncated, text]) {
    const m = profileMessage(r);
    assert.equal(m.type, 'error');
    await sendToPage(page, m);
    await page.locator('#message').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#message').innerText(), (m as { message: string }).message);
    assert.equal(await page.locator('#chart').isVisible(), false);
  }
  assert.match(await page.locator('#message').innerText(), /notes\.txt/);
  await page.screenshot({ path: path.join(artifacts, 'flame-error.png') });
  await page.evaluate(() => window.postMessage({ type: 'profile', meta: {}, tree: {} }, '*'));
  await page.waitForFunction(() => /malformed message/.test(document.getElementById('message')!.textContent ?? ''));
  await page.close();
});

test('a profile name with markup stays text', async () => {
  const { page } = await openFlamePage(browser, server);
  const evil = '<img src=x onerror="window.__pwned=1">main.(*T).Evil';
  const tree: FlameTree = { ...msg.tree, names: msg.tree.names.map((n, i) => (i === msg.tree.name[1] ? evil : n)) };
  await sendToPage(page, { ...msg, tree, meta: { ...msg.meta, source: '<b>bold</b>.pb.gz' } });
  assert.equal(await page.locator('#title').innerText(), '<b>bold</b>.pb.gz');
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.equal(await page.locator('img').count(), 0);
  await page.close();
});

test('follows the VS Code theme: light colours and high-contrast edges redraw live', async () => {
  const { page } = await freshPage();
  const dark = await canvasStats(page);
  let drawn = await drawCount(page);
  // What VS Code does on a theme switch: new --vscode-* values on <html>, a class on <body>.
  await page.evaluate(() => {
    const s = document.documentElement.style;
    s.setProperty('--vscode-editor-background', '#ffffff');
    s.setProperty('--vscode-editor-foreground', '#333333');
    s.setProperty('--vscode-charts-red', '#e51400');
    s.setProperty('--vscode-charts-blue', '#1a85ff');
    s.setProperty('--vscode-charts-orange', '#d18616');
    s.setProperty('--vscode-charts-yellow', '#bf8803');
    s.setProperty('--vscode-charts-purple', '#652d90');
    document.body.className = 'vscode-light';
  });
  await waitForDrawAfter(page, drawn);
  const light = await canvasStats(page);
  assert.ok(light.colours.some(([r, g, b]) => r === 255 && g === 255 && b === 255), 'background is not the light theme\'s');
  assert.ok(light.nonBackground > 5000);
  assert.notEqual(light.digest, dark.digest);
  await page.screenshot({ path: path.join(artifacts, 'flame-light.png') });
  drawn = await drawCount(page);
  await page.evaluate(() => {
    const s = document.documentElement.style;
    s.setProperty('--vscode-editor-background', '#000000');
    s.setProperty('--vscode-editor-foreground', '#ffffff');
    s.setProperty('--vscode-contrastBorder', '#6fc3df');
    document.body.className = 'vscode-high-contrast';
  });
  await waitForDrawAfter(page, drawn);
  const hc = await canvasStats(page);
  assert.ok(hc.colours.some(([r, g, b]) => r === 0x6f && g === 0xc3 && b === 0xdf), 'no high-contrast box edges');
  await page.screenshot({ path: path.join(artifacts, 'flame-high-contrast.png') });
  await page.close();
});

test('a real profile without samples says so instead of drawing nothing', async () => {
  // A CPU profile stopped right after starting records no samples: a real, valid, empty profile.
  const dir = path.join(tmp, 'idle');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/idle\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'main.go'), `package main

import (
	"os"
	"runtime/pprof"
)

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	pprof.StopCPUProfile()
	f.Close()
}
`);
  const out = path.join(tmp, 'idle.pb.gz');
  const r = spawnSync('go', ['run', '.', out], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const loaded = loadProfile(fs.readFileSync(out), out);
  assert.ok(isLoaded(loaded), 'error' in loaded ? loaded.error : '');
  const m = profileMessage(loaded);
  assert.equal(m.type, 'profile');
  const { page } = await openFlamePage(browser, server);
  await sendToPage(page, m);
  await page.locator('#message').waitFor({ state: 'visible' });
  assert.match(await page.locator('#message').innerText(), /This profile has no samples/);
  assert.match(await page.locator('#kind').innerText(), /cpu profile/);
  await page.close();
});
