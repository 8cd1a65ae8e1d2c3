// Per-function (and per-line) flat and cum without decoding the samples: what
// `heaplens top`, `lines` and `diff` print. Each sample's fields are read where they
// lie in the inflated bytes and added at once through FlatCumAccumulator (the code
// aggregate() runs over decoded stacks, so the numbers are the same by
// construction) and InlineEdges (pprof's inline markers). No stack or value array
// is ever built: a million deep samples cost one read of their bytes (issue 15).
// Anything the full decoder would refuse or read another way (a location id not in
// the table, a value count that is not one per type, a cap passed, bytes that do
// not parse) gives null, and the caller decodes the profile the ordinary way,
// which says what is wrong in the words it always has.
import { Reader } from 'protobufjs/minimal';
import { FlatCumAccumulator, functionTable, Keys, lineTable, locationFrames } from './aggregate';
import { InlineEdges, type InlineMark } from './inlineMarks';
import { limitsFor, workBudget, type Limits } from './limits';
import type { FlatCumAggregates } from './model';
import type { SampleBytesProfile } from './open';
import { skip, svarint, uvarint } from './wire';

export interface DirectOptions {
  /** Lines too (functions come from the same pass). */
  lines?: boolean;
  /**
   * Flat and cum of this sample type only (totals are always all): a quarter of the
   * work on a heap profile. flat[u] and cum[u] of any other type are then absent.
   */
  type?: number;
  /** pprof's inline markers for this sample type. */
  marksFor?: number;
}

export function directAggregates(input: SampleBytesProfile, opts: DirectOptions = {}): { agg: FlatCumAggregates; marks?: Map<string, InlineMark> } | null {
  const { profile, samples, raw } = input;
  const T = profile.sampleTypes.length;
  const keys = new Keys();
  const frames = locationFrames(profile, keys);
  const lineFn = keys.lineFn.i32();
  const keyings = opts.lines ? [true, false] : [false];
  const one = opts.type ?? -1;
  const acc = new FlatCumAccumulator(one >= 0 ? 1 : T, keyings, { F: keys.fnName.length, L: keys.lineFile.length }, lineFn, workBudget([profile]));
  acc.useFrames(frames, profile.locations.count);
  const locIndex = denseIds(profile.locations.id);
  if (!locIndex) return null;
  const scanner = new SampleScanner(raw, T, locIndex, profile.strings.length, limitsFor(profile.fileBytes ?? raw.length));
  const mt = opts.marksFor ?? -1;
  const edges = mt >= 0 ? new InlineEdges(profile) : undefined;
  const marking = edges?.anyRelevant ?? false;
  const totals = new Float64Array(T);
  let markTotal = 0;
  const values = scanner.values;
  const added = one >= 0 ? new Float64Array(1) : values;
  for (let i = 0; i < samples.count; i++) {
    const k = scanner.read(samples.start[i], samples.end[i]);
    if (k < 0) return null;
    const locs = scanner.locs;
    let zero = true;
    for (let t = 0; t < T; t++) { totals[t] += values[t]; if (values[t] !== 0) zero = false; }
    if (one >= 0) { added[0] = values[one]; zero = added[0] === 0; }
    if (k === 0 || zero) continue;
    if (!acc.add(locs, 0, k, added)) return null;
    if (mt >= 0) {
      markTotal += values[mt];
      if (marking && values[mt] !== 0) edges!.add(locs, 0, k, values[mt]);
    }
  }
  const [first, second] = acc.result().map((r) => (one >= 0 ? { flat: onlyAt(one, T, r.flat[0]), cum: onlyAt(one, T, r.cum[0]) } : r));
  const agg: FlatCumAggregates = {
    sampleTypes: profile.sampleTypes.map((v) => ({ ...v })), defaultSampleType: profile.defaultSampleType,
    period: profile.period, periodType: profile.periodType, isDiff: false, totals,
    strings: keys.strings, files: keys.files,
    functions: functionTable(keys, opts.lines ? second : first),
    lines: opts.lines ? lineTable(keys, lineFn, first) : undefined,
  };
  return { agg, marks: edges?.marks(markTotal) };
}

/** An array of T with `a` at t and holes elsewhere: reading another type fails loudly. */
function onlyAt(t: number, T: number, a: Float64Array): Float64Array[] {
  const out = new Array<Float64Array>(T);
  out[t] = a;
  return out;
}

/** id → index for ids up to a few times the table's size (runtime/pprof numbers them 1..n); null otherwise. */
function denseIds(ids: Float64Array): Int32Array | null {
  let max = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] > max) max = ids[i];
  if (max > ids.length * 4 + 1024) return null;
  const index = new Int32Array(max + 1).fill(-1);
  for (let i = 0; i < ids.length; i++) index[ids[i]] = i;
  return index;
}

/**
 * Reads one sample's fields into `locs` (location indexes, leaf first) and `values`,
 * checking what the decoder checks of a sample. Varints of up to three (ids) or
 * four (values) bytes are read inline; longer ones through wire.ts.
 */
class SampleScanner {
  locs: Int32Array = new Int32Array(1024);
  readonly values: Float64Array;
  private readonly reader: Reader;
  private entries = 0;
  private valueCount = 0;
  private labels = 0;

