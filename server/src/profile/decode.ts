// pprof protobuf → Profile in one walk over the wire format. Samples go straight
// into typed arrays; no object per sample. Every table is capped relative to the
// file's size (limits.ts), ids and indexes are exact or refused, addresses exact
// uint64. Field numbers follow google/pprof proto/profile.proto.
import { Reader } from 'protobufjs/minimal';
import { DEFAULT_MAX_INFLATED, gunzipBounded, isGzip } from './gunzip';
import { GrowableF64, GrowableI32, GrowableU32, SampleValues, StackEntries } from './buffers';
import { inflateLimit, limitsFor, overLimit, type CapName, type Limits } from './limits';
import {
  ProfileError, type DecodeOptions, type FunctionTable, type LocationTable, type Mapping,
  type Profile, type SampleTable, type ValueType,
} from './model';
import { done, id, index, skip, sub, svarint, tag, uvarint, uvarint64 } from './wire';

export { ProfileError } from './model';

export function decodeProfile(bytes: Uint8Array, opts: DecodeOptions = {}): Profile {
  if (bytes.length === 0) throw new ProfileError('empty file, not a pprof profile');
  // open.ts inflates first and says how large the file was: limits follow the file.
  const fileBytes = opts.fileBytes ?? bytes.length;
  const raw = isGzip(bytes) ? gunzipBounded(bytes, inflateLimit(fileBytes, opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED), opts.inflater, fileBytes) : bytes;
  if (raw.length === 0) throw new ProfileError('empty profile data');
  return decodeWith(() => {
    const profile = resolve(walk(raw, limitsFor(fileBytes), fileBytes, false));
    profile.fileBytes = fileBytes;
    return profile;
  });
}

/** Samples still in the inflated bytes: sample i is raw[start[i] .. end[i]), its message's fields. */
export interface SampleBytes { count: number; start: Int32Array; end: Int32Array }

/**
 * Every table of an inflated pprof protobuf, checked as decodeProfile checks them,
 * with the samples left where they lie (the profile has none). What a sample holds
 * is not checked here: whoever reads them does, or calls decodeProfile.
 */
export function decodeTables(raw: Uint8Array, fileBytes: number): { profile: Profile; samples: SampleBytes } {
  return decodeWith(() => {
    const p = walk(raw, limitsFor(fileBytes), fileBytes, true);
    const profile = resolve(p);
    profile.fileBytes = fileBytes;
    const n = p.sampleStart.length;
    return { profile, samples: { count: n, start: p.sampleStart.viewI32(), end: p.sampleEnd.viewI32() } };
  });
}

function decodeWith<R>(decode: () => R): R {
  try {
    return decode();
  } catch (e) {
    if (e instanceof ProfileError) throw e;
    throw new ProfileError(`not a pprof profile (${wireErrorReason(e)})`);
  }
}

function wireErrorReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/index out of range/.test(msg)) return 'truncated or corrupt protobuf data';
  return `malformed protobuf: ${msg.split('\n')[0]}`;
}

interface RawMapping { id: number; start: bigint; limit: bigint; offset: bigint; filename: number; buildId: number }

/** What the walk collects before ids and string indexes can be checked and resolved. */
interface RawProfile {
  strings: string[];
  sampleTypes: [number, number][];
  periodType: [number, number] | null;
  period: number;
  timeNanos: number;
  durationNanos: number;
  dropFrames: number;
  keepFrames: number;
  comments: number[];
  defaultSampleType: number;
  mappings: RawMapping[];
  fn: { id: GrowableF64; name: GrowableI32; systemName: GrowableI32; filename: GrowableI32; startLine: GrowableF64 };
  loc: { id: GrowableF64; mappingId: GrowableF64; addressHi: GrowableU32; addressLo: GrowableU32; lineStart: GrowableI32; lineFnId: GrowableF64; lineNumber: GrowableF64 };
  stacks: StackEntries;
  sampleStack: GrowableI32;
  sampleValues: SampleValues;
  /** How many values the first sample had, and the first sample that had another count. */
  valueCounts: { first: number; badSample: number; badCount: number };
  /**
   * Numeric labels: each sample's first (key string index, −1 for none; value), one
   * entry a sample once any label has been seen, and the rest (sample, key, value).
   * Go writes one, `bytes`, on every heap sample: two arrays, no sample index.
   */
  labelKey: GrowableI32;
  labelNum: GrowableF64;
  extraSample: GrowableI32;
  extraKey: GrowableI32;
  extraNum: GrowableF64;
  labels: number;
  /** Where each sample's fields are, when the walk leaves samples undecoded. */
  sampleStart: GrowableI32;
  sampleEnd: GrowableI32;
}

