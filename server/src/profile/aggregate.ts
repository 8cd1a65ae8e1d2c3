// Profile → Aggregates for every sample type at once, with typed arrays throughout.
// Per function and per line, flat and cum come from one pass over the stacks each,
// computed when first read (`heaplens top` never pays for lines): flat goes to the
// leaf, cum to every distinct function (line) on the stack once, found with a
// generation stamp per id. What a location contributes is worked out once per
// location (its distinct lines and functions, innermost first), so a location with
// many inlined lines costs its size once plus one pass per stack; the total work is
// checked against a cap relative to the file (limits.ts) before it can run away.
// The call trees (the flamegraph's, and the per-line one behind top stacks) are
// built on first use. Inlined frames are frames of their own, as in pprof. Several
// profiles with a sign each merge into one set of aggregates: diffs.
import { GrowableF64, GrowableI32 } from './buffers';
import { overBudget, workBudget, type WorkBudget } from './limits';
import type { AggregateOptions, Aggregates, FunctionAggregates, LineAggregates, LineCalls, Profile, ValueType } from './model';
import { buildHeavyTree } from './heavyTree';
import { buildFunctionTree, buildLineTrees, type LineTrees, type TreeInputs } from './trees';
import { hex64 } from './wire';

export interface WeightedProfile {
  profile: Profile;
  /** +1 for a profile, −1 for a diff's base. */
  scale: number;
}

export function aggregate(profile: Profile, opts: AggregateOptions = {}): Aggregates {
  return aggregateMany([{ profile, scale: 1 }], opts, false);
}

const UNKNOWN_FUNCTION = '<unknown>';

/** Call paths kept per line for hovers, unless asked otherwise. */
export const DEFAULT_TOP_STACKS = 5;

/** Interning of strings, files, functions and lines across the merged profiles. */
export class Keys {
  strings: string[] = [];
  private stringIds = new Map<string, number>();
  files: string[] = [];
  private fileIds = new Map<string, number>();
  fnName = new GrowableI32();
  fnFile = new GrowableI32();
  fnStartLine = new GrowableF64();
  private fnIds = new Map<string, number>();
  lineFile = new GrowableI32();
  lineNo = new GrowableF64();
  lineFn = new GrowableI32();
  private lineIds = new Map<number, Map<number, number>>();

  str(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) { id = this.strings.length; this.strings.push(s); this.stringIds.set(s, id); }
    return id;
  }
  file(f: string): number {
    let id = this.fileIds.get(f);
    if (id === undefined) { id = this.files.length; this.files.push(f); this.fileIds.set(f, id); }
    return id;
  }
  fn(name: string, file: number, startLine: number): number {
    let id = this.fnIds.get(name);
    if (id === undefined) {
      id = this.fnName.length;
      this.fnIds.set(name, id);
      this.fnName.push(this.str(name));
      this.fnFile.push(file);
      this.fnStartLine.push(startLine);
    }
    return id;
  }
  /** The line-number → line-id map of (file, fn), for callers that look up many lines of one function. */
  linesOf(file: number, fn: number): Map<number, number> {
    const outer = fn * 134217728 + file; // both < 2^26 (limits.ts), so exact
    let inner = this.lineIds.get(outer);
    if (!inner) { inner = new Map(); this.lineIds.set(outer, inner); }
    return inner;
  }
  line(file: number, line: number, fn: number, inner = this.linesOf(file, fn)): number {
    let id = inner.get(line);
    if (id === undefined) {
      id = this.lineFile.length;
      inner.set(line, id);
      this.lineFile.push(file);
      this.lineNo.push(line);
      this.lineFn.push(fn);
    }
    return id;
  }
}

/**
 * A profile's locations as frames: location loc has frames frameStart[loc] ..
 * frameStart[loc+1]-1, innermost first, each a global line id. `distinctLines` and
 * `distinctFns` list each location's lines and functions once (innermost first):
 * what a stack through it adds to cum.
 */
export interface Frames {
  frameStart: Int32Array;
  frameLine: Int32Array;
  distinctLines: Csr;
  distinctFns: Csr;
}

/** Lists packed in one array: list i is item[start[i]] .. item[start[i+1]-1]. */
export interface Csr { start: Int32Array; item: Int32Array }

