// What the decode process does, as a pure function so unit tests and the in-process
// fallback run the same code: profile bytes in, the webview's message out. Only the
// compact tree crosses back; the decoded samples stay (and die) in the child.
import type { ToWebview } from '../../../server/src/protocol/webview';
import { flameSteps, incompatible, isLoaded, loadProfile, profileMessage } from './load';

export interface DecodeInput {
  bytes: Uint8Array;
  source: string;
}

export interface DecodeJob {
  current: DecodeInput;
  /** When comparing: the base profile, drawn as a union tree with `current`. */
  base?: DecodeInput;
}

export type DecodeReply =
  | { ok: true; message: ToWebview; files: string[] }
  | { ok: false; error: string };

/**
 * The job in two steps: `early()` is the table of a single profile read where its
 * samples lie (sent while the rest runs), absent otherwise; `finish()` the answer.
 */
export function decodeSteps(job: DecodeJob): { early(): DecodeReply | undefined; finish(): DecodeReply } {
  if (!job.base) {
    const steps = flameSteps(job.current.bytes, job.current.source);
    return {
      early: () => { const t = steps.table(); return t && { ok: true, ...t }; },
      finish: () => {
        const cur = steps.finish();
        if ('message' in cur) return { ok: true, ...cur };
        if (!isLoaded(cur)) return { ok: false, error: cur.error };
        return { ok: true, message: profileMessage(cur), files: cur.agg.files.slice() };
      },
    };
  }
  return { early: () => undefined, finish: () => compareJob(job.current, job.base!) };
}

export function runDecodeJob(job: DecodeJob): DecodeReply {
  return decodeSteps(job).finish();
}

function compareJob(current: DecodeInput, baseInput: DecodeInput): DecodeReply {
  const cur = loadProfile(current.bytes, current.source);
  if (!isLoaded(cur)) return { ok: false, error: cur.error };
  const base = loadProfile(baseInput.bytes, baseInput.source);
  if (!isLoaded(base)) return { ok: false, error: base.error };
  const why = incompatible(cur, base);
  if (why) return { ok: false, error: why };
  return { ok: true, message: profileMessage(cur, base), files: [...new Set([...cur.agg.files, ...base.agg.files])] };
}
