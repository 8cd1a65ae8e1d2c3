// The watch loop: a snapshot every interval into a bounded ring, never two at
// once. A service that goes away or answers slowly is reported once and waited
// for; one that is not a Go program serving net/http/pprof stops the watch.
import { ProfileError } from '../profile/model';
import { endpointsFor, type Endpoints } from './endpoints';
import { SnapshotRing } from './ring';
import { defaultDeps, NotGoError, takeSnapshot, type MetricsChoice, type Snapshot, type SnapshotDeps } from './snapshot';

export type NoticeKind = 'unreachable' | 'slow' | 'http-error' | 'not-go' | 'back' | 'no-metrics' | 'no-goroutineleak';

export interface Notice {
  kind: NoticeKind;
  /** One line for people. */
  message: string;
  /** The watch stops after this notice. */
  fatal: boolean;
}

export interface WatchOptions {
  /** A pprof index (http://host:port/debug/pprof/), a host URL or any URL under /debug/pprof. */
  url: string;
  everyMs: number;
  /** Stop after this long (default: until cancelled or `snapshots`). */
  forMs?: number;
  /** Stop after this many snapshots. */
  snapshots?: number;
  /** Ask for heap?gc=1: a GC before each heap profile, so in-use numbers are exact. */
  gc?: boolean;
  /** Read Go 1.26's goroutineleak profile when the service serves it (default true). */
  leaks?: boolean;
  /** Snapshots kept (default 60). */
  keep?: number;
  /** Where the kept snapshots' profiles go; in memory when absent. */
  dir?: string;
  /** Per request (default: the interval, at least 10 s). */
  timeoutMs?: number;
  /** Per profile (default 64 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
  deps?: SnapshotDeps;
  onSnapshot?(s: Snapshot, ring: SnapshotRing): void;
  onNotice?(n: Notice): void;
}

export interface WatchResult {
  ring: SnapshotRing;
  endpoints: Endpoints;
  /** Why it stopped. */
  stopped: 'done' | 'cancelled' | 'not-go';
  /** Attempts that failed (each reported at most once per outage). */
  failures: number;
}

export async function runWatch(o: WatchOptions): Promise<WatchResult> {
  const ep = endpointsFor(o.url);
  const ring = new SnapshotRing(o.keep ?? 60, o.dir);
  const deps = o.deps ?? defaultDeps;
  const timeoutMs = o.timeoutMs ?? Math.max(o.everyMs, 10_000);
  const maxBytes = o.maxBytes ?? 64 << 20;
  const end = o.forMs !== undefined ? Date.now() + o.forMs : Infinity;
  const notice = (n: Notice) => o.onNotice?.(n);
  let metrics: MetricsChoice = 'probe';
  // Asked until the service says it does not serve it (404); then never again.
  let leaks = o.leaks ?? true;
  let outage: NoticeKind | null = null;
  let failures = 0;
  let seq = 0;
  for (;;) {
    if (o.signal?.aborted) return { ring, endpoints: ep, stopped: 'cancelled', failures };
    if (Date.now() >= end || (o.snapshots !== undefined && ring.size > 0 && seq >= o.snapshots)) break;
    const t0 = Date.now();
    try {
      const { snapshot, bytes, metricsSource, leakProfile } = await takeSnapshot(ep, seq + 1, { gc: !!o.gc, metrics, timeoutMs, maxBytes, leaks, signal: o.signal }, deps);
      if (metrics === 'probe' && metricsSource === 'none') {
        notice({ kind: 'no-metrics', fatal: false, message: `${ep.base}: no runtime metrics (neither /debug/vars nor the MemStats trailer of heap?debug=1); the heap profile alone is watched` });
      }
      if (leakProfile === 'absent') {
        leaks = false;
        notice({ kind: 'no-goroutineleak', fatal: false, message: NO_LEAK_PROFILE(ep.base) });
      }
      metrics = metricsSource;
      seq++;
      ring.add(snapshot, bytes);
      if (outage) notice({ kind: 'back', fatal: false, message: `${ep.base} answers again` });
      outage = null;
      o.onSnapshot?.(snapshot, ring);
    } catch (e) {
      if (o.signal?.aborted) return { ring, endpoints: ep, stopped: 'cancelled', failures };
      failures++;
      const n = classify(e, ep, timeoutMs);
      if (n.fatal) { notice(n); return { ring, endpoints: ep, stopped: 'not-go', failures }; }
      if (n.kind !== outage) notice(n);
      outage = n.kind;
    }
    const wait = Math.min(t0 + o.everyMs, end) - Date.now();
    if (wait > 0 && !(o.snapshots !== undefined && seq >= o.snapshots)) await sleep(wait, o.signal);
  }
  return { ring, endpoints: ep, stopped: 'done', failures };
}

/** Said once per watch of a service without the profile. */
export const NO_LEAK_PROFILE = (base: string) =>
  `${base}goroutineleak is not served: Go finds leaked goroutines only in programs built with Go 1.26 and GOEXPERIMENT=goroutineleakprofile; blocked goroutines are judged by their growth alone`;

function classify(e: unknown, ep: Endpoints, timeoutMs: number): Notice {
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof NotGoError) return { kind: 'not-go', fatal: true, message: `${msg}; stopping the watch` };
  if (e instanceof ProfileError && /^timed out/.test(msg)) {
    return { kind: 'slow', fatal: false, message: `${ep.base} answers slowly (no heap profile within ${Math.round(timeoutMs / 100) / 10} s); waiting` };
  }
  if (e instanceof ProfileError && /^cannot fetch/.test(msg)) {
    return { kind: 'unreachable', fatal: false, message: `${ep.base} does not answer (${msg.replace(/^.*: /, '')}): has the service stopped? Waiting for it` };
  }
  if (e instanceof ProfileError && /^HTTP \d+/.test(msg)) return { kind: 'http-error', fatal: false, message: `${msg}; waiting` };
  return { kind: 'http-error', fatal: false, message: `snapshot failed: ${msg.split('\n')[0]}; waiting` };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); }
  });
}
