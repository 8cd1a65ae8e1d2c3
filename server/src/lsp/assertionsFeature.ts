// Assertions in the editor: //heaplens:noalloc, //heaplens:inline and gcassert's
// directives checked against the findings the analyzer already has (no extra build),
//   diagnostics  each violation as an Error, with the compiler's reason and flow
//   code lenses  on asserted functions: "noalloc ✓", "noalloc: 2 violations", "inline ✓ (cost 12)"
// The same checks as `heaplens check` (server/src/check/assertions.ts). Go's parser reads
// the functions and comments (outlineCache.ts); until its answer for the current text is
// in, the last result stands, and the file is published again when it arrives.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeLensRefreshRequest, DiagnosticSeverity, type CodeLens, type Diagnostic } from 'vscode-languageserver';
import { checkAssertions, type AssertionResult } from '../check/assertions';
import { mayHaveDirectives, parseDirectives, type BadDirective } from '../check/directives';
import { calleeResolver, type CalleeFile } from '../check/inlined';
import type { Problem } from '../check/model';
import type { Outline, SourceFile } from '../check/outline';
import { findModuleRoot } from '../escape/module';
import type { Finding } from '../escape/types';
import { SOURCE } from './diagnostics';
import type { Feature, ServerContext } from './features';
import { OutlineCache } from './outlineCache';
import { pathToUri, uriToPath } from './packages';
import { lineSource, placeRange } from './placement';

/** The command a lens runs: none; the lens is a label. VS Code shows lenses without a command id as plain text. */
const NO_COMMAND = '';

interface Checked { results: AssertionResult[]; bad: BadDirective[]; text: string }

export function assertionsFeature(): Feature {
  let outlines: OutlineCache | undefined;
  return {
    name: 'assertions',
    capabilities: () => ({ codeLensProvider: { resolveProvider: false } }),
    activate: (ctx) => { outlines = wire(ctx); },
    shutdown: () => outlines?.dispose(),
  };
}

