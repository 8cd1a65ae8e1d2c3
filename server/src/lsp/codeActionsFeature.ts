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
import { defaultCacheDir, GoHelper } from '../fixes/goHelper';
import { fixesFor, type FixesForFinding } from '../fixes/index';
import type { Feature, ServerContext } from './features';
import type { PlacedFinding } from './findingsStore';
import { packageFiles, pathToUri, uriToPath } from './packages';

export const EXPLAIN_COMMAND = 'heaplens.explainFinding';

/** The argument of the Explain command: everything the page needs, so it never looks anything up again. */
export interface ExplainArgs {
  finding: Finding;
  refusals: string[];
  measured?: string;
}

/** Kinds a fix generator may act on (the does-not-escape ones: append/make that still allocate backing storage). */
const FIXABLE = new Set<Finding['kind']>(['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-content', 'leaking-param-to-result', 'closure-capture', 'does-not-escape']);

let helper: GoHelper | undefined;
let helperGoBin: string | undefined;

function helperFor(ctx: ServerContext, goBin: string): GoHelper {
  if (!helper || helperGoBin !== goBin) {
    helper?.dispose();
    helperGoBin = goBin;
    helper = new GoHelper({ goBin, cacheDir: defaultCacheDir(), log: (l) => ctx.log(l) });
  }
  return helper;
}

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
      if (!entries.size) return [];
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
      return actions;
    });

    ctx.connection.onExecuteCommand(async (params) => (params.command === EXPLAIN_COMMAND ? explain(ctx, params) : undefined));
  },
  shutdown() {
    helper?.dispose();
    helper = undefined;
  },
};

async function explain(ctx: ServerContext, params: ExecuteCommandParams): Promise<{ uri: string } | { error: string }> {
  const args = params.arguments?.[0] as Partial<ExplainArgs> | undefined;
  const f = args?.finding;
  if (!f || typeof f.path !== 'string' || typeof f.line !== 'number' || !Array.isArray(f.explanation)) {
    return { error: `${EXPLAIN_COMMAND} needs { finding, refusals } as its argument` };
  }
  const refusals = Array.isArray(args.refusals) ? args.refusals.filter((r): r is string => typeof r === 'string') : [];
  const dir = path.join(os.tmpdir(), 'heaplens-explain');
  fs.mkdirSync(dir, { recursive: true });
  const page = path.join(dir, `${path.basename(f.path, '.go')}-${f.line}-${f.kind}.md`);
  fs.writeFileSync(page, explainMarkdown(f, refusals, typeof args.measured === 'string' ? args.measured : undefined));
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