export function aggregateMany(inputs: WeightedProfile[], opts: AggregateOptions, isDiff: boolean): Aggregates {
  const first = inputs[inputs.length - 1].profile;
  const T = first.sampleTypes.length;
  const K = Math.max(1, opts.topStackLimit ?? DEFAULT_TOP_STACKS);
  const keys = new Keys();
  const frames = inputs.map(({ profile }) => locationFrames(profile, keys));
  const F = keys.fnName.length;
  const L = keys.lineFile.length;
  const lineFn = keys.lineFn.i32();
  const budget = workBudget(inputs.map((i) => i.profile));

  const totals = new Float64Array(T);
  for (const { profile, scale } of inputs) {
    const v = profile.samples.values;
    for (let t = 0; t < T; t++) {
      let sum = 0;
      for (let i = t; i < v.length; i += T) sum += v[i];
      totals[t] += scale * sum;
    }
  }
  // Lines are asked for by whoever overlays them, and functions nearly always with
  // them: the first to ask for lines gets functions from the same pass.
  let fnAgg: FunctionAggregates | undefined;
  let lineAgg: LineAggregates | undefined;
  const functions = (): FunctionAggregates => {
    if (!fnAgg) fnAgg = functionTable(keys, flatAndCum(inputs, frames, T, [false], { F, L }, lineFn, budget)[0]);
    return fnAgg;
  };
  const lines = (): LineAggregates => {
    if (!lineAgg) {
      const [byLine, byFn] = flatAndCum(inputs, frames, T, fnAgg ? [true] : [true, false], { F, L }, lineFn, budget);
      lineAgg = lineTable(keys, lineFn, byLine);
      if (byFn) fnAgg = functionTable(keys, byFn);
    }
    return lineAgg;
  };

  const treeInputs: TreeInputs = {
    profiles: inputs.map((i) => i.profile), scales: inputs.map((i) => i.scale), frames, T, K, lineFn, keys,
    byLine: opts.granularity === 'line', budget,
  };
  let tree: Aggregates['tree'] | undefined;
  let lineTrees: LineTrees | undefined;
  const lazy = (): LineTrees => (lineTrees ??= buildLineTrees(treeInputs));
  let bySample: Aggregates['lineSamples'] | undefined;
  return {
    sampleTypes: first.sampleTypes.map((v: ValueType) => ({ ...v })),
    defaultSampleType: first.defaultSampleType,
    period: first.period,
    periodType: first.periodType,
    isDiff,
    totals,
    strings: keys.strings,
    files: keys.files,
    get functions() { return functions(); },
    get lines() { return lines(); },
    get tree() { return (tree ??= buildFunctionTree(treeInputs)); },
    heavyTree: (maxNodes: number) => buildHeavyTree(treeInputs, maxNodes),
    topStackLimit: K,
    get lineSamples() { return (bySample ??= samplesByLine(inputs, frames, L)); },
    callsInto: (marked: Uint8Array) => callsInto(inputs, frames, T, L, marked, budget),
    get lineNodes() { return lazy().lineNodes; },
    get lineTree() { return lazy().lineTree; },
  };
}

type FlatCum = { flat: Float64Array[]; cum: Float64Array[] };

export function functionTable(keys: Keys, { flat, cum }: FlatCum): FunctionAggregates {
  return { count: keys.fnName.length, name: keys.fnName.i32(), file: keys.fnFile.i32(), startLine: keys.fnStartLine.f64(), flat, cum };
}

export function lineTable(keys: Keys, lineFn: Int32Array, { flat, cum }: FlatCum): LineAggregates {
  return { count: keys.lineFile.length, file: keys.lineFile.i32(), line: keys.lineNo.f64(), fn: lineFn, flat, cum };
}

