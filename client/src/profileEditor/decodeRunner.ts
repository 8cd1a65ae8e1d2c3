// Runs a decode job in a child process (client/out/decodeWorker.js, next to the
// bundled extension.js) with its own heap and memory limits. Not a worker thread:
// a V8 fatal error there ("invalid size", out of memory) ends the whole extension
// host, every extension with it. A child that dies is one message in the editor.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runInThread, runIsolated, type IsolateLimits } from '../../../server/src/limits/isolate';
import { runDecodeJob, type DecodeJob, type DecodeReply } from './decodeJob';

export const CANCELLED: DecodeReply = { ok: false, error: 'HeapLens: decoding was cancelled.' };

/** A million-sample profile needs about 500 MB to decode and draw. */
export const DECODE_LIMITS: Omit<IsolateLimits, 'signal'> = { maxHeapMb: 1024, maxRssMb: 1536, timeoutMs: 120_000 };

/**
 * `workerFile` defaults to the bundle's sibling; when it is missing (sources loaded
 * directly, as unit tests do) the job runs in-process, blocking, as before.
 * `onTable`: the table of a single profile, before the answer, when the child has it.
 */
export async function decodeInChild(job: DecodeJob, signal?: AbortSignal, workerFile = path.join(__dirname, 'decodeWorker.js'), limits = DECODE_LIMITS, trusted = true, onTable?: (r: DecodeReply) => void): Promise<DecodeReply> {
  if (signal?.aborted) return CANCELLED;
  if (!existsSync(workerFile)) return runDecodeJob(job);
  // Restricted Mode: HeapLens starts no process at all, so the decoder runs on a thread.
  const run = trusted ? runIsolated : runInThread;
  const r = await run<DecodeJob, DecodeReply, DecodeReply>(workerFile, job, { ...limits, signal }, 'the decoder', onTable);
  if (r.ok) return r.value;
  if (r.reason === 'cancelled') return CANCELLED;
  return { ok: false, error: `Cannot read ${job.current.source}: ${r.error}.` };
}
