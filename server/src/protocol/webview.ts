// The one declaration of every message between the flamegraph webview and the
// extension host. Both ends switch on `type` exhaustively; anything arriving from
// the other side goes through the validators below first, because a webview is
// an untrusted boundary (and a stale webview can outlive an extension reload).
//
// This file is compiled twice (root tsconfig and media/tsconfig.json): it must use
// neither DOM nor Node types.

/** One sample type of the profile, e.g. alloc_space/bytes. */
export interface SampleTypeInfo {
  type: string;
  unit: string;
}

/**
 * The call tree the webview draws: struct-of-arrays, nodes in preorder, so a node's
 * subtree is the contiguous range [i, i + size[i]). Node 0 is the synthetic root.
 * Values are indexed [sampleType][node]. Only aggregated nodes cross the boundary,
 * never individual samples.
 */
export interface FlameTree {
  /** Function names, file names: shared string tables. */
  names: string[];
  files: string[];
  /** Per node: index into names / files, source line (0 = unknown). */
  name: Int32Array;
  file: Int32Array;
  line: Int32Array;
  /** Per node: parent index (-1 for the root) and subtree size (including itself). */
  parent: Int32Array;
  size: Int32Array;
  /** [sampleType][node]: inclusive (cum) and exclusive (flat) values. */
  cum: Float64Array[];
  self: Float64Array[];
  /** Present when comparing: the base profile's values on the same (union) tree. */
  baseCum?: Float64Array[];
  baseSelf?: Float64Array[];
  /**
   * Present when only the heaviest frames were sent: the largest share of a sample
   * type's total that a frame left out holds (0..1; absent when not known, for
   * profiles with negative values), and per function (index into names) the flat and
   * cum the left-out frames hold, so the table adds up.
   */
  hidden?: { share?: number; name: Int32Array; flat: Float64Array[]; cum: Float64Array[] };
}

/** What the header shows about the profile. */
export interface ProfileMeta {
  /** Where it came from: a file path or a URL. */
  source: string;
  /** e.g. "heap", "allocs", "cpu"; from the period type. */
  kind: string;
  periodType: SampleTypeInfo | null;
  period: number;
  /** Wall-clock time of collection in ms since epoch, 0 when unknown. */
  timeMs: number;
  durationNanos: number;
  sampleTypes: SampleTypeInfo[];
  defaultSampleType: number;
  /** Number of samples in the profile (they never cross the boundary). */
  sampleCount: number;
  /** When comparing: where the base profile came from. */
  baseSource?: string;
  /** The input's format when it is not protobuf, e.g. "Go heap profile (debug=1 text)". */
  format?: string;
  /** One-line remarks: a delta's length, missing symbols. */
  notes?: string[];
}

// ---- extension -> webview ----

export type ToWebview =
  /**
   * `building`: the tree is the root alone, with every function in `hidden` (the
   * table is complete); the call tree follows in the next 'profile' message.
   */
  | { type: 'profile'; meta: ProfileMeta; tree: FlameTree; building?: boolean }
  | { type: 'error'; message: string }
  | { type: 'notice'; message: string };

// ---- webview -> extension ----

export type FromWebview =
  | { type: 'ready' }
  | { type: 'openSource'; file: string; line: number; name: string }
  | { type: 'pickBase' }
  | { type: 'clearBase' };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isStr = (x: unknown): x is string => typeof x === 'string';
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/** Validates a message posted by the webview; undefined when it is not one of ours. */
export function parseFromWebview(x: unknown): FromWebview | undefined {
  if (!isObj(x) || !isStr(x.type)) return undefined;
  const t = x.type as FromWebview['type'];
  switch (t) {
    case 'ready':
    case 'pickBase':
    case 'clearBase':
      return { type: t };
    case 'openSource':
      if (!isStr(x.file) || !isInt(x.line) || x.line < 0 || !isStr(x.name)) return undefined;
      return { type: t, file: x.file, line: x.line, name: x.name };
    default: {
      const never: never = t;
      void never;
      return undefined;
    }
  }
}

// Typed arrays survive VS Code's postMessage; plain arrays are accepted too so the
// page also works when a host serialises through JSON.
function int32(x: unknown, n: number): Int32Array | undefined {
  if (x instanceof Int32Array) return x.length === n ? x : undefined;
  if (Array.isArray(x) && x.length === n && x.every(isInt)) return Int32Array.from(x as number[]);
  return undefined;
}
function float64(x: unknown, n: number): Float64Array | undefined {
  if (x instanceof Float64Array) return x.length === n ? x : undefined;
  if (Array.isArray(x) && x.length === n && x.every((v) => typeof v === 'number')) return Float64Array.from(x as number[]);
  return undefined;
}
function float64s(x: unknown, types: number, n: number): Float64Array[] | undefined {
  if (!Array.isArray(x) || x.length !== types) return undefined;
  const out: Float64Array[] = [];
  for (const a of x) {
    const f = float64(a, n);
    if (!f) return undefined;
    out.push(f);
  }
  return out;
}

