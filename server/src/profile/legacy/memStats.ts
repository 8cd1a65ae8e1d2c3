// The `# runtime.MemStats` trailer of a Go debug=1 heap profile, as a typed
// record (pprof ignores it; it says what the whole heap looked like, not only
// the sampled part). Values are JS numbers: exact below 2^53, so LastGC and
// PauseEnd (Unix nanoseconds) are exact to about 256 ns.
export interface MemStats {
  alloc: number; totalAlloc: number; sys: number; lookups: number; mallocs: number; frees: number;
  heapAlloc: number; heapSys: number; heapIdle: number; heapInuse: number; heapReleased: number; heapObjects: number;
  stackInuse: number; stackSys: number; mSpanInuse: number; mSpanSys: number; mCacheInuse: number; mCacheSys: number;
  buckHashSys: number; gcSys: number; otherSys: number;
  nextGC: number; lastGC: number;
  /** Circular buffer of recent GC pause times, as runtime.MemStats.PauseNs. */
  pauseNs: number[]; pauseEnd: number[];
  numGC: number; numForcedGC: number; gcCPUFraction: number; debugGC: boolean;
  /** Peak resident set size, where the platform reports it. */
  maxRSS?: number;
}

const scalar: Record<string, keyof MemStats> = {
  Alloc: 'alloc', TotalAlloc: 'totalAlloc', Sys: 'sys', Lookups: 'lookups', Mallocs: 'mallocs', Frees: 'frees',
  HeapAlloc: 'heapAlloc', HeapSys: 'heapSys', HeapIdle: 'heapIdle', HeapInuse: 'heapInuse', HeapReleased: 'heapReleased',
  HeapObjects: 'heapObjects', BuckHashSys: 'buckHashSys', GCSys: 'gcSys', OtherSys: 'otherSys', NextGC: 'nextGC',
  LastGC: 'lastGC', NumGC: 'numGC', NumForcedGC: 'numForcedGC', GCCPUFraction: 'gcCPUFraction', MaxRSS: 'maxRSS',
};
const pairs: Record<string, [keyof MemStats, keyof MemStats]> = {
  Stack: ['stackInuse', 'stackSys'], MSpan: ['mSpanInuse', 'mSpanSys'], MCache: ['mCacheInuse', 'mCacheSys'],
};

/** The trailer, or undefined when the text has none (or a part of it is unreadable). */
export function parseMemStats(text: string): MemStats | undefined {
  const at = text.indexOf('\n# runtime.MemStats\n');
  if (at < 0) return undefined;
  const m: Partial<Record<keyof MemStats, unknown>> = {};
  for (const line of text.slice(at + 20, at + 20 + 64 * 1024).split('\n')) {
    const kv = /^# (\w+) = (.*)$/.exec(line.trimEnd());
    if (!kv) continue;
    const [, key, val] = kv;
    if (key in scalar) { const n = Number(val); if (Number.isFinite(n)) m[scalar[key]] = n; } else if (key in pairs) {
      const two = /^(\d+) \/ (\d+)$/.exec(val);
      if (two) { m[pairs[key][0]] = Number(two[1]); m[pairs[key][1]] = Number(two[2]); }
    } else if (key === 'PauseNs' || key === 'PauseEnd') {
      const list = /^\[([\d ]*)\]$/.exec(val);
      if (list) m[key === 'PauseNs' ? 'pauseNs' : 'pauseEnd'] = list[1].trim() ? list[1].trim().split(/ +/).map(Number) : [];
    } else if (key === 'DebugGC') {
      m.debugGC = val === 'true';
    }
  }
  const required: (keyof MemStats)[] = ['alloc', 'totalAlloc', 'sys', 'heapAlloc', 'heapSys', 'heapObjects', 'numGC'];
  if (required.some((k) => typeof m[k] !== 'number')) return undefined;
  return {
    pauseNs: [], pauseEnd: [], debugGC: false, lookups: 0, mallocs: 0, frees: 0, heapIdle: 0, heapInuse: 0, heapReleased: 0,
    stackInuse: 0, stackSys: 0, mSpanInuse: 0, mSpanSys: 0, mCacheInuse: 0, mCacheSys: 0, buckHashSys: 0, gcSys: 0,
    otherSys: 0, nextGC: 0, lastGC: 0, numForcedGC: 0, gcCPUFraction: 0,
    ...(m as Partial<MemStats>),
  } as MemStats;
}
