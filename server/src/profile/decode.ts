// pprof protobuf → Profile in one walk over the wire format. Samples go straight
// into typed arrays and a table of distinct stacks; no object per sample. Field
// numbers follow google/pprof proto/profile.proto.
import { Reader } from 'protobufjs/minimal';
import { gunzipBounded, isGzip } from './gunzip';
import { DistinctStacks, Growable } from './buffers';
import {
  ProfileError, type DecodeOptions, type FunctionTable, type LocationTable, type Mapping,
  type Profile, type SampleTable, type ValueType,
} from './model';

export { ProfileError } from './model';

export function decodeProfile(bytes: Uint8Array, opts: DecodeOptions = {}): Profile {
  if (bytes.length === 0) throw new ProfileError('empty file, not a pprof profile');
  const raw = isGzip(bytes) ? gunzipBounded(bytes, opts.maxInflatedBytes, opts.inflater) : bytes;
  if (raw.length === 0) throw new ProfileError('empty profile data');
  try {
    return resolve(walk(raw));
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
  mappings: { id: number; start: number; limit: number; offset: number; filename: number; buildId: number }[];
  fn: { id: Growable; name: Growable; systemName: Growable; filename: Growable; startLine: Growable };
  loc: { id: Growable; mappingId: Growable; address: Growable; lineStart: Growable; lineFnId: Growable; lineNumber: Growable };
  trie: DistinctStacks;
  sampleStack: Growable;
  sampleValues: Growable;
  valuesPerSample: Growable;
  /** Numeric labels: sample index, key string index, value. */
  labelSample: Growable;
  labelKey: Growable;
  labelNum: Growable;
}

function walk(buf: Uint8Array): RawProfile {
  const r = Reader.create(buf);
  const p: RawProfile = {
    strings: [], sampleTypes: [], periodType: null, period: 0, timeNanos: 0, durationNanos: 0,
    dropFrames: 0, keepFrames: 0, comments: [], defaultSampleType: 0, mappings: [],
    fn: { id: new Growable('f64'), name: new Growable('i32'), systemName: new Growable('i32'), filename: new Growable('i32'), startLine: new Growable('f64') },
    loc: { id: new Growable('f64'), mappingId: new Growable('f64'), address: new Growable('f64'), lineStart: new Growable('i32'), lineFnId: new Growable('f64'), lineNumber: new Growable('f64') },
    // Distinct stack nodes are bounded by the location ids on the wire (≥ 1 byte each).
    trie: new DistinctStacks(),
    sampleStack: new Growable('i32', 1024), sampleValues: new Growable('f64', 4096), valuesPerSample: new Growable('i32', 1024),
    labelSample: new Growable('i32'), labelKey: new Growable('i32'), labelNum: new Growable('f64'),
  };
  let sampleCount = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1: if (wire === 2) { p.sampleTypes.push(valueType(r)); continue; } break;
      case 2: if (wire === 2) { sample(r, p, sampleCount++); continue; } break;
      case 3: if (wire === 2) { p.mappings.push(mapping(r)); continue; } break;
      case 4: if (wire === 2) { location(r, p); continue; } break;
      case 5: if (wire === 2) { fn(r, p); continue; } break;
      case 6: if (wire === 2) { p.strings.push(r.string()); continue; } break;
      case 7: if (wire === 0) { p.dropFrames = varint(r); continue; } break;
      case 8: if (wire === 0) { p.keepFrames = varint(r); continue; } break;
      case 9: if (wire === 0) { p.timeNanos = varint(r); continue; } break;
      case 10: if (wire === 0) { p.durationNanos = varint(r); continue; } break;
      case 11: if (wire === 2) { p.periodType = valueType(r); continue; } break;
      case 12: if (wire === 0) { p.period = varint(r); continue; } break;
      case 13: if (wire === 0) { p.comments.push(varint(r)); continue; } if (wire === 2) { packed(r, (v) => p.comments.push(v)); continue; } break;
      case 14: if (wire === 0) { p.defaultSampleType = varint(r); continue; } break;
    }
    if (field === 0) throw new ProfileError('not a pprof profile (field number 0)');
    r.skipType(wire);
  }
  if (r.pos > r.len) throw new ProfileError('not a pprof profile (truncated or corrupt protobuf data)');
  return p;
}

