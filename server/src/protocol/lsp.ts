// HeapLens's extensions to LSP, declared once and imported by both ends
// (server/src/lsp/* and client/src/*). Add new custom messages here only.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

/** Where one package's analysis stands. */
export type PackageState =
  /** The compiler is running for this package. */
  | 'analysing'
  /** Findings are published. */
  | 'done'
  /** Nothing could be analysed: compile error, no go.mod, no usable `go`. `message` says why. */
  | 'unavailable'
  /** The run was superseded by a newer one (a save or an edit) and killed. */
  | 'cancelled';

export interface StatusParams {
  /** Absolute directory of the package. */
  packageDir: string;
  state: PackageState;
  /**
   * For `done`: heap allocations shown as diagnostics in the Problems panel (the same count
   * as `heaplens escape` reports), per absolute file path of the package.
   */
  heapEscapes?: Record<string, number>;
  /** For `done`: allocations on cold paths and in tests (hints, or hidden), per file. */
  coldAllocations?: Record<string, number>;
  /** One line for people: why a package is unavailable, or a summary. */
  message?: string;
  durationMs?: number;
  /**
   * Requests for this package are numbered from 1 (opens, saves, edits, commands);
   * a status reports on the run answering every request up to this number. Lets a
   * client tell a superseded run's news from the current one's.
   */
  generation?: number;
}

/** Server → client: a package's analysis state changed. Drives the status bar. */
export namespace StatusNotification {
  export const method = 'heaplens/status';
  export const type = new NotificationType<StatusParams>(method);
}

export interface AnalyzePackageParams {
  /** Any Go file of the package (a `file:` URI). */
  uri: string;
}

export interface AnalyzePackageResult {
  state: Exclude<PackageState, 'analysing' | 'cancelled'>;
  packageDir: string;
  /** Findings published for the package (after the `heaplens.kinds` filter). */
  findings: number;
  message?: string;
}

/**
 * Client → server: analyse the package of `uri` now. Resolves when a run that
 * started after the request has finished (a newer save may supersede it; then
 * the answer is that newer run's).
 */
export namespace AnalyzePackageRequest {
  export const method = 'heaplens/analyzePackage';
  export const type = new RequestType<AnalyzePackageParams, AnalyzePackageResult, void>(method);
}

// ── Heap profile overlays (server/src/lsp/profileFeature.ts) ─────────────────────

/** A profile on disk (absolute path) or at a net/http/pprof URL. */
export interface ProfileSource {
  path?: string;
  url?: string;
  /** Bearer token for a continuous profiler URL (pyroscope://…), from the editor's secret storage. */
  token?: string;
}

export interface LoadProfileParams extends ProfileSource {
  /** The workspace folder the profile belongs to; one active profile per folder. */
  folderUri?: string;
  /** A base profile: annotations then show growth (+) and shrinkage (−) against it. */
  base?: ProfileSource;
  /** Sample type to show first (default: the profile's default). */
  sampleType?: string;
}

export interface ProfileInfo {
  folderUri: string;
  /** What was loaded, for people: a file name or URL. */
  source: string;
  baseSource?: string;
  sampleTypes: string[];
  sampleType: string;
  /** The whole profile's value for the selected type, formatted. */
  total: string;
  /** Source files of the profile found on this machine, and those that were not. */
  resolvedFiles: number;
  unresolvedFiles: string[];
  /** Lines with a measured cost. */
  lines: number;
  /** Milliseconds since the epoch: the profile file's mtime, or the capture time. */
  takenAt: number;
}

/** Client → server: load (or capture, for a URL) a profile; errors are one line. Cancellable. */
export namespace LoadProfileRequest {
  export const method = 'heaplens/loadProfile';
  export const type = new RequestType<LoadProfileParams, ProfileInfo, void>(method);
}

export interface FolderParams {
  folderUri?: string;
}

/** Client → server: forget the folder's profile (all profiles when no folder is given). */
export namespace ClearProfileRequest {
  export const method = 'heaplens/clearProfile';
  export const type = new RequestType<FolderParams, void, void>(method);
}

export interface SetSampleTypeParams extends FolderParams {
  sampleType: string;
}

/** Client → server: show another sample type (alloc_space, inuse_objects…). */
export namespace SetSampleTypeRequest {
  export const method = 'heaplens/setSampleType';
  export const type = new RequestType<SetSampleTypeParams, ProfileInfo, void>(method);
}

export interface HotspotsParams extends FolderParams {
  /** At most this many sites (default 200). */
  limit?: number;
}

export interface HotspotItem {
  uri: string;
  /** Current 0-based line (edits since the profile are accounted for). */
  line: number;
  value: number;
  /** "2.1 MiB · 18% alloc_space" */
  cost: string;
  functions: string[];
  /** The compiler's verdict, or what the runtime frame says allocates there. */
  reason: string;
  /** An escape finding sits on the line. */
  escape: boolean;
}

/** Client → server: allocation sites by measured cost, hot escapes included. */
export namespace HotspotsRequest {
  export const method = 'heaplens/hotspots';
  export const type = new RequestType<HotspotsParams, HotspotItem[], void>(method);
}

export interface HeatParams {
  uri: string;
}

export interface HeatLine {
  /** Current 0-based line. */
  line: number;
  /** |value| over the profile's hottest line, 0..1. */
  heat: number;
  /** Negative in a diff when the line shrank. */
  value: number;
  cost: string;
}

export interface HeatResult {
  sampleType?: string;
  isDiff: boolean;
  lines: HeatLine[];
}

/** Client → server: per-line heat of one file, for gutter and overview-ruler marks. */
export namespace HeatRequest {
  export const method = 'heaplens/heat';
  export const type = new RequestType<HeatParams, HeatResult, void>(method);
}

