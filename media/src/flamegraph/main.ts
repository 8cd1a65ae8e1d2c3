// Webview entry: receives the tree once, then zooms, searches, switches sample
// type and view locally, without asking the extension again. Drawing happens in
// requestAnimationFrame; layout only when zoom, width, type or tree change.
import { parseToWebview, type FlameTree, type FromWebview, type ProfileMeta } from '../../../server/src/protocol/webview';
import { draw, ROW_HEIGHT } from './draw';
import { formatPercent, formatValue, shortName } from './format';
import { renderHeader, renderTooltip } from './header';
import { invertTree } from './invert';
import { ancestry, depths, hit, indexOf, layout, navigate, rowAt, widths, type Direction, type Layout, type Orientation } from './layout';
import { compileQuery, matchNodes, matchedTotal } from './search';
import { createTableView, type TableView } from './tableView';
import { callersTree, calleesTree, ignoreTree } from './transform';
import { readTheme, watchTheme, type Theme } from './theme';

interface VsCodeApi { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: FromWebview) => vscode.postMessage(m);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  chart: $<HTMLDivElement>('chart'),
  canvas: $<HTMLCanvasElement>('canvas'),
  tooltip: $<HTMLDivElement>('tooltip'),
  breadcrumb: $<HTMLElement>('breadcrumb'),
  toolbar: $<HTMLDivElement>('toolbar'),
  sampleType: $<HTMLSelectElement>('sampleType'),
  orientation: $<HTMLButtonElement>('orientation'),
  view: $<HTMLButtonElement>('view'),
  search: $<HTMLInputElement>('search'),
  searchStatus: $<HTMLSpanElement>('searchStatus'),
  compare: $<HTMLButtonElement>('compare'),
  clearBase: $<HTMLButtonElement>('clearBase'),
  legend: $<HTMLDivElement>('legend'),
  message: $<HTMLDivElement>('message'),
  status: $<HTMLElement>('status'),
};
const ctx = ui.canvas.getContext('2d', { alpha: false })!;
// Made here rather than in the page's HTML: they exist only for this script.
const filters = document.createElement('div');
filters.id = 'filters';
filters.hidden = true;
ui.breadcrumb.after(filters);
const table: TableView = createTableView({
  toolbar: ui.toolbar,
  after: ui.chart,
  chart: ui.chart,
  current: () => { const t = baseTree(); return t && s.meta ? { tree: t, t: s.t, unit: s.meta.sampleTypes[s.t].unit, building: s.building } : undefined; },
  focus: (name, mode) => setFocus(name, mode),
  ignore: (name) => toggleIgnore(name),
});

interface Saved { orientation: Orientation; view: 'topdown' | 'callers' }
const saved = (vscode.getState() ?? {}) as Partial<Saved>;

const s = {
  meta: undefined as ProfileMeta | undefined,
  topDown: undefined as FlameTree | undefined,
  inverted: new Map<number, FlameTree>(),
  view: (saved.view ?? 'topdown') as 'topdown' | 'callers',
  orientation: (saved.orientation ?? 'flame') as Orientation,
  t: 0,
  zoom: 0,
  selectedNode: -1,
  hovered: -1,
  matches: undefined as Uint8Array | undefined,
  layout: undefined as Layout | undefined,
  theme: readTheme() as Theme,
  scrolled: false,
  /** The call tree is still being built: only the table is true. */
  building: false,
  /** The table was opened for the build and closes when the graph arrives. */
  autoTable: false,
  /** A function the graph is narrowed to: its callees merged under it, or its callers above it. */
  focus: undefined as { name: string; mode: 'callees' | 'callers' } | undefined,
  /** Functions whose stacks are left out (pprof -ignore). */
  ignore: [] as string[],
  transformed: new Map<string, FlameTree>(),
};
const derived = new WeakMap<FlameTree, { depth: Int32Array; maxDepth: number; fullDepth: number }>();
// A canvas taller than this many device pixels draws nothing at all (blank past
// ~3,640 rows): deeper levels are left undrawn, and the view says how many.
const MAX_CANVAS_PX = 32767;

/** The top-down tree without the ignored functions' stacks. */
function baseTree(): FlameTree | undefined {
  if (!s.topDown || !s.ignore.length) return s.topDown;
  const key = `ignore|${s.ignore.join('\u0000')}`;
  let t = s.transformed.get(key);
  if (!t) { const set = new Set(s.ignore); t = ignoreTree(s.topDown, (n) => set.has(n)); s.transformed.set(key, t); }
  return t;
}

