// The heap-profile model: what a pprof file says, decoded once into compact typed
// arrays, and the aggregates the flamegraph, the line overlays and the CLI read.
// Pure: bytes in, plain data out. No vscode or language-server imports.
//
// ── How consumers use it ───────────────────────────────────────────────────────
//
//   import { decodeProfile } from './decode';
//   import { aggregate } from './aggregate';
//   const profile = decodeProfile(bytes);           // throws ProfileError on bad input
//   const agg = aggregate(profile);                  // all sample types at once
//   const t = agg.defaultSampleType;                 // index into agg.sampleTypes
//
// Flamegraph (webview): `agg.tree` is a struct-of-arrays call tree. Node 0 is the
//   synthetic root (name -1, total = whole profile). For node n:
//     name:   agg.strings[agg.tree.name[n]]         (function name; inlined frames are
//                                                    nodes of their own, inlined[n] = 1)
//     file:   agg.files[agg.tree.file[n]]  line: agg.tree.line[n]
//     width:  agg.tree.total[t][n]   self: agg.tree.self[t][n]
//     children: for (let c = tree.firstChild[n]; c !== -1; c = tree.nextSibling[c])
//   Children always have a larger index than their parent, so one forward loop
//   visits parents first. `treeToJSON`-style copying is unnecessary: the typed
//   arrays transfer to a webview with postMessage as they are.
//   `agg.tree`, `agg.lineTree` and `agg.lineNodes` are getters that build the trees
//   on first access (a million-node tree takes a while); copy the arrays you send,
//   not the whole Aggregates object, to a webview.
//   aggregate(profile, { granularity: 'line' }) makes one node per (function, line).
//
// Per-line values for a file on disk (language server): resolve the profile's file
//   names once, then pick the lines of the file you have open:
//     const ctx = await loadResolveContext(workspaceDir);   // goEnv.ts
//     const resolved = resolveFiles(agg, ctx);      // (string|null)[] by file id (sourcePaths.ts)
//     for (const l of linesInFile(agg, resolved, '/abs/path/x.go'))
//       agg.lines.line[l], agg.lines.flat[t][l], agg.lines.cum[t][l], agg.lines.fn[l]
//   Unresolved files stay in the model (resolved[f] === null) and are reported.
//
// Per-line size distribution and top stacks (hovers):
//     sizeDistribution(agg, l)  → [{ size: bytes, values: number[] per sample type }]
//         (allocations made AT the line, i.e. the line is the innermost frame)
//     topStacks(agg, l, t)      → [{ value, frames: Frame[] root-first }], at most
//         agg.topStackLimit per line and type, largest |value| first (query.ts;
//         the first call builds the trees).
//
// Diff: `diffProfiles(base, current)` returns the same `Aggregates` shape with
//   signed values (current − base); `agg.isDiff` is true.
// ───────────────────────────────────────────────────────────────────────────────

import type { HeavyTree } from './heavyTree';
import type { MemStats } from './legacy/memStats';
export type { MemStats } from './legacy/memStats';

/** Bad or unsupported input: the message is one line, fit to show a user as is. */
export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

export interface ValueType {
  type: string;
  unit: string;
}

export interface Mapping {
  id: number;
  /** uint64 on the wire, exact. */
  memoryStart: bigint;
  memoryLimit: bigint;
  fileOffset: bigint;
  filename: string;
  buildId: string;
}

/** Functions, struct-of-arrays, indexed 0..count-1 (not by proto id). */
export interface FunctionTable {
  count: number;
  id: Float64Array;
  /** String-table indexes. */
  name: Int32Array;
  systemName: Int32Array;
  filename: Int32Array;
  startLine: Float64Array;
}

/**
 * Locations, struct-of-arrays. Location i has lines lineStart[i] .. lineStart[i+1]-1;
 * as in pprof, the LAST line is the outermost caller, earlier ones are inlined callees.
 */
export interface LocationTable {
  count: number;
  id: Float64Array;
  /** Index into Profile.mappings, or -1. */
  mapping: Int32Array;
  /** The uint64 address, exact, as two halves: print it with hex64(addressHi[i], addressLo[i]) (wire.ts). */
  addressHi: Uint32Array;
  addressLo: Uint32Array;
  /** The nearest double (exact below 2^53): for ordering, never for printing. */
  address: Float64Array;
  lineStart: Int32Array;
  /** Function index (into FunctionTable), or -1 when the line has none. */
  lineFunction: Int32Array;
  lineNumber: Float64Array;
}

/**
 * Sample stacks: stack s is locations location[start[s]] .. location[start[s+1]-1],
 * LEAF FIRST as on the wire (location indexes, not ids). Consecutive samples with
 * the same stack share one entry; others have their own (in real heap profiles
 * almost every sample has its own stack, so interning them costs more than it saves).
 */
export interface StackTable {
  count: number;
  start: Int32Array;
  /**
   * Location indexes, leaf first. As narrow as the location table allows: a profile
   * with a few hundred locations and tens of millions of frames stores a byte a frame.
   */
  location: LocationIndexes;
}

