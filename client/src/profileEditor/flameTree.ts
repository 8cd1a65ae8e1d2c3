// Engine aggregates -> the compact tree the webview draws (and the union tree of
// two profiles when comparing). Pure: no vscode, so unit tests import it.
import type { Aggregates, Profile } from '../../../server/src/profile/model';
import type { FlameTree, ProfileMeta } from '../../../server/src/protocol/webview';
import { TreeBuilder } from '../../../media/src/flamegraph/treeBuild';

function addAggregates(b: TreeBuilder, agg: Aggregates, base: boolean): void {
  const tree = agg.tree;
  const types = agg.sampleTypes.length;
  const mapped = new Int32Array(tree.count);
  const cum = new Float64Array(types);
  const self = new Float64Array(types);
  const frameOf = new Map<number, number>(); // engine (name, file) pair -> builder frame
  // Children have larger indexes than parents, so one forward pass maps parents first.
  for (let n = 0; n < tree.count; n++) {
    if (n > 0) {
      const nameId = tree.name[n];
      const fileId = tree.file[n];
      const key = nameId * 1048576 + (fileId + 1);
      let f = frameOf.get(key);
      if (f === undefined) {
        f = b.frame(nameId >= 0 ? agg.strings[nameId] : '?', fileId >= 0 ? agg.files[fileId] ?? '' : '', tree.line[n] || 0);
        frameOf.set(key, f);
      }
      mapped[n] = b.child(mapped[tree.parent[n]], f);
    }
    for (let t = 0; t < types; t++) { cum[t] = tree.total[t][n]; self[t] = tree.self[t][n]; }
    b.addValues(mapped[n], cum, self, base);
  }
}

/**
 * Frames drawn at most. The webview lays out and draws 150,000 nodes within a frame
 * (docs/benchmarks.md); a million deep, distinct stacks make millions of nodes, most
 * far below a pixel, and copying them to the webview cost more than everything else.
 */
export const MAX_FLAME_NODES = 150_000;

/**
 * One profile: the engine's tree is already merged per function, so it only needs
 * reordering into preorder (siblings by name) and compacting the string tables;
 * past `maxNodes`, only the heaviest frames (with their callers) are kept, and what
 * the rest held per function travels as `hidden`, so the table stays exact.
 * Typed arrays and integer name ranks throughout: this runs on 100k+ node trees.
 */
function singleTree(agg: Aggregates, maxNodes: number): FlameTree {
  const tr = agg.tree;
  const types = agg.sampleTypes.length;
  const keep = tr.count > maxNodes ? heaviest(tr, types, maxNodes) : null;
  const names: string[] = ['total'];
  const files: string[] = [''];
  const nameMap = new Map<number, number>();
  const fileMap = new Map<number, number>();
  const nameIndex = (id: number): number => {
    let k = nameMap.get(id);
    if (k === undefined) { k = names.length; names.push(id >= 0 ? agg.strings[id] : '?'); nameMap.set(id, k); }
    return k;
  };
  const nameOf = new Int32Array(tr.count);
  const fileOf = new Int32Array(tr.count);
  let n = 1;
  for (let v = 1; v < tr.count; v++) {
    if (keep && !keep[v]) continue;
    n++;
    nameOf[v] = nameIndex(tr.name[v]);
    let f = fileMap.get(tr.file[v]);
    if (f === undefined) { f = files.length; files.push(tr.file[v] >= 0 ? agg.files[tr.file[v]] ?? '' : ''); fileMap.set(tr.file[v], f); }
    fileOf[v] = f;
  }
  const hidden = keep ? hiddenByFunction(tr, keep, types, agg.strings.length, nameIndex) : undefined;
  // Rank of each name in sort order, so sibling sorting compares integers.
  const byName = Array.from(names.keys()).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  const rank = new Int32Array(names.length);
  byName.forEach((id, r) => { rank[id] = r; });
  const out = {
    name: new Int32Array(n), file: new Int32Array(n), line: new Int32Array(n),
    parent: new Int32Array(n), size: new Int32Array(n).fill(1),
  };
  const cum = Array.from({ length: types }, () => new Float64Array(n));
  const self = Array.from({ length: types }, () => new Float64Array(n));
  const newIndex = new Int32Array(tr.count);
  const stack = new Int32Array(n);
  let sp = 0;
  stack[sp++] = 0;
  let next = 0;
  const kids: number[] = [];
  while (sp > 0) {
    const v = stack[--sp];
    const i = next++;
    newIndex[v] = i;
    out.name[i] = nameOf[v]; out.file[i] = fileOf[v]; out.line[i] = v > 0 ? tr.line[v] || 0 : 0;
    out.parent[i] = v > 0 ? newIndex[tr.parent[v]] : -1;
    for (let t = 0; t < types; t++) { cum[t][i] = tr.total[t][v]; self[t][i] = tr.self[t][v]; }
    kids.length = 0;
    for (let c = tr.firstChild[v]; c !== -1; c = tr.nextSibling[c]) if (!keep || keep[c]) kids.push(c);
    if (kids.length > 1) kids.sort((a, b) => rank[nameOf[a]] - rank[nameOf[b]] || tr.line[a] - tr.line[b]);
    for (let k = kids.length - 1; k >= 0; k--) stack[sp++] = kids[k];
  }
  for (let i = n - 1; i > 0; i--) out.size[out.parent[i]] += out.size[i];
  return { names, files, ...out, cum, self, ...(hidden ? { hidden } : {}) };
}

