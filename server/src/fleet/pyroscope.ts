// Grafana Pyroscope as a profile source: discovery (profile types, services) and
// the merged profile of a service over a time range, as pprof bytes. Follows the
// QuerierService of Pyroscope 1.x (api module v1.6.0): SelectMergeStacktraces with
// PROFILE_FORMAT_PPROF where the server has it, else SelectMergeProfile.
import { ProfileError } from '../profile/model';
import { connectUnary, ConnectError, type CallOptions } from './connectCall';
import type { FleetQuery } from './fleetUrl';
import { decode, encode, Messages, PROFILE_FORMAT_PPROF } from './pyroscopeProto';

const SERVICE = 'querier.v1.QuerierService';

export interface Credentials {
  /** Bearer token (Grafana Cloud, a Grafana service account, a proxy in front). */
  token?: string;
}

export interface FleetResult {
  bytes: Uint8Array;
  /** Things the user should know about the result, e.g. truncation. */
  notes: string[];
}

export interface FleetCallOptions extends Credentials {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
}

function callOptions(q: FleetQuery, o: FleetCallOptions): CallOptions {
  const headers: Record<string, string> = {};
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  else if (q.user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${q.user}:${q.password ?? ''}`).toString('base64')}`;
  if (q.tenant) headers['X-Scope-OrgID'] = q.tenant;
  return { headers, signal: o.signal, timeoutMs: o.timeoutMs ?? 120_000, maxBytes: o.maxBytes ?? 256 * 1024 * 1024, serverName: `Pyroscope at ${q.baseUrl}` };
}

async function call(q: FleetQuery, o: FleetCallOptions, method: string, body: Uint8Array): Promise<Uint8Array> {
  const opts = callOptions(q, o);
  try {
    return await connectUnary(`${q.baseUrl}/${SERVICE}/${method}`, body, opts);
  } catch (e) {
    if (e instanceof ConnectError) throw explain(e, q, opts);
    throw e;
  }
}

function explain(e: ConnectError, q: FleetQuery, opts: CallOptions): ProfileError {
  const where = `Pyroscope at ${q.baseUrl}`;
  const sent = 'Authorization' in opts.headers;
  if (e.status === 401 && /org id/i.test(e.detail)) return new ProfileError(`${where} is multi-tenant and wants a tenant: add ?tenant=YOUR_ORG_ID (it said: ${e.detail})`);
  if (e.status === 401) {
    return new ProfileError(sent ? `credentials refused by ${where}: ${e.detail}` : `${where} wants credentials: set a token (HEAPLENS_PYROSCOPE_TOKEN, or "HeapLens: Set Profiler Token…") or put user:password@ in the URL (it said: ${e.detail})`);
  }
  if (e.status === 403) return new ProfileError(`${where} refused access${q.tenant ? ` for tenant "${q.tenant}"` : ''}: ${e.detail}`);
  if (e.status === 404) return new ProfileError(`no Pyroscope query API at ${q.baseUrl} (HTTP 404): check the base URL and path prefix`);
  return new ProfileError(e.message);
}

export async function profileTypes(q: FleetQuery, o: FleetCallOptions = {}): Promise<{ ID: string; sample_type: string; sample_unit: string }[]> {
  const bytes = await call(q, o, 'ProfileTypes', encode(Messages.ProfileTypesRequest, { start: q.startMs, end: q.endMs }));
  return decode<{ profile_types: { ID: string; sample_type: string; sample_unit: string }[] }>(Messages.ProfileTypesResponse, bytes).profile_types;
}

export async function labelValues(q: FleetQuery, name: string, o: FleetCallOptions = {}): Promise<string[]> {
  const bytes = await call(q, o, 'LabelValues', encode(Messages.LabelValuesRequest, { name, matchers: [], start: q.startMs, end: q.endMs }));
  return decode<{ names: string[] }>(Messages.LabelValuesResponse, bytes).names;
}

/** The merged profile of the query's selection; an empty one is an error that says why. */
export async function selectMergedProfile(q: FleetQuery, o: FleetCallOptions = {}, isEmpty: (b: Uint8Array) => boolean): Promise<FleetResult> {
  const req = { profile_typeID: q.profileTypeId, label_selector: q.labelSelector, start: q.startMs, end: q.endMs, ...(q.maxNodes ? { max_nodes: q.maxNodes } : {}) };
  let bytes: Uint8Array | undefined;
  try {
    const res = await call(q, o, 'SelectMergeStacktraces', encode(Messages.SelectMergeStacktracesRequest, { ...req, format: PROFILE_FORMAT_PPROF }));
    bytes = decode<{ pprof: { profile: Uint8Array } | null }>(Messages.SelectMergeStacktracesResponse, res).pprof?.profile;
  } catch (e) {
    // Servers before PROFILE_FORMAT_PPROF answer unimplemented or with a flame graph only.
    if (!(e instanceof ProfileError) || !/unimplemented|HTTP 404|HTTP 501/i.test(e.message)) throw e;
  }
  bytes ??= await call(q, o, 'SelectMergeProfile', encode(Messages.SelectMergeProfileRequest, req));
  if (isEmpty(bytes)) throw await whyEmpty(q, o);
  const notes: string[] = [];
  if (hasOtherFrame(bytes)) {
    notes.push(`Pyroscope truncated the profile${q.maxNodes ? ` to ${q.maxNodes} nodes` : ''}: the smallest functions are folded into one frame named "other"${q.maxNodes ? ' (raise maxNodes= for more)' : ''}`);
  }
  return { bytes, notes };
}

async function whyEmpty(q: FleetQuery, o: FleetCallOptions): Promise<ProfileError> {
  const range = `between ${new Date(q.startMs).toISOString()} and ${new Date(q.endMs).toISOString()}`;
  if (q.service) {
    const services = await labelValues(q, 'service_name', o).catch(() => undefined);
    if (services && services.length && !services.includes(q.service)) {
      return new ProfileError(`unknown service "${q.service}" at Pyroscope ${q.baseUrl} ${range}; services with profiles then: ${services.slice(0, 20).join(', ')}`);
    }
    const types = await profileTypes({ ...q, labelSelector: `{service_name=${JSON.stringify(q.service)}}` }, o).catch(() => undefined);
    if (types && types.length && !types.some((t) => t.ID === q.profileTypeId)) {
      return new ProfileError(`"${q.service}" has no ${q.profileTypeId} profiles ${range}; it has: ${types.map((t) => t.ID).join(', ')}`);
    }
  }
  return new ProfileError(`no profiles for ${q.labelSelector} (${q.profileTypeId}) ${range}`);
}

/** Pyroscope's max_nodes truncation names the folded frames exactly "other": look for that string. */
function hasOtherFrame(bytes: Uint8Array): boolean {
  // string_table entries are field 6, wire type 2: tag 0x32, length 5, "other".
  const needle = [0x32, 0x05, 0x6f, 0x74, 0x68, 0x65, 0x72];
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
