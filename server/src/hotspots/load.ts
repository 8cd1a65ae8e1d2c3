// Reading a profile for the overlays: from a file (bounded) or a pprof URL
// (cancellable), decoded and aggregated once, optionally diffed against a base.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { aggregate } from '../profile/aggregate';
import { captureProfile, isProfileUrl } from '../profile/capture';
import { decodeProfile } from '../profile/decode';
import { diffProfiles } from '../profile/diff';
import { ProfileError, type Aggregates } from '../profile/model';

/** Profile files larger than this are refused before reading (compressed size). */
export const MAX_PROFILE_FILE_BYTES = 512 * 1024 * 1024;

export interface SourceSpec {
  path?: string;
  url?: string;
  token?: string;
}

export interface ReadProfile {
  bytes: Uint8Array;
  /** For people: base name of the file, or the URL. */
  name: string;
  /** The file's mtime, or the capture's end. */
  takenAt: number;
}

export async function readProfileSource(src: SourceSpec, signal?: AbortSignal): Promise<ReadProfile> {
  if (src.url) {
    if (!isProfileUrl(src.url)) throw new ProfileError(`not an http(s) or pyroscope:// URL: ${src.url}`);
    const bytes = await captureProfile(src.url, { signal, token: src.token });
    return { bytes, name: src.url, takenAt: Date.now() };
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
  const bytes = new Uint8Array(await fs.readFile(src.path, { signal }));
  return { bytes, name: path.basename(src.path), takenAt: st.mtimeMs };
}

/** Decodes and aggregates; with a base, the result is current − base. Errors name the file. */
export function aggregateProfiles(current: ReadProfile, base?: ReadProfile): Aggregates {
  const decode = (r: ReadProfile) => {
    try {
      return decodeProfile(r.bytes);
    } catch (e) {
      throw new ProfileError(`${r.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const cur = decode(current);
  return base ? diffProfiles(decode(base), cur) : aggregate(cur);
}
