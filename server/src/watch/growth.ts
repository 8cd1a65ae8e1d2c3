// Growth from a base snapshot to the last, and how steady it was: memory that
// grows at (nearly) every snapshot and never falls back is a leak suspect; a rise
// that falls back is load. Pure: summaries in, ranked rows out.
import type { CallPath, GoroutineSummary, HeapSummary, Site } from './summarize';

export type Verdict = 'leak' | 'growing' | 'load' | 'steady' | 'shrinking';

export interface Trend {
  /** last − first */
  growth: number;
  first: number;
  last: number;
  peak: number;
  /**
   * Of the intervals in which the value changed, the share that grew (0..1). Intervals
   * without change say nothing: no GC completed, or no sampled allocation happened there.
   */
  steadiness: number;
  /** growth / what the site allocated meanwhile (0..1), when known: a leak keeps what it allocates. */
  retention?: number;
  verdict: Verdict;
}

export interface TrendOptions {
  /** Smaller growth is never a suspect. */
  minGrowth: number;
  /** Share of changes that must be growth (default 0.9). */
  minSteadiness?: number;
  /** Bytes the site allocated from the first snapshot to the last, when known. */
  allocated?: number;
  /** Share of `allocated` a leak keeps (default 0.5). */
  minRetention?: number;
}

/**
 * `values` are one series over consecutive snapshots. A leak grows by at least
 * minGrowth, rises in at least 3 intervals (or every one of a shorter watch), nearly
 * never falls (a sampled profile is noisy; a leak frees nothing), keeps at least half
 * of what it allocated meanwhile, and ends at its peak.
 */
export function trendOf(values: number[], opts: TrendOptions): Trend {
  const first = values[0] ?? 0, last = values[values.length - 1] ?? 0;
  const peak = Math.max(...values, 0);
  const growth = last - first;
  const steps = values.length - 1;
  const eps = Math.max(1, 0.01 * Math.max(Math.abs(peak), Math.abs(first)));
  let ups = 0, downs = 0;
  for (let i = 1; i < values.length; i++) {
    const d = values[i] - values[i - 1];
    if (d > eps) ups++;
    else if (d < -eps) downs++;
  }
  const steadiness = ups + downs > 0 ? ups / (ups + downs) : 0;
  let verdict: Verdict = 'steady';
  const fellBack = peak - first >= opts.minGrowth && peak - last >= 0.5 * (peak - first);
  // A busy handler's in-flight memory can rise a few times in a row by chance; a leak
  // also keeps most of what it allocates, a busy handler a small share.
  const retention = opts.allocated !== undefined && opts.allocated > 0 ? Math.min(1, Math.max(0, growth / opts.allocated)) : undefined;
  const keeps = retention === undefined || retention >= (opts.minRetention ?? 0.5);
  const rises = ups >= Math.min(3, steps) && ups >= 2;
  if (growth >= opts.minGrowth && rises && steadiness >= (opts.minSteadiness ?? 0.9) && keeps) verdict = 'leak';
  else if (fellBack) verdict = 'load';
  else if (growth >= opts.minGrowth) verdict = 'growing';
  else if (-growth >= opts.minGrowth) verdict = 'shrinking';
  return { growth, first, last, peak, steadiness, verdict, ...(retention !== undefined ? { retention } : {}) };
}

export interface GrowthRow {
  site: Site;
  bytes: Trend;
  objects: Trend;
  /** In-use bytes at each snapshot from the base to the last. */
  series: number[];
  paths: CallPath[];
}

export interface FunctionGrowthRow {
  fn: string;
  bytes: Trend;
  series: number[];
}

export interface GoroutineRow {
  group: Site & { wait: string };
  count: Trend;
  series: number[];
  paths: CallPath[];
}

export interface GrowthReport {
  snapshots: number;
  /** Snapshot sequence numbers of the base and the last. */
  baseSeq: number;
  lastSeq: number;
  elapsedMs: number;
  inuse: Trend;
  /** Every site whose in-use bytes changed, leak suspects first, then by growth. */
  lines: GrowthRow[];
  functions: FunctionGrowthRow[];
  goroutines: { total: Trend | null; groups: GoroutineRow[] };
}

export interface GrowthOptions {
  /** Bytes of growth below which a site is never a suspect (default 256 KiB). */
  minGrowthBytes?: number;
  /** Goroutines of growth below which a group is never a suspect (default 10). */
  minGrowthGoroutines?: number;
  minSteadiness?: number;
  /** Share of what a site allocated that a leak keeps (default 0.5). */
  minRetention?: number;
}

export interface SnapshotView {
  seq: number;
  takenAt: number;
  heap: HeapSummary;
  goroutines: GoroutineSummary | null;
}