/** Frames (global line ids) of every location; a location without lines is one unknown frame. */
export function locationFrames(profile: Profile, keys: Keys): Frames {
  const { functions: fns, locations: locs, strings } = profile;
  const fnId = new Int32Array(fns.count);
  const fnFile = new Int32Array(fns.count);
  for (let i = 0; i < fns.count; i++) {
    fnFile[i] = keys.file(strings[fns.filename[i]]);
    fnId[i] = keys.fn(strings[fns.name[i]] || UNKNOWN_FUNCTION, fnFile[i], fns.startLine[i]);
  }
  const frameStart = new Int32Array(locs.count + 1);
  const frameLine = new GrowableI32(locs.lineFunction.length + 16);
  const fnLines: (Map<number, number> | undefined)[] = new Array(fns.count);
  const noFile = keys.file('');
  for (let loc = 0; loc < locs.count; loc++) {
    frameStart[loc] = frameLine.length;
    const start = locs.lineStart[loc], end = locs.lineStart[loc + 1];
    if (start === end) {
      const m = locs.mapping[loc];
      const addr = hex64(locs.addressHi[loc], locs.addressLo[loc]);
      const name = m >= 0 && profile.mappings[m].filename ? `${profile.mappings[m].filename} ${addr}` : addr;
      frameLine.push(keys.line(noFile, 0, keys.fn(name, noFile, 0)));
      continue;
    }
    for (let e = start; e < end; e++) {
      const f = locs.lineFunction[e];
      if (f < 0) { frameLine.push(keys.line(noFile, locs.lineNumber[e], keys.fn(UNKNOWN_FUNCTION, noFile, 0))); continue; }
      const lines = (fnLines[f] ??= keys.linesOf(fnFile[f], fnId[f]));
      frameLine.push(keys.line(fnFile[f], locs.lineNumber[e], fnId[f], lines));
    }
  }
  frameStart[locs.count] = frameLine.length;
  const lines = frameLine.i32();
  return {
    frameStart, frameLine: lines,
    distinctLines: distinctPerLocation(frameStart, lines, (l) => l, keys.lineFile.length),
    distinctFns: distinctPerLocation(frameStart, lines, (l) => keys.lineFn.data[l], keys.fnName.length),
  };
}

/** Each location's frames mapped by `key`, duplicates dropped (first kept), stamps per key. */
function distinctPerLocation(frameStart: Int32Array, frameLine: Int32Array, key: (line: number) => number, keyCount: number): Csr {
  const n = frameStart.length - 1;
  const start = new Int32Array(n + 1);
  const item = new GrowableI32(frameLine.length + 16);
  const stamp = new Int32Array(keyCount).fill(-1);
  for (let loc = 0; loc < n; loc++) {
    start[loc] = item.length;
    for (let k = frameStart[loc]; k < frameStart[loc + 1]; k++) {
      const v = key(frameLine[k]);
      if (stamp[v] === loc) continue;
      stamp[v] = loc;
      item.push(v);
    }
  }
  start[n] = item.length;
  return { start, item: item.i32() };
}

/**
 * One pass over every sample: flat to the innermost frame of the leaf location, cum
 * to each distinct function (or line) on its stack once, for each keying asked
 * (byLine true: lines; false: functions).
 */
function flatAndCum(
  inputs: WeightedProfile[], frames: Frames[], T: number, keyings: boolean[], counts: { F: number; L: number },
  lineFn: Int32Array, budget: WorkBudget,
): FlatCum[] {
  const acc = new FlatCumAccumulator(T, keyings, counts, lineFn, budget);
  const v = new Float64Array(T);
  for (let p = 0; p < inputs.length; p++) {
    const { profile, scale } = inputs[p];
    const { start, location } = profile.stacks;
    const { count, stack, values } = profile.samples;
    acc.useFrames(frames[p], profile.locations.count);
    for (let i = 0; i < count; i++) {
      const s = stack[i];
      const a = start[s], b = start[s + 1];
      if (a === b) continue;
      let zero = true;
      for (let t = 0, row = i * T; t < T; t++) { v[t] = scale * values[row + t]; if (v[t] !== 0) zero = false; }
      if (!zero && !acc.add(location, a, b, v)) throw overBudget(budget);
    }
  }
  return acc.result();
}

/**
 * Flat and cum accumulated one stack at a time: from decoded stacks (flatAndCum)
 * and from a sample's bytes where they lie (directAggregate.ts), so both give the
 * same numbers by construction.
 *
 * Cum is kept by intervals while it can be: consecutive samples mostly share the
 * root side of their stacks (85–90% of frames in Go's heap profiles), so an item is
 * added once per run of samples it is in, when it leaves: cum += W − W at entry, W
 * being the running sum of the values. Only the frames that differ from the previous
 * sample's stack are visited. That is exact while every value is an integer and the
 * running sums stay below 2^53 (pprof values are int64), checked as samples come;
 * otherwise, or when the stacks share little, it goes back to adding a sample to
 * each item on its stack (a location seen earlier in the same stack, recursion,
 * adds nothing new and is skipped whole). The sums are the same either way.
 */
export class FlatCumAccumulator {
  private readonly sizes: number[];
  private readonly flatNT: Float64Array[];
  private readonly cumNT: Float64Array[];
  private readonly stamps: Int32Array[];
  private frames: Frames | undefined;
  private locStamp = new Int32Array(0);
  private gen = 0;
  private work = 0;
  /** The interval state: the previous stack root first, the running sum, per keying the items present. */
  private runs = true;
  private prev = new Int32Array(256);
  private prevLen = 0;
  private readonly W: Float64Array;
  private sumAbs = 0;
  private readonly active: ActiveItems[];
  private seenFrames = 0;
  private sharedFrames = 0;