function valueType(r: Reader): [number, number] {
  const end = sub(r);
  let type = 0, unit = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) type = varint(r);
    else if (tag === 16) unit = varint(r);
    else r.skipType(tag & 7);
  }
  done(r, end);
  return [type, unit];
}

function sample(r: Reader, p: RawProfile, index: number): void {
  const end = sub(r);
  p.trie.beginStack();
  let nValues = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10: { // location_id, packed: the hot loop of big profiles, varints read inline
        const e = sub(r);
        const buf = r.buf, trie = p.trie;
        let pos = r.pos;
        while (pos < e) {
          let b = buf[pos++];
          if (b < 128) { trie.pushKey(b); continue; }
          let v = b & 127;
          b = buf[pos++]; v |= (b & 127) << 7;
          if (b < 128 && pos <= e) { trie.pushKey(v); continue; }
          b = buf[pos++]; v |= (b & 127) << 14;
          if (b < 128 && pos <= e) { trie.pushKey(v); continue; }
          // Rare: 4+ byte ids. The generic reader checks bounds.
          r.pos = pos - 3;
          trie.pushId(varint(r));
          pos = r.pos;
        }
        r.pos = pos;
        done(r, e);
        break;
      }
      case 8: p.trie.pushId(varint(r)); break; // location_id, unpacked
      case 18: { // values, packed; small ones read inline
        const e = sub(r);
        const values = p.sampleValues, buf = r.buf;
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
                if (b >= 128) { r.pos = pos - 4; v = varint(r); pos = r.pos; }
              }
            }
          }
          values.push(v);
          nValues++;
        }
        r.pos = pos;
        done(r, e);
        break;
      }
      case 16: p.sampleValues.push(varint(r)); nValues++; break;
      case 26: label(r, p, index); break;
      default: r.skipType(tag & 7);
    }
  }
  done(r, end);
  p.valuesPerSample.push(nValues);
  p.sampleStack.push(p.trie.endStack());
}

function label(r: Reader, p: RawProfile, index: number): void {
  const end = sub(r);
  let key = 0, num = 0, isNum = false;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) key = varint(r);
    else if (tag === 24) { num = varint(r); isNum = true; } else r.skipType(tag & 7);
  }
  done(r, end);
  if (isNum) { p.labelSample.push(index); p.labelKey.push(key); p.labelNum.push(num); }
}

function mapping(r: Reader): RawProfile['mappings'][number] {
  const end = sub(r);
  const m = { id: 0, start: 0, limit: 0, offset: 0, filename: 0, buildId: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 8: m.id = varint(r); break;
      case 16: m.start = varint(r); break;
      case 24: m.limit = varint(r); break;
      case 32: m.offset = varint(r); break;
      case 40: m.filename = varint(r); break;
      case 48: m.buildId = varint(r); break;
      default: r.skipType(tag & 7);
    }
  }
  done(r, end);
  return m;
}

function location(r: Reader, p: RawProfile): void {
  const end = sub(r);
  let id = 0, mappingId = 0, address = 0;
  p.loc.lineStart.push(p.loc.lineFnId.length);
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 8: id = varint(r); break;
      case 16: mappingId = varint(r); break;
      case 24: address = varint(r); break;
      case 34: {
        const lend = sub(r);
        let fnId = 0, line = 0;
        while (r.pos < lend) {
          const t = r.uint32();
          if (t === 8) fnId = varint(r);
          else if (t === 16) line = varint(r);
          else r.skipType(t & 7);
        }
        done(r, lend);
        p.loc.lineFnId.push(fnId);
        p.loc.lineNumber.push(line);
        break;
      }
      default: r.skipType(tag & 7);
    }
  }
  done(r, end);
  p.loc.id.push(id);
  p.loc.mappingId.push(mappingId);
  p.loc.address.push(address);
}

