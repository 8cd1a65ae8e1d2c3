// One analysis of one package: run the compiler, place its findings in the
// documents, publish diagnostics for every file of the package, report status.
// Everything it touches comes in as a dependency, so it runs without an editor.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver';
import { findModuleRoot } from '../escape/module';
import { GoToolError, type GoRunOptions, type GoRunResult } from '../escape/run';
import { classifyFinding, isOwnSourceFile } from '../escape/signal';
import type { Finding } from '../escape/types';
import type { AnalyzePackageResult, StatusParams } from '../protocol/lsp';
import { diagnosticSeverity, findingDiagnostic, unavailableDiagnostic } from './diagnostics';
import type { FindingsStore, PlacedFinding } from './findingsStore';
import { isTestFile, packageFiles, packagePattern, pathToUri } from './packages';
import type { ExactRanges, RangeLookup } from './exactRanges';
import { expressionRange, lineSource, placeRange } from './placement';
import type { ProgressStarter } from './progress';
import type { RunRequest } from './scheduler';
import type { Settings } from './settings';

export interface OpenDocument {
  path: string;
  uri: string;
  text: string;
  /** Edited since it was opened or last saved. */
  dirty: boolean;
}

export interface AnalyzerDeps {
  runGo(opts: GoRunOptions): Promise<GoRunResult>;
  settingsFor(uri: string): Promise<Settings>;
  openDocuments(): OpenDocument[];
  publish(uri: string, diagnostics: Diagnostic[]): void;
  status(params: StatusParams): void;
  log(line: string): void;
  progress: ProgressStarter;
  /** An environment problem (no go, no module): worth one message to the user, not one per save. */
  warnOnce?(message: string): void;
  store: FindingsStore;
  /** Whole-expression underlines from Go's parser, when the helper is there (exactRanges.ts). */
  exactRanges?: ExactRanges;
}

/** Output beyond this is cut off (and the run treated as failed), so memory stays bounded. */
const MAX_OUTPUT_BYTES = 128 * 1024 * 1024;

export const HEAP_KINDS = new Set<Finding['kind']>(['moved-to-heap', 'escapes-to-heap']);

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

export class Analyzer {
  /** Per package directory: the file holding the "unavailable" diagnostic. */
  private readonly unavailableOn = new Map<string, { path: string; diagnostic: Diagnostic }>();
  /** Packages whose findings are current, and whether tests were included. */
  private readonly fresh = new Map<string, boolean>();
  /** Per package: what produced the diagnostics now published, to skip republishing the same. */
  private readonly lastPublished = new Map<string, { key: string; status: StatusParams; result: AnalyzePackageResult }>();

  constructor(private readonly deps: AnalyzerDeps) {}

  /** Whether `dir` has current results covering `tests` (opening a file need not rerun). */
  isFresh(dir: string, tests: boolean): boolean {
    const t = this.fresh.get(dir);
    return t !== undefined && (t || !tests);
  }

  invalidate(dir?: string): void {
    if (dir === undefined) this.fresh.clear();
    else this.fresh.delete(dir);
  }

  async analyze(dir: string, req: RunRequest, signal: AbortSignal): Promise<AnalyzePackageResult> {
    const t0 = performance.now();
    const open = this.deps.openDocuments();
    const trigger = req.trigger ?? open.find((d) => path.dirname(d.path) === dir)?.path ?? packageFiles(dir, true)[0] ?? path.join(dir, 'main.go');
    const settings = await this.deps.settingsFor(this.uriOf(trigger, open));
    if (signal.aborted) return this.cancelled(dir, req);

    const moduleRoot = findModuleRoot(dir);
    if (!moduleRoot) {
      return this.unavailable(dir, req, trigger, open,
        `this file is outside any Go module (no go.mod in ${dir} or its parents); run 'go mod init' to analyse it`);
    }

    this.deps.status({ packageDir: dir, state: 'analysing', generation: req.generation });
    this.deps.log(`analysing ${dir} (settings read in ${Math.round(performance.now() - t0)} ms)`);
    const pattern = packagePattern(moduleRoot, dir);
    const progress = this.deps.progress('HeapLens', `escape analysis of ${pattern}${req.tests ? ' (with tests)' : ''}`);
    let run: GoRunResult;
    try {
      run = await this.deps.runGo({
        goBin: settings.goBin,
        moduleRoot,
        packages: [pattern],
        tests: req.tests,
        buildFlags: settings.buildFlags,
        tags: settings.tags,
        overlay: settings.analyzeOn === 'type' ? this.overlay(open, moduleRoot) : undefined,
        signal,
        maxOutputBytes: MAX_OUTPUT_BYTES,
        onStart: ({ argv, cwd }) => this.deps.log(`running ${argv.map(quote).join(' ')}  (in ${cwd})`),
      });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (err instanceof GoToolError) this.deps.warnOnce?.(`HeapLens: ${why}`);
      this.deps.log(`error: ${why}`);
      return this.unavailable(dir, req, trigger, open, why);
    } finally {
      progress.done();
    }
    const secs = `${Math.round(run.durationMs)} ms`;
    if (run.cancelled || signal.aborted) {
      this.deps.log(`cancelled after ${secs} (superseded): ${pattern}`);
      return this.cancelled(dir, req);
    }
    const { findings, errors } = run.result;
    this.deps.log(`go exited ${run.exitCode} after ${secs}: ${findings.length} findings, ${errors.length} errors (${run.goVersion ?? 'go'})`);

    if (run.exitCode !== 0 || errors.length) {
      return this.compileFailed(dir, req, trigger, open, run, moduleRoot);
    }
    // Same compiler output, settings and editor text as what is published: nothing would change
    // (a save without edits, a save-all). Keeping the diagnostics also spares the Problems panel a flicker.
    const key = outputKey(req.tests, settings, run, open.filter((d) => path.dirname(d.path) === dir));
    const last = this.lastPublished.get(dir);
    if (last?.key === key) {
      this.fresh.set(dir, req.tests);
      this.deps.log(`same output as the published one for ${pattern}: diagnostics kept`);
      this.deps.status({ ...last.status, durationMs: run.durationMs, generation: req.generation });
      return last.result;
    }
    const tp = performance.now();
    const exact = await this.deps.exactRanges?.(findings.filter((f) => path.dirname(f.path) === dir), settings.goBin, (p) => open.find((d) => d.path === p)?.text);
    if (signal.aborted) return this.cancelled(dir, req);
    const result = this.publishFindings(dir, req, findings, settings, open, run.durationMs, key, exact);
    this.deps.log(`published ${result.findings} diagnostics for ${pattern} in ${Math.round(performance.now() - tp)} ms`);
    return result;
  }