export type LocationIndexes = Int32Array | Uint16Array | Uint8Array;

/** Samples, struct-of-arrays. Never one object per sample. */
export interface SampleTable {
  count: number;
  /** Index into Profile.stacks. */
  stack: Int32Array;
  /** Row-major: values[i * sampleTypes.length + t]; int32 when every value fits. */
  values: Int32Array | Float64Array;
  /** The numeric label `bytes` (allocation size), NaN when absent. */
  bytes: Float64Array;
}

export interface Profile {
  sampleTypes: ValueType[];
  /** pprof's rule: default_sample_type when set, else the last sample type. */
  defaultSampleType: number;
  period: number;
  periodType: ValueType | null;
  timeNanos: number;
  durationNanos: number;
  strings: string[];
  comments: string[];
  dropFrames: string;
  keepFrames: string;
  mappings: Mapping[];
  functions: FunctionTable;
  locations: LocationTable;
  stacks: StackTable;
  samples: SampleTable;
  /** What the input was (set by open.ts; absent when decodeProfile is called directly). */
  source?: ProfileSource;
  /**
   * Size of the file it was decoded from (gzip or raw): the aggregation's work is
   * capped relative to it (limits.ts). Absent for profiles built another way.
   */
  fileBytes?: number;
}

/** Where a profile came from and what a reader should know about it (open.ts). */
export interface ProfileSource {
  /** For people: "pprof protobuf", "Go heap profile (debug=1 text)", … */
  format: string;
  /** Not protobuf: one of the older formats pprof still reads (legacy/). */
  legacy: boolean;
  /** Some frames have addresses only; they are shown as pprof does with -symbolize=none. */
  symbolsMissing: boolean;
  /** The `# runtime.MemStats` trailer of a Go debug=1 heap profile. */
  memStats?: MemStats;
  /** A delta profile (`/debug/pprof/allocs?seconds=N`, or a Go heap profile with a duration): its length. */
  deltaSeconds?: number;
  /** One-line remarks worth showing with the profile. */
  notes: string[];
}

export interface DecodeOptions {
  /** Size of the file the bytes came from, when they were inflated already (open.ts): the caps follow it. */
  fileBytes?: number;
  /**
   * Stop inflating gzip input past this many bytes (gzip bombs). Default 512 MiB;
   * a tighter cap of 128 × the file's size (at least 64 MiB) applies as well (limits.ts).
   */
  maxInflatedBytes?: number;
  /** 'native' (Node's zlib, default where it exists) or 'pako' (portable JS). */
  inflater?: 'native' | 'pako';
}

// ── Aggregates ─────────────────────────────────────────────────────────────────

/** Per function, keyed by function NAME as `go tool pprof -top` does. */
/** What top, lines and diff read of Aggregates (directAggregate.ts gives only this); `lines` when asked for. */
export type FlatCumAggregates = Pick<Aggregates, 'sampleTypes' | 'defaultSampleType' | 'period' | 'periodType' | 'isDiff' | 'totals' | 'strings' | 'files' | 'functions'> & { lines?: LineAggregates };

export interface FunctionAggregates {
  count: number;
  /** String index into Aggregates.strings. */
  name: Int32Array;
  /** A representative file id (the first one seen) and the function's start line. */
  file: Int32Array;
  startLine: Float64Array;
  /** One array per sample type. */
  flat: Float64Array[];
  /** Counts a function once per sample even when it recurses. */
  cum: Float64Array[];
}

/** Per source line, keyed by (file, line, function). */
export interface LineAggregates {
  count: number;
  file: Int32Array;
  line: Float64Array;
  /** Index into FunctionAggregates. */
  fn: Int32Array;
  flat: Float64Array[];
  cum: Float64Array[];
}

/** Call tree for the flamegraph, struct-of-arrays. Node 0 is the root. */
export interface CallTree {
  count: number;
  parent: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  /** Index into FunctionAggregates (-1 for the root). */
  fn: Int32Array;
  /** String index of the function name (-1 for the root). */
  name: Int32Array;
  file: Int32Array;
  /** In 'function' granularity: the line of the first frame merged into the node. */
  line: Float64Array;
  /** 1 when the frame was inlined into its caller. */
  inlined: Uint8Array;
  depth: Int32Array;
  self: Float64Array[];
  total: Float64Array[];
}

export interface Frame {
  name: string;
  file: string;
  line: number;
  inlined: boolean;
}

export interface SizeBucket {
  /** Allocation size in bytes (the `bytes` label). */
  size: number;
  /** One value per sample type. */
  values: number[];
}

export interface StackSummary {
  value: number;
  /** Root first; the last frame is on the line asked about. */
  frames: Frame[];
}

export interface AggregateOptions {
  /** Tree node per function (pprof flamegraph) or per (function, line). Default 'function'. */
  granularity?: 'function' | 'line';
  /** Top stacks kept per line and sample type. Default 5. */
  topStackLimit?: number;
}