function fn(r: Reader, p: RawProfile): void {
  const end = sub(r);
  let id = 0, name = 0, systemName = 0, filename = 0, startLine = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 8: id = varint(r); break;
      case 16: name = varint(r); break;
      case 24: systemName = varint(r); break;
      case 32: filename = varint(r); break;
      case 40: startLine = varint(r); break;
      default: r.skipType(tag & 7);
    }
  }
  done(r, end);
  p.fn.id.push(id); p.fn.name.push(name); p.fn.systemName.push(systemName);
  p.fn.filename.push(filename); p.fn.startLine.push(startLine);
}

/** Enters a length-delimited field; returns where it ends. */
function sub(r: Reader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new ProfileError('not a pprof profile (truncated or corrupt protobuf data)');
  return end;
}

function done(r: Reader, end: number): void {
  if (r.pos !== end) throw new ProfileError('not a pprof profile (field overruns its message)');
}

function packed(r: Reader, each: (v: number) => void): number {
  const end = sub(r);
  let n = 0;
  while (r.pos < end) { each(varint(r)); n++; }
  done(r, end);
  return n;
}

const TWO32 = 4294967296;

/** A varint as a JS number (int64 semantics; exact up to 2^53). Faster than Long. */
function varint(r: Reader): number {
  const buf = r.buf;
  const len = r.len;
  let pos = r.pos;
  if (pos < len && buf[pos] < 0x80) { r.pos = pos + 1; return buf[pos]; }
  let lo = 0, hi = 0, b = 0;
  for (let i = 0; i < 4; i++) {
    if (pos >= len) throw new ProfileError('not a pprof profile (truncated varint)');
    b = buf[pos++];
    lo = (lo | ((b & 127) << (i * 7))) >>> 0;
    if (b < 128) { r.pos = pos; return lo; }
  }
  if (pos >= len) throw new ProfileError('not a pprof profile (truncated varint)');
  b = buf[pos++];
  lo = (lo | ((b & 127) << 28)) >>> 0;
  hi = (b & 127) >> 4;
  if (b >= 128) {
    let i = 0;
    for (; i < 5; i++) {
      if (pos >= len) throw new ProfileError('not a pprof profile (truncated varint)');
      b = buf[pos++];
      hi = (hi | ((b & 127) << (i * 7 + 3))) >>> 0;
      if (b < 128) break;
    }
    if (i === 5) throw new ProfileError('not a pprof profile (varint too long)');
  }
  r.pos = pos;
  if (hi >>> 31) {
    // Two's complement negative int64.
    const nlo = (~lo + 1) >>> 0;
    const nhi = ((~hi >>> 0) + (nlo === 0 ? 1 : 0)) >>> 0;
    return -(nhi * TWO32 + nlo);
  }
  return hi * TWO32 + lo;
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
  const locations: LocationTable = {
    count: nl, id: p.loc.id.f64(), mapping: locMapping, address: p.loc.address.f64(),
    lineStart: p.loc.lineStart.i32(), lineFunction, lineNumber: p.loc.lineNumber.f64(),
  };
  const locIndex = new IdIndex(locations.id);
  for (let i = 0; i < nl; i++) {
    if (locations.id[i] === 0) throw new ProfileError('location id 0 is reserved');
    if (!locIndex.set(locations.id[i], i)) throw new ProfileError(`duplicate location id ${locations.id[i]}`);
  }

  const stacks = p.trie.finish((id) => {
    const i = locIndex.get(id);
    if (i === undefined) throw new ProfileError(`location id ${id} out of range`);
    return i;
  });

  const T = sampleTypes.length;
  const n = p.sampleStack.length;
  const counts = p.valuesPerSample.data;
  for (let i = 0; i < n; i++) {
    if (counts[i] !== T) throw new ProfileError(`sample ${i} has ${counts[i]} values, expected ${T} (one per sample type)`);
  }
  const bytes = new Float64Array(n).fill(NaN);
  const bytesKey = strings.indexOf('bytes');
  const ls = p.labelSample.i32(), lk = p.labelKey.i32(), lv = p.labelNum.f64();
  for (let i = 0; i < ls.length; i++) {
    str(lk[i], 'label key');
    if (lk[i] === bytesKey && bytesKey > 0) bytes[ls[i]] = lv[i];
  }
  const samples: SampleTable = { count: n, stack: p.sampleStack.viewI32(), values: p.sampleValues.viewF64(), bytes };

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
