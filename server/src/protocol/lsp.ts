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
  /** For `done`: heap escapes (moved to heap + escapes to heap) per absolute file path of the package. */
  heapEscapes?: Record<string, number>;
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
