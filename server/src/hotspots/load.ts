// Reading a profile for the overlays: a file (stat here, read by the loader) or a
// pprof URL (captured here, cancellable), then decoded and aggregated in a child
// process (loaderMain.ts) with its own memory and time limits, so a hostile or huge
// profile never blocks hovers and diagnostics, and a crash there is one message.
import * as fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { captureProfile, isProfileUrl } from '../profile/capture';
import { ProfileError } from '../profile/model';
import { runIsolated, type IsolateLimits } from '../limits/isolate';
import { MAX_PROFILE_FILE_BYTES, runLoadJob, type LoadJob, type ProfileInput, type ServerAggregates } from './loadJob';

export { MAX_PROFILE_FILE_BYTES } from './loadJob';

export interface SourceSpec {
  path?: string;
  url?: string;
  token?: string;
}

export interface ReadProfile {
  input: ProfileInput;
  /** For people: base name of the file, or the URL. */
  name: string;
  /** The file's mtime, or the capture's end. */
  takenAt: number;
  /** Its size in bytes (compressed): big ones get their overlays before their call paths. */
  size: number;
}

export async function readProfileSource(src: SourceSpec, signal?: AbortSignal): Promise<ReadProfile> {
  if (src.url) {
    if (!isProfileUrl(src.url)) throw new ProfileError(`not an http(s), pyroscope:// or parca:// URL: ${src.url}`);
    const bytes = await captureProfile(src.url, { signal, token: src.token });
    return { input: { name: src.url, bytes }, name: src.url, takenAt: Date.now(), size: bytes.length };
  }
  if (!src.path) throw new ProfileError('give a profile path or URL');
  let st;
  try {
    st = await fs.stat(src.path);
  } catch {
    throw new ProfileError(`no such profile: ${src.path}`);
  }
  if (!st.isFile()) throw new ProfileError(`not a file: ${src.path}`);
  if (st.size > MAX_PROFILE_FILE_BYTES) throw new ProfileError(`profile ${src.path} is larger than ${MAX_PROFILE_FILE_BYTES} bytes`);
  const name = path.basename(src.path);
  return { input: { name, path: src.path }, name, takenAt: st.mtimeMs, size: st.size };
}

/** The loader's limits: a million-sample profile needs about 400 MB. */
export const LOADER_LIMITS: Omit<IsolateLimits, 'signal'> = { maxHeapMb: 1024, maxRssMb: 1536, timeoutMs: 120_000 };

/** The bundled loader next to server.js; absent when sources run directly (unit tests, benchmarks). */
const loaderScript = path.join(__dirname, 'profileLoader.js');

/**
 * Decodes and aggregates in the loader process; with a base, current − base.
 * Errors (bad input, out of memory, crash, timeout) are ProfileErrors with one sentence.
 */
export async function aggregateProfiles(current: ReadProfile, base?: ReadProfile, signal?: AbortSignal, script = loaderScript, callPaths = true): Promise<ServerAggregates> {
  const job: LoadJob = { current: current.input, base: base?.input, callPaths };
  if (!existsSync(script)) return withoutTree(runLoadJob(job));
  const r = await runIsolated<LoadJob, ServerAggregates>(script, job, { ...LOADER_LIMITS, signal }, `loading ${current.name}`);
  if (r.ok) return withoutTree(r.value);
  if (r.reason === 'cancelled') throw new ProfileError('cancelled');
  throw new ProfileError(r.error);
}

/** The language server keeps no call tree; reading one is a programming error. */
function withoutTree(agg: ServerAggregates): ServerAggregates {
  for (const k of ['tree', 'lineTree', 'lineNodes']) {
    Object.defineProperty(agg, k, { get(): never { throw new Error(`the language server keeps no ${k} (hotspots/loadJob.ts)`); } });
  }
  return agg;
}
