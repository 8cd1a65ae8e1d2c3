// Profile sources of continuous profilers, written as URLs so that the CLI, the
// language server and the editor take them wherever they take a pprof URL:
//
//   pyroscope://HOST:PORT[/PREFIX]/SERVICE?type=alloc_space&from=-24h&to=now&version=1.5
//   pyroscope+https://grafana.example.com/api/datasources/proxy/uid/UID/checkout?tenant=team-a
//   parca://HOST:7070/SERVICE?type=alloc_space&from=-1h      (parca+https:// for TLS)
//
// The last path segment is the service (label service_name for Pyroscope, job for
// Parca; serviceLabel= chooses another); anything before it is the server's base
// path (a Grafana data-source proxy). Query parameters other than the reserved
// ones are label equalities. Pure: no I/O.
import { ProfileError } from '../profile/model';

export type FleetKind = 'pyroscope' | 'parca';

export interface FleetQuery {
  kind: FleetKind;
  /** http(s)://host:port/prefix, without a trailing slash. */
  baseUrl: string;
  service: string;
  /** Pyroscope profile type ID: name:sample_type:sample_unit:period_type:period_unit. */
  profileTypeId: string;
  /** Label selector, e.g. {service_name="checkout",version="1.5"}. */
  labelSelector: string;
  /** Milliseconds since the epoch. */
  startMs: number;
  endMs: number;
  tenant?: string;
  maxNodes?: number;
  user?: string;
  password?: string;
  /** Polar Signals Cloud project id (sent as the projectID header). */
  project?: string;
}

const RESERVED = new Set(['type', 'from', 'to', 'tenant', 'maxNodes', 'query', 'serviceLabel', 'project']);
/** Go heap sample types by their short names, as `pprof -sample_index` takes them. */
const GO_MEMORY_TYPES: Record<string, string> = {
  alloc_space: 'memory:alloc_space:bytes:space:bytes',
  alloc_objects: 'memory:alloc_objects:count:space:bytes',
  inuse_space: 'memory:inuse_space:bytes:space:bytes',
  inuse_objects: 'memory:inuse_objects:count:space:bytes',
  cpu: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
};

/** The short name of a Go heap type (alloc_space), else the ID itself. */
export function shortProfileType(profileTypeId: string): string {
  return Object.entries(GO_MEMORY_TYPES).find(([, id]) => id === profileTypeId)?.[0] ?? profileTypeId;
}

export function isFleetUrl(s: string): boolean {
  return /^(pyroscope|parca)(\+https?)?:\/\//i.test(s.trim());
}

export function parseFleetUrl(raw: string, now = Date.now()): FleetQuery {
  const m = /^(pyroscope|parca)(?:\+(https?))?:\/\/(.*)$/i.exec(raw.trim());
  if (!m) throw new ProfileError(`not a profiler URL: ${raw} (use pyroscope://host:port/service or parca://host:port/service)`);
  const kind = m[1].toLowerCase() as FleetKind;
  let u: URL;
  try { u = new URL(`${(m[2] ?? 'http').toLowerCase()}://${m[3]}`); } catch { throw new ProfileError(`not a valid URL: ${raw}`); }
  const segments = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const service = segments.pop();
  const p = u.searchParams;
  if (!service && !p.get('query')) throw new ProfileError(`no service in ${raw}: put it last in the path, e.g. pyroscope://${u.host}/checkout`);
  const type = p.get('type') ?? 'alloc_space';
  const profileTypeId = GO_MEMORY_TYPES[type] ?? type;
  const parts = profileTypeId.split(':');
  if (!(parts.length === 5 || (parts.length === 6 && parts[5] === 'delta'))) {
    throw new ProfileError(`unknown profile type '${type}': use ${Object.keys(GO_MEMORY_TYPES).join(', ')} or a full ID such as memory:alloc_space:bytes:space:bytes`);
  }
  const labels: [string, string][] = service ? [[p.get('serviceLabel') ?? (kind === 'parca' ? 'job' : 'service_name'), service]] : [];
  for (const [k, v] of p) {
    if (RESERVED.has(k)) continue;
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(k)) throw new ProfileError(`'${k}' is not a label name`);
    labels.push([k, v]);
  }
  const labelSelector = p.get('query') ?? `{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
  const endMs = parseTime(p.get('to') ?? 'now', now, 'to');
  const startMs = parseTime(p.get('from') ?? '-1h', now, 'from');
  if (!(startMs < endMs)) throw new ProfileError(`the range is empty: from ${new Date(startMs).toISOString()} is not before to ${new Date(endMs).toISOString()}`);
  const maxNodesText = p.get('maxNodes');
  const maxNodes = maxNodesText === null ? undefined : Number(maxNodesText);
  if (maxNodes !== undefined && !(Number.isInteger(maxNodes) && maxNodes > 0)) throw new ProfileError(`maxNodes must be a positive whole number, not '${maxNodesText}'`);
  const base = `${u.protocol}//${u.host}${segments.length ? '/' + segments.map(encodeURIComponent).join('/') : ''}`;
  return {
    kind, baseUrl: base, service: service ?? '', profileTypeId, labelSelector, startMs, endMs,
    tenant: p.get('tenant') ?? undefined, maxNodes, project: p.get('project') ?? undefined,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `now`, `-24h`, `now-15m`, unix seconds or milliseconds, or an ISO 8601 date. */
export function parseTime(text: string, now: number, what: string): number {
  const t = text.trim();
  if (t === 'now') return now;
  const rel = /^(?:now)?-(\d+(?:\.\d+)?)([smhdw])$/.exec(t);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  if (/^\d{9,11}$/.test(t)) return Number(t) * 1000;
  if (/^\d{12,14}$/.test(t)) return Number(t);
  const iso = Date.parse(t);
  if (/^\d{4}-\d\d-\d\d/.test(t) && Number.isFinite(iso)) return iso;
  throw new ProfileError(`'${what}=${text}' is not a time: use now, -24h, -15m, unix seconds or an ISO date`);
}

/** The URL without credentials, for messages. */
export function describeSource(q: FleetQuery): string {
  return q.baseUrl;
}