  constructor(private readonly buf: Uint8Array, private readonly T: number, private readonly locIndex: Int32Array,
    private readonly stringCount: number, private readonly limits: Limits) {
    this.values = new Float64Array(T);
    this.reader = Reader.create(buf);
  }

  /** The number of locations, or −1 for anything the full decoder must judge. */
  read(start: number, end: number): number {
    try {
      return this.fields(start, end);
    } catch {
      return -1;
    }
  }

  private fields(start: number, end: number): number {
    const { buf, locIndex, values, T } = this;
    const maxLoc = locIndex.length;
    let locs = this.locs;
    let pos = start, k = 0, nv = 0;
    while (pos < end) {
      const t = buf[pos++];
      if (t === 10) {
        let e = pos + 1 + buf[pos];
        if (buf[pos] < 128) pos++;
        else { e = this.length(pos, end); pos = this.reader.pos; }
        if (e > end) return -1;
        if (locs.length < k + (e - pos)) locs = this.grow(k + (e - pos));
        while (pos < e) {
          let b = buf[pos++];
          let id = b & 127;
          if (b >= 128) {
            b = buf[pos++]; id |= (b & 127) << 7;
            if (b >= 128) {
              b = buf[pos++]; id |= (b & 127) << 14;
              if (b >= 128) { id = this.slowId(pos - 3, e); pos = this.reader.pos; }
            }
          }
          const loc = id < maxLoc ? locIndex[id] : -1;
          if (loc < 0) return -1;
          locs[k++] = loc;
        }
        if (pos !== e) return -1;
      } else if (t === 18) {
        let e = pos + 1 + buf[pos];
        if (buf[pos] < 128) pos++;
        else { e = this.length(pos, end); pos = this.reader.pos; }
        if (e > end) return -1;
        while (pos < e) {
          if (nv === T) return -1;
          let b = buf[pos++];
          let v = b & 127;
          if (b >= 128) {
            b = buf[pos++]; v |= (b & 127) << 7;
            if (b >= 128) {
              b = buf[pos++]; v |= (b & 127) << 14;
              if (b >= 128) {
                b = buf[pos++]; v |= (b & 127) << 21;
                if (b >= 128) { v = this.slowValue(pos - 4, e); pos = this.reader.pos; }
              }
            }
          }
          values[nv++] = v;
        }
        if (pos !== e) return -1;
      } else if (t === 8) {
        const id = this.slowId(pos, end);
        pos = this.reader.pos;
        const loc = id < maxLoc ? locIndex[id] : -1;
        if (loc < 0) return -1;
        if (locs.length === k) locs = this.grow(k + 1);
        locs[k++] = loc;
      } else if (t === 16) {
        if (nv === T) return -1;
        values[nv++] = this.slowValue(pos, end);
        pos = this.reader.pos;
      } else if (t === 26) {
        const e = this.length(pos, end);
        if (!this.label(this.reader.pos, e)) return -1;
        pos = e;
      } else {
        // Another field: skipped as the decoder skips it (a tag of more than a byte is one too).
        const r = this.at(pos - 1, end);
        const tag = uvarint(r);
        // A known field with its tag spelled long, field 0, or past 2^29: the decoder decides.
        if (tag === 8 || tag === 10 || tag === 16 || tag === 18 || tag === 26 || (tag >>> 3) === 0 || tag > 0xffffffff) return -1;
        skip(r, tag & 7);
        pos = r.pos;
      }
    }
    if (pos !== end || nv !== T) return -1;
    this.entries += k;
    this.valueCount += nv;
    const { limits } = this;
    if (this.entries > limits.stackEntries || this.valueCount > limits.values || this.labels > limits.labels) return -1;
    return k;
  }

  /** A label: a numeric one's key must name a string, as the decoder's size labels check. */
  private label(start: number, end: number): boolean {
    const r = this.at(start, end);
    let key = 0, isNum = false;
    while (r.pos < end) {
      const t = uvarint(r);
      if (t === 8) key = uvarint(r);
      else if (t === 24) { svarint(r); isNum = true; } else skip(r, t & 7);
    }
    if (r.pos !== end) return false;
    if (!isNum) return true;
    this.labels++;
    return key < this.stringCount;
  }

  private at(pos: number, end: number): Reader {
    this.reader.pos = pos;
    this.reader.len = end;
    return this.reader;
  }

  /** A length prefix at pos; returns where its field ends (reader.pos: where it starts). */
  private length(pos: number, end: number): number {
    const r = this.at(pos, end);
    const n = uvarint(r);
    if (r.pos + n > end) throw new RangeError('field overruns its sample');
    return r.pos + n;
  }

  private slowId(pos: number, end: number): number {
    const v = uvarint(this.at(pos, end));
    if (!Number.isSafeInteger(v)) throw new RangeError('id too large');
    return v;
  }

  private slowValue(pos: number, end: number): number {
    return svarint(this.at(pos, end));
  }

  private grow(n: number): Int32Array {
    const next = new Int32Array(Math.max(n, this.locs.length * 2));
    next.set(this.locs);
    return (this.locs = next);
  }
}
