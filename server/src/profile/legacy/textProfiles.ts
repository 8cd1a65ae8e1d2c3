// Text legacy profiles: Go count profiles (goroutine, threadcreate), heap
// (Go debug=1 heap/allocs, gperftools heapz/growthz), contention (Go mutex and
// block, gperftools contentionz) and threadz. Faithful port of google/pprof
// profile/legacy_profile.go: same regular expressions, same arithmetic, same
// order of checks, so `go tool pprof` and HeapLens read the same numbers.
import { isMemoryMapSentinel, parseAdditionalSections } from './mappings';
import { int64, isSpaceOrComment, parseHexAddresses, parseInt64, parseUint, Scanner } from './scan';
import { checkSamples, dec, locationOf, Malformed, newProfile, Unrecognized, type LLocation, type LProfile } from './types';

const countStartRE = /^(\S+) profile: total \d+$/;
const countRE = /^(\d+) @((?: 0x[0-9a-f]+)+)$/;
const heapHeaderRE = /heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)\/?(\d*)/;
const heapSampleRE = /(-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @([ x0-9a-f]*)/;
const contentionSampleRE = /(\d+) *(\d+) @([ x0-9a-f]*)/;
const growthHeaderRE = /heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ growthz?/;
const fragmentationHeaderRE = /heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ fragmentationz?/;
const threadzStartRE = /--- threadz \d+ ---/;
const threadStartRE = /--- Thread ([0-9A-Fa-f]+) \(name: (.*)\/(\d+)\) stack: ---/;

/** int64 × int64 with Go's wrap-around. */
function mul64(a: number, b: number): number {
  return Number(BigInt.asIntN(64, BigInt(a) * BigInt(b)));
}

/** Go count profiles: `goroutine profile: total N` / `threadcreate profile: total N`. */
export function parseGoCount(text: string): LProfile {
  const s = new Scanner(text);
  while (s.scan() && isSpaceOrComment(s.textLine)) { /* skip */ }
  s.check();
  const m = countStartRE.exec(s.textLine);
  if (!m) throw new Unrecognized();
  const type = m[1];
  const p = newProfile({ periodType: { type, unit: 'count' }, period: 1, sampleTypes: [{ type, unit: 'count' }] });
  const locs = new Map<bigint, LLocation>();
  while (s.scan()) {
    const line = s.textLine;
    if (isSpaceOrComment(line)) continue;
    if (line.startsWith('---')) break;
    const c = countRE.exec(line);
    if (!c) throw new Malformed('malformed profile format');
    const n = int64(c[1], 0);
    if (n === null) throw new Malformed('malformed profile format');
    const sloc = parseHexAddresses(c[2]).map((a) => locationOf(p, locs, dec(a)));
    p.samples.push({ locs: sloc, values: [n] });
    checkSamples(p);
  }
  s.check();
  parseAdditionalSections(s, p);
  return p;
}

/** `heap profile: …` (Go debug=1 heap and allocs, gperftools heapz, growthz, fragmentationz). */
export function parseHeap(text: string): LProfile {
  const s = new Scanner(text);
  if (!s.scan()) { s.check(); throw new Unrecognized(); }
  const p = newProfile({ periodType: { type: 'space', unit: 'bytes' } });
  let sampling = '';
  let hasAlloc = false;
  const line0 = s.textLine;
  if (heapHeaderRE.test(line0)) {
    ({ sampling, period: p.period, hasAlloc } = parseHeapHeader(line0));
  } else if (growthHeaderRE.test(line0) || fragmentationHeaderRE.test(line0)) {
    p.period = 1;
  } else {
    throw new Unrecognized();
  }
  p.sampleTypes = hasAlloc
    ? [{ type: 'alloc_objects', unit: 'count' }, { type: 'alloc_space', unit: 'bytes' }, { type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: 'bytes' }]
    : [{ type: 'objects', unit: 'count' }, { type: 'space', unit: 'bytes' }];
  const locs = new Map<bigint, LLocation>();
  while (s.scan()) {
    const line = s.textLine.trim();
    if (isSpaceOrComment(line)) continue;
    if (isMemoryMapSentinel(line)) break;
    const { value, blocksize, addrs } = parseHeapSample(line, p.period, sampling, hasAlloc);
    p.samples.push({ values: value, locs: addrs.map((a) => locationOf(p, locs, dec(a))), bytes: blocksize });
    checkSamples(p);
  }
  s.check();
  parseAdditionalSections(s, p);
  return p;
}

function parseHeapHeader(line: string): { sampling: string; period: number; hasAlloc: boolean } {
  const h = heapHeaderRE.exec(line)!;
  let period = 0;
  if (h[6].length > 0) {
    const v = int64(h[6], 10);
    if (v === null) throw new Unrecognized();
    period = v;
  }
  const hasAlloc = (h[3] !== h[1] && h[3] !== '0') || (h[4] !== h[2] && h[4] !== '0');
  switch (h[5]) {
    case 'heapz_v2': case 'heap_v2': return { sampling: 'v2', period, hasAlloc };
    case 'heapprofile': return { sampling: '', period: 1, hasAlloc };
    case 'heap': return { sampling: 'v2', period: Math.trunc(period / 2), hasAlloc };
    default: throw new Unrecognized();
  }
}

function parseHeapSample(line: string, rate: number, sampling: string, includeAlloc: boolean): { value: number[]; blocksize: number; addrs: bigint[] } {
  const d = heapSampleRE.exec(line);
  if (!d) throw new Malformed(`unexpected number of sample values: got 0, want 6`);
  const value: number[] = [];
  let blocksize = 0;
  const add = (cs: string, ss: string, label: string): void => {
    let count = int64(cs, 10);
    let size = int64(ss, 10);
    if (count === null || size === null) throw new Malformed(`malformed sample: ${line}`);
    if (count === 0 && size !== 0) throw new Malformed(`${label} count was 0 but ${label} bytes was ${size}`);
    if (count !== 0) {
      blocksize = Number(BigInt.asIntN(64, BigInt(size) / BigInt(count)));
      if (sampling === 'v2') [count, size] = scaleHeapSample(count, size, rate);
    }
    value.push(count, size);
  };
  if (includeAlloc) add(d[3], d[4], 'allocation');
  add(d[1], d[2], 'inuse');
  return { value, blocksize, addrs: parseHexAddresses(d[5]) };
}

/**
 * Unsampling, as pprof: each sample divided by its probability of being collected
 * by a Poisson process of mean rate R, 1−exp(−S/R). Go's math.Exp and V8's
 * Math.exp can differ in the last bit; that changes a value only when
 * count·scale lands within 1e-16 of an integer.
 */
export function scaleHeapSample(count: number, size: number, rate: number): [number, number] {
  if (count === 0 || size === 0) return [0, 0];
  if (rate <= 1) return [count, size];
  const avgSize = size / count;
  const scale = 1 / (1 - Math.exp(-avgSize / rate));
  return [Math.trunc(count * scale), Math.trunc(size * scale)];
}

/** `--- contentionz ` (gperftools), `--- mutex:` and `--- contention:` (Go debug=1 mutex and block). */
export function parseContention(text: string): LProfile {
  const s = new Scanner(text);
  if (!s.scan()) { s.check(); throw new Unrecognized(); }
  const l0 = s.textLine;
  if (!(l0.startsWith('--- contentionz ') || l0.startsWith('--- mutex:') || l0.startsWith('--- contention:'))) throw new Unrecognized();
  const p = newProfile({
    periodType: { type: 'contentions', unit: 'count' }, period: 1,
    sampleTypes: [{ type: 'contentions', unit: 'count' }, { type: 'delay', unit: 'nanoseconds' }],
  });
  let cpuHz = 0;
  while (s.scan()) {
    const line = s.textLine.trim();
    if (isSpaceOrComment(line)) continue;
    if (line.startsWith('---')) break;
    const eq = line.indexOf('=');
    if (eq < 0) break;
    const key = line.slice(0, eq).trim(), val = line.slice(eq + 1).trim();
    const num = (): number => { const v = int64(val, 0); if (v === null) throw new Unrecognized(); return v; };
    switch (key) {
      case 'cycles/second': cpuHz = num(); break;
      case 'sampling period': p.period = num(); break;
      case 'ms since reset': p.durationNanos = mul64(mul64(num(), 1000), 1000); break;
      case 'discarded samples': break;
      default: throw new Unrecognized(); // including format and resolution (Java)
    }
  }
  s.check();
  // Go 1.20+ scales mutex records by the fraction when it records them, so its
  // text holds scaled values; pprof multiplies them by "sampling period" again
  // (and at period 0 leaves the delay in cycles). Scale as Go's own protobuf
  // writer does: count as written, delay in cycles over cycles per nanosecond.
  const scaleBy = l0.startsWith('--- mutex:') ? 1 : p.period;
  const locs = new Map<bigint, LLocation>();
  for (;;) {
    const line = s.textLine.trim();
    if (line.startsWith('---')) break;
    if (!isSpaceOrComment(line)) {
      const { value, addrs } = parseContentionSample(line, scaleBy, cpuHz);
      p.samples.push({ values: value, locs: addrs.map((a) => locationOf(p, locs, dec(a))) });
      checkSamples(p);
    }
    if (!s.scan()) break;
  }
  s.check();
  parseAdditionalSections(s, p);
  return p;
}

function parseContentionSample(line: string, period: number, cpuHz: number): { value: number[]; addrs: bigint[] } {
  const d = contentionSampleRE.exec(line);
  if (!d) throw new Unrecognized();
  let v1 = int64(d[1], 10), v2 = int64(d[2], 10);
  if (v1 === null || v2 === null) throw new Malformed(`malformed sample: ${line}`);
  if (period > 0) {
    if (cpuHz > 0) {
      const cpuGHz = cpuHz / 1e9;
      v1 = goFloatToInt64((v1 * period) / cpuGHz);
    }
    v2 = mul64(v2, period);
  }
  return { value: [v2, v1], addrs: parseHexAddresses(d[3]) };
}

/** Go's int64(f) on amd64: truncation; out of range gives math.MinInt64. */
function goFloatToInt64(f: number): number {
  if (!(Math.abs(f) < 2 ** 63)) return -(2 ** 63);
  return Math.trunc(f);
}

/** `--- threadz N ---` / `--- Thread …` (gperftools thread stacks). */
export function parseThread(text: string): LProfile {
  const s = new Scanner(text);
  while (s.scan() && isSpaceOrComment(s.textLine)) { /* skip */ }
  let line = s.textLine;
  if (threadzStartRE.test(line)) {
    while (s.scan()) {
      line = s.textLine;
      if (isMemoryMapSentinel(line) || line.startsWith('-')) break;
    }
  } else if (!threadStartRE.test(line)) {
    throw new Unrecognized();
  }
  const p = newProfile({ sampleTypes: [{ type: 'thread', unit: 'count' }], periodType: { type: 'thread', unit: 'count' }, period: 1 });
  const locs = new Map<bigint, LLocation>();
  while (!isMemoryMapSentinel(line)) {
    if (line.startsWith('---- no stack trace for')) break;
    if (!threadStartRE.test(line)) throw new Unrecognized();
    let addrs: bigint[] | null;
    ({ line, addrs } = parseThreadSample(s, line));
    if (addrs === null || addrs.length === 0) {
      const last = p.samples[p.samples.length - 1];
      if (last) last.values[0]++;
      continue;
    }
    const sloc = addrs.map((a, i) => locationOf(p, locs, i > 0 ? dec(a) : a));
    p.samples.push({ values: [1], locs: sloc });
    checkSamples(p);
  }
  parseAdditionalSections(s, p);
  cleanupDuplicateLocations(p);
  return p;
}

function parseThreadSample(s: Scanner, prev: string): { line: string; addrs: bigint[] | null } {
  let line = prev;
  let same = false;
  const addrs: bigint[] = [];
  let scanned = false;
  while (s.scan()) {
    scanned = true;
    line = s.textLine.trim();
    if (line === '') continue;
    if (line.startsWith('---')) break;
    if (line.includes('same as previous thread')) { same = true; continue; }
    addrs.push(...parseHexAddresses(line));
  }
  s.check();
  // Go keeps `line` from the last iteration; with no iteration it is "".
  if (!scanned) line = '';
  return { line, addrs: same ? null : addrs };
}

/** The leaf frame duplicated by a signal handler, once adjusted by −1: drop the copy. */
export function cleanupDuplicateLocations(p: LProfile): void {
  for (const s of p.samples) {
    if (s.locs.length > 1 && s.locs[0].address === ((s.locs[1].address + 1n) & 0xffffffffffffffffn)) s.locs.splice(1, 1);
  }
}

export { parseUint, parseInt64 };
