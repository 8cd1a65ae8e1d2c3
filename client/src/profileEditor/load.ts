// Decoding a profile file for the editor, once, in the extension host. Pure: bytes
// in, a tree for the webview or a one-line reason out; never throws.
import { aggregate } from '../../../server/src/profile/aggregate';
import { directTable, directTree, rootOnly, type DirectTable, type FlameAggregates } from '../../../server/src/profile/directFlame';
import type { Aggregates, CallTree, Profile } from '../../../server/src/profile/model';
import { decodeOpened, openProfile, openTables, type SampleBytesProfile } from '../../../server/src/profile/open';
import type { FlameTree, ProfileMeta, ToWebview } from '../../../server/src/protocol/webview';
import { MAX_FLAME_NODES, profileMeta, singleTree, toFlameTree } from './flameTree';

export interface LoadedProfile {
  source: string;
  profile: Profile;
  agg: Aggregates;
}

export type LoadResult = LoadedProfile | { source: string; error: string };

export function loadProfile(bytes: Uint8Array, source: string): LoadResult {
  if (bytes.length === 0) return { source, error: `${source} is empty (0 bytes): not a pprof profile.` };
  try {
    const profile = openProfile(bytes, { origin: source });
    if (profile.sampleTypes.length === 0) return { source, error: `${source} has no sample types: not a pprof profile.` };
    return { source, profile, agg: aggregate(profile) };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { source, error: `Cannot read ${source} as a pprof profile: ${why}` };
  }
}

export function isLoaded(r: LoadResult): r is LoadedProfile {
  return 'agg' in r;
}

/** Why two profiles cannot be compared, or undefined when they can. */
export function incompatible(cur: LoadedProfile, base: LoadedProfile): string | undefined {
  const a = cur.profile.sampleTypes.map((s) => `${s.type}/${s.unit}`).join(', ');
  const b = base.profile.sampleTypes.map((s) => `${s.type}/${s.unit}`).join(', ');
  return a === b ? undefined : `Cannot compare: ${base.source} has sample types [${b}], this profile has [${a}].`;
}

/** The message that (re)draws the webview: the profile, or the diff against a base. */
export function profileMessage(cur: LoadResult, base?: LoadedProfile): ToWebview {
  if (!isLoaded(cur)) return { type: 'error', message: cur.error };
  return treeMessage(profileMeta(cur.profile, cur.source, base?.source), toFlameTree(cur.agg, base?.agg));
}

type FlameResult = { message: ToWebview; files: string[] } | LoadResult;

/**
 * One profile's message in two steps: `table()` (when the samples can be read where
 * they lie) is the header and every function's flat and cum, shown while `finish()`
 * builds the call tree. A million-sample profile's table is ready in a third of the
 * time its tree takes.
 */
export interface FlameSteps {
  table(): { message: ToWebview; files: string[] } | undefined;
  finish(): FlameResult;
}

/**
 * One plain pprof protobuf's message straight from its bytes (directFlame.ts: no
 * stack decoded), with the files its frames name. Otherwise the profile loaded the
 * ordinary way, from the tables already read when there are some (not inflated
 * twice), which also says what is wrong with a bad file.
 */
export function flameSteps(bytes: Uint8Array, source: string, maxNodes = MAX_FLAME_NODES): FlameSteps {
  let tables: SampleBytesProfile | null = null;
  let table: DirectTable | null = null;
  try {
    tables = openTables(bytes, { origin: source });
    table = tables && tables.profile.sampleTypes.length > 0 ? directTable(tables) : null;
  } catch {
    tables = null;
  }
  const meta = (d: { profile: Profile; sampleCount: number }) => profileMeta(d.profile, source, undefined, d.sampleCount);
  return {
    table: () => {
      if (!table) return undefined;
      return { message: { type: 'profile', meta: meta(table), tree: singleTree(table.agg, rootOnly(table)), building: true }, files: table.agg.files.slice() };
    },
    finish: () => {
      try {
        const d = table && directTree(table, maxNodes);
        if (d) return { message: treeMessage(meta(d), singleTree(d.agg, d.heavy)), files: d.agg.files.slice() };
      } catch {
        // The ordinary path decides.
      }
      if (tables && tables.profile.sampleTypes.length > 0) {
        try {
          const profile = decodeOpened(tables, { origin: source });
          const agg = aggregate(profile);
          // The first pass's table is this profile's, numbered alike: not summed again
          // (a quarter of the ordinary path's time on deep, more on random stacks).
          if (!table) return { source, profile, agg };
          const heavy = agg.heavyTree(maxNodes);
          const flame: FlameAggregates = sameNumbering(table.agg, agg, heavy.tree)
            ? { sampleTypes: agg.sampleTypes, strings: agg.strings, files: agg.files, functions: table.agg.functions } : agg;
          return { message: treeMessage(profileMeta(profile, source), singleTree(flame, heavy)), files: agg.files.slice() };
        } catch {
          // Said in loadProfile's words below.
        }
      }
      return loadProfile(bytes, source);
    },
  };
}

/**
 * Whether the table's function ids mean what the tree's do: the same names and files,
 * and every frame's function named alike in the table. Both number a profile's
 * functions the same way (directAggregate.ts); checked rather than assumed, since a
 * table under the wrong names would be a wrong table.
 */
function sameNumbering(a: FlameAggregates, b: Pick<Aggregates, 'strings' | 'files'>, tree: CallTree): boolean {
  const eq = <T>(x: ArrayLike<T>, y: ArrayLike<T>) => {
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  if (!eq(a.strings, b.strings) || !eq(a.files, b.files)) return false;
  const { count, name } = a.functions;
  for (let v = 1; v < tree.count; v++) {
    const f = tree.fn[v];
    if (!(f >= 0 && f < count) || name[f] !== tree.name[v]) return false;
  }
  return true;
}

export function loadForFlame(bytes: Uint8Array, source: string, maxNodes = MAX_FLAME_NODES): FlameResult {
  return flameSteps(bytes, source, maxNodes).finish();
}

function treeMessage(meta: ProfileMeta, tree: FlameTree): ToWebview {
  if (tree.hidden) meta.notes = [...meta.notes ?? [], leftOutNote(tree.parent.length, tree.hidden.share)];
  return { type: 'profile', meta, tree };
}

function leftOutNote(drawn: number, share: number | undefined): string {
  const small = share === undefined ? 'the others' : share > 0 ? `frames of at most ${percent(share)} of the total` : 'frames with no value';
  return `drawing the ${(drawn - 1).toLocaleString('en-US')} heaviest frames; ${small} are left out of the graph (their callers' widths and the table still include them)`;
}

/** A small share with two significant digits: 0.0042%. */
function percent(share: number): string {
  const p = share * 100;
  return `${p >= 1 ? p.toFixed(1) : p.toPrecision(2)}%`;
}
