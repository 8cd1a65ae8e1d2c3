// textDocument/codeAction: quick fixes for escape findings, from the data the
// last analysis recorded (the findings store), never by building again. Each
// finding in the requested range (or behind a diagnostic the client sends back)
// goes to the Go helper (server/src/fixes/goHelper.ts, gohelper/), which
// proves each fix with Go's type checker; one without a safe edit gets
// "Explain…", which writes a markdown page and shows it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, ExecuteCommandParams, Range, TextEdit } from 'vscode-languageserver';
import { describeFinding, isHeapKind } from '../escape/describe';
import { findModuleRoot, readGoDirective } from '../escape/module';
import type { Finding } from '../escape/types';
import { explainMarkdown } from '../fixes/explain';
import { fixesFor, type FixesForFinding } from '../fixes/index';
import { explainLintMarkdown, LINT_SOURCE, type Lint, type LintDiagnosticData } from '../fixes/lints';
import { disposeSharedHelper, sharedHelper } from '../fixes/sharedHelper';
import type { Feature, ServerContext } from './features';
import type { PlacedFinding } from './findingsStore';
import { lintStore, type PlacedLint } from './lintFeature';
import { packageFiles, pathToUri, uriToPath } from './packages';

export const EXPLAIN_COMMAND = 'heaplens.explainFinding';

/** The argument of the Explain command: everything the page needs, so it never looks anything up again. */
export interface ExplainArgs {
  finding: Finding;
  refusals: string[];
  measured?: string;
}

/** The Explain command's argument for a memory lint without a safe edit. */
export interface ExplainLintArgs {
  lint: Pick<Lint, 'id' | 'message' | 'refusals' | 'path' | 'range'>;
}

/** Kinds a fix generator may act on (the does-not-escape ones: append/make that still allocate backing storage). */
const FIXABLE = new Set<Finding['kind']>(['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-content', 'leaking-param-to-result', 'closure-capture', 'does-not-escape']);

const helperFor = (ctx: ServerContext, goBin: string) => sharedHelper(goBin, ctx.log);

export const codeActionsFeature: Feature = {
  name: 'code-actions',
  capabilities: () => ({
    codeActionProvider: { codeActionKinds: ['quickfix'] },
    executeCommandProvider: { commands: [EXPLAIN_COMMAND] },
  }),
  activate(ctx) {
    ctx.connection.onCodeAction(async ({ textDocument: { uri }, range, context }) => {
      if (context.only && !context.only.some((k) => k === 'quickfix' || k === '' || 'quickfix'.startsWith(`${k}.`))) return [];
      const file = uriToPath(uri);
      if (!file?.endsWith('.go')) return [];
      const entries = new Map<number, { placed: PlacedFinding; diagnostic?: Diagnostic }>();
      for (const d of context.diagnostics) {
        const placed = ctx.store.forDiagnostic(uri, d);
        if (placed) entries.set(placed.id, { placed, diagnostic: d });
      }
      for (const placed of ctx.store.inRange(uri, range)) {
        if (!entries.has(placed.id) && FIXABLE.has(placed.finding.kind)) entries.set(placed.id, { placed, diagnostic: placed.diagnostic });
      }
      const lintActions = lintCodeActions(ctx, uri, file, range, context.diagnostics);
      if (!entries.size) return lintActions;
      const input = packageInput(ctx, file);
      const settings = await ctx.settingsFor(uri);
      const actions: CodeAction[] = [];
      const seen = new Set<string>();
      const ask: { key: string; finding: Finding; measured?: string }[] = [];
      for (const { placed, diagnostic } of entries.values()) {
        const stale = !!diagnostic && !!placed.diagnostic && !sameRange(diagnostic.range, placed.diagnostic.range);
        if (!stale) ask.push({ key: String(placed.id), finding: placed.finding, measured: measuredCost(diagnostic) });
      }
      let answers = new Map<string, FixesForFinding>();
      let failure: string | undefined;
      if (ask.length) {
        try {
          answers = await fixesFor({ helper: helperFor(ctx, settings.goBin || 'go'), path: file, findings: ask, goVersion: input.goVersion, tags: settings.tags, overlay: input.overlay });
        } catch (err) {
          failure = err instanceof Error ? err.message : String(err);
          ctx.log(`quick fixes for ${path.basename(file)}: ${failure}`);
        }
      }
      for (const { placed, diagnostic } of entries.values()) {
        const measured = measuredCost(diagnostic);
        // The client moves diagnostics as the user types; the finding's positions are the
        // analysed text's. When they disagree the file changed since: explain, edit nothing.
        const stale = !!diagnostic && !!placed.diagnostic && !sameRange(diagnostic.range, placed.diagnostic.range);
        const result: FixesForFinding = stale
          ? { fixes: [], refusals: ['the file changed since the last analysis; save it (or wait for the analysis) to get the quick fixes'], errors: [] }
          : answers.get(String(placed.id)) ?? { fixes: [], refusals: failure ? [`the quick-fix helper could not check this package: ${failure}`] : [], errors: [] };
        for (const e of result.errors) ctx.log(`quick fix generator failed on ${path.basename(file)}:${placed.finding.line}: ${e}`);
        for (const fix of result.fixes) {
          const key = JSON.stringify(fix.edits);
          if (seen.has(key)) continue;
          seen.add(key);
          const changes: Record<string, TextEdit[]> = {};
          for (const e of fix.edits) (changes[e.path ? pathToUri(e.path) : uri] ??= []).push({ range: e.range, newText: e.newText });
          actions.push({ title: fix.title, kind: 'quickfix', isPreferred: fix.isPreferred, diagnostics: diagnostic ? [diagnostic] : undefined, edit: { changes } });
        }
        if (!result.fixes.length && isHeapKind(placed.finding.kind)) {
          const title = `Explain: ${describeFinding(placed.finding).title}`;
          if (seen.has(title)) continue;
          seen.add(title);
          const args: ExplainArgs = { finding: placed.finding, refusals: result.refusals, measured };
          actions.push({ title, kind: 'quickfix', diagnostics: diagnostic ? [diagnostic] : undefined, command: { title, command: EXPLAIN_COMMAND, arguments: [args] } });
        }
      }
      return [...actions, ...lintActions];
    });

    ctx.connection.onExecuteCommand(async (params) => (params.command === EXPLAIN_COMMAND ? explain(ctx, params) : undefined));
  },
  shutdown() {
    disposeSharedHelper();
  },
};

