// current − base, per function, line and tree node, for profiles of the same kind.
// `diffProfiles` keeps both profiles for the trees and lines (the language server's
// overlays); `diffFunctions` is what `heaplens diff` needs: each profile reduced to
// per-function vectors of the one sample type printed, never two decoded profiles
// (two million-sample profiles at once were 420+ MB; read directly, each is ~70).
import { aggregateMany } from './aggregate';
import { ProfileError, type AggregateOptions, type Aggregates, type FlatCumAggregates, type Profile, type ValueType } from './model';
import type { FunctionRow } from './query';

export function diffProfiles(base: Profile, current: Profile, opts: AggregateOptions = {}): Aggregates {
  checkSameTypes(base.sampleTypes, current.sampleTypes);
  return aggregateMany([{ profile: base, scale: -1 }, { profile: current, scale: 1 }], opts, true);
}

function checkSameTypes(base: ValueType[], current: ValueType[]): void {
  const describe = (s: ValueType[]) => s.map((v) => `${v.type}/${v.unit}`).join(', ');
  if (describe(base) !== describe(current)) {
    throw new ProfileError(`cannot diff profiles with different sample types (base: ${describe(base)}; current: ${describe(current)})`);
  }
}

/** A profile reduced to what `top` prints: per function name, flat and cum for every sample type. */
export interface FunctionVectors extends Pick<Aggregates, 'sampleTypes' | 'defaultSampleType' | 'period' | 'periodType' | 'isDiff' | 'totals'> {
  names: string[];
  /** One array per sample type, indexed like `names`. */
  flat: Float64Array[];
  cum: Float64Array[];
}

/** The per-function vectors of one profile's aggregates; nothing else of them stays reachable. */
export function functionVectors(agg: FlatCumAggregates): FunctionVectors {
  const { count, name, flat, cum } = agg.functions;
  const names = new Array<string>(count);
  for (let f = 0; f < count; f++) names[f] = agg.strings[name[f]];
  return {
    sampleTypes: agg.sampleTypes, defaultSampleType: agg.defaultSampleType, period: agg.period, periodType: agg.periodType,
    isDiff: false, totals: agg.totals, names, flat, cum,
  };
}

/**
 * current − base per function name (as `diffProfiles(...).functions`), the current
 * profile loaded and reduced first; `loadBase` is given its vectors (their sample
 * types pick what the base sums) and returns the base's, reduced as it likes (the
 * CLI reads it on another thread meanwhile). ProfileError when the sample types
 * differ. `between` runs in between (the CLI collects garbage there).
 */
export async function diffFunctions(loadCurrent: () => Promise<FlatCumAggregates>, loadBase: (current: FunctionVectors) => Promise<FunctionVectors>, between?: () => void): Promise<FunctionVectors> {
  // In a frame of its own that ends before the base is read: a suspended async frame
  // may keep the awaited profile alive.
  const cur = await reduced(loadCurrent);
  between?.();
  return subtractVectors(await loadBase(cur), cur);
}

async function reduced(load: () => Promise<FlatCumAggregates>): Promise<FunctionVectors> {
  return functionVectors(await load());
}

/**
 * cur − base, matched by function name; the metadata is the current profile's.
 * Only the sample types both have flat and cum for are subtracted (the CLI sums one).
 */
export function subtractVectors(base: FunctionVectors, cur: FunctionVectors): FunctionVectors {
  checkSameTypes(base.sampleTypes, cur.sampleTypes);
  const T = cur.sampleTypes.length;
  const index = new Map<string, number>();
  const names: string[] = [];
  // Base names first, as diffProfiles meets them.
  const slotOf = (n: string): number => {
    let i = index.get(n);
    if (i === undefined) { i = names.length; names.push(n); index.set(n, i); }
    return i;
  };
  const baseSlot = base.names.map(slotOf), curSlot = cur.names.map(slotOf);
  const N = names.length;
  const flat = new Array<Float64Array>(T), cum = new Array<Float64Array>(T);
  for (let t = 0; t < T; t++) {
    if (!base.flat[t] || !cur.flat[t]) continue;
    const fl = (flat[t] = new Float64Array(N)), cu = (cum[t] = new Float64Array(N));
    for (let f = 0; f < baseSlot.length; f++) { fl[baseSlot[f]] -= base.flat[t][f]; cu[baseSlot[f]] -= base.cum[t][f]; }
    for (let f = 0; f < curSlot.length; f++) { fl[curSlot[f]] += cur.flat[t][f]; cu[curSlot[f]] += cur.cum[t][f]; }
  }
  const totals = new Float64Array(T);
  for (let t = 0; t < T; t++) totals[t] = -base.totals[t] + cur.totals[t];
  return { ...cur, isDiff: true, totals, names, flat, cum };
}

/** Functions with a non-zero value for sample type t, sorted as `topFunctions` (|flat| desc, then name). */
export function vectorRows(v: FunctionVectors, t: number): FunctionRow[] {
  const rows: FunctionRow[] = [];
  for (let f = 0; f < v.names.length; f++) {
    if (v.flat[t][f] === 0 && v.cum[t][f] === 0) continue;
    rows.push({ name: v.names[f], flat: v.flat[t][f], cum: v.cum[t][f] });
  }
  return rows.sort((a, b) => Math.abs(b.flat) - Math.abs(a.flat) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