function wire(ctx: ServerContext): OutlineCache {
  const { documents, store } = ctx;
  /** The last result per file, standing while the outline of a newer text is read. */
  const last = new Map<string, Checked>();
  const outlines = new OutlineCache({
    goBinFor: async (file) => (await ctx.settingsFor(pathToUri(file))).goBin,
    onReady: (file) => republish(file),
    log: ctx.log,
    warn: (message) => void ctx.connection.window.showWarningMessage(message),
  });
  ctx.onDidChangeSettings(() => outlines.retryFailed());
  const textOf = (file: string): string | undefined => {
    const doc = documents.get(pathToUri(file)) ?? documents.all().find((d) => uriToPath(d.uri) === file);
    if (doc) return doc.getText();
    try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
  };

  /** Assertions of a file against its last analysis; undefined when it has none or was not analysed. */
  const check = (file: string): Checked | undefined => {
    const found = store.file(file);
    const text = found ? textOf(file) : undefined;
    if (!found || text === undefined || !mayHaveDirectives(text)) {
      last.delete(file);
      return undefined;
    }
    // Callees inlined from the same package: their files' findings are in the store too.
    const others: SourceFile[] = [];
    for (const other of store.filesIn(path.dirname(file), (p) => p !== file)) {
      const t = textOf(other);
      if (t !== undefined) others.push({ path: other, text: t });
    }
    const own = outlines.state(file, text);
    if (own === 'failed') {
      last.delete(file);
      return undefined;
    }
    const states = others.map((o) => outlines.state(o.path, o.text));
    if (own === 'pending' || states.includes('pending')) {
      outlines.request(file, [{ path: file, text }, ...others]);
      return last.get(file);
    }
    const c = checkWith(file, text, found.findings.map((p) => p.finding), own, others.flatMap((o, i) => (typeof states[i] === 'object' ? [{ path: o.path, outline: states[i] as Outline }] : [])));
    if (c) last.set(file, c);
    else last.delete(file);
    return c;
  };

  const checkWith = (file: string, text: string, findings: Finding[], outline: Outline, others: { path: string; outline: Outline }[]): Checked | undefined => {
    const { directives, bad } = parseDirectives(text, outline);
    if (!directives.length && !bad.length) return undefined;
    const root = findModuleRoot(path.dirname(file)) ?? path.dirname(file);
    const relOf = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
    const pkgFiles: CalleeFile[] = [{ rel: relOf(file), funcs: outline.funcs, findings }];
    for (const o of others) pkgFiles.push({ rel: relOf(o.path), funcs: o.outline.funcs, findings: (store.file(o.path)?.findings ?? []).map((p) => p.finding) });
    const results = checkAssertions(directives, {
      rel: relOf(file), funcs: outline.funcs, findings, bceChecked: false, relOf, inlinedFrom: calleeResolver(pkgFiles),
    });
    return { results, bad, text };
  };

  /** Publishes the analyzer's diagnostics of `file` again, through every decorator (this one included). */
  const republish = (file: string) => {
    const f = store.file(file);
    if (!f) return;
    const base: Diagnostic[] = f.findings.flatMap((p) => (p.diagnostic ? [p.diagnostic] : []));
    void ctx.connection.sendDiagnostics({ uri: f.uri, diagnostics: ctx.diagnosticDecorators.reduce((d, decorate) => decorate(f.uri, d), base) });
  };

  let refreshQueued = false;
  const refreshLenses = () => {
    if (refreshQueued || !ctx.clientCapabilities().workspace?.codeLens?.refreshSupport) return;
    refreshQueued = true;
    setImmediate(() => {
      refreshQueued = false;
      void ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => {});
    });
  };

  ctx.diagnosticDecorators.push((uri, diagnostics) => {
    const file = uriToPath(uri);
    if (!file?.endsWith('.go')) return diagnostics;
    refreshLenses();
    const c = check(file);
    if (!c) return diagnostics;
    const root = findModuleRoot(path.dirname(file)) ?? path.dirname(file);
    const lines = lineSource((p) => (p === file ? c.text : textOf(p)));
    const out = [...diagnostics];
    for (const r of c.results) for (const p of r.problems) out.push(problemDiagnostic(p, root, lines));
    for (const b of c.bad) {
      out.push({
        range: { start: { line: b.line - 1, character: b.column }, end: { line: b.line - 1, character: b.column + b.text.length } },
        severity: DiagnosticSeverity.Error, source: SOURCE, code: 'directive', message: b.message,
      });
    }
    return out;
  });

  ctx.codeLenses.push((uri): CodeLens[] => {
    const file = uriToPath(uri);
    const c = file?.endsWith('.go') ? check(file) : undefined;
    if (!c) return [];
    const lenses: CodeLens[] = [];
    for (const r of c.results) {
      const d = r.directive;
      if (d.scope !== 'func' || !d.func) continue;
      const line = d.func.line - 1;
      lenses.push({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, command: { title: lensTitle(r), command: NO_COMMAND } });
    }
    return lenses;
  });
  return outlines;
}

export function lensTitle(r: AssertionResult): string {
  const name = r.directive.tool === 'heaplens' ? r.directive.name : `gcassert:${r.directive.name}`;
  if (r.state === 'unchecked') return `${name}: not checked`;
  if (r.state === 'ok') return r.directive.name === 'inline' && r.note ? `${name} ✓ (${r.note})` : `${name} ✓`;
  const n = r.problems.length;
  return `${name}: ${n} violation${n === 1 ? '' : 's'}`;
}

function problemDiagnostic(p: Problem, root: string, lines: ReturnType<typeof lineSource>): Diagnostic {
  const abs = path.join(root, p.rel);
  const related = p.flow.map((s, i) => {
    const sp = path.join(root, s.rel);
    return { location: { uri: pathToUri(sp), range: placeRange(lines(sp, s.line), s.line, s.column) }, message: `${i + 1}. ${s.text}` };
  });
  const d: Diagnostic = {
    range: placeRange(lines(abs, p.line), p.line, p.column),
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    code: p.rule,
    message: p.reason ? `${p.message}: ${p.reason}` : p.message,
  };
  if (related.length) d.relatedInformation = related;
  return d;
}
