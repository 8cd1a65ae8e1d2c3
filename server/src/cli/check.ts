// `heaplens check`: the CI guard. Assertions in the code, new heap allocations since a
// base revision, a baseline for big codebases, a profile to fail only on hot lines.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeBaseline, readBaseline } from '../check/baseline';
import { runCheck } from '../check/check';
import { CheckError } from '../check/collect';
import { formatGithub, formatJson, formatText } from '../check/format';
import { loadHotLines } from '../check/hot';
import { failing } from '../check/model';
import { formatSarif } from '../check/sarif';
import { findModuleRoot } from '../escape/module';
import { CliError, type Command, parseArgs, stringFlag } from './command';

const VERSION = '0.1.0';

const help = `usage: heaplens check [PACKAGES…] [--base REV] [--format text|json|sarif|github]
                      [--baseline FILE | --write-baseline FILE] [--profile FILE --min-share X]
                      [--dir DIR] [--tests] [--tags T1,T2] [--output FILE]

Checks Go code for heap allocations (go build -gcflags=-m=2) in PACKAGES (default ./...):
  - assertions in comments: //heaplens:noalloc and //heaplens:inline on a function or a
    line, and gcassert's //gcassert:inline, //gcassert:noescape, //gcassert:bce;
  - with --base REV (a git revision such as origin/main): heap allocations that did not
    exist at REV, matched by function and expression, not by line. REV is checked out in a
    temporary git worktree, removed afterwards; uncommitted changes are part of the check.

  --format F          text (default), json, sarif (SARIF 2.1.0 for code scanning), or
                      github (::error annotations for GitHub Actions)
  --output FILE       write the report to FILE instead of standard output
  --baseline FILE     do not fail on problems recorded in FILE; without --base, every heap
                      allocation not in FILE is a problem
  --write-baseline FILE  record every current heap allocation and assertion violation in
                      FILE and exit 0
  --profile FILE      a heap profile (pprof); new allocations on lines below --min-share of
                      its bytes (alloc_space, else inuse_space) are reported as notes, not failures
  --min-share X       a fraction (0.01) or a percentage (1%); default 0.01
  --sample-type T     the profile's sample type to use
  --tests             include _test.go files (go test -c)
  --tags T1,T2        build tags
  --go PATH           the go binary

Exit codes: 0 nothing new, 1 new heap allocations or assertion violations, 2 usage or
environment error (no go, no git, unknown revision, code that does not build).`;

export const checkCommand: Command = {
  summary: 'CI guard: new heap allocations since a revision, and noalloc/inline assertions',
  help,
  async run(args) {
    const p = parseArgs(args, ['dir', 'base', 'format', 'output', 'baseline', 'write-baseline', 'profile', 'min-share', 'sample-type', 'tags', 'go'], ['tests']);
    const format = stringFlag(p, 'format') ?? 'text';
    if (!['text', 'json', 'sarif', 'github'].includes(format)) throw new CliError(`--format must be text, json, sarif or github, not '${format}'`);
    const dir = path.resolve(stringFlag(p, 'dir') ?? '.');
    if (!fs.existsSync(dir)) throw new CliError(`directory not found: ${dir}`);
    const writeTo = stringFlag(p, 'write-baseline');
    const baselineFile = stringFlag(p, 'baseline');
    if (writeTo && baselineFile) throw new CliError('--baseline and --write-baseline do not go together');
    if (writeTo && p.flags.has('base')) throw new CliError('--write-baseline records the working tree: drop --base');
    const profile = stringFlag(p, 'profile');
    const minShare = parseShare(stringFlag(p, 'min-share'));
    if (!profile && (p.flags.has('min-share') || p.flags.has('sample-type'))) throw new CliError('--min-share and --sample-type need --profile');
    const root = findModuleRoot(dir);
    if (!root) throw new CliError(`no go.mod found in ${dir} or above it: heaplens check analyses Go modules`);

    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const hot = profile ? await loadHotLines(profile, root, stringFlag(p, 'sample-type'), stringFlag(p, 'go')) : undefined;
      const { report } = await runCheck({
        dir,
        packages: p.positional.map((pkg) => rootRelative(pkg, dir, root)),
        base: stringFlag(p, 'base'),
        tests: p.flags.has('tests'),
        tags: stringFlag(p, 'tags')?.split(',').filter(Boolean),
        goBin: stringFlag(p, 'go'),
        baseline: baselineFile ? readBaseline(baselineFile) : undefined,
        allSites: !!writeTo || (!!baselineFile && !p.flags.has('base')),
        hot,
        minShare,
        signal: abort.signal,
      });
      if (writeTo) {
        const b = makeBaseline(report.problems);
        fs.writeFileSync(writeTo, JSON.stringify(b, null, 2) + '\n');
        process.stderr.write(`heaplens check: wrote ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} to ${writeTo}\n`);
        return 0;
      }
      const prefix = repoPrefix(root);
      const text = format === 'json' ? formatJson(report)
        : format === 'sarif' ? formatSarif(report, VERSION, prefix)
        : format === 'github' ? formatGithub(report, prefix)
        : formatText(report);
      const out = stringFlag(p, 'output');
      if (out) fs.writeFileSync(out, text);
      else process.stdout.write(text);
      return failing(report).length ? 1 : 0;
    } catch (err) {
      if (err instanceof CheckError) throw new CliError(err.message);
      throw err;
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
  },
};

/**
 * `./x` patterns are given relative to --dir; the go command runs at the module root of
 * each tree (the working tree and the base worktree), so they become root-relative.
 */
function rootRelative(pkg: string, dir: string, root: string): string {
  if (!pkg.startsWith('.')) return pkg;
  const rel = path.relative(root, path.resolve(dir, pkg)).split(path.sep).join('/');
  if (rel.startsWith('..')) throw new CliError(`package ${pkg} is outside the module at ${root}`);
  return rel === '' ? '.' : `./${rel}`;
}

function parseShare(s: string | undefined): number {
  if (s === undefined) return 0.01;
  const pct = s.endsWith('%');
  const n = Number(pct ? s.slice(0, -1) : s);
  const v = pct ? n / 100 : n;
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new CliError(`--min-share needs a fraction between 0 and 1 or a percentage, not '${s}'`);
  return v;
}

/** The module's directory inside its git repository ('' at the top, or outside git). */
function repoPrefix(root: string): string {
  const r = spawnSync('git', ['rev-parse', '--show-prefix'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().replace(/\/$/, '') : '';
}