/** Counts entries of each table against its cap as the walk fills it. */
class Budget {
  constructor(readonly limits: Limits, readonly fileBytes: number) {}
  check(name: CapName, count: number): void {
    if (count > this.limits[name]) throw overLimit(name, this.limits[name], this.fileBytes);
  }
}

function walk(buf: Uint8Array, limits: Limits, fileBytes: number, deferSamples: boolean): RawProfile {
  const r = Reader.create(buf);
  const budget = new Budget(limits, fileBytes);
  // Reserve from the raw size so the big arrays never grow (a stack entry or a value
  // costs at least a byte on the wire, a sample at least five): pages never written
  // are never committed, so a reservation costs address space, not memory.
  const reserve = (cap: number, perByte: number) => Math.min(cap, Math.floor(buf.length * perByte), 1 << 26) + 1024;
  const p: RawProfile = {
    strings: [], sampleTypes: [], periodType: null, period: 0, timeNanos: 0, durationNanos: 0,
    dropFrames: 0, keepFrames: 0, comments: [], defaultSampleType: 0, mappings: [],
    fn: { id: new GrowableF64(), name: new GrowableI32(), systemName: new GrowableI32(), filename: new GrowableI32(), startLine: new GrowableF64() },
    loc: { id: new GrowableF64(), mappingId: new GrowableF64(), addressHi: new GrowableU32(), addressLo: new GrowableU32(), lineStart: new GrowableI32(), lineFnId: new GrowableF64(), lineNumber: new GrowableF64() },
    stacks: deferSamples ? new StackEntries(16, limits.stackEntries, () => budget.check('stackEntries', Infinity), 0, 16)
      : new StackEntries(reserve(limits.stackEntries, 1), limits.stackEntries, () => budget.check('stackEntries', Infinity), largestLocationId(buf), reserve(limits.samples, 1 / 5) + 1),
    sampleStack: new GrowableI32(reserve(limits.samples, 1 / 5)), sampleValues: new SampleValues(reserve(limits.values, 1)),
    valueCounts: { first: -1, badSample: -1, badCount: 0 },
    labelKey: new GrowableI32(reserve(limits.samples, 1 / 5)), labelNum: new GrowableF64(reserve(limits.samples, 1 / 5)),
    extraSample: new GrowableI32(), extraKey: new GrowableI32(), extraNum: new GrowableF64(), labels: 0,
    sampleStart: new GrowableI32(deferSamples ? reserve(limits.samples, 1 / 5) : 16), sampleEnd: new GrowableI32(deferSamples ? reserve(limits.samples, 1 / 5) : 16),
  };
  let sampleCount = 0;
  while (r.pos < r.len) {
    const t = tag(r);
    const field = t >>> 3;
    const wire = t & 7;
    switch (field) {
      case 1: if (wire === 2) { budget.check('sampleTypes', p.sampleTypes.length + 1); p.sampleTypes.push(valueType(r)); continue; } break;
      case 2:
        if (wire === 2) {
          budget.check('samples', sampleCount + 1);
          if (deferSamples) {
            sampleCount = skipSamples(r, p.sampleStart, p.sampleEnd, sampleCount, budget);
          } else {
            sample(r, p, sampleCount++, budget);
          }
          continue;
        }
        break;
      case 3: if (wire === 2) { budget.check('mappings', p.mappings.length + 1); p.mappings.push(mapping(r)); continue; } break;
      case 4: if (wire === 2) { budget.check('locations', p.loc.id.length + 1); location(r, p, budget); continue; } break;
      case 5: if (wire === 2) { budget.check('functions', p.fn.id.length + 1); fn(r, p); continue; } break;
      case 6: if (wire === 2) { budget.check('strings', p.strings.length + 1); p.strings.push(r.string()); continue; } break;
      case 7: if (wire === 0) { p.dropFrames = index(r, 'drop_frames'); continue; } break;
      case 8: if (wire === 0) { p.keepFrames = index(r, 'keep_frames'); continue; } break;
      case 9: if (wire === 0) { p.timeNanos = svarint(r); continue; } break;
      case 10: if (wire === 0) { p.durationNanos = svarint(r); continue; } break;
      case 11: if (wire === 2) { p.periodType = valueType(r); continue; } break;
      case 12: if (wire === 0) { p.period = svarint(r); continue; } break;
      case 13:
        if (wire === 0) { budget.check('comments', p.comments.length + 1); p.comments.push(index(r, 'comment')); continue; }
        if (wire === 2) {
          const end = sub(r);
          while (r.pos < end) { budget.check('comments', p.comments.length + 1); p.comments.push(index(r, 'comment')); }
          done(r, end);
          continue;
        }
        break;
      case 14: if (wire === 0) { p.defaultSampleType = index(r, 'default sample type'); continue; } break;
    }
    if (field === 0) throw new ProfileError('not a pprof profile (field number 0)');
    skip(r, wire);
  }
  if (r.pos > r.len) throw new ProfileError('not a pprof profile (truncated or corrupt protobuf data)');
  return p;
}

