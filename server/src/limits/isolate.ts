// Runs one job in a child Node process with its own heap limit, a memory (RSS)
// ceiling, a time limit and a cancel: a hostile input that makes V8 abort ("Fatal
// JavaScript invalid size error"), exhausts memory or spins forever takes down only
// that child. A worker thread cannot give this: V8's fatal errors end the whole
// process, and the extension host with it. The caller gets a value or one sentence.
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

export interface IsolateLimits {
  /** V8 old-space limit of the child (--max-old-space-size). */
  maxHeapMb: number;
  /** Resident memory ceiling, typed arrays included (they live outside the V8 heap). Polled on Linux. */
  maxRssMb: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export type IsolateResult<O> =
  | { ok: true; value: O }
  | { ok: false; reason: 'cancelled' | 'timeout' | 'memory' | 'crashed'; error: string };

/** What the child sends back: its job's value, or the job's own error sentence. */
export type ChildReply<O> = { ok: true; value: O } | { ok: false; error: string };
/** Sent before the reply, as often as the job likes: a first part of the answer. */
type EarlyMessage<P> = { early: P };
const isEarly = <P>(m: unknown): m is EarlyMessage<P> => typeof m === 'object' && m !== null && 'early' in m;

const RSS_POLL_MS = 100;

function rssMb(pid: number): number | undefined {
  try {
    // statm: size resident … in pages.
    const resident = Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (resident * 4096) / 1048576;
  } catch {
    return undefined;
  }
}

/**
 * Forks `script` (a bundled entry that calls serveIsolatedJob), sends `input`, and
 * resolves with the reply. Typed arrays cross as they are (advanced serialization).
 * A job error ({ok:false,error}) resolves as reason 'crashed' with that sentence.
 * What the job sends early goes to `onEarly`, in order, before the reply.
 */
export function runIsolated<I, O, P = never>(script: string, input: I, limits: IsolateLimits, what: string, onEarly?: (p: P) => void): Promise<IsolateResult<O>> {
  return new Promise((resolve) => {
    if (limits.signal?.aborted) { resolve({ ok: false, reason: 'cancelled', error: `${what} was cancelled` }); return; }
    let child: ChildProcess;
    try {
      child = fork(script, [], {
        execArgv: [`--max-old-space-size=${limits.maxHeapMb}`],
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        // In VS Code's Electron host, process.execPath is Electron: run it as plain Node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', GLIBC_TUNABLES: withHugePages(process.env.GLIBC_TUNABLES) },
      });
    } catch (e) {
      resolve({ ok: false, reason: 'crashed', error: `${what} could not start a helper process (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4096); });
    let verdict: IsolateResult<O> | undefined;
    let settled = false;
    const finish = (v: IsolateResult<O>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      limits.signal?.removeEventListener('abort', onAbort);
      resolve(v);
    };
    // A verdict decided here (timeout, memory, cancel) is final; the kill follows.
    const stop = (v: IsolateResult<O>) => {
      if (verdict) return;
      verdict = v;
      child.kill('SIGKILL');
      finish(v);
    };
    const timer = setTimeout(() => stop({ ok: false, reason: 'timeout', error: `${what} took longer than ${Math.round(limits.timeoutMs / 1000)} s and was stopped` }), limits.timeoutMs);
    const poll = setInterval(() => {
      const mb = child.pid ? rssMb(child.pid) : undefined;
      if (mb !== undefined && mb > limits.maxRssMb) {
        stop({ ok: false, reason: 'memory', error: `${what} needed more than ${limits.maxRssMb} MB of memory and was stopped` });
      }
    }, RSS_POLL_MS);
    const onAbort = () => stop({ ok: false, reason: 'cancelled', error: `${what} was cancelled` });
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (reply: ChildReply<O> | EarlyMessage<P>) => {
      if (verdict) return;
      if (isEarly<P>(reply)) { onEarly?.(reply.early); return; }
      verdict = reply.ok ? { ok: true, value: reply.value } : { ok: false, reason: 'crashed', error: reply.error };
      finish(verdict);
    });
    child.on('error', (e) => stop({ ok: false, reason: 'crashed', error: `${what} failed: ${e.message}` }));
    // 'close' (not 'exit'): by then the IPC channel is drained, so a reply sent just
    // before exiting has been delivered.
    child.on('close', (code, signal) => {
      if (!verdict) finish({ ok: false, ...explainExit(code, signal, stderr, limits, what) });
    });
    child.send(input as never, (e) => { if (e) stop({ ok: false, reason: 'crashed', error: `${what} failed: ${e.message}` }); });
  });
}

/**
 * The child's GLIBC_TUNABLES with glibc's malloc asking for transparent huge pages
 * (kernel setting `madvise`, the common default). A helper fills hundreds of MB of
 * fresh typed arrays; in a VM (remote hosts, WSL, Codespaces, this project's CI)
 * each fresh 4 KB page costs microseconds, and decoding a million-sample profile
 * took half the time with 2 MB pages (docs/benchmarks.md). Ignored where malloc is
 * not glibc's (Electron's own allocator, musl) or the kernel has huge pages off.
 * A setting of the user's own wins.
 */
export function withHugePages(tunables: string | undefined): string {
  if (!tunables) return 'glibc.malloc.hugetlb=1';
  return /(^|:)glibc\.malloc\.hugetlb=/.test(tunables) ? tunables : `${tunables}:glibc.malloc.hugetlb=1`;
}

/** Why a child ended without an answer, in words. */
function explainExit(code: number | null, signal: NodeJS.Signals | null, stderr: string, limits: IsolateLimits, what: string): { reason: 'memory' | 'crashed'; error: string } {
  if (/heap out of memory|Reached heap limit|allocation failed|Array buffer allocation failed|invalid (?:array|typed array|string) length|invalid size error/i.test(stderr)) {
    const detail = /Fatal JavaScript invalid size error/i.test(stderr) ? ' (a table grew past what V8 allows)' : '';
    return { reason: 'memory', error: `${what} ran out of memory${detail}; the limit is ${limits.maxHeapMb} MB` };
  }
  const fatal = /^#\s*(Fatal.*)$/m.exec(stderr)?.[1] ?? /^(?:\w*Error|FATAL ERROR): .*$/m.exec(stderr)?.[0];
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  return { reason: 'crashed', error: `${what} stopped unexpectedly (${how}${fatal ? `: ${fatal.slice(0, 160)}` : ''})` };
}

/**
 * The child's side: answer one message with `job`'s value (or its error
 * sentence), then exit. Typed arrays in the value are sent as they are. `early`
 * sends a first part ahead; it resolves once the part has left this process, so a
 * job that goes on computing does not hold it back.
 */
export function serveIsolatedJob<I, O, P = never>(job: (input: I, early: (p: P) => Promise<void>) => O | Promise<O>): void {
  // Also loaded as a worker thread (runInThread): answer on the parent port then.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const port = (require('node:worker_threads') as typeof import('node:worker_threads')).parentPort;
  if (port) {
    const early = (p: P): Promise<void> => { port.postMessage({ early: p } satisfies EarlyMessage<P>); return Promise.resolve(); };
    port.once('message', async (input: I) => {
      try {
        port.postMessage({ ok: true, value: await job(input, early) } satisfies ChildReply<O>);
      } catch (e) {
        port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies ChildReply<O>);
      }
    });
    return;
  }
  const early = (p: P): Promise<void> => new Promise((sent) => { process.send!({ early: p } satisfies EarlyMessage<P>, undefined, undefined, () => sent()); });
  process.once('message', async (input: I) => {
    let reply: ChildReply<O>;
    try {
      reply = { ok: true, value: await job(input, early) };
    } catch (e) {
      reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    process.send!(reply, undefined, undefined, () => process.exit(0));
  });
}

/**
 * The same job on a worker thread with a heap limit, for Restricted Mode, where
 * HeapLens starts no process. Weaker than a process: a V8 fatal error would end the
 * host, which is why the engine refuses oversized tables before allocating them
 * (profile/limits.ts); running out of the heap limit ends only the thread.
 */
export function runInThread<I, O, P = never>(script: string, input: I, limits: IsolateLimits, what: string, onEarly?: (p: P) => void): Promise<IsolateResult<O>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
  return new Promise((resolve) => {
    const worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb } });
    let done = false;
    const finish = (r: IsolateResult<O>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(r);
    };
    const onAbort = () => finish({ ok: false, reason: 'cancelled', error: `${what} was cancelled` });
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', error: `${what} took longer than ${Math.round(limits.timeoutMs / 1000)} s` }), limits.timeoutMs);
    limits.signal?.addEventListener('abort', onAbort);
    worker.on('message', (reply: ChildReply<O> | EarlyMessage<P>) => {
      if (done) return;
      if (isEarly<P>(reply)) { onEarly?.(reply.early); return; }
      finish(reply.ok ? { ok: true, value: reply.value } : { ok: false, reason: 'crashed', error: reply.error });
    });
    worker.once('error', (e: Error & { code?: string }) => finish({
      ok: false, reason: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crashed',
      error: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `${what} ran out of memory; the limit is ${limits.maxHeapMb} MB` : `${what} stopped unexpectedly: ${e.message}`,
    }));
    worker.once('exit', (code) => finish({ ok: false, reason: 'crashed', error: `${what} stopped unexpectedly (exit code ${code})` }));
    worker.postMessage(input);
  });
}
