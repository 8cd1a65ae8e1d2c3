// Flamegraph: time from opening a ~million-sample heap profile to the first drawn
// frame in headless Chromium, and the frame time of zooming with 100k+ nodes,
// next to `go tool pprof -http`'s flame graph on the same file: synthetic profiles
// of a known tree size, and issue 15's two real Go-written shapes (bench/realProfiles.ts).
//   npm run bench -- flamegraph
//   HEAPLENS_BENCH_SYNTHETIC_ONLY=1   skip the real shapes
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Writer } from 'protobufjs/minimal';
import type { Browser, Page } from 'playwright-core';
import { decodeInChild } from '../client/src/profileEditor/decodeRunner';
import { runDecodeJob } from '../client/src/profileEditor/decodeJob';
import { MAX_FLAME_NODES } from '../client/src/profileEditor/flameTree';
import { profileMessage } from '../client/src/profileEditor/load';
import { aggregate } from '../server/src/profile/aggregate';
import { directFlame } from '../server/src/profile/directFlame';
import { openProfile, openTables } from '../server/src/profile/open';
import { depths, layout, widths } from '../media/src/flamegraph/layout';
import type { ToWebview } from '../server/src/protocol/webview';
import { launchChromium, openFlamePage, serveWebview, type FlameServer } from '../test/browser/flamePage';
import { withoutHugePages } from './hugePages';
import { benchProfileDir, realDeep, realGoTypes } from './realProfiles';
import { median, percentile, printTable } from './table';

// Callbacks given to page.evaluate run in the page (no DOM types in this tsconfig).
declare const window: any, document: any, performance: { now(): number }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A seeded PRNG, so every run draws the same profile. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0; s ^= s >>> 13; return (s >>> 0) / 4294967296; };
}

/**
 * A synthetic Go heap profile in pprof's wire format: a random call tree of
 * `nodes` frames (~33 deep on average) over 6,000 functions, and `samples` samples
 * on it, with Go's four heap sample types.
 */
export function syntheticProfile(samples: number, nodes: number): Buffer {
  const rand = rng(42);
  const strings = ['', 'alloc_objects', 'count', 'alloc_space', 'bytes', 'inuse_objects', 'inuse_space', 'space'];
  const str = (s: string) => { strings.push(s); return strings.length - 1; };
  const FUNCS = 6000;
  const fnName: number[] = [], fnFile: number[] = [];
  for (let f = 0; f < FUNCS; f++) {
    const pkg = `example.com/big/pkg${f % 97}`;
    fnName.push(str(`${pkg}.${['Handle', 'Decode', 'Encode', 'build', 'parse', 'grow', 'copy'][f % 7]}${f}`));
    fnFile.push(str(`/home/dev/big/pkg${f % 97}/file${f % 13}.go`));
  }
  const parent = new Int32Array(nodes), fn = new Int32Array(nodes);
  for (let i = 1; i < nodes; i++) { parent[i] = Math.floor(Math.pow(rand(), 0.3) * i); fn[i] = Math.floor(rand() * FUNCS); }
  parent[0] = -1;
  const w = Writer.create();
  for (const [t, u] of [[1, 2], [3, 4], [5, 2], [6, 4]]) w.uint32(10).fork().uint32(8).int64(t).uint32(16).int64(u).ldelim();
  const stack: number[] = [];
  for (let s = 0; s < samples; s++) {
    const leaf = 1 + Math.floor(rand() * (nodes - 1));
    stack.length = 0;
    for (let v = leaf; v > 0; v = parent[v]) stack.push(v); // leaf first, as pprof stores it
    const objects = 1 + Math.floor(rand() * 4);
    const size = 16 << Math.floor(rand() * 8);
    const live = rand() < 0.2 ? objects : 0;
    w.uint32(18).fork();
    w.uint32(10).fork(); for (const v of stack) w.uint64(v); w.ldelim();
    w.uint32(18).fork().int64(objects).int64(objects * size).int64(live).int64(live * size).ldelim();
    w.ldelim();
  }
  for (let i = 1; i < nodes; i++) {
    w.uint32(34).fork().uint32(8).uint64(i).uint32(24).uint64(0x400000 + i * 16)
      .uint32(34).fork().uint32(8).uint64(fn[i] + 1).uint32(16).int64(10 + (i % 300)).ldelim().ldelim();
  }
  for (let f = 0; f < FUNCS; f++) {
    w.uint32(42).fork().uint32(8).uint64(f + 1).uint32(16).int64(fnName[f]).uint32(24).int64(fnName[f]).uint32(32).int64(fnFile[f]).uint32(40).int64(5).ldelim();
  }
  for (const s of strings) w.uint32(50).string(s);
  w.uint32(72).int64(Date.now() * 1e6);
  w.uint32(90).fork().uint32(8).int64(7).uint32(16).int64(4).ldelim();
  w.uint32(96).int64(512 * 1024);
  return gzipSync(w.finish());
}