/**
 * Records where this sample and the ones right after it are (a million samples in a
 * row is the usual shape): lengths of up to two bytes read inline, anything else
 * through the checked reader. Returns the sample count.
 */
function skipSamples(r: Reader, starts: GrowableI32, ends: GrowableI32, count: number, budget: Budget): number {
  const buf = r.buf, len = r.len, cap = budget.limits.samples;
  for (;;) {
    let pos = r.pos;
    let n = buf[pos++];
    if (n >= 128) {
      const b = buf[pos++];
      n = b < 128 ? (n & 127) | (b << 7) : -1;
    }
    let end;
    if (n >= 0 && pos <= len) { end = pos + n; r.pos = pos; } else { end = sub(r); pos = r.pos; }
    if (end > len) throw new ProfileError('not a pprof profile (truncated or corrupt protobuf data)');
    starts.push(pos); ends.push(end);
    r.pos = end;
    count++;
    // Another sample next (tag 0x12)? Then the top-level loop need not see it.
    if (end >= len || buf[end] !== 0x12) return count;
    if (count + 1 > cap) budget.check('samples', count + 1);
    r.pos = end + 1;
  }
}

/**
 * The largest location id, from a skim of the top-level fields (locations may
 * follow the samples): it sizes the stack entries. Only a size: an id that does
 * not fit widens them. Infinity when unsure; the walk then reports whatever is
 * wrong with the data.
 */
function largestLocationId(buf: Uint8Array): number {
  const r = Reader.create(buf);
  let max = 0;
  try {
    while (r.pos < r.len) {
      const t = tag(r);
      if (t !== 34) { skip(r, t & 7); continue; } // field 4, length-delimited: a location
      const end = sub(r);
      while (r.pos < end) {
        const lt = tag(r);
        if (lt === 8) max = Math.max(max, uvarint(r));
        else skip(r, lt & 7);
      }
      r.pos = end;
    }
  } catch {
    return Infinity;
  }
  return r.pos === r.len ? max : Infinity;
}

function valueType(r: Reader): [number, number] {
  const end = sub(r);
  let type = 0, unit = 0;
  while (r.pos < end) {
    const t = tag(r);
    if (t === 8) type = index(r, 'sample type');
    else if (t === 16) unit = index(r, 'sample type unit');
    else skip(r, t & 7);
  }
  done(r, end);
  return [type, unit];
}

