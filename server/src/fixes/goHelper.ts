// The Go side of the quick fixes (gohelper/ in the repository and the VSIX): built
// by the user's own `go` on first use, cached per Go version and source hash, and
// kept running as one process that answers JSON lines over stdio. Every request
// has a timeout (the process is killed and restarted on the next one), stdout
// lines are capped, and the process dies with the server. Only the language
// server starts it, and the client starts the server only in trusted workspaces.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { goVersion } from '../escape/run';
import type { Finding } from '../escape/types';
import type { Lint } from './lints';
import type { Fix } from './types';

export interface HelperOptions {
  goBin?: string;
  /** Where built helpers are kept (one binary per Go version and source hash). */
  cacheDir?: string;
  /** The helper's Go sources; default: gohelper/ next to the bundled server. */
  sourceDir?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface FixesRequest {
  dir: string;
  goVersion?: string;
  tags?: string[];
  /** Unsaved buffers of the package: absolute path -> text. */
  overlay?: Record<string, string>;
  findings: { key: string; finding: Finding; measured?: string }[];
}

export interface FindingFixes {
  key: string;
  fixes: (Fix & { id: string; edits: { path: string; range: Fix['edits'][number]['range']; newText: string }[] })[];
  refusals: string[];
  errors?: string[];
}

/** One file for the `ranges` op: compiler positions (1-based line, byte column) and what the compiler called them. */
export interface RangeFile {
  path: string;
  /** Unsaved editor text; read from disk when absent. */
  text?: string;
  at: { line: number; col: number; subject?: string }[];
}

/** 1-based lines and byte columns, end exclusive; all absent when no expression is at the position. */
export interface ExprRange { line?: number; col?: number; endLine?: number; endCol?: number }

/** gohelper/outline.go's answer for one file (lines 1-based, columns UTF-16). */
export interface GoOutline {
  path: string;
  funcs: { name: string; line: number; docLine: number; bodyLine: number; endLine: number; tokens: string[] }[];
  comments: { line: number; column: number; text: string; afterCode: boolean }[];
  error?: string;
}

// Set by scripts/build.mjs in the CLI bundle only: file name -> text of gohelper/.
declare const __HEAPLENS_GOHELPER_SOURCES__: Record<string, string> | undefined;

/** The helper's sources carried by a single-file CLI, for when no gohelper/ is beside it. */
const embeddedSources = typeof __HEAPLENS_GOHELPER_SOURCES__ === 'undefined' ? undefined : __HEAPLENS_GOHELPER_SOURCES__;

const BUILD_TIMEOUT_MS = 180_000;
/** The first request of a package runs `go list -export` (a build of its dependencies). */
const COLD_TIMEOUT_MS = 120_000;
// A warm package answers in milliseconds; a changed import set runs `go list` again.
const WARM_TIMEOUT_MS = 60_000;
const MAX_LINE_BYTES = 64 * 1024 * 1024;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HEAPLENS_HELPER_CACHE) return env.HEAPLENS_HELPER_CACHE;
  const base = env.XDG_CACHE_HOME || (process.platform === 'win32' ? env.LOCALAPPDATA : undefined) || path.join(os.homedir(), '.cache');
  return path.join(base || os.tmpdir(), 'heaplens-gohelper');
}

/** gohelper/ beside server/out (the bundle) or beside the compiled tests. */
export function defaultSourceDir(): string {
  for (const up of [['..', '..'], ['..', '..', '..'], ['..', '..', '..', '..']]) {
    const dir = path.resolve(__dirname, ...up, 'gohelper');
    if (fs.existsSync(path.join(dir, 'go.mod'))) return dir;
  }
  return path.resolve(__dirname, '..', '..', 'gohelper');
}

