// The heap-watch live view: charts over the kept snapshots (in-use bytes and
// objects, HeapSys and the heap goal, GCs, goroutines), snapshots as clickable
// points (growth is then measured from the clicked one) and the ranked lines.
// Everything from the extension is text: built with textContent, never innerHTML.
import type { WatchFrame, WatchLeaked, WatchPoint, WatchSnapshotParams, WatchSuspect } from '../../../server/src/protocol/lsp';
import type { FromWatchView, ToWatchView } from '../../../server/src/protocol/watchView';

declare function acquireVsCodeApi(): { postMessage(m: FromWatchView): void };
const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const $ = (id: string) => document.getElementById(id)!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function svgEl(tag: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function bytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0, x = Math.abs(v);
  while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return `${v < 0 ? '-' : ''}${i ? x.toFixed(x >= 100 ? 0 : 1) : x} ${units[i]}`;
}
const count = (v: number) => String(Math.round(v));

interface Chart { title: string; unit: (v: number) => string; a: (p: WatchPoint) => number | null; aName: string; b?: (p: WatchPoint) => number | null; bName?: string }

const charts: Chart[] = [
  { title: 'In-use heap (profile)', unit: bytes, a: (p) => p.inuseBytes, aName: 'bytes' },
  { title: 'In-use objects (profile)', unit: count, a: (p) => p.inuseObjects, aName: 'objects' },
  { title: 'HeapSys and heap goal', unit: bytes, a: (p) => p.heapSys, aName: 'HeapSys', b: (p) => p.heapGoal, bName: 'goal' },
  { title: 'Goroutines', unit: count, a: (p) => p.goroutines, aName: 'goroutines' },
  { title: 'GC cycles (NumGC)', unit: count, a: (p) => p.numGC, aName: 'NumGC' },
];

function drawChart(c: Chart, pts: WatchPoint[], baseSeq: number): HTMLElement {
  const fig = el('figure');
  const cap = el('figcaption');
  const last = pts[pts.length - 1];
  const va = last ? c.a(last) : null;
  cap.append(el('span', c.title));
  const now = el('span', va === null ? 'n/a' : `${c.unit(va)}${c.b && last && c.b(last) !== null ? ` · ${c.bName} ${c.unit(c.b(last)!)}` : ''}`, 'muted');
  cap.append(now);
  fig.append(cap);
  const W = 320, H = 120, L = 4, R = 4, T = 6, B = 14;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': `${c.title} over ${pts.length} snapshots` }) as SVGSVGElement;
  const vals = pts.flatMap((p) => [c.a(p), c.b?.(p) ?? null]).filter((v): v is number => v !== null);
  const max = Math.max(1, ...vals), min = Math.min(0, ...vals);
  const t0 = pts[0]?.takenAt ?? 0, t1 = last?.takenAt ?? 1;
  const x = (p: WatchPoint) => L + ((p.takenAt - t0) / Math.max(1, t1 - t0)) * (W - L - R);
  const y = (v: number) => T + (1 - (v - min) / (max - min || 1)) * (H - T - B);
  svg.append(svgEl('line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
  // GC runs: a tick where NumGC went up since the previous snapshot.
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1].numGC, b = pts[i].numGC;
    if (a !== null && b !== null && b > a) svg.append(svgEl('line', { class: 'gc', x1: x(pts[i]), x2: x(pts[i]), y1: H - B, y2: H - B + 4 }));
  }
  const line = (get: (p: WatchPoint) => number | null, cls: string) => {
    const d = pts.filter((p) => get(p) !== null).map((p, i) => `${i ? 'L' : 'M'}${x(p).toFixed(1)},${y(get(p)!).toFixed(1)}`).join('');
    if (d) svg.append(svgEl('path', { class: cls, d }));
  };
  line(c.a, 's0');
  if (c.b) line(c.b, 's1');
  for (const p of pts) {
    const v = c.a(p);
    if (v === null) continue;
    const dot = svgEl('circle', { class: `point${p.seq === baseSeq ? ' base' : ''}`, cx: x(p), cy: y(v), r: 3, tabindex: 0, role: 'button' });
    const title = svgEl('title', {});
    title.textContent = `snapshot #${p.seq} · ${new Date(p.takenAt).toLocaleTimeString()} · ${c.aName} ${c.unit(v)}${p.seq === baseSeq ? ' (base)' : ' — click to measure growth from here'}`;
    dot.append(title);
    const pick = () => vscode.postMessage({ type: 'setBase', seq: p.seq });
    dot.addEventListener('click', pick);
    dot.addEventListener('keydown', (e) => { if ((e as KeyboardEvent).key === 'Enter') pick(); });
    svg.append(dot);
  }
  const lbl = svgEl('text', { x: L, y: H - 2 });
  lbl.textContent = `${pts.length} snapshots · max ${c.unit(max)}`;
  svg.append(lbl);
  fig.append(svg);
  return fig;
}

