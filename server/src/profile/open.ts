// The one way in from bytes to a Profile: gzip or not, protobuf or one of the
// legacy formats pprof still reads (legacy/), then the passes pprof applies to
// every profile (normalize.ts). Callers use this, not decode.ts directly.
import { decodeProfile, decodeTables, type SampleBytes } from './decode';
import { DEFAULT_MAX_INFLATED, gunzipBounded, isGzip } from './gunzip';
import { inflateLimit } from './limits';
import { parseLegacy } from './legacy/parse';
import { describeNonProfile, looksLikeLegacyText } from './legacy/sniff';
import { ProfileError, type DecodeOptions, type Profile, type ProfileSource } from './model';
import { normalizeProfile } from './normalize';

export interface OpenOptions extends DecodeOptions {
  /** The file name or URL it came from: a `…/allocs?seconds=N` URL makes an allocs delta. */
  origin?: string;
}

const HEAP_TYPES = 'alloc_objects,alloc_space,inuse_objects,inuse_space';

export function openProfile(bytes: Uint8Array, opts: OpenOptions = {}): Profile {
  if (bytes.length === 0) throw new ProfileError('empty file, not a pprof profile');
  const gz = isGzip(bytes);
  const raw = gz ? gunzipBounded(bytes, inflateLimit(bytes.length, opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED), opts.inflater) : bytes;
  if (raw.length === 0) throw new ProfileError('empty profile data');
  let profile: Profile;
  let source: ProfileSource;
  const legacy = () => parseLegacy(raw);
  const first = looksLikeLegacyText(raw) ? legacy() : null;
  if (first) {
    ({ profile, source } = first);
  } else {
    try {
      profile = decodeProfile(raw, { ...opts, fileBytes: bytes.length });
      source = { format: gz ? 'pprof protobuf (gzip)' : 'pprof protobuf', legacy: false, symbolsMissing: false, notes: [] };
    } catch (e) {
      if (!(e instanceof ProfileError)) throw e;
      let l;
      try {
        l = legacy();
      } catch (le) {
        // Text formats hold no NUL byte: binary input taken for text keeps protobuf's
        // reason (a size limit says why, in numbers); the binary CPU format keeps its own.
        if (raw.subarray(0, 4096).includes(0) && /\btext\b/.test(le instanceof Error ? le.message : '')) throw e;
        throw le;
      }
      if (!l) throw new ProfileError(describeNonProfile(raw) ?? e.message);
      ({ profile, source } = l);
    }
  }
  finish(profile, source, opts.origin);
  return profile;
}

/**
 * A pprof protobuf's tables, normalized as openProfile does, with its samples left
 * in the inflated bytes for directAggregate.ts. Null for anything else (legacy
 * formats, drop_frames, data the decoder refuses): openProfile then decides.
 */
export function openTables(bytes: Uint8Array, opts: OpenOptions = {}): SampleBytesProfile | null {
  if (bytes.length === 0) return null;
  const gz = isGzip(bytes);
  let raw: Uint8Array;
  try {
    raw = gz ? gunzipBounded(bytes, inflateLimit(bytes.length, opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED), opts.inflater) : bytes;
  } catch (e) {
    if (e instanceof ProfileError) return null;
    throw e;
  }
  if (raw.length === 0 || looksLikeLegacyText(raw)) return null;
  let tables;
  try {
    tables = decodeTables(raw, bytes.length);
  } catch (e) {
    if (e instanceof ProfileError) return null;
    throw e;
  }
  if (tables.profile.dropFrames) return null;
  const source: ProfileSource = { format: gz ? 'pprof protobuf (gzip)' : 'pprof protobuf', legacy: false, symbolsMissing: false, notes: [] };
  finish(tables.profile, source, opts.origin);
  return { ...tables, raw };
}

/**
 * The whole profile of what openTables read, decoded the ordinary way without
 * inflating it again (the flamegraph's direct reading gave way). Throws as
 * openProfile's decoding does.
 */
export function decodeOpened(tables: SampleBytesProfile, opts: OpenOptions = {}): Profile {
  const profile = decodeProfile(tables.raw, { ...opts, fileBytes: tables.profile.fileBytes });
  finish(profile, { ...tables.profile.source!, notes: [] }, opts.origin);
  return profile;
}

/** Tables of a profile whose samples are still bytes: sample i is raw[samples.start[i] .. samples.end[i]). */
export interface SampleBytesProfile { profile: Profile; samples: SampleBytes; raw: Uint8Array }

function finish(profile: Profile, source: ProfileSource, origin: string | undefined): void {
  const { unsymbolized } = normalizeProfile(profile);
  if (unsymbolized > 0) {
    source.symbolsMissing = true;
    source.notes.push(`symbols are missing for ${unsymbolized} of ${profile.locations.count} locations: shown per binary, as pprof -symbolize=none does`);
  }
  applyDelta(profile, source, origin);
  profile.source = source;
}

/** Delta heap profiles (net/http/pprof `?seconds=N`): no default type is recorded, and in-use values are differences. */
function applyDelta(p: Profile, source: ProfileSource, origin: string | undefined): void {
  if (p.sampleTypes.map((s) => s.type).join(',') !== HEAP_TYPES) return;
  let url: URL | null = null;
  try { url = origin && /^https?:\/\//i.test(origin) ? new URL(origin) : null; } catch { url = null; }
  const seconds = Number(url?.searchParams.get('seconds') ?? NaN);
  if (url && seconds > 0) source.deltaSeconds = seconds;
  else if (p.durationNanos > 0) source.deltaSeconds = p.durationNanos / 1e9;
  if (source.deltaSeconds === undefined) return;
  if (url && /\/allocs\/?$/.test(url.pathname)) {
    p.defaultSampleType = p.sampleTypes.findIndex((s) => s.type === 'alloc_space');
    source.notes.push(`allocations during ${fmtSeconds(source.deltaSeconds)} (a delta profile)`);
  } else {
    source.notes.push(`a delta over ${fmtSeconds(source.deltaSeconds)}: in-use values are changes and can be negative; alloc_space is what was allocated during it`);
  }
}

function fmtSeconds(s: number): string {
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
}