function tree(): FlameTree | undefined {
  const base = baseTree();
  if (!base) return undefined;
  if (s.focus) {
    const fn = base.names.indexOf(s.focus.name);
    const key = `${s.focus.mode}|${s.focus.name}|${s.ignore.join('\u0000')}|${s.focus.mode === 'callers' ? s.t : ''}`;
    let t = s.transformed.get(key);
    if (!t) {
      t = s.focus.mode === 'callees' ? calleesTree(base, fn) : callersTree(base, fn, s.t);
      s.transformed.set(key, t);
    }
    return t;
  }
  if (s.view === 'topdown') return base;
  if (base !== s.topDown) {
    const key = `inverted|${s.ignore.join('\u0000')}|${s.t}`;
    let t = s.transformed.get(key);
    if (!t) { t = invertTree(base, s.t); s.transformed.set(key, t); }
    return t;
  }
  let inv = s.inverted.get(s.t);
  if (!inv) { inv = invertTree(s.topDown!, s.t); s.inverted.set(s.t, inv); }
  return inv;
}
function info(t: FlameTree) {
  let d = derived.get(t);
  if (!d) {
    const full = depths(t);
    const drawable = Math.floor(MAX_CANVAS_PX / (ROW_HEIGHT * Math.max(1, window.devicePixelRatio || 1))) - 1;
    d = { depth: full.depth, maxDepth: Math.min(full.maxDepth, drawable), fullDepth: full.maxDepth };
    derived.set(t, d);
  }
  return d;
}

// Layouts already made, per tree: zooming back out (or into a frame seen before)
// draws at once instead of laying out up to 150,000 nodes again.
const layouts = new WeakMap<FlameTree, Map<string, Layout>>();
const MAX_LAYOUTS = 16;
function layoutOf(t: FlameTree, depth: Int32Array, width: number): Layout {
  let m = layouts.get(t);
  if (!m) { m = new Map(); layouts.set(t, m); }
  const key = `${s.t}|${s.zoom}|${width}`;
  let l = m.get(key);
  if (!l) {
    l = layout(t, widths(t, s.t), depth, s.zoom, width);
    if (m.size >= MAX_LAYOUTS) m.delete(m.keys().next().value!);
    m.set(key, l);
  }
  return l;
}

let drawQueued = false;
function requestDraw(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => {
    drawQueued = false;
    const t = tree();
    if (!t || !s.layout) return;
    const l = s.layout;
    draw(ctx, {
      tree: t, layout: l, maxDepth: info(t).maxDepth, orientation: s.orientation, sampleType: s.t, theme: s.theme,
      matches: s.matches, selected: indexOf(l, s.selectedNode), hovered: s.hovered, zoom: s.zoom,
    });
    ui.canvas.dataset.frame = String(Number(ui.canvas.dataset.frame ?? 0) + 1);
  });
}

function relayout(): void {
  const t = tree();
  if (!t) return;
  const { depth, maxDepth, fullDepth } = info(t);
  showDepthNote(maxDepth, fullDepth);
  const width = Math.max(1, ui.chart.clientWidth);
  const height = (maxDepth + 1) * ROW_HEIGHT;
  const dpr = window.devicePixelRatio || 1;
  if (ui.canvas.width !== Math.round(width * dpr) || ui.canvas.height !== Math.round(height * dpr)) {
    ui.canvas.width = Math.round(width * dpr);
    ui.canvas.height = Math.round(height * dpr);
    ui.canvas.style.width = `${width}px`;
    ui.canvas.style.height = `${height}px`;
  }
  s.layout = layoutOf(t, depth, width);
  s.hovered = -1;
  if (!s.scrolled && s.orientation === 'flame') { ui.chart.scrollTop = ui.chart.scrollHeight; s.scrolled = true; }
  requestDraw();
}

function renderBreadcrumb(): void {
  const t = tree();
  if (!t) return;
  const path = ancestry(t, s.zoom);
  ui.breadcrumb.replaceChildren();
  path.forEach((n, i) => {
    if (i > 0) { const sep = document.createElement('span'); sep.className = 'sep'; sep.textContent = '›'; ui.breadcrumb.append(sep); }
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = n === 0 ? 'all' : shortName(t.names[t.name[n]]);
    b.title = t.names[t.name[n]];
    if (n === s.zoom) b.setAttribute('aria-current', 'true');
    b.addEventListener('click', () => zoomTo(n));
    ui.breadcrumb.append(b);
  });
}

function zoomTo(node: number): void {
  ui.tooltip.hidden = true;
  s.zoom = node;
  s.selectedNode = node;
  renderBreadcrumb();
  relayout();
  updateSearch();
}