async function stash(page: Page, m: ToWebview): Promise<void> {
  const plain = JSON.parse(JSON.stringify(m, (_k, v: unknown) => (ArrayBuffer.isView(v) ? { __typed: v.constructor.name, data: Array.from(v as unknown as ArrayLike<number>) } : v)));
  await page.evaluate((msg: unknown) => {
    const revive = (v: any): any => { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (Array.isArray(v)) return v.map(revive);
      if (v && typeof v === 'object') {
        if (v.__typed) return v.__typed === 'Int32Array' ? Int32Array.from(v.data) : Float64Array.from(v.data);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
      }
      return v;
    };
    window.__pending = revive(msg);
  }, plain);
}

/** ms from the page receiving the message to the end of the first drawn frame. */
async function timeToFirstFrame(page: Page): Promise<number> {
  return page.evaluate(() => new Promise<number>((resolve) => {
    const canvas = document.getElementById('canvas');
    const before = Number(canvas.dataset.frame ?? 0);
    const t0 = performance.now();
    new window.MutationObserver(() => { if (Number(canvas.dataset.frame) > before) resolve(performance.now() - t0); })
      .observe(canvas, { attributes: true, attributeFilter: ['data-frame'] });
    window.postMessage(window.__pending, '*');
  }));
}

/**
 * Zooms into each of `points` by clicking it, then back out by clicking the root;
 * the frame time is the click handler (layout) plus the animation-frame callback (draw).
 */
async function zoomFrameTimes(page: Page, points: { x: number; y: number }[], root: { x: number; y: number }): Promise<number[]> {
  return page.evaluate(([pts, out]: [{ x: number; y: number }[], { x: number; y: number }]) => new Promise<number[]>((resolve) => {
    const canvas = document.getElementById('canvas');
    const times: number[] = [];
    const raf = window.requestAnimationFrame.bind(window);
    let handler = 0;
    // Time the page's own animation-frame callback (the draw).
    window.requestAnimationFrame = (cb: (t: number) => void) => raf((t: number) => { const a = performance.now(); cb(t); times.push(handler + performance.now() - a); });
    let i = 0;
    const step = () => {
      if (i >= pts.length * 2) { window.requestAnimationFrame = raf; resolve(times); return; }
      const p = i % 2 === 0 ? pts[i >> 1] : out;
      const r = canvas.getBoundingClientRect();
      const t0 = performance.now();
      canvas.dispatchEvent(new window.MouseEvent('click', { clientX: r.left + p.x, clientY: r.top + p.y, bubbles: true }));
      handler = performance.now() - t0;
      i++;
      raf(() => raf(step));
    };
    step();
  }), [points, root] as [{ x: number; y: number }[], { x: number; y: number }]);
}

/** ms for one open through the real decode process: to the answer, and to the table sent ahead of it (NaN without). */
async function timeDecodeProcess(file: string): Promise<{ final: number; table: number; tableMessage?: ToWebview }> {
  const worker = path.join(__dirname, '..', '..', 'client', 'out', 'decodeWorker.js');
  const t0 = performance.now();
  let table = NaN;
  let tableMessage: ToWebview | undefined;
  const r = await decodeInChild({ current: { bytes: fs.readFileSync(file), source: file } }, undefined, worker, undefined, true, (t) => {
    table = performance.now() - t0;
    if (t.ok) tableMessage = t.message;
  });
  if (!r.ok) throw new Error(r.error);
  return { final: performance.now() - t0, table, tableMessage };
}

/** ms from the page receiving the table's message (sent while the tree is built) to its rows painted. */
async function timeToTable(page: Page): Promise<number> {
  return page.evaluate(() => new Promise<number>((resolve) => {
    const t0 = performance.now();
    const done = () => window.requestAnimationFrame(() => resolve(performance.now() - t0));
    const seen = () => !!document.querySelector('#table tbody tr');
    const obs = new window.MutationObserver(() => { if (seen()) { obs.disconnect(); done(); } });
    obs.observe(document.body, { childList: true, subtree: true });
    window.postMessage(window.__pending, '*');
  }));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); }); });
}

