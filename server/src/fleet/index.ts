// Continuous profilers as profile sources: a profiler URL in, pprof bytes out.
import { decodeProfile } from '../profile/decode';
import { parseFleetUrl, type FleetQuery } from './fleetUrl';
import { labelValues, profileTypes, selectMergedProfile, type FleetCallOptions, type FleetResult } from './pyroscope';

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

/** A configured continuous profiler (setting heaplens.profileSources). */
export interface FleetSource {
  name?: string;
  /** Pyroscope's base URL: http(s)://host:port, or a Grafana data-source proxy URL. */
  url: string;
  tenant?: string;
}

/** The profiler URL that the CLI, the server and the editor all take. */
export function fleetUrl(src: FleetSource, service: string, profileTypeId: string, from: string, to = 'now', labels: Record<string, string> = {}): string {
  const u = new URL(src.url);
  const scheme = u.protocol === 'https:' ? 'pyroscope+https' : 'pyroscope';
  const q = new URLSearchParams({ type: profileTypeId, from, ...(to !== 'now' ? { to } : {}), ...(src.tenant ? { tenant: src.tenant } : {}), ...labels });
  return `${scheme}://${u.host}${u.pathname.replace(/\/+$/, '')}/${encodeURIComponent(service)}?${q}`;
}

function discoveryQuery(src: FleetSource, service: string, now = Date.now()): FleetQuery {
  return {
    kind: 'pyroscope', baseUrl: src.url.replace(/\/+$/, ''), service, profileTypeId: '', tenant: src.tenant,
    labelSelector: service ? `{service_name=${JSON.stringify(service)}}` : '{}', startMs: now - 7 * 86_400_000, endMs: now,
  };
}

/** Services with profiles in the last 7 days. */
export function listServices(src: FleetSource, opts: FleetCallOptions = {}): Promise<string[]> {
  return labelValues(discoveryQuery(src, ''), 'service_name', opts);
}

/** Profile types of one service in the last 7 days. */
export async function listProfileTypes(src: FleetSource, service: string, opts: FleetCallOptions = {}): Promise<string[]> {
  return (await profileTypes(discoveryQuery(src, service), opts)).map((t) => t.ID);
}
