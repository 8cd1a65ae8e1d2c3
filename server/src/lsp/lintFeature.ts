// Memory lints as diagnostics: after the analyzer publishes a package's
// diagnostics, the Go helper lints the package (gohelper/lint*.go) and its
// findings are published next to the compiler's, with source `heaplens-lint`
// and information severity (`heaplens.lints` picks the kinds). Their fixes were
// proven when the lint ran; the code-action feature offers them from here.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Range } from 'vscode-languageserver';
import { findModuleRoot, readGoDirective } from '../escape/module';
import { LINT_SOURCE, lintDiagnostic, type Lint } from '../fixes/lints';
import { sharedHelper } from '../fixes/sharedHelper';
import type { Feature, ServerContext } from './features';
import { packageFiles, pathToUri, uriToPath } from './packages';

export interface PlacedLint {
  id: number;
  uri: string;
  lint: Lint;
  diagnostic: Diagnostic;
  /** Hash of the text the lint saw: its fixes apply to that text only. */
  textHash: string;
}

const hash = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);

/** The lints of the last run, per file. */
export class LintStore {
  private byUri = new Map<string, PlacedLint[]>();
  private byId = new Map<number, PlacedLint>();
  private nextId = 1;

  set(uri: string, lints: Lint[], textHash: string): PlacedLint[] {
    for (const old of this.byUri.get(uri) ?? []) this.byId.delete(old.id);
    const placed = lints.map((lint) => {
      const id = this.nextId++;
      const p: PlacedLint = { id, uri, lint, diagnostic: lintDiagnostic(lint, id), textHash };
      this.byId.set(id, p);
      return p;
    });
    if (placed.length) this.byUri.set(uri, placed);
    else this.byUri.delete(uri);
    return placed;
  }

  get(id: number): PlacedLint | undefined { return this.byId.get(id); }
  diagnostics(uri: string): Diagnostic[] { return (this.byUri.get(uri) ?? []).map((p) => p.diagnostic); }
  uris(): string[] { return [...this.byUri.keys()]; }
  inRange(uri: string, r: Range): PlacedLint[] {
    return (this.byUri.get(uri) ?? []).filter((p) => !before(p.lint.range.end, r.start) && !before(r.end, p.lint.range.start));
  }
  /** Whether the lint's fixes still apply: the document is the text the lint saw. */
  current(p: PlacedLint, text: string | undefined): boolean { return text !== undefined && hash(text) === p.textHash; }
}

export const lintStore = new LintStore();

const LINT_DELAY_MS = 50;
/** delete/clear (maps), Put (pools), Write* (builders). */
const LINT_CALLS = /\b(?:delete|clear)\(|\.(?:Put|Write|WriteString|WriteByte|WriteRune)\(/;

export function lintFeature(): Feature {
  let stop: (() => void) | undefined;
  return {
    name: 'memory-lints',
    activate(ctx) { stop = wire(ctx); },
    shutdown() { stop?.(); },
  };
}

function wire(ctx: ServerContext): () => void {
  /** What the other features last published per file, to publish the lints next to. */
  const base = new Map<string, Diagnostic[]>();
  const pending = new Map<string, string>(); // package dir -> a document uri in it (for settings)
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const publish = (uri: string) => {
    void ctx.connection.sendDiagnostics({ uri, diagnostics: [...(base.get(uri) ?? []), ...lintStore.diagnostics(uri)] });
  };

  const lintDir = async (dir: string, uri: string) => {
    const settings = await ctx.settingsFor(uri);
    const files = packageFiles(dir, false).filter((p) => !p.endsWith('_test.go'));
    const texts = new Map<string, string>();
    const overlay: Record<string, string> = {};
    for (const p of packageFiles(dir, true)) {
      const doc = ctx.documents.get(pathToUri(p));
      if (doc) overlay[p] = doc.getText();
    }
    for (const p of files) {
      try { texts.set(p, overlay[p] ?? fs.readFileSync(p, 'utf8')); } catch { /* gone */ }
    }
    let lints: Lint[] = [];
    // Only a cheap gate (the helper decides with go/types): a package that mentions
    // none of the calls the lints look at does not start the helper.
    const candidate = [...texts.values()].some((t) => LINT_CALLS.test(t));
    if (!settings.lints.length) ctx.log(`memory lints for ${dir}: off (heaplens.lints is empty)`);
    if (settings.lints.length && candidate) {
      const root = findModuleRoot(dir);
      const t0 = performance.now();
      try {
        lints = await sharedHelper(settings.goBin || 'go', ctx.log).lint({ dir, goVersion: root ? readGoDirective(root) : undefined, tags: settings.tags, overlay });
      } catch (err) {
        ctx.log(`memory lints for ${dir}: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      for (const l of lints) for (const e of l.errors ?? []) ctx.log(`memory lint failed on ${path.basename(l.path)}:${l.range.start.line + 1}: ${e}`);
      lints = lints.filter((l) => settings.lints.includes(l.id) && l.message);
      ctx.log(`memory lints for ${dir}: ${lints.length} in ${Math.round(performance.now() - t0)} ms`);
    }
    const touched = new Set(lintStore.uris().filter((u) => { const p = uriToPath(u); return !!p && path.dirname(p) === dir; }));
    for (const [p, text] of texts) {
      const uri = pathToUri(p);
      const mine = lints.filter((l) => l.path === p);
      const had = touched.has(uri);
      lintStore.set(uri, mine, hash(text));
      if (mine.length || had) publish(uri);
    }
  };

  const pump = async () => {
    timer = undefined;
    if (running) return;
    running = true;
    try {
      while (pending.size) {
        const [dir, uri] = pending.entries().next().value as [string, string];
        pending.delete(dir);
        await lintDir(dir, uri);
      }
    } finally {
      running = false;
    }
  };

  ctx.diagnosticDecorators.push((uri, diagnostics) => {
    const own = diagnostics.filter((d) => d.source !== LINT_SOURCE);
    const file = uriToPath(uri);
    if (!file?.endsWith('.go')) return own;
    base.set(uri, own);
    pending.set(path.dirname(file), uri);
    timer ??= setTimeout(() => void pump(), LINT_DELAY_MS);
    return [...own, ...lintStore.diagnostics(uri)];
  });
  return () => { if (timer) clearTimeout(timer); pending.clear(); };
}