/** Starts `go tool pprof -http` and measures until its flame graph page has loaded and drawn. */
async function pprofFlame(browser: Browser, file: string, timeoutMs: number): Promise<{ serveMs: number; pageMs: number; totalMs: number } | string> {
  const port = await freePort();
  const t0 = performance.now();
  // Its own process group, so the kill below reaches pprof, not only `go tool`.
  const child: ChildProcess = spawn('go', ['tool', 'pprof', '-no_browser', `-http=127.0.0.1:${port}`, file], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let page: Page | undefined;
  try {
    // Ready when it prints its "Serving web UI" line (an event, not a guess).
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const on = (b: Buffer) => { if (/Serving web UI/.test(b.toString())) { clearTimeout(timer); resolve(true); } };
      child.stdout!.on('data', on); child.stderr!.on('data', on);
      child.on('exit', () => { clearTimeout(timer); resolve(false); });
    });
    if (!ready) return `not serving after ${timeoutMs / 1000} s`;
    const serveMs = performance.now() - t0;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const t1 = performance.now();
    await page.goto(`http://127.0.0.1:${port}/ui/flamegraph`, { timeout: timeoutMs, waitUntil: 'load' });
    // The flame graph is drawn by script after load: wait until its boxes exist.
    const left = Math.max(1000, timeoutMs - (performance.now() - t0));
    try {
      await page.waitForFunction(() => document.querySelectorAll('#stack-chart div, #chartsvg g, .boxbg').length > 10, undefined, { timeout: left });
    } catch {
      return `not drawn after ${(timeoutMs / 1000).toFixed(0)} s (gave up)`;
    }
    const pageMs = performance.now() - t1;
    return { serveMs, pageMs, totalMs: performance.now() - t0 };
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  } finally {
    // Closed whatever the outcome: nothing of pprof's runs while the next rows are measured.
    await page?.close();
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-flamebench-'));
  const sizes = [[100_000, 40_000], [1_000_000, 150_000]];
  const rows: string[][] = [];
  const zoomRows: string[][] = [];
  const processRows: string[][] = [];
  const server: FlameServer = await serveWebview('bench.pb.gz');
  const browser = await launchChromium();
  try {
    // Synthetic trees of a known size, then issue 15's real Go-written shapes.
    const inputs: { label: string; file: string; samples: number }[] = sizes.map(([samples, nodes]) => {
      const file = path.join(dir, `heap-${samples}.pb.gz`);
      fs.writeFileSync(file, syntheticProfile(samples, nodes));
      return { label: samples.toLocaleString('en-US'), file, samples };
    });
    if (!process.env.HEAPLENS_BENCH_SYNTHETIC_ONLY) {
      for (const real of [realDeep(benchProfileDir()), realGoTypes(benchProfileDir())]) {
        const { samples } = JSON.parse(real.note) as { samples: number };
        inputs.push({ label: `${real.name}: ${samples.toLocaleString('en-US')}`, file: real.file, samples });
      }
    }
    for (const { label, file, samples } of inputs) {
      const mb = fs.statSync(file).size / 1e6;
      const limit = samples > 200_000 ? 60_000 : 180_000;
      // The decode job in-process (what the editor's decode process runs: read, then
      // the samples read where they lie, or decoded and aggregated), then the decoded
      // path alone for comparison.
      const job: number[] = [], decoded: number[] = [];
      let msg: ToWebview | undefined;
      let direct = false;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const r = runDecodeJob({ current: { bytes: fs.readFileSync(file), source: file } });
        const t1 = performance.now();
        if (!r.ok) throw new Error(r.error);
        msg = r.message;
        job.push(t1 - t0);
        const tables = openTables(fs.readFileSync(file));
        direct = !!tables && directFlame(tables, MAX_FLAME_NODES) !== null;
        const t2 = performance.now();
        const profile = openProfile(fs.readFileSync(file));
        profileMessage({ source: file, profile, agg: aggregate(profile) });
        decoded.push(performance.now() - t2);
      }
      if (msg?.type !== 'profile') throw new Error('no profile');
      const treeNodes = msg.tree.parent.length;
      // The editor's own path: a fresh decode process per open (read, decode, tree,
      // reply), as shipped, then with glibc's huge pages off, alternating.
      const shipped: number[] = [], small: number[] = [], ahead: number[] = [];
      let tableMessage: ToWebview | undefined;
      for (let i = 0; i < 3; i++) {
        const d = await timeDecodeProcess(file);
        shipped.push(d.final);
        ahead.push(d.table);
        tableMessage = d.tableMessage;
        small.push((await withoutHugePages(() => timeDecodeProcess(file))).final);
      }
      // The table the page shows while the tree is built: its rows painted.
      const tablePage: number[] = [];
      for (let i = 0; tableMessage && i < 3; i++) {
        const { page } = await openFlamePage(browser, server);
        await stash(page, tableMessage);
        tablePage.push(await timeToTable(page));
        await page.close();
      }
      // Webview: validate, lay out, draw the first frame.
      const pageTimes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const { page } = await openFlamePage(browser, server);
        await stash(page, msg);
        pageTimes.push(await timeToFirstFrame(page));
        if (i < 2) await page.close();
        else {
          // Zoom into 20 of the widest frames a few levels down, and back out.
          const width = await page.evaluate(() => document.getElementById('canvas').getBoundingClientRect().width);
          const { depth, maxDepth } = depths(msg.tree);
          const t = msg.meta.defaultSampleType;
          const l = layout(msg.tree, widths(msg.tree, t), depth, 0, width);
          // 20 targets spread over the boxes at least 5 px wide, widest to narrowest.
          const all: { x: number; y: number; w: number }[] = [];
          for (let k = 0; k < l.count; k++) if (l.depth[k] >= 2 && l.w[k] >= 5) all.push({ x: l.x[k] + 2, y: (maxDepth - l.depth[k]) * 18 + 9, w: l.w[k] });
          all.sort((a, b) => b.w - a.w);
          const picks = Array.from({ length: 20 }, (_, i) => all[Math.floor((i * all.length) / 20)]);
          const frames = await zoomFrameTimes(page, picks, { x: 5, y: maxDepth * 18 + 9 });
          const within = frames.filter((f) => f <= 1000 / 60).length;
          zoomRows.push([label, treeNodes.toLocaleString('en-US'), String(l.count), String(frames.length),
            median(frames).toFixed(1), percentile(frames, 95).toFixed(1), `${Math.round((100 * within) / frames.length)}%`]);
          await page.close();
        }
      }
      const pg = median(pageTimes);
      const ours = median(job) + pg;
      // pprof needs minutes on the large file; give up after a minute and say so.
      const pprof = await pprofFlame(browser, file, limit);
      const theirs = typeof pprof === 'string' ? `> ${limit / 1000} s (${pprof})` : `${(pprof.totalMs / 1000).toFixed(2)} s (serve ${(pprof.serveMs / 1000).toFixed(2)} + page ${(pprof.pageMs / 1000).toFixed(2)})`;
      const ratio = typeof pprof === 'string' ? `> ${(limit / ours).toFixed(0)}× faster` : `${(pprof.totalMs / ours).toFixed(1)}× faster`;
      const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms`;
      rows.push([label, `${mb.toFixed(1)} MB`, treeNodes.toLocaleString('en-US'),
        `${ms(job)} (tree ${direct ? 'read directly' : 'decoded'})`, ms(decoded), `${pg.toFixed(0)} ms`, `${(ours / 1000).toFixed(2)} s`, theirs, ratio]);
      const tableFirst = tableMessage ? `${((median(ahead) + median(tablePage)) / 1000).toFixed(2)} s (${ms(ahead)} + page ${ms(tablePage)})` : 'none (read the ordinary way)';
      processRows.push([label, tableFirst, ms(shipped), ms(small), `${((median(shipped) + pg) / 1000).toFixed(2)} s`]);
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('\nOpen to first drawn frame (median of 3, in-process; pprof: one run, process start to flame graph drawn)\n');
  printTable(['samples', 'file (gz)', 'tree nodes', 'decode job', 'decoded path alone', 'webview first frame', 'HeapLens total', 'go tool pprof -http /ui/flamegraph', 'ratio'], rows);
  console.log('\nThe editor\'s decode process, fresh per open (client/out/decodeWorker.js: start, read, the table sent ahead, decode, tree, reply; median of 3)\n');
  printTable(['samples', 'the table, ahead of the tree (process + page)', 'decode process', 'same, glibc huge pages off', 'with the webview\'s first frame'], processRows);
  console.log('\nZoom frame time (click handler + draw; 20 zooms in and 20 out)\n');
  printTable(['samples', 'tree nodes', 'boxes drawn at root', 'frames', 'median ms', 'p95 ms', 'frames within 16.7 ms (60 fps)'], zoomRows);
  console.log(`\n${spawnVersion()} · ${os.cpus().length} cores · load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} · Chromium headless (--disable-gpu)`);
}

function spawnVersion(): string {
  return require('node:child_process').execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