function updateSearch(): void {
  const t = tree();
  const m = s.meta;
  if (!t || !m) return;
  const pred = compileQuery(ui.search.value);
  if (typeof pred === 'string') { s.matches = undefined; ui.searchStatus.textContent = pred; requestDraw(); return; }
  if (!pred) { s.matches = undefined; ui.searchStatus.textContent = ''; requestDraw(); return; }
  s.matches = matchNodes(t, pred);
  const values = t.cum[s.t];
  const matched = matchedTotal(t, s.matches, values);
  const unit = m.sampleTypes[s.t].unit;
  ui.searchStatus.textContent = matched
    ? `matched ${formatPercent(matched, values[0])} of ${m.sampleTypes[s.t].type} (${formatValue(matched, unit)})`
    : 'no match';
  requestDraw();
}

function setSampleType(t: number): void {
  s.t = t;
  ui.sampleType.value = String(t);
  // The caller trees are sorted by the selected type, so their node numbers change.
  if (s.view === 'callers' || s.focus?.mode === 'callers') { s.zoom = 0; s.selectedNode = -1; }
  renderBreadcrumb();
  relayout();
  updateSearch();
  table.refresh();
}

/** Focus, callers-of and ignore changed: a different tree, so zoom and selection restart. */
function retree(): void {
  s.zoom = 0;
  s.selectedNode = -1;
  s.scrolled = false;
  renderFilters();
  renderBreadcrumb();
  relayout();
  updateSearch();
  table.refresh();
}

function setFocus(name: string | undefined, mode: 'callees' | 'callers' = 'callees'): void {
  s.focus = name === undefined ? undefined : { name, mode };
  retree();
}

function toggleIgnore(name: string): void {
  s.ignore = s.ignore.includes(name) ? s.ignore.filter((n) => n !== name) : [...s.ignore, name];
  if (s.focus && s.ignore.includes(s.focus.name)) s.focus = undefined;
  retree();
}

/** The chips that say what the graph is narrowed to, each with a button that undoes it. */
function renderFilters(): void {
  filters.replaceChildren();
  const chip = (label: string, title: string, undo: () => void) => {
    const span = document.createElement('span');
    span.className = 'chip';
    span.textContent = label;
    const x = document.createElement('button');
    x.type = 'button';
    x.textContent = '×';
    x.title = title;
    x.setAttribute('aria-label', title);
    x.addEventListener('click', undo);
    span.append(x);
    filters.append(span);
  };
  if (s.focus) chip(`${s.focus.mode === 'callees' ? 'Focus: callees of' : 'Callers of'} ${shortName(s.focus.name)}`, 'Show the whole profile again', () => setFocus(undefined));
  for (const n of s.ignore) chip(`Ignoring ${shortName(n)}`, `Show the stacks through ${n} again`, () => toggleIgnore(n));
  filters.hidden = !filters.childElementCount;
}

function persist(): void { vscode.setState({ orientation: s.orientation, view: s.view } satisfies Saved); }

function setOrientation(o: Orientation): void {
  s.orientation = o;
  ui.chart.classList.toggle('flame', o === 'flame');
  ui.orientation.textContent = o === 'flame' ? 'Icicle' : 'Flame';
  ui.orientation.setAttribute('aria-label', o === 'flame' ? 'Show as icicle (root at top)' : 'Show as flame (root at bottom)');
  s.scrolled = false;
  persist();
  relayout();
}

function setView(v: 'topdown' | 'callers'): void {
  s.view = v;
  s.zoom = 0;
  s.selectedNode = -1;
  ui.view.textContent = v === 'topdown' ? 'Callers' : 'Top-down';
  ui.view.setAttribute('aria-pressed', String(v === 'callers'));
  s.scrolled = false;
  persist();
  renderBreadcrumb();
  relayout();
  updateSearch();
}

function openSource(node: number): void {
  const t = tree();
  if (!t || node <= 0) return;
  const name = t.names[t.name[node]];
  const file = t.files[t.file[node]];
  post({ type: 'openSource', file, line: t.line[node], name });
  ui.status.textContent = `Opening ${file || name}${t.line[node] ? `:${t.line[node]}` : ''}…`;
}

/** Puts the selected frame into the status line (a live region), for keyboard and screen-reader users. */
function announce(t: FlameTree, n: number): void {
  if (!s.meta || n < 0) return;
  const st = s.meta.sampleTypes[s.t];
  const cum = t.cum[s.t][n];
  ui.status.textContent = `${t.names[t.name[n]]} — cum ${formatValue(cum, st.unit)} (${formatPercent(cum, t.cum[s.t][0])}), flat ${formatValue(t.self[s.t][n], st.unit)}`;
}