export class GoHelper {
  private proc?: ChildProcessWithoutNullStreams;
  private binary?: Promise<string>;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; proc: ChildProcessWithoutNullStreams }>();
  private warmDirs = new Set<string>();
  private disposed = false;
  /** How long the last build took, and whether it was found in the cache (for the benchmark). */
  lastBuild?: { ms: number; cached: boolean; path: string };

  constructor(private readonly opts: HelperOptions = {}) {}

  private log(line: string): void { this.opts.log?.(line); }

  /** The helper binary, built when missing. */
  build(): Promise<string> {
    this.binary ??= this.buildOnce();
    this.binary.catch(() => { this.binary = undefined; });
    return this.binary;
  }

  private async buildOnce(): Promise<string> {
    const t0 = performance.now();
    const goBin = this.opts.goBin || 'go';
    const env = this.opts.env ?? process.env;
    const version = await goVersion(goBin, env);
    let src = this.opts.sourceDir ?? defaultSourceDir();
    const embedded = !this.opts.sourceDir && !fs.existsSync(path.join(src, 'go.mod')) ? embeddedSources : undefined;
    if (!embedded && !fs.existsSync(path.join(src, 'go.mod'))) throw new Error(`the quick-fix helper's Go sources are missing (no go.mod in ${src})`);
    const sources = embedded ?? Object.fromEntries(fs.readdirSync(src).map((n) => [n, () => fs.readFileSync(path.join(src, n))]));
    const hash = createHash('sha256');
    for (const f of Object.keys(sources).filter((n) => n === 'go.mod' || (n.endsWith('.go') && !n.endsWith('_test.go'))).sort()) {
      const body = sources[f];
      hash.update(f).update('\0').update(typeof body === 'string' ? body : body()).update('\0');
    }
    const sourceHash = hash.digest('hex').slice(0, 16);
    const dir = this.opts.cacheDir ?? defaultCacheDir(env);
    const exe = path.join(dir, `gohelper-${version.replace(/[^\w.-]/g, '_')}-${sourceHash}${process.platform === 'win32' ? '.exe' : ''}`);
    if (fs.existsSync(exe)) {
      this.lastBuild = { ms: performance.now() - t0, cached: true, path: exe };
      return exe;
    }
    if (embedded) src = writeSources(embedded, path.join(dir, `gohelper-src-${sourceHash}`));
    fs.mkdirSync(dir, { recursive: true });
    // Unique per build: the quick fixes and the underlines each run a helper, and may build it at once.
    const tmp = `${exe}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const argv = ['build', '-trimpath', '-o', tmp, '.'];
    this.log(`building the quick-fix helper: ${goBin} ${argv.join(' ')}  (in ${src})`);
    const out = await run(goBin, argv, src, {
      ...env, GOWORK: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', CGO_ENABLED: '0',
    }, BUILD_TIMEOUT_MS);
    if (out.code !== 0) {
      fs.rmSync(tmp, { force: true });
      throw new Error(`could not build the quick-fix helper with ${goBin} (${version}): ${out.stderr.trim().split('\n').slice(0, 5).join(' ') || `exit ${out.code}`}`);
    }
    fs.renameSync(tmp, exe);
    this.lastBuild = { ms: performance.now() - t0, cached: false, path: exe };
    this.log(`quick-fix helper built in ${Math.round(this.lastBuild.ms)} ms: ${exe}`);
    return exe;
  }

  private async process(): Promise<ChildProcessWithoutNullStreams> {
    if (this.proc && this.proc.exitCode === null && !this.proc.killed) return this.proc;
    const exe = await this.build();
    if (this.disposed) throw new Error('the quick-fix helper was stopped');
    if (this.proc && this.proc.exitCode === null && !this.proc.killed) return this.proc;
    const p = spawn(exe, ['-go', this.opts.goBin || 'go'], { env: this.opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = p;
    this.warmDirs.clear();
    // The line so far, in pieces: an answer of megabytes arrives in 64 KB chunks, and
    // appending to one string and searching it whole on every chunk was quadratic.
    let parts: string[] = [];
    let partsLength = 0;
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (chunk: string) => {
      let from = 0;
      for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
        parts.push(chunk.slice(from, nl));
        const line = parts.join('');
        parts = [];
        partsLength = 0;
        from = nl + 1;
        if (line.length > MAX_LINE_BYTES) {
          this.tooLong(p);
          return;
        }
        let msg: { id?: number };
        try { msg = JSON.parse(line) as { id?: number }; } catch { continue; }
        const waiter = msg.id === undefined ? undefined : this.pending.get(msg.id);
        if (!waiter) continue;
        this.pending.delete(msg.id!);
        clearTimeout(waiter.timer);
        waiter.resolve(msg);
      }
      if (from < chunk.length) {
        parts.push(chunk.slice(from));
        partsLength += chunk.length - from;
        if (partsLength > MAX_LINE_BYTES) this.tooLong(p);
      }
    });
    let stderr = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (d: string) => { if (stderr.length < 16_384) stderr += d; });
    p.on('error', (err) => this.failAll(p, err));
    p.on('exit', (code, signal) => {
      if (this.pending.size) this.log(`the quick-fix helper exited (${signal ?? code})${stderr ? `: ${stderr.trim().slice(0, 500)}` : ''}`);
      this.failAll(p, new Error(`the quick-fix helper exited (${signal ?? code})`));
    });
    p.stdin.on('error', () => { /* the exit handler reports it */ });
    return p;
  }

  private tooLong(p: ChildProcessWithoutNullStreams): void {
    this.log('the quick-fix helper wrote an over-long answer; stopping it');
    this.kill(p, new Error('the quick-fix helper wrote an over-long answer'));
  }

  private failAll(p: ChildProcessWithoutNullStreams, err: Error): void {
    if (this.proc === p) this.proc = undefined;
    for (const [id, w] of this.pending) {
      // A killed process exits later: its exit must not fail the requests of the one started since.
      if (w.proc !== p) continue;
      clearTimeout(w.timer);
      w.reject(err);
      this.pending.delete(id);
    }
  }

  private kill(p: ChildProcessWithoutNullStreams, err: Error): void {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
    this.failAll(p, err);
  }

  private async send<T>(msg: Record<string, unknown>, timeoutMs: number): Promise<T> {
    const p = await this.process();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.log(`the quick-fix helper did not answer within ${timeoutMs} ms; stopping it`);
        this.kill(p, new Error(`the quick-fix helper did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, proc: p });
      p.stdin.write(`${JSON.stringify({ id, ...msg })}\n`);
    });
  }

  /** Fixes for findings of one package directory. */
  async fixes(req: FixesRequest): Promise<FindingFixes[]> {
    const timeout = this.warmDirs.has(req.dir) ? WARM_TIMEOUT_MS : COLD_TIMEOUT_MS;
    const r = await this.send<{ results?: FindingFixes[]; error?: string }>({ op: 'fixes', ...req }, timeout);
    if (r.error) throw new Error(r.error);
    this.warmDirs.add(req.dir);
    return r.results ?? [];
  }

  /** Whole-expression ranges for compiler positions (gohelper/ranges.go): parsing only, milliseconds. */
  async ranges(files: RangeFile[], timeoutMs: number): Promise<ExprRange[][]> {
    const r = await this.send<{ ranges?: ExprRange[][]; error?: string }>({ op: 'ranges', rangeFiles: files }, timeoutMs);
    if (r.error) throw new Error(r.error);
    return r.ranges ?? [];
  }

  /** The memory lints of one package directory (its non-test files), each with its proven fixes. */
  async lint(req: Omit<FixesRequest, 'findings'>): Promise<Lint[]> {
    const timeout = this.warmDirs.has(req.dir) ? WARM_TIMEOUT_MS : COLD_TIMEOUT_MS;
    const r = await this.send<{ lints?: Lint[]; error?: string }>({ op: 'lint', ...req }, timeout);
    if (r.error) throw new Error(r.error);
    this.warmDirs.add(req.dir);
    return r.lints ?? [];
  }

  /** Type-checks a package ahead of the first code action. */
  async load(dir: string, tags?: string[]): Promise<void> {
    const r = await this.send<{ error?: string }>({ op: 'load', dir, tags }, COLD_TIMEOUT_MS);
    if (r.error) throw new Error(r.error);
    this.warmDirs.add(dir);
  }

  /**
   * Top-level functions and line comments of Go files, read with go/parser (gohelper/outline.go).
   * Parse-only: no package loading, so it answers in milliseconds.
   */
  async outline(files: { path: string; text: string }[]): Promise<GoOutline[]> {
    const r = await this.send<{ outlines?: GoOutline[]; error?: string }>({ op: 'outline', files }, WARM_TIMEOUT_MS);
    if (r.error) throw new Error(r.error);
    return r.outlines ?? [];
  }

  dispose(): void {
    this.disposed = true;
    if (this.proc) this.kill(this.proc, new Error('the quick-fix helper was stopped'));
  }
}

/** Writes embedded sources to `target` once (whole, through a rename, as another process may be doing the same). */
function writeSources(files: Record<string, string>, target: string): string {
  if (fs.existsSync(path.join(target, 'go.mod'))) return target;
  const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.mkdirSync(tmp, { recursive: true });
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), text);
  try {
    fs.renameSync(tmp, target);
  } catch {
    // Another process got there first.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return target;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 65_536) stderr += d; });
    const timer = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); resolve({ code: -1, stderr: err.message }); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stderr }); });
  });
}