  /** Whether samples are still summed by runs: false once they share too little, or runs cannot stay exact. */
  get byRuns(): boolean { return this.runs; }

  /** `byRuns` false: per-sample adds from the start (tests compare the two). */
  constructor(private readonly T: number, private readonly keyings: boolean[], counts: { F: number; L: number },
    private readonly lineFn: Int32Array, private readonly budget: WorkBudget, byRuns = true) {
    this.sizes = keyings.map((byLine) => (byLine ? counts.L : counts.F));
    this.flatNT = this.sizes.map((N) => new Float64Array(N * T));
    this.cumNT = this.sizes.map((N) => new Float64Array(N * T));
    this.stamps = this.sizes.map((N) => new Int32Array(N).fill(-1));
    this.runs = byRuns;
    this.W = new Float64Array(T);
    this.active = this.sizes.map((N) => new ActiveItems(N, T));
  }

  /** The next profile's frames (a diff adds several). */
  useFrames(frames: Frames, locationCount: number): void {
    this.leaveAll();
    this.frames = frames;
    this.locStamp = new Int32Array(locationCount).fill(-1);
  }

  /** Adds v for the stack location[a..b) (leaf first, not empty); false once over the work budget. */
  add(location: ArrayLike<number>, a: number, b: number, v: Float64Array): boolean {
    const { T, keyings, lineFn } = this;
    const { frameStart, frameLine } = this.frames!;
    const two = keyings.length === 2, k1 = two ? 1 : 0;
    const line0 = keyings[0], line1 = keyings[k1];
    const leafLine = frameLine[frameStart[location[a]]];
    addFlat(this.flatNT[0], (line0 ? leafLine : lineFn[leafLine]) * T, v, T);
    if (two) addFlat(this.flatNT[k1], (line1 ? leafLine : lineFn[leafLine]) * T, v, T);
    if (this.runs && !this.exactWith(v)) this.stopRuns();
    if (this.runs) this.addByRuns(location, a, b, v);
    else this.addToEach(location, a, b, v);
    return this.work <= this.budget.limit * keyings.length;
  }

  result(): FlatCum[] {
    this.leaveAll();
    return this.sizes.map((N, k) => ({ flat: splitTypes(this.flatNT[k], N, this.T), cum: splitTypes(this.cumNT[k], N, this.T) }));
  }

  /** Whether intervals stay exact with v added (exactRunSum). */
  private exactWith(v: Float64Array): boolean {
    const abs = exactRunSum(this.sumAbs, v, this.T);
    if (abs !== abs) return false;
    this.sumAbs = abs;
    return true;
  }

  /** Leaves the frames the previous stack does not share, enters the new ones, then counts v. */
  private addByRuns(location: ArrayLike<number>, a: number, b: number, v: Float64Array): void {
    const n = b - a;
    let prev = this.prev;
    const prevLen = this.prevLen;
    let c = 0;
    while (c < n && c < prevLen && prev[c] === location[b - 1 - c]) c++;
    const { W, active, keyings, cumNT } = this;
    const { distinctLines, distinctFns } = this.frames!;
    let work = this.work;
    for (let k = 0; k < keyings.length; k++) {
      const d = keyings[k] ? distinctLines : distinctFns, set = active[k], cum = cumNT[k];
      for (let i = c; i < prevLen; i++) work += set.leave(d, prev[i], W, cum);
      for (let i = c; i < n; i++) work += set.enter(d, location[b - 1 - i], W);
    }
    this.work = work;
    if (prev.length < n) {
      const next = new Int32Array(Math.max(n, prev.length * 2));
      next.set(prev.subarray(0, c));
      prev = this.prev = next;
    }
    for (let i = c; i < n; i++) prev[i] = location[b - 1 - i];
    this.prevLen = n;
    for (let t = 0; t < this.T; t++) W[t] += v[t];
    // Stacks in no useful order: after a while, adding to each item is cheaper.
    this.seenFrames += n;
    this.sharedFrames += c;
    if (this.seenFrames > 1 << 16 && this.sharedFrames * 2 < this.seenFrames) this.stopRuns();
  }