// ── Heap watch of a running service (server/src/lsp/watchFeature.ts) ────────────

export interface WatchStartParams {
  /** The folder whose code the service runs; the growth overlay goes there. */
  folderUri?: string;
  /** The service's pprof index, e.g. http://127.0.0.1:6060/debug/pprof/ */
  url: string;
  everyMs: number;
  /** heap?gc=1: a GC before each snapshot. */
  gc?: boolean;
  /** Snapshots kept (memory and disk). */
  keep?: number;
  /** Where the kept profiles go (the extension's workspace storage); memory when absent. */
  storageDir?: string;
  /** Bytes of growth below which a line is never a suspect. */
  minGrowthBytes?: number;
}

/** Client → server: start watching (a folder's earlier watch stops). Resolves at once with the pprof index. */
export namespace WatchStartRequest {
  export const method = 'heaplens/watchStart';
  export const type = new RequestType<WatchStartParams, { base: string }, void>(method);
}

/** Client → server: stop the folder's watch (all watches without a folder). */
export namespace WatchStopRequest {
  export const method = 'heaplens/watchStop';
  export const type = new RequestType<FolderParams, void, void>(method);
}

export interface WatchSuspect {
  /** The source file on this machine, when found. */
  uri?: string;
  /** As the profile names it. */
  file: string;
  /** 1-based, as in the profile. */
  line: number;
  function: string;
  verdict: 'leak' | 'growing' | 'load' | 'steady' | 'shrinking';
  /** In-use bytes (heap) or goroutines gained since the base snapshot. */
  growth: number;
  /** "+12 MiB in use, grew at 4 of 4 snapshots, kept 98% of what it allocated" */
  summary: string;
  /** Goroutine groups: what they wait on. */
  wait?: string;
  /** Heaviest call path, root first: "fn file:line". */
  path?: string[];
}

export interface WatchPoint {
  seq: number;
  takenAt: number;
  inuseBytes: number;
  inuseObjects: number;
  goroutines: number | null;
  heapSys: number | null;
  heapGoal: number | null;
  numGC: number | null;
}

export interface WatchSnapshotParams {
  folderUri: string;
  base: string;
  /** The snapshot growth is measured from. */
  baseSeq: number;
  /** Every kept snapshot, oldest first (at most `keep`). */
  points: WatchPoint[];
  /** Leak suspects first, then other growing lines, at most 20. */
  lines: WatchSuspect[];
  goroutines: WatchSuspect[];
  /** Go 1.26's goroutineleak profile of the last snapshot. */
  leaked: WatchLeaked;
}

export interface WatchFrame {
  function: string;
  file: string;
  /** 1-based. */
  line: number;
  uri?: string;
}

export interface WatchLeakedGroup {
  count: number;
  /** What they block on: "chan send", "select"… */
  wait: string;
  /** Where they block (the innermost frame of your code). */
  at: WatchFrame;
  /** The `go` statement that started them, then its callers when known; empty when the runtime did not say. */
  createdAt: WatchFrame[];
}

export interface WatchLeaked {
  /** 'unknown' until the first snapshot; 'absent': the service does not serve the profile. */
  state: 'served' | 'absent' | 'unknown';
  /** Why there is no list, in words, when state is 'absent'. */
  message?: string;
  /** Leaked goroutines in the last snapshot. */
  total: number;
  /** Largest first, at most 20. */
  groups: WatchLeakedGroup[];
}

/** Server → client: a snapshot was taken; the growth overlay was refreshed. */
export namespace WatchSnapshotNotification {
  export const method = 'heaplens/watchSnapshot';
  export const type = new NotificationType<WatchSnapshotParams>(method);
}

export interface WatchNoticeParams {
  folderUri: string;
  kind: 'unreachable' | 'slow' | 'http-error' | 'not-go' | 'back' | 'no-metrics' | 'no-goroutineleak' | 'stopped';
  message: string;
  /** The watch has stopped. */
  stopped: boolean;
}

/** Server → client: the service went away, is slow, is not Go, came back; or the watch stopped. Said once per change. */
export namespace WatchNoticeNotification {
  export const method = 'heaplens/watchNotice';
  export const type = new NotificationType<WatchNoticeParams>(method);
}

export interface WatchSetBaseParams extends FolderParams {
  seq: number;
}

/** Client → server: measure growth from this kept snapshot (the live view's clicked point). */
export namespace WatchSetBaseRequest {
  export const method = 'heaplens/watchSetBase';
  export const type = new RequestType<WatchSetBaseParams, void, void>(method);
}

// ── The Allocations view (server/src/lsp/allocationsFeature.ts, client/src/allocations/) ──

export interface AllocationItem {
  uri: string;
  /** The package's import path as the compiler named it (its directory when unknown). */
  package: string;
  /** `Func`, `(*T).Method`, or `package level`. */
  function: string;
  kind: 'moved-to-heap' | 'escapes-to-heap';
  /** The underlined range (0-based, UTF-16), as in the diagnostic. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** "make([]int, n) escapes to the heap" */
  title: string;
  reason?: string;
  /** Why it is set apart (error value, panic, test code), when it is on a cold path. */
  cold?: string;
  /** Measured by the loaded heap profile on this line, when there is one: "2.1 MiB (18%)". */
  cost?: string;
  /** The same, as a number (the profile's unit) for sorting. */
  value?: number;
}

export interface AllocationsResult {
  items: AllocationItem[];
}

/** Client → server: every heap allocation shown as a diagnostic, in every analysed package. */
export namespace AllocationsRequest {
  export const method = 'heaplens/allocations';
  export const type = new RequestType<Record<string, never>, AllocationsResult, void>(method);
}