let depthNoteShown = false;
function showDepthNote(drawn: number, full: number): void {
  if (full > drawn) {
    showMessage(`Stacks here are ${full.toLocaleString('en-US')} frames deep: the first ${drawn.toLocaleString('en-US')} levels are drawn, ` +
      `${(full - drawn).toLocaleString('en-US')} more frames are not (too tall to draw). Search (/) and the Callers view still find them.`, 'notice');
    depthNoteShown = true;
  } else if (depthNoteShown) {
    ui.message.hidden = true;
    depthNoteShown = false;
  }
}

function showMessage(text: string, kind: 'error' | 'notice'): void {
  ui.message.textContent = text;
  ui.message.className = kind === 'notice' ? 'notice' : '';
  ui.message.hidden = false;
}

/**
 * `building`: the table's message, sent while the call tree is built. The table shows
 * (it is complete) and what needs the tree waits; the next 'profile' message brings
 * the graph back, unless the user had the table open already.
 */
function setProfile(meta: ProfileMeta, t: FlameTree, building = false): void {
  const sameTypes = s.meta && s.meta.sampleTypes.map((x) => x.type).join() === meta.sampleTypes.map((x) => x.type).join();
  s.meta = meta;
  s.topDown = t;
  s.inverted.clear();
  s.transformed.clear();
  s.ignore = s.ignore.filter((n) => t.names.includes(n));
  if (s.focus && !t.names.includes(s.focus.name)) s.focus = undefined;
  renderFilters();
  s.zoom = 0;
  s.selectedNode = -1;
  ui.message.hidden = true;
  ui.chart.hidden = false;
  ui.toolbar.hidden = false;
  ui.breadcrumb.hidden = false;
  ui.sampleType.replaceChildren(...meta.sampleTypes.map((st, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = `${st.type} (${st.unit})`;
    return o;
  }));
  const comparing = !!t.baseCum;
  ui.clearBase.hidden = !comparing;
  ui.compare.textContent = comparing ? 'Change base…' : 'Compare…';
  ui.legend.hidden = !comparing;
  if (comparing) {
    ui.legend.replaceChildren();
    const sw = (cls: string, text: string) => { const b = document.createElement('span'); b.className = `swatch ${cls}`; ui.legend.append(b, text); };
    ui.legend.append('Difference from the base profile (width: current + base):');
    sw('grow', 'grew');
    sw('shrink', 'shrank');
  }
  renderHeader(meta, t);
  ui.status.textContent = 'Click a frame to zoom · double-click or Enter opens its source · Esc zooms out · / searches · arrows move · f focus · c callers · x ignore';
  s.building = building;
  for (const c of [ui.search, ui.view, ui.orientation, ui.compare]) c.disabled = building;
  table.setToggleEnabled(!building);
  if (building) ui.status.textContent = `Building the call tree of ${meta.sampleCount.toLocaleString('en-US')} samples… The table is complete; the graph follows.`;
  const empty = t.cum.every((c) => c[0] === 0) && (!t.baseCum || t.baseCum.every((c) => c[0] === 0));
  if (empty) showMessage(`This profile has no samples (${meta.sampleCount} samples, all values zero): nothing was recorded while it was collected.`, 'notice');
  // The table renders once: hidden before the sample type redraws, shown after.
  if (!building && s.autoTable) {
    s.autoTable = false;
    if (table.shown) table.show(false);
  }
  setSampleType(sameTypes ? s.t : meta.defaultSampleType);
  if (building && !table.shown) { s.autoTable = true; table.show(true); }
}

// ---- input ----

function eventNode(e: MouseEvent): number {
  const t = tree();
  if (!t || !s.layout) return -1;
  const r = ui.canvas.getBoundingClientRect();
  const depth = rowAt(e.clientY - r.top, info(t).maxDepth, ROW_HEIGHT, s.orientation);
  return hit(s.layout, e.clientX - r.left, depth);
}

