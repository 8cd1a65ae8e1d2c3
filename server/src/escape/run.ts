// Runs the Go compiler's escape analysis and parses what it prints.
// Kept apart from the parser so the parser stays pure and the runner stays small.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBounded, SpawnError } from '../limits/process';
import { findModuleRoot } from './module';
import { parseCompilerOutput } from './parse';
import { OutputCache, type OutputReader } from './replay';
import type { ParseResult } from './types';

export interface GoRunOptions {
  /** `go` binary: a name on PATH or an absolute path. Default `go`. */
  goBin?: string;
  /** The module root; the command always runs here so cached output keeps stable paths. */
  moduleRoot: string;
  /** Package patterns or import paths. */
  packages: string[];
  /** Compile the test variants too (`go test -c`), covering `_test.go` files. */
  tests?: boolean;
  buildFlags?: string[];
  tags?: string[];
  /** Unsaved editor buffers: absolute path -> contents, passed with `-overlay`. */
  overlay?: Map<string, string>;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Called once the command is known, before it starts (for logging). */
  onStart?: (info: { argv: string[]; cwd: string }) => void;
  /** Stop reading output past this many bytes (a runaway `all=-m`). Default 512 MiB. */
  maxOutputBytes?: number;
  /** Kill the build (its whole process group) after this long. Default 10 minutes. */
  timeoutMs?: number;
}

export interface GoRunResult {
  argv: string[];
  cwd: string;
  goVersion?: string;
  durationMs: number;
  exitCode: number;
  cancelled: boolean;
  /** What `go` printed on stderr (decoded when first read). */
  readonly stderr: string;
  /** Equal ids: byte-identical output of the same command (a warm build's replay). */
  outputId?: string;
  result: ParseResult;
}

export type GoToolErrorCode = 'not-found' | 'too-old' | 'not-go' | 'not-module' | 'failed' | 'timed-out';

/** An environment problem, with a message a person can act on. */
export class GoToolError extends Error {
  constructor(readonly code: GoToolErrorCode, message: string) {
    super(message);
  }
}

const MIN_GO_MINOR = 21;
const MIN_GO_MINOR_TEXT = `1.${MIN_GO_MINOR}`;
const versions = new Map<string, Promise<string>>();

/** `go env GOVERSION` for a binary (cached), or a GoToolError when it is missing or too old. */
export function goVersion(goBin = 'go', env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let v = versions.get(goBin);
  if (!v) {
    v = probeVersion(goBin, env);
    versions.set(goBin, v);
    v.catch(() => versions.delete(goBin));
  }
  return v;
}

/** The version probe answers in milliseconds; a `go` that does not is broken or waiting on the network. */
export const VERSION_PROBE_TIMEOUT_MS = 20_000;
const PROBE_OUTPUT_BYTES = 64 * 1024;

async function probeVersion(goBin: string, env: NodeJS.ProcessEnv): Promise<string> {
  let out;
  try {
    out = await runBounded(goBin, ['env', 'GOVERSION'], { cwd: os.tmpdir(), env, timeoutMs: VERSION_PROBE_TIMEOUT_MS, maxOutputBytes: PROBE_OUTPUT_BYTES });
  } catch (e) {
    throw e instanceof SpawnError ? spawnError(goBin, e) : e;
  }
  if (out.timedOut) {
    throw new GoToolError('failed', `'${goBin} env GOVERSION' did not answer within ${VERSION_PROBE_TIMEOUT_MS / 1000} s; check that ${goBin} is Go and that its toolchain is installed (GOTOOLCHAIN)`);
  }
  const version = out.stdout.trim();
  if (out.code !== 0 || !version) {
    throw new GoToolError('failed', `'${goBin} env GOVERSION' failed: ${firstLine(out.stderr) || `exit code ${out.code}`}`);
  }
  const m = /^go1\.(\d+)/.exec(version);
  // Development builds ("devel go1.x-…") are taken as new enough; anything else is not Go.
  if (!m && !/^devel\b/.test(version)) {
    throw new GoToolError('not-go', `${goBin} does not look like Go: 'go env GOVERSION' printed "${firstLine(version).slice(0, 80)}" (set heaplens.goPath to a Go ${MIN_GO_MINOR_TEXT}+ binary)`);
  }
  if (m && +m[1] < MIN_GO_MINOR) {
    throw new GoToolError('too-old', `HeapLens needs Go 1.${MIN_GO_MINOR} or later; ${goBin} is ${version}`);
  }
  return version;
}

