// One snapshot of a running Go service: its heap profile (optionally after a
// forced GC), its goroutine profile and its runtime metrics, fetched together.
import { captureProfile } from '../profile/capture';
import { decodeProfile } from '../profile/decode';
import { ProfileError, type Profile } from '../profile/model';
import type { Endpoints } from './endpoints';
import { parseLeakedGoroutines, type LeakedGoroutines } from './goroutineLeak';
import { parseExpvar, parseMemStatsTrailer, type RuntimeMetrics } from './memstats';
import { summarizeGoroutines, summarizeHeap, type GoroutineSummary, type HeapSummary } from './summarize';

export interface Snapshot {
  /** Numbered from 1 in the order taken. */
  seq: number;
  /** Milliseconds since the epoch, when the capture started. */
  takenAt: number;
  durationMs: number;
  heap: HeapSummary;
  goroutines: GoroutineSummary | null;
  metrics: RuntimeMetrics | null;
  /** From Go's goroutineleak profile, when the service serves it (null: not asked or not read). */
  leaked?: LeakedGoroutines | null;
}

/** The profiles as served (gzip-compressed protobuf), for the disk ring and the overlays. */
export interface SnapshotBytes {
  heap: Uint8Array;
  goroutine: Uint8Array | null;
}

/** How bytes are fetched and decoded; injectable so decoding can move to another thread or process. */
export interface SnapshotDeps {
  fetch(url: string, opts: { timeoutMs: number; maxBytes: number; signal?: AbortSignal }): Promise<Uint8Array>;
  decode(bytes: Uint8Array): Profile | Promise<Profile>;
}

export const defaultDeps: SnapshotDeps = {
  fetch: (url, opts) => captureProfile(url, opts),
  decode: (bytes) => decodeProfile(bytes),
};

export type MetricsSource = 'expvar' | 'memstats' | 'none';

/** 'probe' asks expvar first, then the MemStats trailer; the snapshot says which answered. */
export type MetricsChoice = MetricsSource | 'probe';

export interface SnapshotOptions {
  gc: boolean;
  metrics: MetricsChoice;
  timeoutMs: number;
  /** Per profile; heap profiles of big services run to tens of MB. */
  maxBytes: number;
  /** Also read the goroutineleak profile (a GC with leak detection and a stack dump in the service). */
  leaks?: boolean;
  signal?: AbortSignal;
}

/** Whether the service served the goroutineleak profile: 'absent' when it answered 404 (not built with it). */
export type LeakProfileState = 'served' | 'absent' | 'failed' | 'not-asked';

/** Thrown when what answers is not a Go program serving net/http/pprof. */
export class NotGoError extends ProfileError {}

export async function takeSnapshot(ep: Endpoints, seq: number, opts: SnapshotOptions, deps: SnapshotDeps = defaultDeps): Promise<{ snapshot: Snapshot; bytes: SnapshotBytes; metricsSource: MetricsSource; leakProfile: LeakProfileState }> {
  const t0 = Date.now();
  const get = (url: string, maxBytes = opts.maxBytes) => deps.fetch(url, { timeoutMs: opts.timeoutMs, maxBytes, signal: opts.signal });
  // Only the heap is required; the goroutine profile and the metrics are extras a snapshot can lack.
  const [heapBytes, goroutineBytes, metrics, leak] = await Promise.all([
    get(ep.heap(opts.gc)).catch((e: unknown) => { throw notGoIf404(e, ep.heap(opts.gc)); }),
    get(ep.goroutine).catch(() => null),
    readMetricsFrom(ep, opts.metrics, get),
    opts.leaks ? readLeaked(ep, get) : Promise.resolve({ leaked: null, state: 'not-asked' as const }),
  ]);
  const heapProfile = await decodeAs(deps, heapBytes, ep.heap(opts.gc), 'inuse_space');
  let goroutines: GoroutineSummary | null = null;
  if (goroutineBytes) {
    try { goroutines = summarizeGoroutines(await decodeAs(deps, goroutineBytes, ep.goroutine, 'goroutine')); } catch { goroutines = null; }
  }
  return {
    snapshot: { seq, takenAt: t0, durationMs: Date.now() - t0, heap: summarizeHeap(heapProfile), goroutines, metrics: metrics.metrics, leaked: leak.leaked },
    bytes: { heap: heapBytes, goroutine: goroutines ? goroutineBytes : null },
    metricsSource: metrics.source,
    leakProfile: leak.state,
  };
}

async function readLeaked(ep: Endpoints, get: Get): Promise<{ leaked: LeakedGoroutines | null; state: LeakProfileState }> {
  try {
    return { leaked: parseLeakedGoroutines(new TextDecoder().decode(await get(ep.goroutineLeak))), state: 'served' };
  } catch (e) {
    return { leaked: null, state: e instanceof ProfileError && /^HTTP 404\b/.test(e.message) ? 'absent' : 'failed' };
  }
}

type Get = (url: string, maxBytes?: number) => Promise<Uint8Array>;

/** Metrics from the chosen source; 'probe' tries expvar (small JSON) before the heap?debug=1 text. */
async function readMetricsFrom(ep: Endpoints, choice: MetricsChoice, get: Get): Promise<{ metrics: RuntimeMetrics | null; source: MetricsSource }> {
  const order: MetricsSource[] = choice === 'probe' ? ['expvar', 'memstats'] : [choice];
  for (const source of order) {
    const metrics = await readMetrics(ep, source, get).catch(() => null);
    if (metrics) return { metrics, source };
  }
  return { metrics: null, source: choice === 'probe' ? 'none' : choice };
}

async function readMetrics(ep: Endpoints, source: MetricsSource, get: Get): Promise<RuntimeMetrics | null> {
  if (source === 'none') return null;
  const text = new TextDecoder().decode(await get(source === 'expvar' ? ep.vars : ep.heapText, source === 'expvar' ? 4 << 20 : undefined));
  return source === 'expvar' ? parseExpvar(text) : parseMemStatsTrailer(text);
}

async function decodeAs(deps: SnapshotDeps, bytes: Uint8Array, url: string, sampleType: string): Promise<Profile> {
  let p: Profile;
  try {
    p = await deps.decode(bytes);
  } catch (e) {
    throw new NotGoError(`${url} is not a Go profile (${e instanceof Error ? e.message : String(e)}): is this a Go program serving net/http/pprof?`);
  }
  if (!p.sampleTypes.some((s) => s.type === sampleType)) {
    throw new NotGoError(`${url} is not a Go ${sampleType === 'goroutine' ? 'goroutine' : 'heap'} profile (sample types: ${p.sampleTypes.map((s) => s.type).join(', ') || 'none'})`);
  }
  return p;
}

function notGoIf404(e: unknown, url: string): unknown {
  if (e instanceof ProfileError && /^HTTP 404\b/.test(e.message)) {
    return new NotGoError(`${url} answers HTTP 404: the program does not serve net/http/pprof there (import _ "net/http/pprof")`);
  }
  return e;
}
