// `heaplens diff` reads its two profiles at once: the base on a worker thread (the
// same CLI file, started again), the current one on the main thread. Each read is
// gunzip, tables and one pass, single-threaded, so on two cores the diff takes about
// as long as the larger of the two reads instead of their sum. The sample type is
// the current profile's choice: the thread opens the base's tables meanwhile and
// waits for it before its pass.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { FunctionVectors } from '../profile/diff';

let entry: string | undefined;

/** main.ts records the file the CLI runs from: the thread starts there too. */
export function setThreadEntry(file: string): void {
  entry = file;
}

interface Job { diffBase: string }
type Reply = { ok: true; vectors: FunctionVectors } | { ok: false; error: string };

/** The base's load running on a thread: tell it the type, then await its vectors. */
export interface BaseOnThread {
  setType(t: number): void;
  vectors(): Promise<FunctionVectors>;
  stop(): void;
}

/** Starts reading `file` on a thread; undefined when the CLI entry is not known (then read it here). */
export function startBaseThread(file: string): BaseOnThread | undefined {
  if (!entry) return undefined;
  const worker = new Worker(entry, { workerData: { diffBase: file } satisfies Job });
  const reply = new Promise<FunctionVectors>((resolve, reject) => {
    worker.once('message', (r: Reply) => (r.ok ? resolve(r.vectors) : reject(new Error(r.error))));
    worker.once('error', (e) => reject(new Error(`reading ${file}: ${e.message}`)));
    worker.once('exit', (code) => reject(new Error(`reading ${file} stopped (exit code ${code})`)));
  });
  reply.catch(() => undefined); // awaited later, or not at all when the current profile failed
  return {
    setType: (t) => worker.postMessage(t),
    vectors: () => reply,
    stop: () => void worker.terminate(),
  };
}

/** The file this thread was started to read, when it is a diff's base thread. */
export function baseThreadJob(): string | undefined {
  return !isMainThread && typeof (workerData as Partial<Job> | undefined)?.diffBase === 'string' ? (workerData as Job).diffBase : undefined;
}

/** The thread's side: `load` gets the type as a promise (resolved by setType) and its vectors are sent back. */
export function serveBaseThread(file: string, load: (file: string, type: Promise<number>) => Promise<FunctionVectors>): void {
  const port = parentPort!;
  const type = new Promise<number>((resolve) => port.once('message', (t: number) => resolve(t)));
  load(file, type).then(
    (vectors) => port.postMessage({ ok: true, vectors } satisfies Reply, [...new Set([...vectors.flat, ...vectors.cum].filter(Boolean).map((a) => a.buffer as ArrayBuffer))]),
    (e: unknown) => port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies Reply),
  ).finally(() => port.close());
}
