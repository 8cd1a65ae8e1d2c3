// Entry of client/out/decodeWorker.js: a child process of the extension host that
// decodes one profile and sends the compact tree back (decodeRunner.ts), the
// table ahead of it when it can.
import { serveIsolatedJob } from '../../../server/src/limits/isolate';
import { decodeSteps, type DecodeJob, type DecodeReply } from './decodeJob';

serveIsolatedJob(async (job: DecodeJob, early: (r: DecodeReply) => Promise<void>): Promise<DecodeReply> => {
  try {
    const steps = decodeSteps(job);
    // The table goes ahead while the call tree is built.
    const first = steps.early();
    if (first) await early(first);
    return steps.finish();
  } catch (e) {
    // loadProfile already turns bad input into a reason; this is for the unexpected.
    return { ok: false, error: `Cannot read ${job.current.source}: ${e instanceof Error ? e.message : String(e)}` };
  }
});
