// Continuous profilers as profile sources: a profiler URL in, pprof bytes out.
import { decodeProfile } from '../profile/decode';
import { parseFleetUrl, shortProfileType, type FleetQuery } from './fleetUrl';
import { labelValues, profileTypes, selectMergedProfile, type FleetCallOptions, type FleetResult } from './pyroscope';

export { isFleetUrl, parseFleetUrl } from './fleetUrl';

/** Parca's client is loaded only for parca:// sources (its ESM build cannot be required by unbundled code). */
const parca = () => import('./parca');

/** Tokens come from the caller (the editor's SecretStorage) or the environment (the CLI). */
export function tokenFromEnv(kind: FleetQuery['kind'], env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (kind === 'parca' ? env.HEAPLENS_PARCA_TOKEN : env.HEAPLENS_PYROSCOPE_TOKEN) || undefined;
}

export async function fetchFleetProfile(url: string, opts: FleetCallOptions = {}): Promise<FleetResult> {
  const q = parseFleetUrl(url);
  const o = { ...opts, token: opts.token ?? tokenFromEnv(q.kind) };
  return q.kind === 'parca' ? (await parca()).parcaMergedProfile(q, o, isEmptyProfile) : selectMergedProfile(q, o, isEmptyProfile);
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
  kind?: 'pyroscope' | 'parca';
  /** Base URL: http(s)://host:port, or a Grafana data-source proxy URL. */
  url: string;
  /** Pyroscope's X-Scope-OrgID. */
  tenant?: string;
  /** Polar Signals Cloud project id. */
  project?: string;
}

/**
 * The profiler URL that the CLI, the server and the editor all take. It is also what
 * the editor shows as the profile's source, so it is kept short and readable: Go heap
 * types by their short names, colons of other type IDs not escaped.
 */
export function fleetUrl(src: FleetSource, service: string, profileTypeId: string, from: string, to = 'now', labels: Record<string, string> = {}): string {
  const u = new URL(src.url);
  const kind = src.kind ?? 'pyroscope';
  const scheme = u.protocol === 'https:' ? `${kind}+https` : kind;
  const q = new URLSearchParams({ type: shortProfileType(profileTypeId), from, ...(to !== 'now' ? { to } : {}), ...(src.tenant ? { tenant: src.tenant } : {}), ...(src.project ? { project: src.project } : {}), ...labels });
  return `${scheme}://${u.host}${u.pathname.replace(/\/+$/, '')}/${encodeURIComponent(service)}?${q.toString().replace(/%3A/g, ':')}`;
}

function discoveryQuery(src: FleetSource, service: string, now = Date.now()): FleetQuery {
  return {
    kind: src.kind ?? 'pyroscope', baseUrl: src.url.replace(/\/+$/, ''), service, profileTypeId: '', tenant: src.tenant, project: src.project,
    labelSelector: service ? `{service_name=${JSON.stringify(service)}}` : '{}', startMs: now - 7 * 86_400_000, endMs: now,
  };
}

/** Services with profiles in the last 7 days (Parca: scrape jobs). */
export function listServices(src: FleetSource, opts: FleetCallOptions = {}): Promise<string[]> {
  const q = discoveryQuery(src, '');
  return q.kind === 'parca' ? parca().then((p) => p.parcaLabelValues(q, 'job', opts)) : labelValues(q, 'service_name', opts);
}

/** Profile types of one service in the last 7 days (Parca: of the whole server). */
export async function listProfileTypes(src: FleetSource, service: string, opts: FleetCallOptions = {}): Promise<string[]> {
  const q = discoveryQuery(src, service);
  return q.kind === 'parca' ? (await parca()).parcaProfileTypes(q, opts) : (await profileTypes(q, opts)).map((t) => t.ID);
}
