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

/** The tree for one profile, or the union tree of `current` and `base` when comparing. */
export function toFlameTree(current: Aggregates, base?: Aggregates): FlameTree {
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
  return meta;
}
