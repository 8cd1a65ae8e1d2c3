// Runs a decode job in a worker thread (client/out/decodeWorker.js, next to the
// bundled extension.js), so a million-sample profile does not freeze every other
// extension on the host. One worker per job: aborting terminates it mid-decode.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runDecodeJob, type DecodeJob, type DecodeReply } from './decodeJob';

export const CANCELLED: DecodeReply = { ok: false, error: 'HeapLens: decoding was cancelled.' };

/**
 * `workerFile` defaults to the bundle's sibling; when it is missing (sources loaded
 * directly, as unit tests do) the job runs in-process, blocking, as before.
 */
export function decodeInWorker(job: DecodeJob, signal?: AbortSignal, workerFile = path.join(__dirname, 'decodeWorker.js')): Promise<DecodeReply> {
  if (signal?.aborted) return Promise.resolve(CANCELLED);
  if (!existsSync(workerFile)) return Promise.resolve(runDecodeJob(job));
  return new Promise((resolve) => {
    const worker = new Worker(workerFile);
    let done = false;
    const finish = (r: DecodeReply) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
      void worker.terminate();
    };
    const onAbort = () => finish(CANCELLED);
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (r: DecodeReply) => finish(r));
    worker.on('error', (e) => finish({ ok: false, error: `Cannot read ${job.current.source}: ${e.message}` }));
    worker.on('exit', (code) => finish({ ok: false, error: `Cannot read ${job.current.source}: the decoder stopped (exit code ${code}).` }));
    worker.postMessage(job);
  });
}