/** Validates the tree's shape: lengths agree, indexes are in range, preorder holds. */
export function validateTree(x: unknown, sampleTypes: number): FlameTree | string {
  if (!isObj(x)) return 'tree is not an object';
  if (!Array.isArray(x.names) || !x.names.every(isStr)) return 'names table is not a list of strings';
  if (!Array.isArray(x.files) || !x.files.every(isStr)) return 'files table is not a list of strings';
  const parentRaw = x.parent;
  const n = parentRaw instanceof Int32Array || Array.isArray(parentRaw) ? parentRaw.length : -1;
  if (n < 1) return 'tree has no root';
  const parent = int32(parentRaw, n);
  const size = int32(x.size, n);
  const name = int32(x.name, n);
  const file = int32(x.file, n);
  const line = int32(x.line, n);
  if (!parent || !size || !name || !file || !line) return 'tree arrays have different lengths';
  const cum = float64s(x.cum, sampleTypes, n);
  const self = float64s(x.self, sampleTypes, n);
  if (!cum || !self) return 'value arrays do not match the sample types';
  const names = x.names as string[];
  const files = x.files as string[];
  if (parent[0] !== -1 || size[0] !== n) return 'node 0 is not the root of the whole tree';
  for (let i = 1; i < n; i++) {
    const p = parent[i];
    if (p < 0 || p >= i || i + size[i] > p + size[p] || size[i] < 1) return `node ${i} breaks preorder`;
    if (name[i] < 0 || name[i] >= names.length || file[i] < 0 || file[i] >= files.length) return `node ${i} names a missing string`;
  }
  const tree: FlameTree = { names, files, name, file, line, parent, size, cum, self };
  if (x.baseCum !== undefined || x.baseSelf !== undefined) {
    const baseCum = float64s(x.baseCum, sampleTypes, n);
    const baseSelf = float64s(x.baseSelf, sampleTypes, n);
    if (!baseCum || !baseSelf) return 'base value arrays do not match the sample types';
    tree.baseCum = baseCum;
    tree.baseSelf = baseSelf;
  }
  if (x.hidden !== undefined) {
    const h = x.hidden;
    if (!isObj(h) || (h.share !== undefined && !(typeof h.share === 'number' && h.share >= 0 && h.share <= 1))) return 'hidden frames with a share that is not a fraction';
    const rows = h.name instanceof Int32Array || Array.isArray(h.name) ? h.name.length : -1;
    const hName = int32(h.name, rows);
    const flat = float64s(h.flat, sampleTypes, rows);
    const hCum = float64s(h.cum, sampleTypes, rows);
    if (!hName || !flat || !hCum) return 'hidden frames\' values do not match the sample types';
    for (let i = 0; i < rows; i++) if (hName[i] < 0 || hName[i] >= names.length) return 'hidden frames name a missing string';
    tree.hidden = { ...(h.share !== undefined ? { share: h.share as number } : {}), name: hName, flat, cum: hCum };
  }
  return tree;
}

function validateMeta(x: unknown): ProfileMeta | string {
  if (!isObj(x)) return 'meta is not an object';
  const st = x.sampleTypes;
  if (!Array.isArray(st) || st.length === 0 || !st.every((s) => isObj(s) && isStr(s.type) && isStr(s.unit))) return 'no sample types';
  if (!isStr(x.source) || !isStr(x.kind)) return 'meta lacks source or kind';
  if (!isInt(x.defaultSampleType) || x.defaultSampleType < 0 || x.defaultSampleType >= st.length) return 'default sample type out of range';
  for (const k of ['period', 'timeMs', 'durationNanos', 'sampleCount'] as const) if (typeof x[k] !== 'number') return `meta.${k} is not a number`;
  const pt = x.periodType;
  if (pt !== null && !(isObj(pt) && isStr(pt.type) && isStr(pt.unit))) return 'bad period type';
  if (x.baseSource !== undefined && !isStr(x.baseSource)) return 'bad base source';
  if (x.format !== undefined && !isStr(x.format)) return 'bad format';
  if (x.notes !== undefined && !(Array.isArray(x.notes) && x.notes.every(isStr))) return 'bad notes';
  return x as unknown as ProfileMeta;
}

/** Validates a message from the extension; a string is the reason it was rejected. */
export function parseToWebview(x: unknown): ToWebview | string {
  if (!isObj(x) || !isStr(x.type)) return 'message without a type';
  const t = x.type as ToWebview['type'];
  switch (t) {
    case 'error':
    case 'notice':
      return isStr(x.message) ? { type: t, message: x.message } : `${t} without a message`;
    case 'profile': {
      const meta = validateMeta(x.meta);
      if (typeof meta === 'string') return meta;
      const tree = validateTree(x.tree, meta.sampleTypes.length);
      if (typeof tree === 'string') return tree;
      return x.building === true ? { type: t, meta, tree, building: true } : { type: t, meta, tree };
    }
    default: {
      const never: never = t;
      void never;
      return `unknown message type ${String(x.type)}`;
    }
  }
}
