// Entry of client/out/decodeWorker.js: a child process of the extension host that
// decodes one profile and sends the compact tree back (decodeRunner.ts).
import { serveIsolatedJob } from '../../../server/src/limits/isolate';
import { runDecodeJob, type DecodeJob, type DecodeReply } from './decodeJob';

serveIsolatedJob((job: DecodeJob): DecodeReply => {
  try {
    return runDecodeJob(job);
  } catch (e) {
    // loadProfile already turns bad input into a reason; this is for the unexpected.
    return { ok: false, error: `Cannot read ${job.current.source}: ${e instanceof Error ? e.message : String(e)}` };
  }
});