const escapeDebug = new Map<string, Promise<boolean>>();

/**
 * Whether this Go's compiler knows `-d=escapedebug` (newer Go; 1.21 and 1.22 reject the
 * key). With it, the compiler says which interface conversions it boxes without
 * allocating (constants, zero-size and single-byte values), so HeapLens never calls
 * those allocations. Asked once per binary, bounded like the version probe.
 */
export function hasEscapeDebug(goBin = 'go', env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  let v = escapeDebug.get(goBin);
  if (!v) {
    v = runBounded(goBin, ['tool', 'compile', '-d', 'help'], { cwd: os.tmpdir(), env, timeoutMs: VERSION_PROBE_TIMEOUT_MS, maxOutputBytes: PROBE_OUTPUT_BYTES })
      .then((o) => /^\s*escapedebug\b/m.test(o.stdout + o.stderr), () => false);
    escapeDebug.set(goBin, v);
  }
  return v;
}

function spawnError(cmd: string, err: { code?: string; message: string }): GoToolError {
  if (err.code === 'ENOENT') {
    return new GoToolError('not-found', `Go was not found: '${cmd}' is not on PATH or does not exist (install Go 1.${MIN_GO_MINOR}+ or set heaplens.goPath)`);
  }
  if (err.code === 'EACCES') return new GoToolError('not-found', `'${cmd}' is not executable`);
  return new GoToolError('failed', `could not run '${cmd}': ${err.message}`);
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim())?.trim() ?? '';
}

/** The argv (after `go`) for escape analysis of `packages`. */
export function escapeArgs(opts: Pick<GoRunOptions, 'packages' | 'tests' | 'buildFlags' | 'tags'>, overlayFile?: string, escapeDebug = false): string[] {
  const args = opts.tests ? ['test', '-c', '-o', os.devNull] : ['build', '-o', os.devNull];
  args.push(escapeDebug ? '-gcflags=-m=2 -d=escapedebug=1' : '-gcflags=-m=2');
  if (opts.tags?.length) args.push(`-tags=${opts.tags.join(',')}`);
  if (overlayFile) args.push(`-overlay=${overlayFile}`);
  args.push(...(opts.buildFlags ?? []));
  args.push(...(opts.packages.length ? opts.packages : ['.']));
  return args;
}

export async function runEscapeAnalysis(opts: GoRunOptions): Promise<GoRunResult> {
  const goBin = opts.goBin || 'go';
  const env = opts.env ?? process.env;
  const cwd = findModuleRoot(opts.moduleRoot) ?? (() => {
    throw new GoToolError('not-module', `no go.mod found in ${opts.moduleRoot} or above it: HeapLens analyses Go modules`);
  })();
  // The probes are shared and cached; a cancel must not wait for them.
  const version = await untilAborted(goVersion(goBin, env), opts.signal);
  const debug = version === undefined ? undefined : await untilAborted(hasEscapeDebug(goBin, env), opts.signal);
  if (version === undefined || debug === undefined) {
    return { argv: [goBin], cwd, durationMs: 0, exitCode: -1, cancelled: true, stderr: '', result: { findings: [], errors: [], packages: [], orphans: [] } };
  }

  let overlayDir: string | undefined;
  let overlayFile: string | undefined;
  if (opts.overlay?.size) {
    overlayDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-overlay-'));
    const replace: Record<string, string> = {};
    let i = 0;
    for (const [file, text] of opts.overlay) {
      const tmp = path.join(overlayDir, `${i++}-${path.basename(file)}`);
      fs.writeFileSync(tmp, text);
      replace[file] = tmp;
    }
    overlayFile = path.join(overlayDir, 'overlay.json');
    fs.writeFileSync(overlayFile, JSON.stringify({ Replace: replace }));
  }
  const argv = [goBin, ...escapeArgs(opts, overlayFile, debug)];
  opts.onStart?.({ argv, cwd });
  // The overlay's temporary name changes every run; the output is the same without it.
  const command = `${cwd}\0${argv.filter((a) => !a.startsWith('-overlay=')).join('\0')}`;
  const reader = outputs.reader(command);
  try {
    const t0 = performance.now();
    const out = await runCancellable(argv, cwd, env, opts.signal, opts.maxOutputBytes ?? 512 * 1024 * 1024, opts.timeoutMs ?? BUILD_TIMEOUT_MS, reader);
    const durationMs = performance.now() - t0;
    const base = { argv, cwd, goVersion: version, durationMs, exitCode: out.code, cancelled: out.cancelled };
    if (out.cancelled) return { ...base, stderr: '', result: { findings: [], errors: [], packages: [], orphans: [] } };
    const failed = out.code !== 0;
    const output = reader.finish(failed, (text) => parseCompilerOutput(text, cwd, { failed }));
    return { ...base, get stderr() { return output.text(); }, outputId: output.id, result: output.result };
  } finally {
    if (overlayDir) fs.rmSync(overlayDir, { recursive: true, force: true });
  }
}

