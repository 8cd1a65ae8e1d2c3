// Every external process HeapLens starts goes through here: its own process group
// (so a timeout or cancel also kills what it started, `compile`, a toolchain
// download), a time limit, and capped output. A process still running when this
// process exits is killed with it, so nothing outlives the language server or CLI.
import { spawn } from 'node:child_process';

export interface BoundedRunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Killed (whole group) after this long. */
  timeoutMs: number;
  /** Bytes kept per stream; past this the process is killed and `truncated` set. */
  maxOutputBytes: number;
  /** Which streams to read; the others are ignored. Default both. */
  stdout?: boolean;
  stderr?: boolean;
  /**
   * Hand stderr to this, chunk by chunk, instead of keeping it (the result's `stderr` is
   * then empty): a caller comparing a large output with an earlier one need not hold it.
   */
  onStderr?: (chunk: Buffer) => void;
}

export interface BoundedRunResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  truncated: boolean;
}

/** The spawn failure as Node reports it (ENOENT, EACCES, …). */
export class SpawnError extends Error {
  constructor(readonly code: string | undefined, message: string) {
    super(message);
  }
}

const live = new Set<number>();
let exitHook = false;

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}

function watchExit(): void {
  if (exitHook) return;
  exitHook = true;
  // 'exit' handlers must be synchronous: kill is.
  process.once('exit', () => { for (const pid of live) killGroup(pid); });
}

/** Process groups HeapLens started that are still running (tests look at this). */
export function liveProcessGroups(): number {
  return live.size;
}

export function runBounded(cmd: string, args: string[], opts: BoundedRunOptions): Promise<BoundedRunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      resolve({ code: -1, stdout: '', stderr: '', timedOut: false, cancelled: true, truncated: false });
      return;
    }
    watchExit();
    const wantOut = opts.stdout ?? true;
    const wantErr = opts.stderr ?? true;
    const child = spawn(cmd, args, {
      cwd: opts.cwd, env: opts.env, detached: true,
      stdio: ['ignore', wantOut ? 'pipe' : 'ignore', wantErr ? 'pipe' : 'ignore'],
    });
    const pid = child.pid;
    if (pid) live.add(pid);
    let timedOut = false, cancelled = false, truncated = false, settled = false;
    const kill = () => killGroup(pid);
    const timer = setTimeout(() => { timedOut = true; kill(); }, opts.timeoutMs);
    const onAbort = () => { cancelled = true; kill(); };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const collect = (stream: NodeJS.ReadableStream | null, sink?: (chunk: Buffer) => void) => {
      const chunks: Buffer[] = [];
      const keep = sink ?? ((d: Buffer) => { chunks.push(d); });
      let size = 0;
      stream?.on('data', (d: Buffer) => {
        if (truncated) return;
        const room = opts.maxOutputBytes - size;
        if (d.length > room) {
          keep(d.subarray(0, room));
          size += room;
          truncated = true;
          kill();
          return;
        }
        keep(d);
        size += d.length;
      });
      return () => Buffer.concat(chunks).toString('utf8');
    };
    const out = collect(child.stdout);
    const err = collect(child.stderr, opts.onStderr);
    const done = () => {
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (pid) live.delete(pid);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      done();
      reject(new SpawnError(e.code, e.message));
    });
    child.on('close', (code, sig) => {
      if (settled) return;
      done();
      // The group may still hold children that outlived `go` (a hung tool): end them too.
      kill();
      resolve({ code: code ?? (sig ? -1 : 1), stdout: out(), stderr: err(), timedOut, cancelled, truncated });
    });
  });
}
