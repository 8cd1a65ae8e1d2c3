// Profile → Aggregates for every sample type at once. Work is per DISTINCT stack
// (samples sharing a stack are summed first), with typed arrays throughout. Flat and
// cum per function and per line come from one walk of each stack, with stamps so a
// function or line counts once per stack even when it recurses. The call trees (the
// flamegraph's, and the per-line one behind top stacks) are built on first use:
// `heaplens top` never pays for them. Inlined frames are frames of their own, as in
// pprof. Several profiles with a sign each merge into one set of aggregates: diffs.
import { Growable } from './buffers';
import type { AggregateOptions, Aggregates, Profile, ValueType } from './model';
import { buildTrees, type TreeInputs, type Trees } from './trees';

export interface WeightedProfile {
  profile: Profile;
  /** +1 for a profile, −1 for a diff's base. */
  scale: number;
}

export function aggregate(profile: Profile, opts: AggregateOptions = {}): Aggregates {
  return aggregateMany([{ profile, scale: 1 }], opts, false);
}

const UNKNOWN_FUNCTION = '<unknown>';

/** Interning of strings, files, functions and lines across the merged profiles. */
export class Keys {
  strings: string[] = [];
  private stringIds = new Map<string, number>();
  files: string[] = [];
  private fileIds = new Map<string, number>();
  fnName = new Growable('i32');
  fnFile = new Growable('i32');
  fnStartLine = new Growable('f64');
  private fnIds = new Map<string, number>();
  lineFile = new Growable('i32');
  lineNo = new Growable('f64');
  lineFn = new Growable('i32');
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
    const outer = fn * 1048576 + file;
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
 * frameStart[loc+1]-1, innermost first, each a global line id.
 */
export interface Frames {
  frameStart: Int32Array;
  frameLine: Int32Array;
}

export function aggregateMany(inputs: WeightedProfile[], opts: AggregateOptions, isDiff: boolean): Aggregates {
  const first = inputs[inputs.length - 1].profile;
  const T = first.sampleTypes.length;
  const K = Math.max(1, opts.topStackLimit ?? 5);
  const keys = new Keys();
  const frames = inputs.map(({ profile }) => locationFrames(profile, keys));
  const stackValues = inputs.map(({ profile, scale }) => sumByStack(profile, scale, T));
  const F = keys.fnName.length;
  const L = keys.lineFile.length;
  const lineFn = keys.lineFn.i32();

  const totals = new Float64Array(T);
  for (const { profile, scale } of inputs) {
    const v = profile.samples.values;
    for (let t = 0; t < T; t++) {
      let sum = 0;
      for (let i = t; i < v.length; i += T) sum += v[i];
      totals[t] += scale * sum;
    }
  }
  // Line-major sums (one cache miss per frame for all types), split per type at the end.
  const lineFlatNT = new Float64Array(L * T), lineCumNT = new Float64Array(L * T);
  const fnFlatNT = new Float64Array(F * T), fnCumNT = new Float64Array(F * T);
  const lineStamp = new Int32Array(L).fill(-1), fnStamp = new Int32Array(F).fill(-1);
  let stampBase = 0;
  const leafLines: Int32Array[] = [];
  inputs.forEach(({ profile }, p) => {
    leafLines.push(flatAndCum(profile, frames[p], stackValues[p], lineFn, T, stampBase, lineStamp, fnStamp, lineFlatNT, fnFlatNT, lineCumNT, fnCumNT));
    stampBase += profile.stacks.count;
  });
  const lineFlat = splitTypes(lineFlatNT, L, T), lineCum = splitTypes(lineCumNT, L, T);
  const fnFlat = splitTypes(fnFlatNT, F, T), fnCum = splitTypes(fnCumNT, F, T);

  const treeInputs: TreeInputs = {
    profiles: inputs.map((i) => i.profile), frames, stackValues, T, K, lineFn, keys,
    byLine: opts.granularity === 'line',
  };
  let trees: Trees | undefined;
  const lazy = (): Trees => (trees ??= buildTrees(treeInputs));
  return {
    sampleTypes: first.sampleTypes.map((v: ValueType) => ({ ...v })),
    defaultSampleType: first.defaultSampleType,
    period: first.period,
    periodType: first.periodType,
    isDiff,
    totals,
    strings: keys.strings,
    files: keys.files,
    functions: {
      count: F, name: keys.fnName.i32(), file: keys.fnFile.i32(), startLine: keys.fnStartLine.f64(),
      flat: fnFlat, cum: fnCum,
    },
    lines: {
      count: L, file: keys.lineFile.i32(), line: keys.lineNo.f64(), fn: lineFn,
      flat: lineFlat, cum: lineCum,
    },
    get tree() { return lazy().tree; },
    topStackLimit: K,
    lineSamples: samplesByLine(inputs, leafLines, L),
    get lineNodes() { return lazy().lineNodes; },
    get lineTree() { return lazy().lineTree; },
  };
}

/** Frames (global line ids) of every location; a location without lines is one unknown frame. */
function locationFrames(profile: Profile, keys: Keys): Frames {
  const { functions: fns, locations: locs, strings } = profile;
  const fnId = new Int32Array(fns.count);
  const fnFile = new Int32Array(fns.count);
  for (let i = 0; i < fns.count; i++) {
    fnFile[i] = keys.file(strings[fns.filename[i]]);
    fnId[i] = keys.fn(strings[fns.name[i]] || UNKNOWN_FUNCTION, fnFile[i], fns.startLine[i]);
  }
  const frameStart = new Int32Array(locs.count + 1);
  const frameLine = new Growable('i32', locs.lineFunction.length + 16);
  const fnLines: (Map<number, number> | undefined)[] = new Array(fns.count);
  const noFile = keys.file('');
  for (let loc = 0; loc < locs.count; loc++) {
    frameStart[loc] = frameLine.length;
    const start = locs.lineStart[loc], end = locs.lineStart[loc + 1];
    if (start === end) {
      const m = locs.mapping[loc];
      const addr = `0x${locs.address[loc].toString(16)}`;
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
  return { frameStart, frameLine: frameLine.i32() };
}

/** Sample values summed per distinct stack, stack-major: out[s * T + t]. */
function sumByStack(profile: Profile, scale: number, T: number): Float64Array {
  const { count, stack, values } = profile.samples;
  const out = new Float64Array(profile.stacks.count * T);
  for (let i = 0, row = 0; i < count; i++, row += T) {
    const base = stack[i] * T;
    for (let t = 0; t < T; t++) out[base + t] += scale * values[row + t];
  }
  return out;
}

/**
 * Flat goes to the innermost frame of the leaf location; cum to every distinct line
 * and function on the stack, once (stamps). Returns each stack's leaf line (−1: empty).
 */
function flatAndCum(
  profile: Profile, frames: Frames, sv: Float64Array, lineFn: Int32Array, T: number, stampBase: number,
  lineStamp: Int32Array, fnStamp: Int32Array,
  lineFlat: Float64Array, fnFlat: Float64Array, lineCum: Float64Array, fnCum: Float64Array,
): Int32Array {
  const { count, start, location } = profile.stacks;
  const { frameStart, frameLine } = frames;
  const leafLine = new Int32Array(count).fill(-1);
  for (let s = 0; s < count; s++) {
    const a = start[s], b = start[s + 1];
    if (a === b) continue;
    const base = s * T;
    const leaf = frameLine[frameStart[location[a]]];
    leafLine[s] = leaf;
    let zero = true;
    for (let t = 0; t < T; t++) if (sv[base + t] !== 0) { zero = false; break; }
    if (zero) continue;
    const lb = leaf * T, fb = lineFn[leaf] * T;
    for (let t = 0; t < T; t++) { lineFlat[lb + t] += sv[base + t]; fnFlat[fb + t] += sv[base + t]; }
    const stamp = stampBase + s;
    for (let e = a; e < b; e++) {
      const loc = location[e];
      for (let k = frameStart[loc], kEnd = frameStart[loc + 1]; k < kEnd; k++) {
        const l = frameLine[k];
        if (lineStamp[l] === stamp) continue;
        lineStamp[l] = stamp;
        const lc = l * T;
        for (let t = 0; t < T; t++) lineCum[lc + t] += sv[base + t];
        const f = lineFn[l];
        if (fnStamp[f] === stamp) continue;
        fnStamp[f] = stamp;
        const fc = f * T;
        for (let t = 0; t < T; t++) fnCum[fc + t] += sv[base + t];
      }
    }
  }
  return leafLine;
}

function splitTypes(nt: Float64Array, N: number, T: number): Float64Array[] {
  const out = Array.from({ length: T }, () => new Float64Array(N));
  for (let t = 0; t < T; t++) {
    const st = out[t];
    for (let n = 0, j = t; n < N; n++, j += T) st[n] = nt[j];
  }
  return out;
}

/** Samples with a size label grouped by leaf line (counting sort), for size distributions on demand. */
function samplesByLine(inputs: WeightedProfile[], leafLines: Int32Array[], L: number): Aggregates['lineSamples'] {
  const lineOf = (p: number, i: number): number => {
    const s = inputs[p].profile.samples;
    return s.bytes[i] === s.bytes[i] ? leafLines[p][s.stack[i]] : -1;
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