function sample(r: Reader, p: RawProfile, index: number, budget: Budget): void {
  const end = sub(r);
  const stacks = p.stacks;
  stacks.begin();
  let nValues = 0;
  while (r.pos < end) {
    const t = tag(r);
    switch (t) {
      case 10: { // location_id, packed: the hot loop of big profiles, varints read inline
        const e = sub(r);
        const buf = r.buf;
        let pos = r.pos;
        // At most one id per byte: room for all of them, then plain stores. An id
        // wider than the entries (or of 4+ bytes) goes through push, which widens.
        let keys = stacks.room(e - pos), maxKey = stacks.maxKey;
        let len = stacks.len;
        while (pos < e) {
          let b = buf[pos++];
          if (b < 128) { keys[len++] = b; continue; }
          let v = b & 127, n = 1;
          b = buf[pos++]; v |= (b & 127) << 7; n++;
          if (b >= 128 && pos <= e) { b = buf[pos++]; v |= (b & 127) << 14; n++; }
          if (b < 128 && pos <= e && v <= maxKey) { keys[len++] = v; continue; }
          // Rare: 4+ byte ids, or wider than the entries. The generic reader checks bounds.
          r.pos = pos - n;
          stacks.len = len;
          stacks.push(id(r, 'location'));
          keys = stacks.keys; maxKey = stacks.maxKey;
          len = stacks.len;
          pos = r.pos;
        }
        stacks.len = len;
        r.pos = pos;
        done(r, e);
        break;
      }
      case 8: stacks.push(id(r, 'location')); break; // location_id, unpacked
      case 18: { // values, packed; up to 28 bits read inline
        const e = sub(r);
        const values = p.sampleValues, buf = r.buf;
        // Counted from where this field began: a wide value below resets `len`.
        const first = values.length;
        let data = values.room(e - r.pos), len = first;
        let pos = r.pos;
        while (pos < e) {
          let b = buf[pos++];
          let v = b & 127;
          if (b >= 128) {
            b = buf[pos++]; v |= (b & 127) << 7;
            if (b >= 128) {
              b = buf[pos++]; v |= (b & 127) << 14;
              if (b >= 128) {
                b = buf[pos++]; v |= (b & 127) << 21;
                if (b >= 128) {
                  r.pos = pos - 4; values.length = len;
                  values.push(svarint(r));
                  data = values.data; len = values.length; pos = r.pos;
                  continue;
                }
              }
            }
          }
          data[len++] = v;
        }
        nValues += len - first;
        values.length = len;
        r.pos = pos;
        done(r, e);
        budget.check('values', values.length);
        break;
      }
      case 16: p.sampleValues.push(svarint(r)); nValues++; budget.check('values', p.sampleValues.length); break;
      case 26: label(r, p, index, budget); break;
      default: skip(r, t & 7);
    }
  }
  done(r, end);
  const counts = p.valueCounts;
  if (counts.first === -1) counts.first = nValues;
  else if (nValues !== counts.first && counts.badSample === -1) { counts.badSample = index; counts.badCount = nValues; }
  p.sampleStack.push(stacks.end());
}

function label(r: Reader, p: RawProfile, sampleIndex: number, budget: Budget): void {
  const end = sub(r);
  let key = 0, num = 0, isNum = false;
  while (r.pos < end) {
    const t = tag(r);
    if (t === 8) key = index(r, 'label key');
    else if (t === 24) { num = svarint(r); isNum = true; } else skip(r, t & 7);
  }
  done(r, end);
  if (!isNum) return;
  budget.check('labels', ++p.labels);
  if (p.labelKey.length === sampleIndex + 1) {
    p.extraSample.push(sampleIndex); p.extraKey.push(key); p.extraNum.push(num);
    return;
  }
  while (p.labelKey.length < sampleIndex) { p.labelKey.push(-1); p.labelNum.push(NaN); }
  p.labelKey.push(key); p.labelNum.push(num);
}

const half = { hi: 0, lo: 0 };
const big = (): bigint => (BigInt(half.hi) << 32n) | BigInt(half.lo);

function mapping(r: Reader): RawMapping {
  const end = sub(r);
  const m: RawMapping = { id: 0, start: 0n, limit: 0n, offset: 0n, filename: 0, buildId: 0 };
  while (r.pos < end) {
    const t = tag(r);
    switch (t) {
      case 8: m.id = id(r, 'mapping'); break;
      case 16: uvarint64(r, half); m.start = big(); break;
      case 24: uvarint64(r, half); m.limit = big(); break;
      case 32: uvarint64(r, half); m.offset = big(); break;
      case 40: m.filename = index(r, 'mapping filename'); break;
      case 48: m.buildId = index(r, 'mapping build id'); break;
      default: skip(r, t & 7);
    }
  }
  done(r, end);
  return m;
}

function location(r: Reader, p: RawProfile, budget: Budget): void {
  const end = sub(r);
  let locId = 0, mappingId = 0, addrHi = 0, addrLo = 0;
  const loc = p.loc;
  loc.lineStart.push(loc.lineFnId.length);
  while (r.pos < end) {
    const t = tag(r);
    switch (t) {
      case 8: locId = id(r, 'location'); break;
      case 16: mappingId = id(r, 'mapping'); break;
      case 24: uvarint64(r, half); addrHi = half.hi; addrLo = half.lo; break;
      case 34: {
        const lend = sub(r);
        let fnId = 0, line = 0;
        while (r.pos < lend) {
          const lt = tag(r);
          if (lt === 8) fnId = id(r, 'function');
          else if (lt === 16) line = svarint(r);
          else skip(r, lt & 7);
        }
        done(r, lend);
        budget.check('lines', loc.lineFnId.length + 1);
        loc.lineFnId.push(fnId);
        loc.lineNumber.push(line);
        break;
      }
      default: skip(r, t & 7);
    }
  }
  done(r, end);
  loc.id.push(locId);
  loc.mappingId.push(mappingId);
  loc.addressHi.push(addrHi);
  loc.addressLo.push(addrLo);
}