/** Calls between lines: caller[i] → callee[i] (line indexes), with total[t][i] flowing through. */
export interface LineCalls {
  caller: Int32Array;
  callee: Int32Array;
  total: Float64Array[];
}

export interface Aggregates {
  sampleTypes: ValueType[];
  defaultSampleType: number;
  period: number;
  periodType: ValueType | null;
  isDiff: boolean;
  /** Sum of all samples, per sample type. */
  totals: Float64Array;
  strings: string[];
  /** Profile file names as recorded (ids index this array). */
  files: string[];
  functions: FunctionAggregates;
  lines: LineAggregates;
  tree: CallTree;
  /**
   * The flamegraph's tree cut to its `maxNodes` heaviest nodes (callers kept),
   * built without the rest (heavyTree.ts); one profile only, not a diff.
   */
  heavyTree(maxNodes: number): HeavyTree;
  topStackLimit: number;
  /** Internal tables behind sizeDistribution/topStacks; read them through those helpers. */
  /**
   * Samples with a `bytes` label grouped by leaf line: entries start[l] .. start[l+1]-1
   * name sample `sample[e]` of `sources[input[e]]` (the profiles' own arrays, with the
   * diff sign). sizeDistribution() sums them per size on demand.
   */
  lineSamples: {
    start: Int32Array;
    input: Uint8Array;
    sample: Int32Array;
    sources: { values: Int32Array | Float64Array; bytes: Float64Array; scale: number }[];
  };
  /**
   * Every call from a line not in `marked` straight into one in it (indexed by line),
   * summed per (caller line, callee line) over the samples, in order of first call:
   * what the line tree's edges into marked lines hold, without building the tree.
   */
  callsInto(marked: Uint8Array): LineCalls;
  /**
   * Line-tree nodes grouped by line: start[l] .. start[l+1]-1 index `node`. Built with
   * the trees on first access; topStacks() reads it.
   */
  lineNodes: { start: Int32Array; node: Int32Array };
  /**
   * The call tree at (file, line, function) granularity that top stacks are read
   * from; `tree` merges it per function. lineTree node 0 is the root. Built on
   * first access (like `tree`), so reading only functions/lines stays cheap.
   */
  lineTree: { count: number; parent: Int32Array; line: Int32Array; inlined: Uint8Array; total: Float64Array[] };
}

// ── Entry points (implemented in the modules named) ────────────────────────────

/** decode.ts: gzip or raw protobuf → Profile. Throws ProfileError. */
export type DecodeProfileFn = (bytes: Uint8Array, opts?: DecodeOptions) => Profile;
/** aggregate.ts: `aggregate(profile, opts?)`. */
export type AggregateFn = (profile: Profile, opts?: AggregateOptions) => Aggregates;
/** diff.ts: `diffProfiles(base, current, opts?)`; ProfileError when sample types differ. */
export type DiffProfilesFn = (base: Profile, current: Profile, opts?: AggregateOptions) => Aggregates;
/** query.ts: `sizeDistribution(agg, lineIndex)`, sorted by size. */
export type SizeDistributionFn = (agg: Aggregates, line: number) => SizeBucket[];
/** query.ts: `topStacks(agg, lineIndex, sampleType)`, largest |value| first. */
export type TopStacksFn = (agg: Aggregates, line: number, sampleType: number) => StackSummary[];
/** query.ts: `linesInFile(agg, resolvedByFileId, absPath)` → line indexes. */
export type LinesInFileFn = (agg: Aggregates, resolved: (string | null)[], path: string) => number[];
/** query.ts: `sampleTypeIndex(agg or profile, name)`; ProfileError listing valid names. */
export type SampleTypeIndexFn = (p: { sampleTypes: ValueType[] }, name: string) => number;
/**
 * sourcePaths.ts: `resolveSourcePath(profileFile, ctx)` → path on disk or null, and
 * `resolveFiles(agg, ctx)` for every file id. goEnv.ts: `loadResolveContext(dir, signal?)`
 * runs `go env GOROOT GOMODCACHE` and reads go.mod / go.work.
 */
export interface ResolveContext {
  goroot: string | null;
  gomodcache: string | null;
  /** Modules of the workspace: module path from go.mod and its directory. */
  workspaceModules: { modulePath: string; dir: string }[];
  /** Absolute paths of the workspace's files, for suffix matching. */
  workspaceFiles?: string[];
  /** Applied first: a profile path starting with `from` is rewritten to start with `to`. */
  userMappings: { from: string; to: string }[];
  /** Defaults to fs.existsSync (tests may pass their own). */
  exists?: (path: string) => boolean;
}
/**
 * capture.ts: `captureProfile(url, { timeoutMs, maxBytes, signal })` → bytes of
 * `http(s)://…/debug/pprof/heap` or `…/allocs?seconds=N`. Throws ProfileError.
 */
export interface CaptureOptions {
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
  /** Bearer token for a continuous profiler (pyroscope://…); else from the environment. */
  token?: string;
  /** Told what the user should know about the result (a profiler's truncation). */
  onNote?: (note: string) => void;
}
