// Per source line and per function, what a loaded profile says about the files on
// this machine: built once per load from the engine's aggregates, so a request for
// one file touches only that file's lines. Pure: no editor, no language server.
//
// A line's `self` is what it allocates itself: the engine's flat value (the line is
// the innermost frame) plus what runtime frames called from it allocate
// (`append` → runtime.growslice). Go's own heap profiles hide those runtime frames,
// other writers keep them; both end up on the user's line.
import type { ServerAggregates } from './loadJob';

export interface LineHeat {
  /** 1-based line in the file as profiled. */
  line: number;
  /** Allocated at the line, per sample type. */
  self: Float64Array;
  /** Allocated at the line or below calls made on it, per sample type. */
  cum: Float64Array;
  /** Engine line indexes merged into this line (one per function at the line). */
  lineIndexes: number[];
  /** The heaviest runtime function called from the line, when the profile kept it. */
  runtimeFn?: string;
  /** Function names at the line (usually one; more with closures). */
  functions: string[];
}

export interface FunctionHeat {
  name: string;
  /** 1-based `func` line. */
  startLine: number;
  flat: Float64Array;
  cum: Float64Array;
}

export interface FileHeat {
  path: string;
  /** By 1-based line. */
  lines: Map<number, LineHeat>;
  functions: FunctionHeat[];
}

export interface HeatIndex {
  files: Map<string, FileHeat>;
  /** Largest |self| of any line, per sample type: what heat is scaled to. */
  maxSelf: Float64Array;
  /** Profile file names that could not be found on this machine. */
  unresolved: string[];
}

export function buildHeatIndex(agg: ServerAggregates, resolved: (string | null)[]): HeatIndex {
  const T = agg.sampleTypes.length;
  const { lines, functions, strings } = agg;
  const fnName = (f: number) => (f >= 0 ? strings[functions.name[f]] : '<unknown>');
  const files = new Map<string, FileHeat>();
  const fileOf = (p: string): FileHeat => {
    let f = files.get(p);
    if (!f) { f = { path: p, lines: new Map(), functions: [] }; files.set(p, f); }
    return f;
  };
  // Engine line index → merged LineHeat (several functions can share a source line).
  const heatOf: (LineHeat | undefined)[] = new Array(lines.count);
  for (let l = 0; l < lines.count; l++) {
    const p = resolved[lines.file[l]];
    if (!p) continue;
    const file = fileOf(p);
    const n = lines.line[l];
    let h = file.lines.get(n);
    if (!h) { h = { line: n, self: new Float64Array(T), cum: new Float64Array(T), lineIndexes: [], functions: [] }; file.lines.set(n, h); }
    for (let t = 0; t < T; t++) { h.self[t] += lines.flat[t][l]; h.cum[t] += lines.cum[t][l]; }
    h.lineIndexes.push(l);
    const name = fnName(lines.fn[l]);
    if (!h.functions.includes(name)) h.functions.push(name);
    heatOf[l] = h;
  }

  // Runtime frames called from a user line: their whole subtree is the line's allocation.
  const rc = agg.runtimeCalls;
  const runtimeBest = new Map<LineHeat, { name: string; value: number }>();
  const d = agg.defaultSampleType;
  for (let c = 0; c < rc.callerLine.length; c++) {
    const h = heatOf[rc.callerLine[c]];
    if (!h) continue;
    for (let t = 0; t < T; t++) h.self[t] += rc.total[t][c];
    const v = Math.abs(rc.total[d][c]);
    const best = runtimeBest.get(h);
    const name = fnName(rc.fn[c]);
    if (!best) runtimeBest.set(h, { name, value: v });
    else if (best.name === name) best.value += v;
    else if (v > best.value) runtimeBest.set(h, { name, value: v });
  }
  for (const [h, b] of runtimeBest) h.runtimeFn = b.name;

  for (let f = 0; f < functions.count; f++) {
    const p = resolved[functions.file[f]];
    if (!p || !files.has(p)) continue;
    const flat = new Float64Array(T), cum = new Float64Array(T);
    let any = false;
    for (let t = 0; t < T; t++) { flat[t] = functions.flat[t][f]; cum[t] = functions.cum[t][f]; any ||= flat[t] !== 0 || cum[t] !== 0; }
    if (any && functions.startLine[f] > 0) files.get(p)!.functions.push({ name: fnName(f), startLine: functions.startLine[f], flat, cum });
  }

  const maxSelf = new Float64Array(T);
  for (const file of files.values()) {
    for (const h of file.lines.values()) for (let t = 0; t < T; t++) maxSelf[t] = Math.max(maxSelf[t], Math.abs(h.self[t]));
  }
  const unresolved: string[] = [];
  agg.files.forEach((f, i) => { if (!resolved[i] && f) unresolved.push(f); });
  return { files, maxSelf, unresolved };
}