// The last output of each command (see replay.ts): a warm re-analysis of an unchanged
// package compares bytes instead of decoding, parsing and hashing them.
const outputs = new OutputCache(32);

export const BUILD_TIMEOUT_MS = 10 * 60_000;

interface RawRun { code: number; cancelled: boolean }

const WORK_PREFIX = 'heaplens-gowork-';
/** Older than this, a work dir of ours outlived its run (runs time out at 10 minutes). */
const STALE_WORK_MS = 6 * BUILD_TIMEOUT_MS;
const swept = new Set<string>();

/**
 * Removes work dirs of ours in `dir` that no run can still be using: left by a
 * server that was killed mid-run (then nothing of it ran its cleanup). Once per
 * directory per process; never fails a run.
 */
async function sweepStaleWorkDirs(dir: string): Promise<void> {
  if (swept.has(dir)) return;
  swept.add(dir);
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(WORK_PREFIX)).map(async (n) => {
    const full = path.join(dir, n);
    const st = await fs.promises.lstat(full).catch(() => undefined);
    if (!st?.isDirectory() || Date.now() - st.mtimeMs < STALE_WORK_MS) return;
    await fs.promises.rm(full, { recursive: true, force: true }).catch(() => {});
  }));
}

async function runCancellable(argv: string[], cwd: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined, maxBytes: number, timeoutMs: number, reader: OutputReader): Promise<RawRun> {
  let out;
  // A killed `go` (cancelled as you type, timed out, too much output) cannot remove its
  // $WORK: it gets a temp dir of ours (inside the user's GOTMPDIR, if set), removed after.
  // (A GOTMPDIR we cannot write in: `go` runs as it would have and says so itself.)
  const tmp = env.GOTMPDIR || os.tmpdir();
  await sweepStaleWorkDirs(tmp);
  const work = await fs.promises.mkdtemp(path.join(tmp, WORK_PREFIX)).catch(() => undefined);
  try {
    // Its own process group, so cancelling kills `compile` children too, not just `go`.
    out = await runBounded(argv[0], argv.slice(1), { cwd, env: work ? { ...env, GOTMPDIR: work } : env, signal, timeoutMs, maxOutputBytes: maxBytes, stdout: false, onStderr: (d) => reader.push(d) });
  } catch (e) {
    throw e instanceof SpawnError ? spawnError(argv[0], e) : e;
  } finally {
    if (work) await fs.promises.rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
  if (out.timedOut) {
    throw new GoToolError('timed-out', `'${argv.slice(0, 2).join(' ')}' did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`);
  }
  return { code: out.code, cancelled: out.cancelled };
}

/** The value of `p`, or undefined as soon as `signal` aborts. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then((v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); });
  });
}