  private cancelled(dir: string, req: RunRequest): AnalyzePackageResult {
    this.deps.status({ packageDir: dir, state: 'cancelled', generation: req.generation });
    return { state: 'unavailable', packageDir: dir, findings: 0, message: 'cancelled' };
  }

  /** The client's own URI for open documents (it compares strings), a file: URI otherwise. */
  private uriOf(file: string, open: OpenDocument[]): string {
    return open.find((d) => d.path === file)?.uri ?? pathToUri(file);
  }

  private uriCache(open: OpenDocument[]): (file: string) => string {
    const cache = new Map<string, string>();
    return (file) => {
      let uri = cache.get(file);
      if (uri === undefined) {
        uri = this.uriOf(file, open);
        cache.set(file, uri);
      }
      return uri;
    };
  }

  private overlay(open: OpenDocument[], moduleRoot: string): Map<string, string> | undefined {
    const m = new Map<string, string>();
    for (const d of open) if (d.dirty && !path.relative(moduleRoot, d.path).startsWith('..')) m.set(d.path, d.text);
    return m.size ? m : undefined;
  }

  private publishFindings(dir: string, req: RunRequest, all: Finding[], settings: Settings, open: OpenDocument[], durationMs: number, key: string, exact?: RangeLookup): AnalyzePackageResult {
    const { tests } = req;
    const lines = lineSource((p) => open.find((d) => d.path === p)?.text);
    const uriOf = this.uriCache(open);
    const byFile = new Map<string, PlacedFinding[]>();
    const seen = new Set<string>();
    const heapEscapes: Record<string, number> = {};
    const coldAllocations: Record<string, number> = {};
    for (const f of all) {
      if (f.kind === 'error' || f.path.length <= dir.length || !f.path.startsWith(dir) || path.dirname(f.path) !== dir || !isOwnSourceFile(f)) continue;
      // The test variant repeats the package's own findings; one is enough.
      const key = `${f.path}:${f.line}:${f.column}:${f.kind}:${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const signal = classifyFinding(f, lines);
      const placed: PlacedFinding = {
        id: this.deps.store.newId(),
        uri: uriOf(f.path),
        range: exact?.(f) ?? expressionRange((l) => lines(f.path, l), f.line, f.column, f.subject),
        finding: f,
        signal,
      };
      // Allocation verdicts become diagnostics only when something is allocated; cold
      // ones are set apart (hints by default), the rest as configured.
      const isHeapVerdict = HEAP_KINDS.has(f.kind);
      const severity = diagnosticSeverity(f, signal, settings);
      if (severity) {
        placed.diagnostic = findingDiagnostic(placed, severity, lines, uriOf);
        if (isHeapVerdict && !signal.cold) heapEscapes[f.path] = (heapEscapes[f.path] ?? 0) + 1;
      }
      if (isHeapVerdict && signal.allocates && signal.cold) coldAllocations[f.path] = (coldAllocations[f.path] ?? 0) + 1;
      const list = byFile.get(f.path);
      if (list) list.push(placed);
      else byFile.set(f.path, [placed]);
    }
    const files = new Set([
      ...packageFiles(dir, tests),
      ...this.deps.store.filesIn(dir, (p) => tests || !isTestFile(p)),
      ...byFile.keys(),
    ]);
    const previous = this.unavailableOn.get(dir);
    this.unavailableOn.delete(dir);
    if (previous) files.add(previous.path);
    let published = 0;
    for (const file of files) {
      const placed = byFile.get(file) ?? [];
      const uri = uriOf(file);
      this.deps.store.setFile(file, uri, placed);
      const diagnostics = placed.flatMap((p) => (p.diagnostic ? [p.diagnostic] : []));
      published += diagnostics.length;
      heapEscapes[file] ??= 0;
      this.deps.publish(uri, diagnostics);
    }
    this.fresh.set(dir, tests);
    const allocations = Object.values(heapEscapes).reduce((a, b) => a + b, 0);
    const cold = Object.values(coldAllocations).reduce((a, b) => a + b, 0);
    const status: StatusParams = {
      packageDir: dir, state: 'done', heapEscapes, coldAllocations, durationMs, generation: req.generation,
      message: `${allocations} heap allocation${allocations === 1 ? '' : 's'}${cold ? ` (+${cold} on cold paths)` : ''}; ${published} diagnostics`,
    };
    this.deps.status(status);
    const result: AnalyzePackageResult = { state: 'done', packageDir: dir, findings: published };
    this.lastPublished.set(dir, { key, status, result });
    return result;
  }

  private compileFailed(dir: string, req: RunRequest, trigger: string, open: OpenDocument[], run: GoRunResult, moduleRoot: string): AnalyzePackageResult {
    // `go` states some problems on a line of its own ("go: errors parsing go.mod:")
    // and the reason on the next, with a position: keep both, with a path that
    // means something to the user (relative to the module, absolute outside it).
    const errors = run.result.errors;
    const first = errors.find((e) => e.path);
    const lead = errors[0] && !errors[0].path ? errors[0].message.replace(/:\s*$/, '') : undefined;
    let why: string;
    const related: DiagnosticRelatedInformation[] = [];
    if (first) {
      const inModule = path.relative(moduleRoot, first.path);
      const rel = inModule && !inModule.startsWith('..') && !path.isAbsolute(inModule) ? inModule : first.path;
      const where = `${rel}:${first.line}${first.column ? `:${first.column}` : ''}: ${first.message}`;
      why = lead ? `${lead}: ${where}` : `the package does not compile: ${where}`;
      const lines = lineSource((p) => open.find((d) => d.path === p)?.text);
      related.push({
        location: { uri: this.uriOf(first.path, open), range: placeRange(lines(first.path, first.line), first.line, first.column) },
        message: first.message,
      });
    } else if (lead) {
      why = `'go' failed (exit code ${run.exitCode}): ${lead}`;
    } else {
      const line = run.stderr.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
      why = `'go' failed (exit code ${run.exitCode})${line ? `: ${line}` : ''}`;
    }
    return this.unavailable(dir, req, trigger, open, why, related);
  }

  /**
   * Nothing could be analysed: the package's earlier findings are removed (they
   * would be stale) and ONE diagnostic at the trigger file's package clause says why.
   */
  private unavailable(dir: string, req: RunRequest, trigger: string, open: OpenDocument[], why: string, related: DiagnosticRelatedInformation[] = []): AnalyzePackageResult {
    const text = open.find((d) => d.path === trigger)?.text ?? lineSourceText(trigger);
    const diagnostic = unavailableDiagnostic(text, why, related);
    const previous = this.unavailableOn.get(dir);
    const files = new Set([...this.deps.store.filesIn(dir), trigger]);
    if (previous) files.add(previous.path);
    for (const file of files) {
      this.deps.store.clearFile(file);
      this.deps.publish(this.uriOf(file, open), file === trigger ? [diagnostic] : []);
    }
    this.unavailableOn.set(dir, { path: trigger, diagnostic });
    this.lastPublished.delete(dir);
    this.fresh.delete(dir);
    this.deps.status({ packageDir: dir, state: 'unavailable', message: why, generation: req.generation });
    return { state: 'unavailable', packageDir: dir, findings: 0, message: why };
  }
}

function outputKey(tests: boolean, settings: Settings, run: GoRunResult, docs: OpenDocument[]): string {
  // The runner names a replayed output by id: hashing 25 MB of it cost more than the replay.
  const output = run.outputId !== undefined ? `id ${run.outputId}` : `text ${run.stderr}`;
  const h = createHash('sha1').update(JSON.stringify([tests, settings])).update('\0').update(output);
  for (const d of docs) h.update('\0').update(d.path).update('\0').update(d.text);
  return h.digest('hex');
}

function lineSourceText(file: string): string | undefined {
  const read = lineSource(() => undefined);
  const out: string[] = [];
  // The package clause is near the top; 200 lines cover any licence header.
  for (let i = 1; i <= 200; i++) {
    const l = read(file, i);
    if (l === undefined) break;
    out.push(l);
  }
  return out.length ? out.join('\n') : undefined;
}