function rows(table: string, items: WatchSuspect[], unit: (v: number) => string): void {
  const body = $(table).querySelector('tbody')!;
  body.replaceChildren();
  if (!items.length) {
    const tr = el('tr');
    const td = el('td', 'nothing has changed yet', 'muted');
    td.colSpan = 4;
    tr.append(td);
    body.append(tr);
  }
  for (const s of items) {
    const tr = el('tr');
    tr.append(el('td', s.verdict, `v-${s.verdict}`));
    tr.append(el('td', `${s.growth > 0 ? '+' : ''}${unit(s.growth)}`, 'num'));
    const where = el('td');
    const name = `${s.file.split('/').pop()}:${s.line} ${s.function}`;
    if (s.uri) {
      const a = el('a', name);
      a.tabIndex = 0;
      a.title = s.file;
      const open = () => vscode.postMessage({ type: 'open', uri: s.uri!, line: s.line });
      a.addEventListener('click', open);
      a.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
      where.append(a);
    } else {
      where.append(el('span', `${name} (not in this workspace)`));
    }
    const callers = s.path?.slice(0, -1).reverse().slice(0, 3) ?? [];
    if (callers.length) where.append(el('div', `via ${callers.join(' ← ')}`, 'path'));
    tr.append(where);
    tr.append(el('td', s.summary, 'muted'));
    body.append(tr);
  }
}

/** A frame as a link to its line (plain text when the file is not on this machine). */
function frameLink(f: WatchFrame): HTMLElement {
  const name = `${f.file.split('/').pop()}:${f.line} ${f.function}`;
  if (!f.uri) return el('span', `${name} (not in this workspace)`);
  const a = el('a', name);
  a.tabIndex = 0;
  a.title = f.file;
  const open = () => vscode.postMessage({ type: 'open', uri: f.uri!, line: f.line });
  a.addEventListener('click', open);
  a.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
  return a;
}

function leakedRows(l: WatchLeaked | undefined): void {
  const table = $('leaked') as HTMLTableElement;
  const note = $('leakedNote');
  const groups = l?.groups ?? [];
  if (!l || l.state === 'unknown') note.textContent = 'waiting for the first snapshot';
  else if (l.state === 'absent') note.textContent = l.message ?? 'the service does not serve the goroutineleak profile';
  else note.textContent = l.total ? `${l.total} goroutine${l.total === 1 ? '' : 's'} blocked on something nothing running can reach: they will never finish` : 'none found in the last snapshot';
  table.hidden = !groups.length;
  const body = table.querySelector('tbody')!;
  body.replaceChildren();
  for (const g of groups) {
    const tr = el('tr');
    tr.append(el('td', String(g.count), 'num v-leak'));
    const blocked = el('td');
    blocked.append(frameLink(g.at));
    tr.append(blocked);
    tr.append(el('td', g.wait, 'muted'));
    const by = el('td');
    if (!g.createdAt.length) by.append(el('span', 'not known', 'muted'));
    g.createdAt.slice(0, 4).forEach((f, i) => { const d = el('div', undefined, i ? 'path' : undefined); d.append(frameLink(f)); by.append(d); });
    tr.append(by);
    body.append(tr);
  }
}

function render(s: WatchSnapshotParams): void {
  $('baseSeq').textContent = `#${s.baseSeq}`;
  $('charts').replaceChildren(...charts.map((c) => drawChart(c, s.points, s.baseSeq)));
  rows('lines', s.lines, bytes);
  rows('goroutines', s.goroutines, count);
  leakedRows(s.leaked);
}

window.addEventListener('message', (e: MessageEvent<ToWatchView>) => {
  const m = e.data;
  if (m?.type === 'update') render(m.snapshot);
  else if (m?.type === 'status') {
    $('status').textContent = m.text;
    ($('stop') as HTMLButtonElement).hidden = !m.watching;
  }
});
$('stop').addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
vscode.postMessage({ type: 'ready' });
