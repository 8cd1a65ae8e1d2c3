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
