// `heaplens escape`: escape analysis from the command line, for people and for scripts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFinding, isHeapKind } from '../escape/describe';
import { parseCompilerOutput } from '../escape/parse';
import { GoToolError, runEscapeAnalysis } from '../escape/run';
import type { Finding, ParseResult } from '../escape/types';
import { CliError, type Command, parseArgs, stringFlag } from './command';

const help = `usage: heaplens escape [--json] [--dir DIR] [--tests] [--tags T1,T2] [PACKAGES…]
       heaplens escape --from FILE|- [--dir DIR] [--json]

Runs the Go compiler's escape analysis (go build -gcflags=-m=2) in DIR (default: the
current directory) on PACKAGES (default ./...), or parses compiler output that already
exists (--from; - reads standard input; DIR is where the compiler ran).

  --json     one JSON object per line per finding:
             {"file","line","column","kind","message","explanation":[{"file","line","column","message"}]}
  --tests    compile test files too (go test -c)
  --all      in the report, show every kind (inlining, does-not-escape, …), not only heap ones

Exit codes: 0 analysed, 1 the Go code does not compile, 2 usage or environment error.`;

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
    if (p.flags.has('json')) writeJson(result);
    else writeReport(result, dir, p.flags.has('all'));
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

function writeJson(result: ParseResult): void {
  const out: string[] = [];
  for (const f of [...result.findings, ...result.errors]) {
    out.push(JSON.stringify({
      file: f.file,
      line: f.line,
      column: f.column,
      kind: f.kind,
      message: f.message,
      explanation: f.explanation.map((s) => ({ file: s.file, line: s.line, column: s.column, message: s.message })),
    }));
  }
  process.stdout.write(out.length ? out.join('\n') + '\n' : '');
}

const ORDER = ['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-content', 'leaking-param-to-result'];

function writeReport(result: ParseResult, dir: string, all: boolean): void {
  const lines: string[] = [];
  for (const e of result.errors) lines.push(`error: ${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.message}`);
  // People read about their own code; inlined standard-library bodies stay in --json and --all.
  const root = dir.endsWith(path.sep) ? dir : dir + path.sep;
  const seen = new Set<string>();
  const shown = result.findings.filter((f) => {
    if (!all && (!isHeapKind(f.kind) || !f.path.startsWith(root))) return false;
    const key = `${f.path}:${f.line}:${f.column}:${f.kind}:${f.subject}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const byFile = new Map<string, Finding[]>();
  for (const f of shown) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const sources = new SourceCache();
  let heap = 0;
  for (const [file, findings] of [...byFile].sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push('', file);
    const byFunc = new Map<string, Finding[]>();
    for (const f of findings) {
      const fn = sources.enclosingFunction(f.path, f.line) ?? '(package level)';
      byFunc.set(fn, [...(byFunc.get(fn) ?? []), f]);
    }
    for (const [fn, fs2] of byFunc) {
      lines.push(`  ${fn}`);
      fs2.sort((a, b) => rank(a) - rank(b) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
      for (const f of fs2) {
        if (isHeapKind(f.kind)) heap++;
        const d = describeFinding(f);
        lines.push(`    ${f.line}:${f.column ?? ''}  ${d.title}`);
        if (d.reason) lines.push(`          why: ${d.reason}`);
        for (const [i, s] of d.steps.entries()) lines.push(`          ${i + 1}. ${s.text}  (${path.basename(s.path) || '?'}:${s.line})`);
      }
    }
  }
  lines.push('', `${heap} heap finding${heap === 1 ? '' : 's'} in ${byFile.size} file${byFile.size === 1 ? '' : 's'}${result.errors.length ? `; ${result.errors.length} compile error${result.errors.length === 1 ? '' : 's'}` : ''}`);
  process.stdout.write(lines.join('\n').replace(/^\n/, '') + '\n');
}

function rank(f: Finding): number {
  const i = ORDER.indexOf(f.kind);
  return i < 0 ? ORDER.length : i;
}

/** Reads each source file once, to name the function a finding is in. */
class SourceCache {
  private files = new Map<string, string[] | null>();
  enclosingFunction(file: string, line: number): string | undefined {
    let lines = this.files.get(file);
    if (lines === undefined) {
      try { lines = fs.readFileSync(file, 'utf8').split('\n'); } catch { lines = null; }
      this.files.set(file, lines);
    }
    if (!lines) return undefined;
    for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
      const m = /^func\s+(\([^)]*\)\s*)?([\p{L}_][\p{L}\p{N}_]*)/u.exec(lines[i]);
      if (m) return `func ${m[1] ? m[1].trim() + ' ' : ''}${m[2]}`;
      if (i < line - 1 && /^[}]/.test(lines[i])) return undefined;
    }
    return undefined;
  }
}