  private addToEach(location: ArrayLike<number>, a: number, b: number, v: Float64Array): void {
    const { T, keyings, locStamp } = this;
    const { distinctLines, distinctFns } = this.frames!;
    const gen = this.gen++;
    // The second keying, when asked, as locals (an empty one costs a branch).
    const two = keyings.length === 2, k1 = two ? 1 : 0;
    const cum0 = this.cumNT[0], cum1 = this.cumNT[k1], stamp0 = this.stamps[0], stamp1 = this.stamps[k1];
    const d0 = keyings[0] ? distinctLines : distinctFns, d1 = keyings[k1] ? distinctLines : distinctFns;
    let work = this.work;
    for (let e = a; e < b; e++) {
      const loc = location[e];
      if (locStamp[loc] === gen) continue;
      locStamp[loc] = gen;
      work += addCum(d0, loc, stamp0, cum0, gen, v, T);
      if (two) work += addCum(d1, loc, stamp1, cum1, gen, v, T);
    }
    this.work = work;
  }

  /** Ends every run: what is present gets its interval. */
  private leaveAll(): void {
    if (!this.frames || this.prevLen === 0) return;
    const { distinctLines, distinctFns } = this.frames;
    for (let k = 0; k < this.keyings.length; k++) {
      const d = this.keyings[k] ? distinctLines : distinctFns;
      for (let i = 0; i < this.prevLen; i++) this.active[k].leave(d, this.prev[i], this.W, this.cumNT[k]);
    }
    this.prevLen = 0;
  }

  private stopRuns(): void {
    this.leaveAll();
    this.runs = false;
  }
}

/**
 * Sums kept by runs (the running sum when an item leaves less when it came in) equal
 * sums added sample by sample while every value is an integer and the sum of all
 * their magnitudes stays below 2^53. Returns that sum with v's added, or NaN when v
 * breaks it.
 */
export function exactRunSum(sumAbs: number, v: Float64Array, T: number): number {
  for (let t = 0; t < T; t++) {
    if (!Number.isInteger(v[t])) return NaN;
    sumAbs += Math.abs(v[t]);
  }
  return sumAbs < 2 ** 53 ? sumAbs : NaN;
}

/** Items present in the current stack, with how many of its locations hold each and the running sum when it came in. */
class ActiveItems {
  private readonly count: Int32Array;
  private readonly since: Float64Array;

  constructor(N: number, private readonly T: number) {
    this.count = new Int32Array(N);
    this.since = new Float64Array(N * T);
  }

  /** Location loc's items come in at running sum W; returns how many it looked at. */
  enter(d: Csr, loc: number, W: Float64Array): number {
    const { count, since, T } = this;
    const end = d.start[loc + 1], item = d.item;
    for (let j = d.start[loc]; j < end; j++) {
      const x = item[j];
      if (count[x]++ !== 0) continue;
      for (let t = 0, c = x * T; t < T; t++) since[c + t] = W[t];
    }
    return end - d.start[loc];
  }

  /** Location loc's items go; an item no other location holds adds W − its entry to cum. */
  leave(d: Csr, loc: number, W: Float64Array, cum: Float64Array): number {
    const { count, since, T } = this;
    const end = d.start[loc + 1], item = d.item;
    for (let j = d.start[loc]; j < end; j++) {
      const x = item[j];
      if (--count[x] !== 0) continue;
      for (let t = 0, c = x * T; t < T; t++) cum[c + t] += W[t] - since[c + t];
    }
    return end - d.start[loc];
  }
}

function addFlat(flat: Float64Array, at: number, v: Float64Array, T: number): void {
  for (let t = 0; t < T; t++) flat[at + t] += v[t];
}

/** Adds v to each of location loc's distinct items not yet counted in this sample (gen); returns how many it looked at. */
function addCum(d: Csr, loc: number, stamp: Int32Array, cum: Float64Array, gen: number, v: Float64Array, T: number): number {
  const end = d.start[loc + 1], item = d.item;
  const first = d.start[loc];
  for (let j = first; j < end; j++) {
    const x = item[j];
    if (stamp[x] === gen) continue;
    stamp[x] = gen;
    const c = x * T;
    for (let t = 0; t < T; t++) cum[c + t] += v[t];
  }
  return end - first;
}

function splitTypes(nt: Float64Array, N: number, T: number): Float64Array[] {
  const out = Array.from({ length: T }, () => new Float64Array(N));
  for (let t = 0; t < T; t++) {
    const st = out[t];
    for (let n = 0, j = t; n < N; n++, j += T) st[n] = nt[j];
  }
  return out;
}

