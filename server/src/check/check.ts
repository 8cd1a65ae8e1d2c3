// `heaplens check`, the engine: assertions at the working tree; with a base revision,
// the heap allocations that are new since then; a baseline and a profile to narrow it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findModuleRoot } from '../escape/module';
import { defaultCacheDir, GoHelper } from '../fixes/goHelper';
import { checkAssertions, findingProblem, type AssertionResult } from './assertions';
import { subtractBaseline, type Baseline } from './baseline';
import { analyzeTree, CheckError, wantsBce, type TreeResult } from './collect';
import { mayHaveDirectives, parseDirectives } from './directives';
import { addWorktree, gitRoot, resolveRevision } from './git';
import type { HotLines } from './hot';
import { calleeResolver } from './inlined';
import { newSites } from './match';
import type { CheckReport, HeapSite, Problem } from './model';
import { helperOutlines, type OutlineReader } from './outline';

export interface CheckOptions {
  dir: string;
  packages: string[];
  base?: string;
  tests: boolean;
  tags?: string[];
  goBin?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  baseline?: Baseline;
  /** With `hot`: allocation problems below this share of the profile do not fail. */
  hot?: HotLines;
  minShare?: number;
  /** Every heap allocation at the working tree is a problem (for --write-baseline and --baseline without --base). */
  allSites?: boolean;
  /** Go's parser for the analysed files; default: a Go helper started for this check and stopped after it. */
  outline?: OutlineReader;
  log?(line: string): void;
}

export interface CheckResult {
  report: CheckReport;
  /** Per assertion, for summaries and the editor. */
  assertions: AssertionResult[];
  head: TreeResult;
}

export async function runCheck(o: CheckOptions): Promise<CheckResult> {
  if (o.outline) return check(o, o.outline);
  // Built once per Go version and helper source (cached like the editor's), started
  // here and stopped when the check ends, so the CLI exits without waiting on it.
  const helper = new GoHelper({ goBin: o.goBin, env: o.env, cacheDir: defaultCacheDir(o.env), log: o.log });
  try {
    return await check(o, helperOutlines(helper));
  } finally {
    helper.dispose();
  }
}

async function check(o: CheckOptions, outline: OutlineReader): Promise<CheckResult> {
  const root = findModuleRoot(o.dir);
  if (!root) throw new CheckError(`no go.mod found in ${o.dir} or above it: heaplens check analyses Go modules`);
  const packages = o.packages.length ? o.packages : ['./...'];
  const bce = wantsBce(root);
  const common = { packages, tests: o.tests, tags: o.tags, goBin: o.goBin, bce, env: o.env, signal: o.signal, outline, log: o.log };

  // The base revision is resolved before anything runs, so a typo costs no build.
  let commit: string | undefined;
  let repo: string | undefined;
  if (o.base !== undefined) {
    repo = gitRoot(root);
    commit = resolveRevision(repo, o.base);
  }

  const head = await analyzeTree({ ...common, root, label: 'the working tree' });
  const notes: string[] = [];
  const problems: Problem[] = [];
  const assertions: AssertionResult[] = [];
  const relOf = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
  const inlinedFrom = calleeResolver(head.files.values());

  for (const file of head.files.values()) {
    if (!mayHaveDirectives(file.text)) continue;
    const { directives, bad } = parseDirectives(file.text, file);
    for (const b of bad) {
      problems.push({ rule: 'directive', rel: file.rel, line: b.line, column: b.column + 1, message: b.message, reason: '', flow: [], func: '', key: `directive|${file.rel}|${b.text}` });
    }
    const results = checkAssertions(directives, { rel: file.rel, funcs: file.funcs, findings: file.findings, bceChecked: bce, relOf, inlinedFrom });
    for (const r of results) {
      assertions.push(r);
      problems.push(...r.problems);
      if (r.state === 'unchecked') notes.push(`${file.rel}:${r.directive.commentLine}: ${r.directive.text} not checked: ${r.note}`);
    }
  }

  let sites: { site: HeapSite; renamedFrom?: string }[] = [];
  if (commit !== undefined && repo !== undefined) {
    const wt = addWorktree(repo, commit);
    const cleanup = () => wt.remove();
    process.once('exit', cleanup);
    try {
      const baseRoot = path.join(wt.dir, path.relative(repo, root));
      // A package directory the base does not have yet is all new.
      const basePackages = packages.filter((p) => !p.startsWith('.') || fs.existsSync(path.join(baseRoot, p.replace(/(^|\/)\.\.\.$/, ''))));
      const base = fs.existsSync(path.join(baseRoot, 'go.mod')) && basePackages.length
        ? await analyzeTree({ ...common, packages: basePackages, root: baseRoot, label: `the base ${o.base}` })
        : { sites: [], funcsByDir: new Map() };
      sites = newSites(head.sites, base.sites, head.funcsByDir, base.funcsByDir);
    } finally {
      cleanup();
      process.removeListener('exit', cleanup);
    }
  } else if (o.allSites) {
    sites = head.sites.map((site) => ({ site }));
  }
  for (const { site, renamedFrom } of sites) {
    const p = findingProblem('new-heap-allocation', undefined, site.finding, { rel: site.rel, relOf, inlinedFrom }, site.func, site.inlined);
    if (renamedFrom) p.message += ` (the function was ${renamedFrom} at the base)`;
    if (o.hot) {
      p.profileShare = o.hot.shareAt(site.finding.path, site.finding.line);
      p.cold = p.profileShare < (o.minShare ?? 0);
    }
    problems.push(p);
  }

  let baselined = 0;
  let kept = problems;
  if (o.baseline) {
    const r = subtractBaseline(problems, o.baseline);
    kept = r.kept;
    baselined = r.suppressed;
  }
  kept.sort((a, b) => a.rel.localeCompare(b.rel) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.rule.localeCompare(b.rule));
  return {
    report: { base: o.base, problems: kept, assertionsChecked: assertions.filter((a) => a.state !== 'unchecked').length, packages: head.packages, baselined, notes },
    assertions,
    head,
  };
}

export { CheckError };
