// What the language server's profile loader process does: read (bounded), decode,
// aggregate, and return only what the overlays read, in compact typed arrays. The
// flame tree is not built; each line's allocation sizes are summed here, so the
// million raw samples stay (and die) in the loader instead of crossing over.
import { aggregate } from '../profile/aggregate';
import { openProfile } from '../profile/open';
import { diffProfiles } from '../profile/diff';
import { ProfileError, type Aggregates, type Profile } from '../profile/model';
import { sizeDistribution } from '../profile/query';
import { computeCallPaths, computeRuntimeCalls, type CallPaths, type RuntimeCalls } from './callPaths';
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

function decodeInput(input: ProfileInput): Profile {
  let bytes: Uint8Array;
  if ('path' in input) {
    try {
      bytes = readRegularFileSync(input.path, MAX_PROFILE_FILE_BYTES);
    } catch (e) {
      throw new ProfileError(e instanceof FileReadError ? e.message : String(e));
    }
  } else {
    bytes = input.bytes;
  }
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
  const L = agg.lines.count;
  const T = agg.sampleTypes.length;
  const start = new Int32Array(L + 1);
  const sizes: number[] = [];
  const values: number[] = [];
  for (let l = 0; l < L; l++) {
    for (const b of sizeDistribution(agg, l)) {
      sizes.push(b.size);
      for (let t = 0; t < T; t++) values.push(b.values[t]);
    }
    start[l + 1] = sizes.length;
  }
  const E = sizes.length;
  const sample = new Int32Array(E);
  for (let e = 0; e < E; e++) sample[e] = e;
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
    lineSamples: { start, input: new Uint8Array(E), sample, sources: [{ values: Float64Array.from(values), bytes: Float64Array.from(sizes), scale: 1 }] },
    runtimeCalls: computeRuntimeCalls(agg),
    ...(withCallPaths ? { callPaths: computeCallPaths(agg) } : {}),
  };
}

export function runLoadJob(job: LoadJob): ServerAggregates {
  return compactForServer(aggregateInputs(job), job.callPaths);
}