/**
 * Calls from an unmarked line into a marked one, per (caller, callee) line pair, from
 * one pass over every sample's frames, root first. A sample through the same pair at
 * two depths counts twice, as the two tree nodes it passes would.
 */
function callsInto(inputs: WeightedProfile[], frames: Frames[], T: number, L: number, marked: Uint8Array, budget: WorkBudget): LineCalls {
  const acc = new CallsIntoAccumulator(T, L, marked, budget);
  const v = new Float64Array(T);
  for (let p = 0; p < inputs.length; p++) {
    const { profile, scale } = inputs[p];
    const { start, location } = profile.stacks;
    const { count, stack, values } = profile.samples;
    acc.useFrames(frames[p]);
    for (let i = 0; i < count; i++) {
      const s = stack[i];
      for (let t = 0; t < T; t++) v[t] = scale * values[i * T + t];
      if (!acc.add(location, start[s], start[s + 1], v)) throw overBudget(budget);
    }
  }
  return acc.result();
}

/** callsInto one stack at a time, for decoded stacks and for samples read where they lie (directAggregate.ts). */
export class CallsIntoAccumulator {
  private readonly pairIndex = new Map<number, number>();
  private readonly caller = new GrowableI32();
  private readonly callee = new GrowableI32();
  private readonly totalTN: number[] = [];
  private frames: Frames | undefined;
  private work = 0;

  constructor(private readonly T: number, private readonly L: number, private readonly marked: Uint8Array, private readonly budget: WorkBudget) {}

  useFrames(frames: Frames): void { this.frames = frames; }

  /** Adds v for the stack location[a..b) (leaf first; zero values make their pairs too); false once over the work budget. */
  add(location: ArrayLike<number>, a: number, b: number, v: Float64Array): boolean {
    const { T, L, marked, pairIndex, caller, callee, totalTN } = this;
    const { frameStart, frameLine } = this.frames!;
    let prev = -1;
    let work = this.work;
    for (let e = b - 1; e >= a; e--) {
      const loc = location[e];
      const fa = frameStart[loc];
      work += frameStart[loc + 1] - fa;
      for (let k = frameStart[loc + 1] - 1; k >= fa; k--) {
        const line = frameLine[k];
        if (prev >= 0 && marked[line] && !marked[prev]) {
          const key = prev * L + line; // both < 2^26 (limits.ts): exact
          let x = pairIndex.get(key);
          if (x === undefined) {
            x = caller.length;
            pairIndex.set(key, x);
            caller.push(prev); callee.push(line);
            for (let t = 0; t < T; t++) totalTN.push(0);
          }
          for (let t = 0; t < T; t++) totalTN[x * T + t] += v[t];
        }
        prev = line;
      }
    }
    this.work = work;
    return work <= this.budget.limit;
  }

  result(): LineCalls {
    const { T, caller, callee, totalTN } = this;
    const n = caller.length;
    return {
      caller: caller.i32(), callee: callee.i32(),
      total: Array.from({ length: T }, (_, t) => Float64Array.from({ length: n }, (_, x) => totalTN[x * T + t])),
    };
  }
}

/** Samples with a size label grouped by leaf line (counting sort), for size distributions on demand. */
function samplesByLine(inputs: WeightedProfile[], frames: Frames[], L: number): Aggregates['lineSamples'] {
  const lineOf = (p: number, i: number): number => {
    const { samples, stacks } = inputs[p].profile;
    if (samples.bytes[i] !== samples.bytes[i]) return -1;
    const s = samples.stack[i];
    const a = stacks.start[s];
    if (a === stacks.start[s + 1]) return -1;
    const f = frames[p];
    return f.frameLine[f.frameStart[stacks.location[a]]];
  };
  const start = new Int32Array(L + 1);
  inputs.forEach(({ profile }, p) => {
    for (let i = 0; i < profile.samples.count; i++) { const l = lineOf(p, i); if (l >= 0) start[l + 1]++; }
  });
  for (let l = 0; l < L; l++) start[l + 1] += start[l];
  const fill = start.slice(0, L);
  const E = start[L];
  const input = new Uint8Array(E), sample = new Int32Array(E);
  inputs.forEach(({ profile }, p) => {
    for (let i = 0; i < profile.samples.count; i++) {
      const l = lineOf(p, i);
      if (l < 0) continue;
      const j = fill[l]++;
      input[j] = p;
      sample[j] = i;
    }
  });
  const sources = inputs.map(({ profile, scale }) => ({ values: profile.samples.values, bytes: profile.samples.bytes, scale }));
  return { start, input, sample, sources };
}