ui.canvas.addEventListener('mousemove', (e) => {
  const k = eventNode(e);
  const t = tree();
  if (k !== s.hovered) { s.hovered = k; requestDraw(); }
  if (k < 0 || !t || !s.meta || !s.layout) { ui.tooltip.hidden = true; return; }
  const n = s.layout.node[k];
  const st = s.meta.sampleTypes[s.t];
  renderTooltip(ui.tooltip, {
    name: t.names[t.name[n]], file: t.files[t.file[n]], line: t.line[n], unit: st.unit, typeName: st.type,
    self: t.self[s.t][n], cum: t.cum[s.t][n], total: t.cum[s.t][0],
    ...(t.baseCum && t.baseSelf ? { baseSelf: t.baseSelf[s.t][n], baseCum: t.baseCum[s.t][n], baseTotal: t.baseCum[s.t][0] } : {}),
  });
  ui.tooltip.hidden = false;
  const pad = 14;
  const tw = ui.tooltip.offsetWidth, th = ui.tooltip.offsetHeight;
  ui.tooltip.style.left = `${Math.max(0, e.clientX + pad + tw > window.innerWidth ? e.clientX - pad - tw : e.clientX + pad)}px`;
  ui.tooltip.style.top = `${Math.max(0, e.clientY + pad + th > window.innerHeight ? e.clientY - pad - th : e.clientY + pad)}px`;
});
ui.canvas.addEventListener('mouseleave', () => { ui.tooltip.hidden = true; s.hovered = -1; requestDraw(); });
ui.canvas.addEventListener('click', (e) => {
  const k = eventNode(e);
  if (k < 0 || !s.layout) return;
  const n = s.layout.node[k];
  ui.chart.focus({ preventScroll: true });
  if (e.ctrlKey || e.metaKey) { s.selectedNode = n; requestDraw(); openSource(n); return; }
  if (n !== s.zoom) zoomTo(n); else { s.selectedNode = n; requestDraw(); }
});
ui.canvas.addEventListener('dblclick', (e) => {
  const k = eventNode(e);
  if (k >= 0 && s.layout) openSource(s.layout.node[k]);
});

const arrows: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };
ui.chart.addEventListener('keydown', (e) => {
  const t = tree();
  const l = s.layout;
  if (!t || !l) return;
  const dir = arrows[e.key];
  if (dir) {
    const k = navigate(t, l, indexOf(l, s.selectedNode), dir, s.orientation);
    if (k >= 0) { s.selectedNode = l.node[k]; announce(t, s.selectedNode); }
    requestDraw();
    e.preventDefault();
  } else if (e.key === 'Enter') {
    openSource(s.selectedNode);
    e.preventDefault();
  } else if (e.key === ' ') {
    if (s.selectedNode >= 0) zoomTo(s.selectedNode);
    e.preventDefault();
  } else if (e.key === 'Escape') {
    if (s.zoom > 0) { const from = s.zoom; zoomTo(t.parent[s.zoom]); s.selectedNode = from; requestDraw(); }
    e.preventDefault();
  } else if ((e.key === 'f' || e.key === 'c' || e.key === 'x') && s.selectedNode > 0) {
    const name = t.names[t.name[s.selectedNode]];
    if (e.key === 'x') toggleIgnore(name); else setFocus(name, e.key === 'f' ? 'callees' : 'callers');
    e.preventDefault();
  }
});
document.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement !== ui.search) { ui.search.focus(); ui.search.select(); e.preventDefault(); }
});
ui.search.addEventListener('input', updateSearch);
ui.search.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') { ui.search.value = ''; updateSearch(); ui.chart.focus(); e.stopPropagation(); }
  if (e.key === 'Enter') ui.chart.focus();
});
ui.sampleType.addEventListener('change', () => setSampleType(Number(ui.sampleType.value)));
ui.orientation.addEventListener('click', () => setOrientation(s.orientation === 'flame' ? 'icicle' : 'flame'));
ui.view.addEventListener('click', () => { if (s.focus) s.focus = undefined; renderFilters(); setView(s.view === 'topdown' ? 'callers' : 'topdown'); });
ui.compare.addEventListener('click', () => post({ type: 'pickBase' }));
ui.clearBase.addEventListener('click', () => post({ type: 'clearBase' }));
new ResizeObserver(() => relayout()).observe(ui.chart);
watchTheme(() => { s.theme = readTheme(); requestDraw(); });

window.addEventListener('message', (e: MessageEvent) => {
  const m = parseToWebview(e.data);
  if (typeof m === 'string') { showMessage(`HeapLens: ignored a malformed message (${m}).`, 'error'); return; }
  switch (m.type) {
    case 'profile': setProfile(m.meta, m.tree, m.building); break;
    case 'error':
      ui.chart.hidden = true;
      ui.toolbar.hidden = true;
      ui.breadcrumb.hidden = true;
      ui.legend.hidden = true;
      ui.status.textContent = '';
      showMessage(m.message, 'error');
      break;
    case 'notice': ui.status.textContent = m.message; break;
    default: { const never: never = m; void never; }
  }
});

setOrientation(s.orientation);
setView(s.view);
post({ type: 'ready' });