/** Memory lints (source heaplens-lint): the fixes proven when the lint ran, or Explain. */
function lintCodeActions(ctx: ServerContext, uri: string, file: string, range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  const found = new Map<number, { placed: PlacedLint; diagnostic: Diagnostic }>();
  for (const d of diagnostics) {
    const id = (d.data as Partial<LintDiagnosticData> | undefined)?.lintId;
    const placed = d.source === LINT_SOURCE && typeof id === 'number' ? lintStore.get(id) : undefined;
    if (placed && placed.uri === uri) found.set(placed.id, { placed, diagnostic: d });
  }
  for (const placed of lintStore.inRange(uri, range)) if (!found.has(placed.id)) found.set(placed.id, { placed, diagnostic: placed.diagnostic });
  if (!found.size) return [];
  let text = ctx.documents.get(uri)?.getText();
  if (text === undefined) {
    try { text = fs.readFileSync(file, 'utf8'); } catch { /* gone */ }
  }
  const actions: CodeAction[] = [];
  for (const { placed, diagnostic } of found.values()) {
    const l = placed.lint;
    const current = lintStore.current(placed, text) && sameRange(diagnostic.range, l.range);
    for (const fix of current ? l.fixes : []) {
      const changes: Record<string, TextEdit[]> = {};
      for (const e of fix.edits) (changes[pathToUri(e.path)] ??= []).push({ range: e.range, newText: e.newText });
      actions.push({ title: fix.title, kind: 'quickfix', isPreferred: fix.isPreferred, diagnostics: [diagnostic], edit: { changes } });
    }
    if (current && l.fixes.length) continue;
    const refusals = current ? l.refusals : ['the file changed since the lint ran; save it to get the quick fix'];
    const title = `Explain: ${l.message}`;
    const args: ExplainLintArgs = { lint: { id: l.id, message: l.message, refusals, path: l.path, range: l.range } };
    actions.push({ title, kind: 'quickfix', diagnostics: [diagnostic], command: { title, command: EXPLAIN_COMMAND, arguments: [args] } });
  }
  return actions;
}

async function explain(ctx: ServerContext, params: ExecuteCommandParams): Promise<{ uri: string } | { error: string }> {
  const lint = (params.arguments?.[0] as Partial<ExplainLintArgs> | undefined)?.lint;
  if (lint && typeof lint.id === 'string' && typeof lint.message === 'string' && typeof lint.path === 'string' && Array.isArray(lint.refusals) && lint.range) {
    const refusals = lint.refusals.filter((r): r is string => typeof r === 'string');
    return showPage(ctx, `${path.basename(lint.path, '.go')}-${lint.range.start.line + 1}-${lint.id}.md`.replace(/[^\w.-]/g, '_'), explainLintMarkdown({ ...lint, refusals }));
  }
  const args = params.arguments?.[0] as Partial<ExplainArgs> | undefined;
  const f = args?.finding;
  if (!f || typeof f.path !== 'string' || typeof f.line !== 'number' || !Array.isArray(f.explanation)) {
    return { error: `${EXPLAIN_COMMAND} needs { finding, refusals } as its argument` };
  }
  const refusals = Array.isArray(args.refusals) ? args.refusals.filter((r): r is string => typeof r === 'string') : [];
  return showPage(ctx, `${path.basename(f.path, '.go')}-${f.line}-${f.kind}.md`, explainMarkdown(f, refusals, typeof args.measured === 'string' ? args.measured : undefined));
}

async function showPage(ctx: ServerContext, name: string, markdown: string): Promise<{ uri: string }> {
  const dir = path.join(os.tmpdir(), 'heaplens-explain');
  fs.mkdirSync(dir, { recursive: true });
  const page = path.join(dir, name);
  fs.writeFileSync(page, markdown);
  const uri = pathToUri(page);
  try {
    await ctx.connection.window.showDocument({ uri, takeFocus: true });
  } catch (err) {
    ctx.log(`could not show ${page}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { uri };
}

/** The package's open buffers (they win over disk) and the module's go version. */
function packageInput(ctx: ServerContext, file: string): { overlay: Record<string, string>; goVersion?: string } {
  const dir = path.dirname(file);
  const overlay: Record<string, string> = {};
  for (const p of packageFiles(dir, true)) {
    const doc = ctx.documents.get(pathToUri(p));
    if (doc) overlay[p] = doc.getText();
  }
  const root = findModuleRoot(dir);
  return { overlay, goVersion: root ? readGoDirective(root) : undefined };
}

const sameRange = (a: Range, b: Range) =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

/** The profile feature appends the measured cost to the message (` — 1.2 MB, 3%…`) and puts it in data.cost. */
function measuredCost(d: Diagnostic | undefined): string | undefined {
  const data = d?.data as { cost?: unknown } | undefined;
  if (typeof data?.cost !== 'number') return undefined;
  const i = d!.message.lastIndexOf(' — ');
  return i >= 0 ? d!.message.slice(i + 3) : undefined;
}