function fn(r: Reader, p: RawProfile): void {
  const end = sub(r);
  let fnId = 0, name = 0, systemName = 0, filename = 0, startLine = 0;
  while (r.pos < end) {
    const t = tag(r);
    switch (t) {
      case 8: fnId = id(r, 'function'); break;
      case 16: name = index(r, 'function name'); break;
      case 24: systemName = index(r, 'function system name'); break;
      case 32: filename = index(r, 'function filename'); break;
      case 40: startLine = svarint(r); break;
      default: skip(r, t & 7);
    }
  }
  done(r, end);
  p.fn.id.push(fnId); p.fn.name.push(name); p.fn.systemName.push(systemName);
  p.fn.filename.push(filename); p.fn.startLine.push(startLine);
}

// ── Resolving ids and string indexes, with range checks ───────────────────────

function resolve(p: RawProfile): Profile {
  const strings = p.strings;
  if (strings.length === 0 && p.sampleTypes.length === 0) throw new ProfileError('not a pprof profile (no string table and no sample types)');
  if (strings.length > 0 && strings[0] !== '') throw new ProfileError('not a pprof profile (string table must start with "")');
  const str = (i: number, what: string): string => {
    if (!(i >= 0 && i < strings.length) || !Number.isInteger(i)) throw new ProfileError(`${what}: string index ${i} out of range (table has ${strings.length})`);
    return strings[i];
  };
  if (p.sampleTypes.length === 0) throw new ProfileError('not a pprof profile (no sample types)');
  const sampleTypes: ValueType[] = p.sampleTypes.map(([t, u]) => ({ type: str(t, 'sample type'), unit: str(u, 'sample type unit') }));
  let defaultSampleType = sampleTypes.length - 1;
  if (p.defaultSampleType !== 0) {
    const name = str(p.defaultSampleType, 'default sample type');
    const i = sampleTypes.findIndex((s) => s.type === name);
    if (i >= 0) defaultSampleType = i;
  }

  const mappings: Mapping[] = p.mappings.map((m) => ({
    id: m.id, memoryStart: m.start, memoryLimit: m.limit, fileOffset: m.offset,
    filename: str(m.filename, 'mapping filename'), buildId: str(m.buildId, 'mapping build id'),
  }));
  const mappingIndex = new Map<number, number>();
  mappings.forEach((m, i) => mappingIndex.set(m.id, i));

  const nf = p.fn.id.length;
  const functions: FunctionTable = {
    count: nf,
    id: p.fn.id.f64(), name: p.fn.name.i32(), systemName: p.fn.systemName.i32(),
    filename: p.fn.filename.i32(), startLine: p.fn.startLine.f64(),
  };
  const fnIndex = new IdIndex(functions.id);
  for (let i = 0; i < nf; i++) {
    str(functions.name[i], `function id ${functions.id[i]} name`);
    str(functions.systemName[i], `function id ${functions.id[i]} system name`);
    str(functions.filename[i], `function id ${functions.id[i]} filename`);
    if (functions.id[i] === 0) throw new ProfileError('function id 0 is reserved');
    if (!fnIndex.set(functions.id[i], i)) throw new ProfileError(`duplicate function id ${functions.id[i]}`);
  }

  const nl = p.loc.id.length;
  p.loc.lineStart.push(p.loc.lineFnId.length);
  const lineFnId = p.loc.lineFnId.f64();
  const lineFunction = new Int32Array(lineFnId.length);
  for (let i = 0; i < lineFnId.length; i++) {
    const id = lineFnId[i];
    if (id === 0) { lineFunction[i] = -1; continue; }
    const f = fnIndex.get(id);
    if (f === undefined) throw new ProfileError(`function id ${id} out of range`);
    lineFunction[i] = f;
  }
  const mappingIds = p.loc.mappingId.f64();
  const locMapping = new Int32Array(nl);
  for (let i = 0; i < nl; i++) {
    const id = mappingIds[i];
    if (id === 0) { locMapping[i] = -1; continue; }
    const m = mappingIndex.get(id);
    if (m === undefined) throw new ProfileError(`mapping id ${id} out of range`);
    locMapping[i] = m;
  }
  const addressHi = p.loc.addressHi.u32(), addressLo = p.loc.addressLo.u32();
  const address = new Float64Array(nl);
  for (let i = 0; i < nl; i++) address[i] = addressHi[i] * 4294967296 + addressLo[i];
  const locations: LocationTable = {
    count: nl, id: p.loc.id.f64(), mapping: locMapping, addressHi, addressLo, address,
    lineStart: p.loc.lineStart.i32(), lineFunction, lineNumber: p.loc.lineNumber.f64(),
  };
  const locIndex = new IdIndex(locations.id);
  for (let i = 0; i < nl; i++) {
    if (locations.id[i] === 0) throw new ProfileError('location id 0 is reserved');
    if (!locIndex.set(locations.id[i], i)) throw new ProfileError(`duplicate location id ${locations.id[i]}`);
  }

  const stacks = p.stacks.finish(locIndex.denseTable(), (id) => {
    const i = locIndex.get(id);
    if (i === undefined) throw new ProfileError(`location id ${id} out of range`);
    return i;
  }, nl);

  const T = sampleTypes.length;
  const n = p.sampleStack.length;
  const { first, badSample, badCount } = p.valueCounts;
  if (n > 0 && first !== T) throw new ProfileError(`sample 0 has ${first} values, expected ${T} (one per sample type)`);
  if (badSample >= 0) throw new ProfileError(`sample ${badSample} has ${badCount} values, expected ${T} (one per sample type)`);
  const samples: SampleTable = { count: n, stack: p.sampleStack.viewI32(), values: p.sampleValues.view(), bytes: sizeLabels(p, n, str) };

  return {
    sampleTypes, defaultSampleType,
    period: p.period,
    periodType: p.periodType ? { type: str(p.periodType[0], 'period type'), unit: str(p.periodType[1], 'period unit') } : null,
    timeNanos: p.timeNanos, durationNanos: p.durationNanos,
    strings,
    comments: p.comments.map((c) => str(c, 'comment')),
    dropFrames: str(p.dropFrames, 'drop_frames'), keepFrames: str(p.keepFrames, 'keep_frames'),
    mappings, functions, locations, stacks, samples,
  };
}

