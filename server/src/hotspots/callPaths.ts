// What the hovers read from the call tree, worked out in the loader process so the
// language server never holds the tree: a million deep, distinct stacks make a tree
// of millions of nodes (hundreds of MB), of which a hover shows five paths a line.
// Pure: Aggregates in, compact typed arrays out, and the reads over them.
import { topStackNodes } from '../profile/query';
import type { Aggregates, Frame, LineCalls, StackSummary } from '../profile/model';

/**
 * The heaviest call paths of every line, per sample type (topStacks, precomputed):
 * paths of (line, t) are entries slot[l * T + t] .. slot[l * T + t + 1] - 1; entry e
 * has a value and frames pathStart[e] .. pathStart[e + 1] - 1, root first, as line
 * indexes and whether each was inlined.
 */
export interface CallPaths {
  slot: Int32Array;
  value: Float64Array;
  pathStart: Int32Array;
  frameLine: Int32Array;
  frameInlined: Uint8Array;
}

/**
 * Runtime frames called from another line (a user line growing a slice calls
 * runtime.growslice): per (caller line, runtime line), in order of first call, the
 * caller's line, the runtime frame's function, and the values of everything below
 * it, per sample type.
 */
export interface RuntimeCalls {
  callerLine: Int32Array;
  fn: Int32Array;
  total: Float64Array[];
}

const isRuntime = (name: string) => name.startsWith('runtime.') || name.startsWith('internal/runtime/');

export function computeCallPaths(agg: Aggregates): CallPaths {
  const T = agg.sampleTypes.length, L = agg.lines.count;
  const { parent, line, inlined } = agg.lineTree;
  const slot = new Int32Array(L * T + 1);
  const value: number[] = [], pathStart: number[] = [0], frameLine: number[] = [], frameInlined: number[] = [];
  for (let l = 0; l < L; l++) {
    for (let t = 0; t < T; t++) {
      slot[l * T + t] = value.length;
      for (const s of topStackNodes(agg, l, t)) {
        value.push(s.value);
        const path: number[] = [];
        for (let n = s.node; n > 0; n = parent[n]) path.push(n);
        for (let i = path.length - 1; i >= 0; i--) { frameLine.push(line[path[i]]); frameInlined.push(inlined[path[i]]); }
        pathStart.push(frameLine.length);
      }
    }
  }
  slot[L * T] = value.length;
  return {
    slot, value: Float64Array.from(value), pathStart: Int32Array.from(pathStart),
    frameLine: Int32Array.from(frameLine), frameInlined: Uint8Array.from(frameInlined),
  };
}

type Tables = Pick<Aggregates, 'sampleTypes' | 'strings' | 'files' | 'functions' | 'lines'>;

/** The heaviest call paths reaching line `l` for sample type `t`, as topStacks gives them. */
export function callPathsAt(agg: Tables, paths: CallPaths, l: number, t: number): StackSummary[] {
  const T = agg.sampleTypes.length;
  const out: StackSummary[] = [];
  for (let e = paths.slot[l * T + t]; e < paths.slot[l * T + t + 1]; e++) {
    const frames: Frame[] = [];
    for (let k = paths.pathStart[e]; k < paths.pathStart[e + 1]; k++) {
      const fl = paths.frameLine[k];
      frames.push({
        name: agg.strings[agg.functions.name[agg.lines.fn[fl]]],
        file: agg.files[agg.lines.file[fl]],
        line: agg.lines.line[fl],
        inlined: paths.frameInlined[k] === 1,
      });
    }
    out.push({ value: paths.value[e], frames });
  }
  return out;
}

/** From one pass over the samples (Aggregates.callsInto): no call tree needed. */
export function computeRuntimeCalls(agg: Aggregates): RuntimeCalls {
  return runtimeCallsOf(agg.callsInto(runtimeLines(agg.lines.fn, agg.functions.name, agg.strings)), agg.lines.fn);
}

/** 1 for each line in a runtime function: what callsInto marks. */
export function runtimeLines(lineFn: Int32Array, fnName: Int32Array, strings: string[]): Uint8Array {
  const runtimeLine = new Uint8Array(lineFn.length);
  for (let l = 0; l < lineFn.length; l++) {
    const f = lineFn[l];
    if (isRuntime(f >= 0 ? strings[fnName[f]] : '<unknown>')) runtimeLine[l] = 1;
  }
  return runtimeLine;
}

export function runtimeCallsOf(calls: LineCalls, lineFn: Int32Array): RuntimeCalls {
  return { callerLine: calls.caller, fn: Int32Array.from(calls.callee, (l) => lineFn[l]), total: calls.total };
}