const rank: Record<Verdict, number> = { leak: 0, growing: 1, load: 2, steady: 3, shrinking: 4 };
const byVerdictThenGrowth = (a: { t: Trend }, b: { t: Trend }) => rank[a.t.verdict] - rank[b.t.verdict] || b.t.growth - a.t.growth;

/** Growth over `snaps` (base first, last last), at least one snapshot. */
export function growthReport(snaps: SnapshotView[], opts: GrowthOptions = {}): GrowthReport {
  const minBytes = opts.minGrowthBytes ?? 256 * 1024;
  const minG = opts.minGrowthGoroutines ?? 10;
  const last = snaps[snaps.length - 1];
  const series = <T>(get: (s: SnapshotView) => T) => snaps.map(get);
  const tb = { minGrowth: minBytes, minSteadiness: opts.minSteadiness };

  const keys = new Set<string>();
  for (const s of snaps) for (const k of s.heap.sites.keys()) keys.add(k);
  const lines: (GrowthRow & { t: Trend })[] = [];
  const perFn = new Map<string, number[]>();
  for (const key of keys) {
    const bytes = series((s) => s.heap.sites.get(key)?.[0] ?? 0);
    const objects = series((s) => s.heap.sites.get(key)?.[1] ?? 0);
    const site = infoOf(snaps, key, (s) => s.heap.info)!;
    const fnSeries = perFn.get(site.fn);
    if (fnSeries) bytes.forEach((v, i) => { fnSeries[i] += v; }); else perFn.set(site.fn, [...bytes]);
    if (bytes.every((v) => v === bytes[0])) continue;
    const first = snaps[0].heap.sites.get(key)?.[2] ?? 0, lastAlloc = last.heap.sites.get(key)?.[2] ?? 0;
    const t = trendOf(bytes, { ...tb, allocated: lastAlloc - first, minRetention: opts.minRetention });
    lines.push({ site, bytes: t, objects: trendOf(objects, { minGrowth: 1, minSteadiness: opts.minSteadiness }), series: bytes, paths: last.heap.paths?.get(key) ?? [], t });
  }
  lines.sort(byVerdictThenGrowth);
  const functions = [...perFn].filter(([, v]) => v.some((x) => x !== v[0]))
    .map(([fn, v]) => ({ fn, bytes: trendOf(v, tb), series: v, t: trendOf(v, tb) }))
    .sort(byVerdictThenGrowth);

  const groups: (GoroutineRow & { t: Trend })[] = [];
  let total: Trend | null = null;
  // A snapshot whose goroutine profile failed is a gap, not a zero.
  const gsnaps = snaps.filter((s) => s.goroutines);
  if (gsnaps.length >= 2) {
    const glast = gsnaps[gsnaps.length - 1];
    total = trendOf(gsnaps.map((s) => s.goroutines!.total), { minGrowth: minG, minSteadiness: opts.minSteadiness });
    const gkeys = new Set<string>();
    for (const s of gsnaps) for (const k of s.goroutines!.groups.keys()) gkeys.add(k);
    for (const key of gkeys) {
      const counts = gsnaps.map((s) => s.goroutines!.groups.get(key) ?? 0);
      const t = trendOf(counts, { minGrowth: minG, minSteadiness: opts.minSteadiness });
      const group = infoOf(gsnaps, key, (s) => s.goroutines!.info)! as GoroutineRow['group'];
      groups.push({ group, count: t, series: counts, paths: glast.goroutines!.paths?.get(key) ?? [], t });
    }
    groups.sort((a, b) => byVerdictThenGrowth(a, b) || b.t.last - a.t.last);
  }
  const strip = <T extends { t: Trend }>(rows: T[]) => rows.map(({ t: _t, ...r }) => r);
  return {
    snapshots: snaps.length,
    baseSeq: snaps[0].seq,
    lastSeq: last.seq,
    elapsedMs: last.takenAt - snaps[0].takenAt,
    inuse: trendOf(series((s) => s.heap.inuseBytes), tb),
    lines: strip(lines),
    functions: strip(functions),
    goroutines: { total, groups: strip(groups) },
  };
}

function infoOf<T>(snaps: SnapshotView[], key: string, get: (s: SnapshotView) => Map<string, T>): T | undefined {
  for (let i = snaps.length - 1; i >= 0; i--) { const v = get(snaps[i]).get(key); if (v) return v; }
  return undefined;
}

/** Leak suspects only: heap sites and goroutine groups that grew steadily. */
export function suspects(r: GrowthReport): { lines: GrowthRow[]; goroutines: GoroutineRow[] } {
  return { lines: r.lines.filter((l) => l.bytes.verdict === 'leak'), goroutines: r.goroutines.groups.filter((g) => g.count.verdict === 'leak') };
}
