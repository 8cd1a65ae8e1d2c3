// Escape analysis as diagnostics: which editor events analyse which package.
//   open          analyse the package unless its results are current (joins a run in flight)
//   save          analyse now, superseding the run in flight
//   edit          with heaplens.analyzeOn = "type": analyse unsaved buffers (overlay), debounced
//   configuration re-analyse every package with an open file
//   heaplens/analyzePackage  analyse now and answer when done
import * as path from 'node:path';
import { DidChangeConfigurationNotification } from 'vscode-languageserver';
import type { GoRunOptions, GoRunResult } from '../escape/run';
import { AnalyzePackageRequest, StatusNotification, type AnalyzePackageResult } from '../protocol/lsp';
import { Analyzer, type OpenDocument } from './analyzer';
import type { Feature, ServerContext } from './features';
import { exactRangesProvider, type ExactRanges } from './exactRanges';
import { escapeHoverSection } from './hover';
import { isTestFile, packageFiles, uriToPath } from './packages';
import { delayedProgress } from './progress';
import { PackageScheduler, type RunRequest, type ScheduleOptions } from './scheduler';

export const TYPING_DEBOUNCE_MS = 500;

export interface EscapeFeatureDeps {
  runGo(opts: GoRunOptions): Promise<GoRunResult>;
  /** false: underlines from the line's text only (no Go helper process). */
  exactRanges?: false;
}

export function escapeFeature(deps: EscapeFeatureDeps): Feature {
  let scheduler: PackageScheduler<AnalyzePackageResult> | undefined;
  let exact: ReturnType<typeof exactRangesProvider> | undefined;
  return {
    name: 'escape-analysis',
    capabilities: () => ({
      textDocumentSync: { openClose: true, change: 2 /* incremental */, save: { includeText: false } },
    }),
    activate(ctx) {
      // Go's parser places the underlines; the server runs only in trusted workspaces.
      exact = deps.exactRanges === false ? undefined : exactRangesProvider(ctx.log);
      const wiring = wire(ctx, deps, exact?.ranges);
      scheduler = wiring.scheduler;
    },
    initialized(ctx) {
      if (ctx.clientCapabilities().workspace?.didChangeConfiguration?.dynamicRegistration) {
        void ctx.connection.client.register(DidChangeConfigurationNotification.type, { section: ['heaplens', 'go'] });
      }
    },
    shutdown() {
      scheduler?.dispose();
      exact?.dispose();
    },
  };
}

function wire(ctx: ServerContext, deps: EscapeFeatureDeps, exactRanges?: ExactRanges) {
  const { connection, documents, store } = ctx;
  const saved = new Map<string, string>();
  const warned = new Set<string>();

  const openDocuments = (): OpenDocument[] => documents.all().flatMap((d) => {
    const p = uriToPath(d.uri);
    if (!p) return [];
    const text = d.getText();
    return [{ path: p, uri: d.uri, text, dirty: saved.get(d.uri) !== text }];
  });

  const analyzer = new Analyzer({
    runGo: deps.runGo,
    settingsFor: ctx.settingsFor,
    openDocuments,
    publish: (uri, diagnostics) => connection.sendDiagnostics({ uri, diagnostics: ctx.diagnosticDecorators.reduce((d, decorate) => decorate(uri, d), diagnostics) }),
    status: (params) => void connection.sendNotification(StatusNotification.type, params),
    log: ctx.log,
    progress: delayedProgress(connection, () => !!ctx.clientCapabilities().window?.workDoneProgress),
    warnOnce: (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      void connection.window.showWarningMessage(message);
    },
    store,
    exactRanges,
  });
  const scheduler = new PackageScheduler<AnalyzePackageResult>((dir, req, signal) => analyzer.analyze(dir, req, signal));
  ctx.hoverSections.push(escapeHoverSection(store));

  /** Include the test variant when asked, or when a test file of the package is open. */
  const request = (file: string, opts: ScheduleOptions, forceTests = false): Promise<AnalyzePackageResult> | undefined => {
    const dir = path.dirname(file);
    const tests = forceTests || isTestFile(file) || openDocuments().some((d) => path.dirname(d.path) === dir && isTestFile(d.path));
    const req: RunRequest = { tests, trigger: file };
    if (!opts.supersede && analyzer.isFresh(dir, tests)) return undefined;
    if (opts.supersede) analyzer.invalidate(dir);
    const done = scheduler.schedule(dir, req, opts);
    done.catch((err: unknown) => ctx.log(`internal error analysing ${dir}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));
    return done;
  };
  const goFile = (uri: string): string | undefined => {
    const p = uriToPath(uri);
    return p && p.endsWith('.go') ? p : undefined;
  };

  documents.onDidOpen(({ document }) => {
    saved.set(document.uri, document.getText());
    const file = goFile(document.uri);
    if (file) void request(file, { supersede: false });
  });
  documents.onDidSave(({ document }) => {
    saved.set(document.uri, document.getText());
    const file = goFile(document.uri);
    if (file) void request(file, { supersede: true });
  });
  documents.onDidChangeContent(({ document }) => {
    const file = goFile(document.uri);
    if (!file || saved.get(document.uri) === document.getText()) return;
    void ctx.settingsFor(document.uri).then((s) => {
      if (s.analyzeOn === 'type' && documents.get(document.uri)) void request(file, { supersede: true, delayMs: TYPING_DEBOUNCE_MS });
    });
  });
  documents.onDidClose(({ document }) => { saved.delete(document.uri); });

  const reanalyseOpen = () => {
    analyzer.invalidate();
    const dirs = new Map<string, string>();
    for (const d of openDocuments()) if (d.path.endsWith('.go') && !dirs.has(path.dirname(d.path))) dirs.set(path.dirname(d.path), d.path);
    for (const file of dirs.values()) void request(file, { supersede: true });
  };
  ctx.onDidChangeSettings(() => {
    ctx.log('configuration changed: re-analysing open packages');
    reanalyseOpen();
  });

  connection.onRequest(AnalyzePackageRequest.type, async ({ uri }): Promise<AnalyzePackageResult> => {
    const file = uriToPath(uri);
    if (!file) return { state: 'unavailable', packageDir: '', findings: 0, message: `not a file on disk: ${uri}` };
    const target = file.endsWith('.go') ? file : packageFiles(file, true)[0] ?? path.join(file, 'doc.go');
    return (await request(target, { supersede: true }, isTestFile(file)))!;
  });

  return { scheduler, analyzer };
}
