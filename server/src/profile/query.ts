// Read helpers over Aggregates: sample-type lookup, per-file lines, size
// distributions and top stacks for hovers.
import { ProfileError, type Aggregates, type Frame, type SizeBucket, type StackSummary, type ValueType } from './model';

/** Index of the sample type called `name`; the error lists the valid ones. */
export function sampleTypeIndex(p: { sampleTypes: ValueType[] }, name: string): number {
  const i = p.sampleTypes.findIndex((s) => s.type === name);
  if (i < 0) throw new ProfileError(`unknown sample type '${name}' (valid: ${p.sampleTypes.map((s) => s.type).join(', ')})`);
  return i;
}

/** Line indexes whose file resolves to `path`. `resolved` is indexed by file id. */
export function linesInFile(agg: Aggregates, resolved: (string | null)[], path: string): number[] {
  const out: number[] = [];
  const { file, count } = agg.lines;
  for (let l = 0; l < count; l++) if (resolved[file[l]] === path) out.push(l);
  return out;
}

/** Allocation sizes made at line `l` (innermost frame), smallest first. */
export function sizeDistribution(agg: Pick<Aggregates, 'sampleTypes' | 'lineSamples'>, l: number): SizeBucket[] {
  const { start, input, sample, sources } = agg.lineSamples;
  const T = agg.sampleTypes.length;
  const bySize = new Map<number, number[]>();
  for (let e = start[l]; e < start[l + 1]; e++) {
    const src = sources[input[e]], i = sample[e];
    const size = src.bytes[i];
    let v = bySize.get(size);
    if (!v) { v = new Array<number>(T).fill(0); bySize.set(size, v); }
    for (let t = 0; t < T; t++) v[t] += src.scale * src.values[i * T + t];
  }
  return [...bySize].map(([size, values]) => ({ size, values })).sort((a, b) => a.size - b.size);
}

/**
 * The heaviest call paths reaching line `l` for sample type `t` (largest |value|
 * first, at most agg.topStackLimit), root first. A path's value is the line's
 * topmost occurrence's total, so recursion is not counted twice.
 */
export function topStacks(agg: Aggregates, l: number, t: number): StackSummary[] {
  return topStackNodes(agg, l, t).map(({ node, value }) => ({ value, frames: framesTo(agg, node) }));
}

/** topStacks as line-tree nodes: the node each path ends at, and its value. */
export function topStackNodes(agg: Aggregates, l: number, t: number): { node: number; value: number }[] {
  const K = agg.topStackLimit;
  const { start, node } = agg.lineNodes;
  const { parent, line, total } = agg.lineTree;
  const tot = total[t];
  const best: { n: number; v: number }[] = [];
  for (let e = start[l]; e < start[l + 1]; e++) {
    const n = node[e];
    const v = tot[n];
    if (v === 0) continue;
    if (best.length === K && Math.abs(best[K - 1].v) >= Math.abs(v)) continue;
    let topmost = true;
    for (let a = parent[n]; a > 0; a = parent[a]) if (line[a] === l) { topmost = false; break; }
    if (!topmost) continue;
    best.push({ n, v });
    best.sort((x, y) => Math.abs(y.v) - Math.abs(x.v));
    if (best.length > K) best.pop();
  }
  return best.map(({ n, v }) => ({ node: n, value: v }));
}

/** The frames from the root to line-tree node `node`. */
export function framesTo(agg: Aggregates, node: number): Frame[] {
  const frames: Frame[] = [];
  const { parent, line, inlined } = agg.lineTree;
  for (let n = node; n > 0; n = parent[n]) {
    const l = line[n];
    frames.push({
      name: agg.strings[agg.functions.name[agg.lines.fn[l]]],
      file: agg.files[agg.lines.file[l]],
      line: agg.lines.line[l],
      inlined: inlined[n] === 1,
    });
  }
  return frames.reverse();
}

export interface FunctionRow { name: string; flat: number; cum: number }

/** Functions with a non-zero value for sample type t, sorted by flat desc, then name (pprof -top). */
export function topFunctions(agg: Pick<Aggregates, 'functions' | 'strings'>, t: number): FunctionRow[] {
  const { count, name, flat, cum } = agg.functions;
  const rows: FunctionRow[] = [];
  for (let f = 0; f < count; f++) {
    if (flat[t][f] === 0 && cum[t][f] === 0) continue;
    rows.push({ name: agg.strings[name[f]], flat: flat[t][f], cum: cum[t][f] });
  }
  return rows.sort((a, b) => Math.abs(b.flat) - Math.abs(a.flat) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
