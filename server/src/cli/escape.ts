// `heaplens escape`: escape analysis from the command line, for people and for scripts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFinding } from '../escape/describe';
import { parseCompilerOutput } from '../escape/parse';
import { GoToolError, runEscapeAnalysis } from '../escape/run';
import { classifyFinding, coldReasonText, isAllocation, isOwnSourceFile, type Signal, type SourceLines } from '../escape/signal';
import type { Finding, ParseResult } from '../escape/types';
import { expressionRange, rangeText } from '../lsp/placement';
import { CliError, type Command, parseArgs, stringFlag } from './command';

const help = `usage: heaplens escape [--json] [--all] [--dir DIR] [--tests] [--tags T1,T2] [PACKAGES…]
       heaplens escape --from FILE|- [--dir DIR] [--json] [--all]

Runs the Go compiler's escape analysis (go build -gcflags=-m=2) in DIR (default: the
current directory) on PACKAGES (default ./...), or parses compiler output that already
exists (--from; - reads standard input; DIR is where the compiler ran).

By default both the report and --json list the heap allocations in DIR's own files:
what the editor shows as diagnostics. Allocations on cold paths (building an error,
panic and log.Fatal arguments, test failure messages, test code outside benchmarks) are
listed but counted apart; values the compiler boxes without allocating (constants,
zero-size values) are left out.

  --json     the same findings, one JSON object per line:
             {"file","line","column","kind","title","reason","allocates","cold",
              "steps":[{"file","line","column","text"}],"message","explanation":[…]}
             steps and explanation lines carry each step's own position.
  --all      every finding the compiler printed (inlining, leaking params, does-not-escape,
             other packages' inlined code), not only allocations in DIR
  --tests    compile test files too (go test -c)

Exit codes: 0 analysed, 1 the Go code does not compile or the go command failed
(its error is printed), 2 usage or environment error.`;

export const escapeCommand: Command = {
  summary: 'escape analysis: what moves to the heap, and why',
  help,
  async run(args) {
    const p = parseArgs(args, ['dir', 'from', 'tags', 'go'], ['json', 'tests', 'all']);
    const dir = path.resolve(stringFlag(p, 'dir') ?? '.');
    if (!fs.existsSync(dir)) throw new CliError(`directory not found: ${dir}`);
    const from = stringFlag(p, 'from');
    let result: ParseResult;
    let failed: boolean;
    if (from !== undefined) {
      if (p.positional.length) throw new CliError('--from takes no packages');
      const text = readInput(from);
      result = parseCompilerOutput(text, dir);
      failed = result.errors.length > 0;
    } else {
      try {
        const run = await runEscapeAnalysis({
          goBin: stringFlag(p, 'go'),
          moduleRoot: dir,
          packages: p.positional.length ? p.positional.map((pkg) => relativeToRoot(pkg, dir)) : ['./...'],
          tests: p.flags.has('tests'),
          tags: stringFlag(p, 'tags')?.split(',').filter(Boolean),
        });
        result = run.result;
        failed = run.exitCode !== 0;
        if (failed && !result.errors.length) {
          // The go command failed before compiling anything (bad pattern, module problem).
          throw new CliError(run.stderr.trim().split('\n')[0] || `go exited with ${run.exitCode}`);
        }
      } catch (err) {
        if (err instanceof GoToolError) throw new CliError(err.message);
        throw err;
      }
    }
    for (const e of result.errors) process.stderr.write(`error: ${position(e)}${e.message}\n`);
    const sources = new SourceCache();
    const shown = select(result, dir, p.flags.has('all'), sources.lines);
    if (p.flags.has('json')) writeJson(shown, result, p.flags.has('all'));
    else writeReport(shown, result, sources);
    return failed ? 1 : 0;
  },
};

