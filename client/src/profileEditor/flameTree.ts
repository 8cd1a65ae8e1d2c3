// Engine aggregates -> the compact tree the webview draws (and the union tree of
// two profiles when comparing). Pure: no vscode, so unit tests import it.
import type { Aggregates, CallTree, Profile } from '../../../server/src/profile/model';
import type { FlameAggregates } from '../../../server/src/profile/directFlame';
import type { HeavyTree } from '../../../server/src/profile/heavyTree';
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
 * One profile: the engine's tree, already merged per function and cut to the
 * heaviest frames with their callers (heavyTree.ts, or trieByRuns.ts straight from
 * the bytes), reordered into preorder (siblings by name) with compact string tables.
 * What the frames left out held per function travels as `hidden`, so the table
 * stays exact. Typed arrays and integer name ranks throughout: this runs on 100k+
 * node trees.
 */
export function singleTree(agg: FlameAggregates, { tree: tr, complete, leftOutShare }: HeavyTree): FlameTree {
  const types = agg.sampleTypes.length;
  const names: string[] = ['total'];
  const files: string[] = [''];
  const nameMap = new Map<number, number>();
  const fileMap = new Map<number, number>();
  const nameIndex = (id: number): number => {
    let k = nameMap.get(id);
    if (k === undefined) { k = names.length; names.push(id >= 0 ? agg.strings[id] : '?'); nameMap.set(id, k); }
    return k;
  };
  const n = tr.count;
  const nameOf = new Int32Array(n);
  const fileOf = new Int32Array(n);
  for (let v = 1; v < n; v++) {
    nameOf[v] = nameIndex(tr.name[v]);
    let f = fileMap.get(tr.file[v]);
    if (f === undefined) { f = files.length; files.push(tr.file[v] >= 0 ? agg.files[tr.file[v]] ?? '' : ''); fileMap.set(tr.file[v], f); }
    fileOf[v] = f;
  }
  const hidden = complete ? undefined : hiddenByFunction(agg, tr, leftOutShare, nameIndex);
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
  const newIndex = new Int32Array(n);
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
    for (let c = tr.firstChild[v]; c !== -1; c = tr.nextSibling[c]) kids.push(c);
    if (kids.length > 1) kids.sort((a, b) => rank[nameOf[a]] - rank[nameOf[b]] || tr.line[a] - tr.line[b] || a - b);
    for (let k = kids.length - 1; k >= 0; k--) stack[sp++] = kids[k];
  }
  for (let i = n - 1; i > 0; i--) out.size[out.parent[i]] += out.size[i];
  return { names, files, ...out, cum, self, ...(hidden ? { hidden } : {}) };
}

/**
 * What the frames left out hold per function: the whole profile's flat and cum
 * (agg.functions: cum once per sample) less what the drawn frames show, where a
 * drawn frame counts toward cum when no caller on its path is the same function.
 */
function hiddenByFunction(agg: FlameAggregates, tr: CallTree, share: number | undefined, nameIndex: (id: number) => number): NonNullable<FlameTree['hidden']> {
  const fns = agg.functions;
  const types = agg.sampleTypes.length;
  const F = fns.count;
  const flat = fns.flat.map((a) => a.slice()), cum = fns.cum.map((a) => a.slice());
  const onPath = new Int32Array(F);
  // Depth first with exit markers (~v).
  const stack = new Int32Array(2 * tr.count);
  let sp = 0;
  for (let c = tr.firstChild[0]; c !== -1; c = tr.nextSibling[c]) stack[sp++] = c;
  while (sp > 0) {
    const v = stack[--sp];
    if (v < 0) { onPath[tr.fn[~v]]--; continue; }
    const f = tr.fn[v];
    for (let t = 0; t < types; t++) {
      flat[t][f] -= tr.self[t][v];
      if (onPath[f] === 0) cum[t][f] -= tr.total[t][v];
    }
    onPath[f]++;
    stack[sp++] = ~v;
    for (let c = tr.firstChild[v]; c !== -1; c = tr.nextSibling[c]) stack[sp++] = c;
  }
  const rows: number[] = [];
  for (let f = 0; f < F; f++) {
    for (let t = 0; t < types; t++) if (flat[t][f] !== 0 || cum[t][f] !== 0) { rows.push(f); break; }
  }
  return {
    ...(share !== undefined ? { share } : {}),
    name: Int32Array.from(rows, (f) => nameIndex(fns.name[f])),
    flat: flat.map((a) => Float64Array.from(rows, (f) => a[f])),
    cum: cum.map((a) => Float64Array.from(rows, (f) => a[f])),
  };
}

/** The tree for one profile, or the union tree of `current` and `base` when comparing. */
export function toFlameTree(current: Aggregates, base?: Aggregates, maxNodes = MAX_FLAME_NODES): FlameTree {
  if (!base) return singleTree(current, current.heavyTree(maxNodes));
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

/** `sampleCount`: when the samples were read where they lie and never decoded into p. */
export function profileMeta(p: Profile, source: string, baseSource?: string, sampleCount = p.samples.count): ProfileMeta {
  const meta: ProfileMeta = {
    source,
    kind: profileKind(p),
    periodType: p.periodType,
    period: p.period,
    timeMs: p.timeNanos ? p.timeNanos / 1e6 : 0,
    durationNanos: p.durationNanos,
    sampleTypes: p.sampleTypes.map((s) => ({ type: s.type, unit: s.unit })),
    defaultSampleType: p.defaultSampleType,
    sampleCount,
  };
  if (baseSource !== undefined) meta.baseSource = baseSource;
  if (p.source?.legacy) meta.format = p.source.format;
  if (p.source?.notes.length) meta.notes = [...p.source.notes];
  return meta;
}