/**
 * The at most `maxNodes` heaviest nodes, with every caller of a kept node kept.
 * A node's weight is its largest share of a sample type's total (absolute values,
 * so diffs work too); the cut falls between 2^(1/8)-wide weight buckets.
 */
function heaviest(tr: Aggregates['tree'], types: number, maxNodes: number): Uint8Array {
  const whole = new Float64Array(types);
  for (let t = 0; t < types; t++) { let s = 0; for (let v = 0; v < tr.count; v++) s += Math.abs(tr.self[t][v]); whole[t] = s || 1; }
  const BUCKETS = 1024;
  const bucket = new Int16Array(tr.count);
  const perBucket = new Int32Array(BUCKETS);
  for (let v = 1; v < tr.count; v++) {
    let w = 0;
    for (let t = 0; t < types; t++) w = Math.max(w, Math.abs(tr.total[t][v]) / whole[t]);
    const b = w > 0 ? Math.min(BUCKETS - 1, Math.floor(-Math.log2(w) * 8)) : BUCKETS - 1;
    bucket[v] = b;
    perBucket[b]++;
  }
  let cut = 0, kept = 1;
  while (cut < BUCKETS && kept + perBucket[cut] <= maxNodes) kept += perBucket[cut++];
  const keep = new Uint8Array(tr.count);
  keep[0] = 1;
  for (let v = tr.count - 1; v >= 1; v--) if (bucket[v] < cut) keep[v] = 1;
  // Callers of kept frames (a diff's parent can weigh less than its child).
  for (let v = tr.count - 1; v >= 1; v--) if (keep[v]) keep[tr.parent[v]] = 1;
  return keep;
}

/**
 * What the frames left out hold per function: flat (their own values) and cum (where
 * no caller on the path is the same function, as the table counts it).
 */
function hiddenByFunction(tr: Aggregates['tree'], keep: Uint8Array, types: number, strings: number, nameIndex: (id: number) => number): NonNullable<FlameTree['hidden']> {
  // Per string id (names are interned): times on the current path, and row of the result (−1: none).
  const onPath = new Int32Array(strings + 1);
  const rowOf = new Int32Array(strings + 1).fill(-1);
  const ids: number[] = [];
  const flat: number[][] = Array.from({ length: types }, () => []);
  const cum: number[][] = Array.from({ length: types }, () => []);
  let frames = 0;
  // Depth first with exit markers (~v): a node is outermost when its function is not on the path above it.
  const stack = new Int32Array(2 * tr.count);
  let sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const v = stack[--sp];
    if (v < 0) { onPath[tr.name[~v] + 1]--; continue; }
    if (v > 0) {
      const id = tr.name[v] + 1; // −1 (no name) becomes 0
      const depth = onPath[id];
      if (!keep[v]) {
        frames++;
        let r = rowOf[id];
        if (r === -1) { r = rowOf[id] = ids.length; ids.push(id - 1); for (let t = 0; t < types; t++) { flat[t].push(0); cum[t].push(0); } }
        for (let t = 0; t < types; t++) {
          flat[t][r] += tr.self[t][v];
          if (depth === 0) cum[t][r] += tr.total[t][v];
        }
      }
      onPath[id] = depth + 1;
      stack[sp++] = ~v;
    }
    for (let c = tr.firstChild[v]; c !== -1; c = tr.nextSibling[c]) stack[sp++] = c;
  }
  const name = Int32Array.from(ids, nameIndex);
  return { frames, name, flat: flat.map((a) => Float64Array.from(a)), cum: cum.map((a) => Float64Array.from(a)) };
}

/** The tree for one profile, or the union tree of `current` and `base` when comparing. */
export function toFlameTree(current: Aggregates, base?: Aggregates, maxNodes = MAX_FLAME_NODES): FlameTree {
  if (!base) return singleTree(current, maxNodes);
  const b = new TreeBuilder(current.sampleTypes.length);
  addAggregates(b, current, false);
  if (base) addAggregates(b, base, true);
  return b.build('total');
}

/** A name for what kind of profile this is, from its sample types. */
export function profileKind(p: Pick<Profile, 'sampleTypes' | 'periodType'>): string {
  const types = p.sampleTypes.map((s) => s.type);
  if (types.includes('inuse_space') || types.includes('alloc_space')) return 'heap';
  if (p.periodType?.type === 'cpu' || types.includes('cpu')) return 'cpu';
  if (types.includes('contentions')) return 'mutex/block';
  return p.periodType?.type || types.join(', ') || 'profile';
}

export function profileMeta(p: Profile, source: string, baseSource?: string): ProfileMeta {
  const meta: ProfileMeta = {
    source,
    kind: profileKind(p),
    periodType: p.periodType,
    period: p.period,
    timeMs: p.timeNanos ? p.timeNanos / 1e6 : 0,
    durationNanos: p.durationNanos,
    sampleTypes: p.sampleTypes.map((s) => ({ type: s.type, unit: s.unit })),
    defaultSampleType: p.defaultSampleType,
    sampleCount: p.samples.count,
  };
  if (baseSource !== undefined) meta.baseSource = baseSource;
  if (p.source?.legacy) meta.format = p.source.format;
  if (p.source?.notes.length) meta.notes = [...p.source.notes];
  return meta;
}
