// Assertions in the editor: //heaplens:noalloc, //heaplens:inline and gcassert's
// directives checked against the findings the analyzer already has (no extra build),
//   diagnostics  each violation as an Error, with the compiler's reason and flow
//   code lenses  on asserted functions: "noalloc ✓", "noalloc: 2 violations", "inline ✓ (cost 12)"
// The same checks as `heaplens check` (server/src/check/assertions.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodeLensRefreshRequest, DiagnosticSeverity, type CodeLens, type Diagnostic } from 'vscode-languageserver';
import { checkAssertions, type AssertionResult } from '../check/assertions';
import { mayHaveDirectives, parseDirectives, type BadDirective } from '../check/directives';
import { functionsOf } from '../check/functions';
import { calleeResolver, type CalleeFile } from '../check/inlined';
import type { Problem } from '../check/model';
import { findModuleRoot } from '../escape/module';
import { SOURCE } from './diagnostics';
import type { Feature, ServerContext } from './features';
import { pathToUri, uriToPath } from './packages';
import { lineSource, placeRange } from './placement';

/** The command a lens runs: none; the lens is a label. VS Code shows lenses without a command id as plain text. */
const NO_COMMAND = '';

interface Checked { results: AssertionResult[]; bad: BadDirective[]; text: string }

export function assertionsFeature(): Feature {
  return {
    name: 'assertions',
    capabilities: () => ({ codeLensProvider: { resolveProvider: false } }),
    activate: wire,
  };
}

function wire(ctx: ServerContext): void {
  const { documents, store } = ctx;
  const textOf = (file: string): string | undefined => {
    const doc = documents.get(pathToUri(file)) ?? documents.all().find((d) => uriToPath(d.uri) === file);
    if (doc) return doc.getText();
    try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
  };

  /** Assertions of a file against its last analysis; undefined when it has none or was not analysed. */
  const check = (file: string): Checked | undefined => {
    const found = store.file(file);
    const text = found ? textOf(file) : undefined;
    if (!found || text === undefined || !mayHaveDirectives(text)) return undefined;
    const funcs = functionsOf(text);
    const { directives, bad } = parseDirectives(text, funcs);
    if (!directives.length && !bad.length) return undefined;
    const root = findModuleRoot(path.dirname(file)) ?? path.dirname(file);
    const relOf = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
    const findings = found.findings.map((p) => p.finding);
    // Callees inlined from the same package: their files' findings are in the store too.
    const pkgFiles: CalleeFile[] = [{ rel: relOf(file), funcs, findings }];
    for (const other of store.filesIn(path.dirname(file), (p) => p !== file)) {
      const t = textOf(other);
      if (t !== undefined) pkgFiles.push({ rel: relOf(other), funcs: functionsOf(t), findings: (store.file(other)?.findings ?? []).map((p) => p.finding) });
    }
    const results = checkAssertions(directives, {
      rel: relOf(file), funcs, findings, bceChecked: false, relOf, inlinedFrom: calleeResolver(pkgFiles),
    });
    return { results, bad, text };
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
