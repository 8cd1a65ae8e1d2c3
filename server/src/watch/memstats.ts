// Runtime metrics for a heap watch, from the `# runtime.MemStats` trailer that
// /debug/pprof/heap?debug=1 ends with, or from expvar's /debug/vars JSON.
// Only the trailer is read: the stacks above it are the heap profile we already
// have in protobuf form.

export interface RuntimeMetrics {
  /** Bytes of allocated heap objects (live and not yet swept). */
  heapAlloc: number;
  heapInuse: number;
  heapSys: number;
  heapObjects: number;
  /** The heap goal: the next GC starts when HeapAlloc reaches it. */
  nextGC: number;
  numGC: number;
  totalAlloc: number;
  sys: number;
  source: 'memstats' | 'expvar';
}

const FIELDS: [keyof Omit<RuntimeMetrics, 'source'>, string][] = [
  ['heapAlloc', 'HeapAlloc'], ['heapInuse', 'HeapInuse'], ['heapSys', 'HeapSys'], ['heapObjects', 'HeapObjects'],
  ['nextGC', 'NextGC'], ['numGC', 'NumGC'], ['totalAlloc', 'TotalAlloc'], ['sys', 'Sys'],
];

/** The trailer of a heap?debug=1 text, or null when there is none (not a Go heap profile). */
export function parseMemStatsTrailer(text: string): RuntimeMetrics | null {
  const at = text.lastIndexOf('# runtime.MemStats');
  if (at < 0) return null;
  const values = new Map<string, number>();
  for (const line of text.slice(at).split('\n')) {
    // "# HeapInuse = 26173440"; "# Stack = 622592 / 622592" keeps the first number.
    const m = /^# (\w+) = (\d+(?:\.\d+)?)/.exec(line);
    if (m) values.set(m[1], Number(m[2]));
  }
  return fromFields((k) => values.get(k));
}

/** expvar's JSON, or null when it has no numeric `memstats`. */
export function parseExpvar(text: string): RuntimeMetrics | null {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { return null; }
  const ms = (doc as { memstats?: Record<string, unknown> } | null)?.memstats;
  if (!ms || typeof ms !== 'object') return null;
  const m = fromFields((k) => (typeof ms[k] === 'number' ? (ms[k] as number) : undefined));
  return m && { ...m, source: 'expvar' };
}

function fromFields(get: (k: string) => number | undefined): RuntimeMetrics | null {
  const out = { source: 'memstats' } as RuntimeMetrics;
  let found = 0;
  for (const [key, name] of FIELDS) {
    const v = get(name);
    if (v !== undefined) found++;
    out[key] = v ?? NaN;
  }
  return found ? out : null;
}
