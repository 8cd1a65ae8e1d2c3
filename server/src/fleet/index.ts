// Continuous profilers as profile sources: a profiler URL in, pprof bytes out.
import { decodeProfile } from '../profile/decode';
import { parseFleetUrl } from './fleetUrl';
import { selectMergedProfile, type FleetCallOptions, type FleetResult } from './pyroscope';

export { isFleetUrl, parseFleetUrl } from './fleetUrl';

/** Tokens come from the caller (the editor's SecretStorage) or the environment (the CLI). */
export function tokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.HEAPLENS_PYROSCOPE_TOKEN || undefined;
}

export async function fetchFleetProfile(url: string, opts: FleetCallOptions = {}): Promise<FleetResult> {
  const q = parseFleetUrl(url);
  return selectMergedProfile(q, { ...opts, token: opts.token ?? tokenFromEnv() }, isEmptyProfile);
}

/** Pyroscope answers an empty selection with an empty profile (not even sample types). */
function isEmptyProfile(bytes: Uint8Array): boolean {
  try {
    return decodeProfile(bytes).samples.count === 0;
  } catch {
    return bytes.length < 64;
  }
}