/**
 * Each sample's `bytes` label (NaN: none), in place of the first-label values when
 * there are labels. Every key is range-checked; of two `bytes` labels the last wins.
 */
function sizeLabels(p: RawProfile, n: number, str: (i: number, what: string) => string): Float64Array {
  if (p.labelKey.length === 0) return new Float64Array(n).fill(NaN);
  while (p.labelKey.length < n) { p.labelKey.push(-1); p.labelNum.push(NaN); }
  const bytesKey = p.strings.indexOf('bytes');
  const keys = p.labelKey.viewI32(), bytes = p.labelNum.viewF64();
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    if (k === bytesKey && k > 0) continue;
    if (k !== -1) str(k, 'label key');
    bytes[i] = NaN;
  }
  const es = p.extraSample.viewI32(), ek = p.extraKey.viewI32(), ev = p.extraNum.viewF64();
  for (let i = 0; i < es.length; i++) {
    str(ek[i], 'label key');
    if (ek[i] === bytesKey && bytesKey > 0) bytes[es[i]] = ev[i];
  }
  return bytes;
}

/**
 * id → index. Ids are usually 1..n (runtime/pprof numbers them so): a dense array
 * then, a Map for anything sparse.
 */
class IdIndex {
  private dense: Int32Array | null = null;
  private map: Map<number, number> | null = null;
  constructor(ids: Float64Array) {
    let max = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] > max) max = ids[i];
    if (max <= ids.length * 2 + 1024 && Number.isInteger(max)) this.dense = new Int32Array(max + 1).fill(-1);
    else this.map = new Map();
  }
  /** False when the id was already there. */
  set(id: number, index: number): boolean {
    if (this.dense) {
      if (!(id >= 0 && Number.isInteger(id))) { this.toMap(); return this.set(id, index); }
      if (this.dense[id] !== -1) return false;
      this.dense[id] = index;
      return true;
    }
    if (this.map!.has(id)) return false;
    this.map!.set(id, index);
    return true;
  }
  /** id → index (−1: none) when ids are small, for hot loops. */
  denseTable(): Int32Array | null { return this.dense; }
  get(id: number): number | undefined {
    if (this.dense) {
      const i = id >= 0 && id < this.dense.length ? this.dense[id] : -1;
      return i === -1 || i === undefined ? undefined : i;
    }
    return this.map!.get(id);
  }
  private toMap(): void {
    const m = new Map<number, number>();
    this.dense!.forEach((idx, id) => { if (idx !== -1) m.set(id, idx); });
    this.dense = null;
    this.map = m;
  }
}