function readInput(from: string): string {
  try {
    return fs.readFileSync(from === '-' ? 0 : from, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${from}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

// Package patterns are given relative to DIR, but the compiler runs at the module root.
function relativeToRoot(pkg: string, dir: string): string {
  if (!pkg.startsWith('.')) return pkg;
  return path.resolve(dir, pkg);
}

function position(f: Finding): string {
  return f.file ? `${f.file}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : ''}: ` : '';
}

interface Shown { finding: Finding; signal: Signal; /** The expression as written in the file. */ source?: string }

/**
 * The findings people read: allocations in DIR's own files (the editor's diagnostics),
 * each once (a test variant repeats its package's findings); with --all, everything.
 */
function select(result: ParseResult, dir: string, all: boolean, lines: SourceLines): Shown[] {
  const root = dir.endsWith(path.sep) ? dir : dir + path.sep;
  const seen = new Set<string>();
  const out: Shown[] = [];
  for (const f of result.findings) {
    if (!all && (!isAllocation(f) || !f.path.startsWith(root) || !isOwnSourceFile(f))) continue;
    const key = `${f.path}:${f.line}:${f.column}:${f.kind}:${f.message}`;
    if (!all && seen.has(key)) continue;
    seen.add(key);
    const read = (l: number) => lines(f.path, l);
    out.push({ finding: f, signal: classifyFinding(f, lines), source: f.line ? rangeText(read, expressionRange(read, f.line, f.column, f.subject)) : undefined });
  }
  return out;
}

function writeJson(shown: Shown[], result: ParseResult, all: boolean): void {
  const out: string[] = [];
  const entries: { finding: Finding; signal?: Signal; kind?: string; source?: string }[] = [...shown, ...result.errors.map((finding) => ({ finding }))];
  if (all) entries.push(...result.orphans.map((finding) => ({ finding, kind: 'no-verdict' })));
  for (const { finding: f, signal, kind, source } of entries) {
    const d = describeFinding(f, source);
    out.push(JSON.stringify({
      file: f.file,
      line: f.line,
      column: f.column,
      kind: kind ?? f.kind,
      title: d.title,
      reason: d.reason,
      allocates: signal?.allocates ?? false,
      cold: signal?.cold ?? null,
      steps: d.steps.map((s) => ({ file: s.path, line: s.line, column: s.column, text: s.text })),
      message: f.message,
      // The compiler's lines; a `from … at file:line:col` line is placed where it says.
      explanation: f.explanation.map((s) => ({ file: s.at?.file ?? s.file, line: s.at?.line ?? s.line, column: s.at ? s.at.column : s.column, message: s.message })),
    }));
  }
  process.stdout.write(out.length ? out.join('\n') + '\n' : '');
}

function writeReport(shown: Shown[], result: ParseResult, sources: SourceCache): void {
  const lines: string[] = [];
  const byFile = new Map<string, Shown[]>();
  for (const s of shown) byFile.set(s.finding.file, [...(byFile.get(s.finding.file) ?? []), s]);
  let hot = 0;
  let cold = 0;
  for (const [file, entries] of [...byFile].sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push('', file);
    const byFunc = new Map<string, Shown[]>();
    for (const s of entries) {
      const fn = sources.enclosingFunction(s.finding.path, s.finding.line) ?? '(package level)';
      byFunc.set(fn, [...(byFunc.get(fn) ?? []), s]);
    }
    for (const [fn, list] of byFunc) {
      lines.push(`  ${fn}`);
      list.sort((a, b) => rank(a) - rank(b) || a.finding.line - b.finding.line || (a.finding.column ?? 0) - (b.finding.column ?? 0));
      for (const { finding: f, signal, source } of list) {
        if (signal.allocates) {
          if (signal.cold) cold++;
          else hot++;
        }
        const d = describeFinding(f, source);
        lines.push(`    ${f.line}:${f.column ?? ''}  ${d.title}${signal.cold ? `  [cold: ${coldReasonText[signal.cold]}]` : ''}`);
        if (d.reason) lines.push(`          why: ${d.reason}`);
        for (const [i, s] of d.steps.entries()) lines.push(`          ${i + 1}. ${s.text}  (${path.basename(s.path) || '?'}:${s.line})`);
      }
    }
  }
  const files = new Set(shown.filter((s) => s.signal.allocates && !s.signal.cold).map((s) => s.finding.file)).size;
  const boxed = result.findings.filter((f) => f.kind === 'escapes-to-heap' && f.noAlloc).length;
  lines.push('', `${hot} heap allocation${hot === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`
    + (cold ? `, plus ${cold} on cold paths or in tests` : '')
    + (boxed ? `; ${boxed} interface conversion${boxed === 1 ? '' : 's'} boxed without allocating, not counted` : '')
    + (result.errors.length ? `; ${result.errors.length} error${result.errors.length === 1 ? '' : 's'} (printed to stderr)` : ''));
  process.stdout.write(lines.join('\n').replace(/^\n/, '') + '\n');
}

const ORDER = ['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-content', 'leaking-param-to-result'];

function rank(s: Shown): number {
  const i = ORDER.indexOf(s.finding.kind);
  return (s.signal.cold ? ORDER.length + 1 : 0) + (i < 0 ? ORDER.length : i);
}

/** Reads each source file once, to name the function a finding is in and to classify it. */
class SourceCache {
  private files = new Map<string, string[] | null>();
  private read(file: string): string[] | null {
    let lines = this.files.get(file);
    if (lines === undefined) {
      try { lines = fs.readFileSync(file, 'utf8').split(/\r?\n/); } catch { lines = null; }
      this.files.set(file, lines);
    }
    return lines;
  }
  readonly lines: SourceLines = (file, line1) => this.read(file)?.[line1 - 1];
  enclosingFunction(file: string, line: number): string | undefined {
    const lines = this.read(file);
    if (!lines) return undefined;
    for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
      const m = /^func\s+(\([^)]*\)\s*)?([\p{L}_][\p{L}\p{N}_]*)/u.exec(lines[i]);
      if (m) return `func ${m[1] ? m[1].trim() + ' ' : ''}${m[2]}`;
      if (i < line - 1 && /^[}]/.test(lines[i])) return undefined;
    }
    return undefined;
  }
}
