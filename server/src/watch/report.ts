// The growth table for people (CLI) and its JSON form.
import { formatValue } from '../profile/format';
import { suspects, type GrowthReport, type GrowthRow, type GoroutineRow, type Trend } from './growth';
import { isStdlib } from './frames';
import type { CallPath } from './summarize';
import type { Snapshot } from './snapshot';
import type { Notice } from './watcher';

const bytes = (v: number) => formatValue(Math.round(v), 'bytes');
const signed = (v: number, f: (v: number) => string) => (v > 0 ? '+' : v < 0 ? '-' : '±') + f(Math.abs(v));
const pct = (x: number) => `${Math.round(x * 100)}%`;
const where = (s: { fn: string; file: string; line: number }) => `${s.file}:${s.line} ${s.fn}`;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 100) / 10;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return `${m}m${Math.round(s - m * 60)}s`;
}

export function renderReport(r: GrowthReport, base: string, last: Snapshot | undefined, first: Snapshot | undefined, limit = 10): string {
  const out: string[] = [];
  out.push(`Watched ${base}: ${r.snapshots} snapshots (#${r.baseSeq} → #${r.lastSeq}) over ${formatDuration(r.elapsedMs)}`);
  out.push(`In-use heap (profile): ${bytes(r.inuse.first)} → ${bytes(r.inuse.last)} (${signed(r.inuse.growth, bytes)}, ${verdictText(r.inuse)})`);
  const m0 = first?.metrics, m1 = last?.metrics;
  if (m0 && m1) {
    out.push(`Runtime: HeapInuse ${bytes(m0.heapInuse)} → ${bytes(m1.heapInuse)}, HeapSys ${bytes(m0.heapSys)} → ${bytes(m1.heapSys)}, heap goal ${bytes(m0.nextGC)} → ${bytes(m1.nextGC)}, ${m1.numGC - m0.numGC} GCs`);
  }
  if (r.goroutines.total) out.push(`Goroutines: ${r.goroutines.total.first} → ${r.goroutines.total.last} (${signed(r.goroutines.total.growth, String)})`);
  if (r.snapshots < 3) out.push('(fewer than 3 snapshots: growth is shown, but steadiness needs at least 3)');
  const s = suspects(r);
  out.push('');
  if (s.lines.length) {
    out.push('Leak suspects: in-use memory that kept growing, never fell back, and was kept as allocated');
    out.push(`${'growth'.padStart(11)} ${'in use'.padStart(10)} ${'steady'.padStart(6)} ${'kept'.padStart(5)} ${'objects'.padStart(9)}  allocation site`);
    for (const l of s.lines.slice(0, limit)) {
      out.push(`${signed(l.bytes.growth, bytes).padStart(11)} ${bytes(l.bytes.last).padStart(10)} ${pct(l.bytes.steadiness).padStart(6)} ${kept(l.bytes).padStart(5)} ${signed(l.objects.growth, (v) => String(Math.round(v))).padStart(9)}  ${where(l.site)}`);
      const p = pathText(l.paths);
      if (p) out.push(`${''.padStart(40)}via ${p}`);
    }
  } else {
    out.push('No heap leak suspects: nothing grew steadily.');
  }
  if (s.goroutines.length) {
    out.push('');
    out.push('Goroutine leak suspects: groups of goroutines waiting at the same line, growing');
    out.push(`${'growth'.padStart(11)} ${'now'.padStart(10)} ${'steady'.padStart(6)} ${'waiting on'.padEnd(14)}  where`);
    for (const g of s.goroutines.slice(0, limit)) out.push(goroutineLine(g));
  }
  const other = r.lines.filter((l) => l.bytes.verdict !== 'leak' && l.bytes.verdict !== 'steady').slice(0, limit);
  if (other.length) {
    out.push('');
    out.push('Other changes (not leak suspects)');
    for (const l of other) {
      const what = l.bytes.verdict === 'load' ? `load: rose to ${bytes(l.bytes.peak)}, fell back`
        : l.bytes.verdict === 'growing' ? `grew, but ${l.bytes.steadiness < 0.75 ? 'unsteadily' : `kept only ${kept(l.bytes)} of what it allocated`}` : l.bytes.verdict;
      out.push(`${signed(l.bytes.growth, bytes).padStart(11)} ${bytes(l.bytes.last).padStart(10)} ${pct(l.bytes.steadiness).padStart(6)}  ${where(l.site)} (${what})`);
    }
  }
  return out.join('\n') + '\n';
}

const kept = (t: Trend) => (t.retention === undefined ? '?' : pct(t.retention));

function goroutineLine(g: GoroutineRow): string {
  return `${signed(g.count.growth, String).padStart(11)} ${String(g.count.last).padStart(10)} ${pct(g.count.steadiness).padStart(6)} ${g.group.wait.padEnd(14)}  ${where(g.group)}`;
}

function verdictText(t: Trend): string {
  return { leak: 'kept growing', growing: 'grew, unsteadily', load: 'rose and fell back: load', steady: 'steady', shrinking: 'shrank' }[t.verdict];
}

/** The heaviest call path to a site, callers outermost last: "main.thumbnail leaks.go:68 ← …". */
function pathText(paths: CallPath[]): string {
  const p = paths[0];
  if (!p || p.frames.length < 2) return '';
  // Callers in your code say how the site is reached; net/http's plumbing does not.
  const callers = p.frames.slice(0, -1).reverse().filter((f) => !isStdlib(f.fn));
  if (!callers.length) return '';
  return callers.slice(0, 3).map((f) => `${f.fn} ${f.file.split('/').pop()}:${f.line}`).join(' ← ') + (callers.length > 3 ? ' ← …' : '');
}

/** The JSON form: plain data, stable field names. */
export function reportJSON(r: GrowthReport, base: string, snaps: readonly Snapshot[], notices: Notice[], limit?: number) {
  const site = (l: GrowthRow) => ({
    function: l.site.fn, file: l.site.file, line: l.site.line, verdict: l.bytes.verdict,
    growthBytes: l.bytes.growth, inuseBytes: l.bytes.last, peakBytes: l.bytes.peak, steadiness: l.bytes.steadiness, retention: l.bytes.retention ?? null,
    growthObjects: l.objects.growth, series: l.series, paths: l.paths,
  });
  const group = (g: GoroutineRow) => ({
    function: g.group.fn, file: g.group.file, line: g.group.line, wait: g.group.wait, verdict: g.count.verdict,
    growth: g.count.growth, count: g.count.last, steadiness: g.count.steadiness, series: g.series, paths: g.paths,
  });
  return {
    url: base, snapshots: r.snapshots, baseSeq: r.baseSeq, lastSeq: r.lastSeq, elapsedMs: r.elapsedMs,
    inuse: r.inuse, goroutines: r.goroutines.total,
    suspects: { lines: suspects(r).lines.map(site), goroutines: suspects(r).goroutines.map(group) },
    lines: r.lines.slice(0, limit).map(site),
    functions: r.functions.slice(0, limit).map((f) => ({ function: f.fn, verdict: f.bytes.verdict, growthBytes: f.bytes.growth, steadiness: f.bytes.steadiness, series: f.series })),
    goroutineGroups: r.goroutines.groups.slice(0, limit).map(group),
    timeline: snaps.map((s) => ({ seq: s.seq, takenAt: s.takenAt, inuseBytes: s.heap.inuseBytes, inuseObjects: s.heap.inuseObjects, goroutines: s.goroutines?.total ?? null, metrics: s.metrics })),
    notices: notices.map((n) => ({ kind: n.kind, message: n.message })),
  };
}
