// Escape analysis of one source tree for the check: run the compiler (through the
// shared runner), read the files it reports on with Go's parser (their functions and
// comments), put each finding in its file and function, collect heap sites.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readModulePath } from '../escape/module';
import { GoToolError, runEscapeAnalysis, type GoRunResult } from '../escape/run';
import type { ExplanationStep, Finding } from '../escape/types';
import { functionAt, type FuncInfo } from './functions';
import type { FuncsByDir } from './match';
import { dirOf } from './match';
import { allocates, type HeapSite } from './model';
import type { LineComment, OutlineReader } from './outline';

/** A usage or environment problem the check cannot get past (exit code 2). */
export class CheckError extends Error {}

export interface TreeOptions {
  root: string;
  packages: string[];
  tests: boolean;
  tags?: string[];
  goBin?: string;
  /** Ask the compiler for bounds checks too (//gcassert:bce). */
  bce: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Names the tree in error messages ("the working tree", "the base origin/main"). */
  label: string;
  /** Go's parser on the files with findings (the Go helper's outline). */
  outline: OutlineReader;
  log?(line: string): void;
}

export interface FileData {
  abs: string;
  rel: string;
  text: string;
  funcs: FuncInfo[];
  /** Line comments, for directives. */
  comments: LineComment[];
  findings: Finding[];
}

export interface TreeResult {
  root: string;
  files: Map<string, FileData>;
  sites: HeapSite[];
  funcsByDir: FuncsByDir;
  packages: number;
  durationMs: number;
  run: GoRunResult;
}

/**
 * -trimpath makes the compiler's cache key independent of where the tree is: the base
 * checkout, in another directory, replays every package that did not change instead
 * of compiling it again. Its output names files by module path (`example.com/m/a.go`).
 */
export const BCE_GCFLAGS = '-gcflags=-m=2 -d=ssa/check_bce/debug=1';

export async function analyzeTree(o: TreeOptions): Promise<TreeResult> {
  let run: GoRunResult;
  try {
    run = await runEscapeAnalysis({
      goBin: o.goBin, moduleRoot: o.root, packages: o.packages, tests: o.tests, tags: o.tags,
      buildFlags: ['-trimpath', ...(o.bce ? [BCE_GCFLAGS] : [])], env: o.env, signal: o.signal,
      onStart: ({ argv, cwd }) => o.log?.(`${o.label}: ${argv.join(' ')}  (in ${cwd})`),
    });
  } catch (err) {
    if (err instanceof GoToolError) throw new CheckError(err.message);
    throw err;
  }
  if (run.cancelled) throw new CheckError('cancelled');
  if (run.exitCode !== 0 || run.result.errors.length) {
    const e = run.result.errors[0];
    const first = e ? `${e.file}:${e.line}${e.column ? `:${e.column}` : ''}: ${e.message.split('\n')[0]}` : run.stderr.split('\n').find((l) => l.trim() && !l.startsWith('#'))?.trim() ?? `exit code ${run.exitCode}`;
    throw new CheckError(`${o.label} does not build, so it cannot be checked: ${first}`);
  }
  const modulePath = readModulePath(o.root);
  const toAbs = absolutizer(o.root, modulePath);
  const rootSlash = o.root.endsWith(path.sep) ? o.root : o.root + path.sep;

  const files = new Map<string, FileData>();
  const seen = new Set<string>();
  for (const raw of run.result.findings) {
    const abs = toAbs(raw.file, raw.path);
    if (!abs.startsWith(rootSlash)) continue;
    // The test variant repeats the package's findings: one of each.
    const k = `${abs}:${raw.line}:${raw.column}:${raw.kind}:${raw.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    let file = files.get(abs);
    if (!file) {
      let text: string;
      // Files that are not on disk (the generated test main, _testmain.go) are not the user's code.
      try { text = fs.readFileSync(abs, 'utf8'); } catch { continue; }
      file = { abs, rel: path.relative(o.root, abs).split(path.sep).join('/'), text, funcs: [], comments: [], findings: [] };
      files.set(abs, file);
    }
    file.findings.push(relocate(raw, abs, toAbs));
  }
  await outlineFiles([...files.values()], o);

  const sites: HeapSite[] = [];
  const funcsByDir: FuncsByDir = new Map();
  for (const file of files.values()) {
    const dir = dirOf(file.rel);
    const list = funcsByDir.get(dir);
    if (list) list.push(...file.funcs);
    else funcsByDir.set(dir, [...file.funcs]);
    for (const f of file.findings) {
      if (!allocates(f)) continue;
      const inlined = file.findings.filter((g) => g.kind === 'inlining-call' && g.line === f.line && g.column === f.column).map((g) => g.subject ?? '');
      sites.push({ finding: f, rel: file.rel, func: functionAt(file.funcs, f.line)?.name ?? '', expr: f.subject ?? f.message, inlined });
    }
  }
  return { root: o.root, files, sites, funcsByDir, packages: run.result.packages.length, durationMs: run.durationMs, run };
}

/** Fills in each file's functions and comments; a Go helper that fails stops the check (exit 2). */
async function outlineFiles(files: FileData[], o: TreeOptions): Promise<void> {
  if (!files.length) return;
  let outlines;
  try {
    outlines = await o.outline(files.map((f) => ({ path: f.abs, text: f.text })));
  } catch (err) {
    throw new CheckError(`could not read the Go files of ${o.label} with Go's parser (heaplens's Go helper): ${err instanceof Error ? err.message : String(err)}`);
  }
  files.forEach((f, i) => {
    f.funcs = outlines[i].funcs;
    f.comments = outlines[i].comments;
    // The compiler built these files, so this is rare (a file changed since): keep what parsed.
    if (outlines[i].error) o.log?.(`${f.rel}: ${outlines[i].error}`);
  });
}

/** Maps the compiler's file names (module-path based under -trimpath) to paths on disk. */
function absolutizer(root: string, modulePath: string | undefined): (file: string, parsed: string) => string {
  const prefix = modulePath ? modulePath + '/' : undefined;
  return (file, parsed) => (prefix && file.startsWith(prefix) ? path.join(root, file.slice(prefix.length)) : parsed);
}

function relocate(f: Finding, abs: string, toAbs: (file: string, parsed: string) => string): Finding {
  const explanation: ExplanationStep[] = f.explanation.map((s) => ({
    ...s, path: toAbs(s.file, s.path), at: s.at ? { ...s.at, path: toAbs(s.at.file, s.at.path) } : undefined,
  }));
  return { ...f, path: abs, explanation };
}

/** Whether any Go file of the module asks for bounds-check assertions (they need an extra compiler flag). */
export function wantsBce(root: string): boolean {
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'vendor' && e.name !== 'testdata' && e.name !== 'node_modules' && !fs.existsSync(path.join(p, 'go.mod'))) stack.push(p);
      } else if (e.name.endsWith('.go')) {
        try { if (/gcassert:[\w,]*\bbce\b/.test(fs.readFileSync(p, 'utf8'))) return true; } catch { /* unreadable: skip */ }
      }
    }
  }
  return false;
}
