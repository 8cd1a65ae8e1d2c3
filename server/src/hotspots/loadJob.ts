// What the language server's profile loader process does: read (bounded), decode,
// aggregate, and return only what the overlays read, in compact typed arrays. The
// flame tree is not built; each line's allocation sizes are summed here, so the
// million raw samples stay (and die) in the loader instead of crossing over.
import { aggregate, CallsIntoAccumulator, DEFAULT_TOP_STACKS, FlatCumAccumulator, functionTable, lineTable } from '../profile/aggregate';
import { DirectReading } from '../profile/directAggregate';
import { workBudget } from '../profile/limits';
import { openProfile, openTables } from '../profile/open';
import { diffProfiles } from '../profile/diff';
import { ProfileError, type Aggregates, type Profile, type SizeBucket } from '../profile/model';
import { sizeDistribution } from '../profile/query';
import { computeCallPaths, computeRuntimeCalls, runtimeCallsOf, runtimeLines, type CallPaths, type RuntimeCalls } from './callPaths';
import { FileReadError, readRegularFileSync } from '../limits/files';

/** Profile files larger than this are refused before reading (compressed size). */
export const MAX_PROFILE_FILE_BYTES = 512 * 1024 * 1024;

/** A profile to load: a file path (read by the loader) or bytes already captured. */
export type ProfileInput = { name: string; path: string } | { name: string; bytes: Uint8Array };

export interface LoadJob {
  current: ProfileInput;
  base?: ProfileInput;
  /**
   * Work out each line's call paths too (they need the whole line tree: seconds on a
   * million deep stacks). Without them the overlays come back first; a second job
   * with them follows for hovers.
   */
  callPaths: boolean;
}

/**
 * What the language server holds per loaded profile: the aggregates without either
 * call tree, and what hovers and heat read from the line tree, worked out here.
 */
export type ServerAggregates = Omit<Aggregates, 'tree' | 'heavyTree' | 'lineTree' | 'lineNodes' | 'callsInto'> & {
  runtimeCalls: RuntimeCalls;
  /** Absent while a big profile's paths are still being worked out (a second job). */
  callPaths?: CallPaths;
};

function readInput(input: ProfileInput): Uint8Array {
  if (!('path' in input)) return input.bytes;
  try {
    return readRegularFileSync(input.path, MAX_PROFILE_FILE_BYTES);
  } catch (e) {
    throw new ProfileError(e instanceof FileReadError ? e.message : String(e));
  }
}

function decodeInput(input: ProfileInput, bytes = readInput(input)): Profile {
  try {
    return openProfile(bytes, { origin: input.name });
  } catch (e) {
    throw new ProfileError(`${input.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Decodes and aggregates; with a base, the result is current − base. Errors name the file. */
export function aggregateInputs(job: LoadJob): Aggregates {
  const cur = decodeInput(job.current);
  return job.base ? diffProfiles(decodeInput(job.base), cur) : aggregate(cur);
}

/**
 * The overlay's view of `agg`: runtime calls, call paths when asked (read off the
 * line tree, which stays here), the per-sample table replaced by one entry per
 * (line, allocation size), whose sizeDistribution() is the same as the original's.
 */
export function compactForServer(agg: Aggregates, withCallPaths = true): ServerAggregates {
  return {
    sampleTypes: agg.sampleTypes,
    defaultSampleType: agg.defaultSampleType,
    period: agg.period,
    periodType: agg.periodType,
    isDiff: agg.isDiff,
    totals: agg.totals,
    strings: agg.strings,
    files: agg.files,
    functions: agg.functions,
    lines: agg.lines,
    topStackLimit: agg.topStackLimit,
    lineSamples: compactSizes(agg.lines.count, agg.sampleTypes.length, (l) => sizeDistribution(agg, l)),
    runtimeCalls: computeRuntimeCalls(agg),
    ...(withCallPaths ? { callPaths: computeCallPaths(agg) } : {}),
  };
}

/** One entry per (line, allocation size), smallest size first: what sizeDistribution() reads. */
function compactSizes(L: number, T: number, bucketsOf: (l: number) => SizeBucket[]): Aggregates['lineSamples'] {
  const start = new Int32Array(L + 1);
  const sizes: number[] = [];
  const values: number[] = [];
  for (let l = 0; l < L; l++) {
    for (const b of bucketsOf(l)) {
      sizes.push(b.size);
      for (let t = 0; t < T; t++) values.push(b.values[t]);
    }
    start[l + 1] = sizes.length;
  }
  const E = sizes.length;
  const sample = new Int32Array(E);
  for (let e = 0; e < E; e++) sample[e] = e;
  return { start, input: new Uint8Array(E), sample, sources: [{ values: Float64Array.from(values), bytes: Float64Array.from(sizes), scale: 1 }] };
}

export function runLoadJob(job: LoadJob): ServerAggregates {
  // The overlays of one profile straight from its samples' bytes (directAggregate.ts);
  // a diff, call paths (they need the line tree) or a file the direct reading hands
  // back take the ordinary decode.
  if (!job.base && !job.callPaths) {
    const bytes = readInput(job.current);
    return overlaysFromBytes(job.current.name, bytes) ?? compactForServer(aggregate(decodeInput(job.current, bytes)), false);
  }
  return compactForServer(aggregateInputs(job), job.callPaths);
}

/** compactForServer(aggregate(profile), false), computed while reading each sample once where it lies; null when handed back. */
export function overlaysFromBytes(name: string, bytes: Uint8Array): ServerAggregates | null {
  const tables = openTables(bytes, { origin: name });
  const reading = tables && DirectReading.of(tables);
  if (!reading) return null;
  const { T, keys, lineFn, frames, profile } = reading;
  const L = keys.lineFile.length;
  const budget = workBudget([profile]);
  const flatCum = new FlatCumAccumulator(T, [true, false], { F: keys.fnName.length, L }, lineFn, budget);
  flatCum.useFrames(frames, profile.locations.count);
  const fnName = keys.fnName.i32();
  const calls = new CallsIntoAccumulator(T, L, runtimeLines(lineFn, fnName, keys.strings), budget);
  calls.useFrames(frames);
  // Per leaf line, allocation size → values, summed in sample order as sizeDistribution does.
  const bySize: (Map<number, number[]> | undefined)[] = new Array(L);
  const { frameStart, frameLine } = frames;
  const ok = reading.run((locs, k, values, size) => {
    if (!calls.add(locs, 0, k, values)) return false;
    if (k === 0) return true;
    if (size === size) {
      const leaf = frameLine[frameStart[locs[0]]];
      const m = (bySize[leaf] ??= new Map());
      let v = m.get(size);
      if (!v) { v = new Array<number>(T).fill(0); m.set(size, v); }
      for (let t = 0; t < T; t++) v[t] += values[t];
    }
    let zero = true;
    for (let t = 0; t < T; t++) if (values[t] !== 0) zero = false;
    return zero || flatCum.add(locs, 0, k, values);
  });
  if (!ok) return null;
  const [byLine, byFn] = flatCum.result();
  const lines = lineTable(keys, lineFn, byLine);
  return {
    ...reading.header(),
    functions: functionTable(keys, byFn),
    lines,
    topStackLimit: DEFAULT_TOP_STACKS,
    lineSamples: compactSizes(L, T, (l) => [...(bySize[l] ?? [])].map(([size, values]) => ({ size, values })).sort((a, b) => a.size - b.size)),
    runtimeCalls: runtimeCallsOf(calls.result(), lineFn),
  };
}
