// Entry of client/out/decodeWorker.js: runs one decode job per message off the
// extension host's main thread, and hands the tree's buffers back without copying.
import { parentPort } from 'node:worker_threads';
import { runDecodeJob, transferables, type DecodeJob, type DecodeReply } from './decodeJob';

parentPort?.on('message', (job: DecodeJob) => {
  let reply: DecodeReply;
  try {
    reply = runDecodeJob(job);
  } catch (e) {
    // loadProfile already turns bad input into a reason; this is for the unexpected.
    reply = { ok: false, error: `Cannot read ${job.current.source}: ${e instanceof Error ? e.message : String(e)}` };
  }
  parentPort!.postMessage(reply, transferables(reply));
});
