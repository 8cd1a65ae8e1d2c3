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
import { FlatCumAccumulator, functionTable, Keys, lineTable, locationFrames, type Frames } from './aggregate';
import { InlineEdges, type InlineMark } from './inlineMarks';
import { limitsFor, workBudget, type Limits } from './limits';
import type { Aggregates, FlatCumAggregates, Profile } from './model';
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
  const reading = DirectReading.of(input);
  if (!reading) return null;
  const { profile, T, keys, lineFn } = reading;
  const keyings = opts.lines ? [true, false] : [false];
  const one = opts.type ?? -1;
  const acc = new FlatCumAccumulator(one >= 0 ? 1 : T, keyings, { F: keys.fnName.length, L: keys.lineFile.length }, lineFn, workBudget([profile]));
  acc.useFrames(reading.frames, profile.locations.count);
  const mt = opts.marksFor ?? -1;
  const edges = mt >= 0 ? new InlineEdges(profile) : undefined;
  const marking = edges?.anyRelevant ?? false;
  let markTotal = 0, markWork = 0;
  const markBudget = workBudget([profile]).limit;
  const added = new Float64Array(1);
  const ok = reading.run((locs, k, values) => {
    let v = values;
    if (one >= 0) { added[0] = values[one]; v = added; }
    if (k === 0) return true;
    if (mt >= 0) {
      markTotal += values[mt];
      // Per sample, where inlineMarks walks each distinct stack once: bounded the same way.
      if (marking && values[mt] !== 0 && (markWork += edges!.add(locs, 0, k, values[mt])) > markBudget) return false;
    }
    let zero = true;
    for (let t = 0; t < v.length; t++) if (v[t] !== 0) zero = false;
    return zero || acc.add(locs, 0, k, v);
  });
  if (!ok) return null;
  const [first, second] = acc.result().map((r) => (one >= 0 ? { flat: onlyAt(one, T, r.flat[0]), cum: onlyAt(one, T, r.cum[0]) } : r));
  const agg: FlatCumAggregates = {
    ...reading.header(),
    functions: functionTable(keys, opts.lines ? second : first),
    lines: opts.lines ? lineTable(keys, lineFn, first) : undefined,
  };
  return { agg, marks: edges?.marks(markTotal) };
}

/**
 * A profile whose samples are read one at a time from where they lie, with the
 * numbering aggregate() gives functions and lines (Keys, locationFrames).
 */
export class DirectReading {
  readonly keys = new Keys();
  readonly frames: Frames;
  readonly lineFn: Int32Array;
  readonly T: number;
  /** Sum of every sample, per type, once run() has gone through them (each run starts again). */
  readonly totals: Float64Array;
  readonly profile: Profile;

  private constructor(private readonly input: SampleBytesProfile, private readonly locIndex: Int32Array) {
    this.profile = input.profile;
    this.T = this.profile.sampleTypes.length;
    this.frames = locationFrames(this.profile, this.keys);
    this.lineFn = this.keys.lineFn.i32();
    this.totals = new Float64Array(this.T);
  }

  /** Null when location ids are too sparse for a dense table (runtime/pprof numbers them 1..n). */
  static of(input: SampleBytesProfile): DirectReading | null {
    const locIndex = denseIds(input.profile.locations.id);
    return locIndex ? new DirectReading(input, locIndex) : null;
  }

  /**
   * Calls visit(locations leaf first, count, values, bytes label or NaN) for every
   * sample, in order, empty stacks too; false when a sample is one the decoder must
   * judge, or visit returned false.
   */
  run(visit: (locs: Int32Array, k: number, values: Float64Array, bytes: number) => boolean): boolean {
    const { profile, T, totals } = this;
    const { samples, raw } = this.input;
    const scanner = new SampleScanner(raw, T, this.locIndex, profile.strings, limitsFor(profile.fileBytes ?? raw.length));
    const values = scanner.values;
    totals.fill(0);
    for (let i = 0; i < samples.count; i++) {
      const k = scanner.read(samples.start[i], samples.end[i]);
      if (k < 0) return false;
      for (let t = 0; t < T; t++) totals[t] += values[t];
      if (!visit(scanner.locs, k, values, scanner.bytes)) return false;
    }
    return true;
  }

  /** What every aggregate starts with: types, period, totals, names. */
  header(): Pick<Aggregates, 'sampleTypes' | 'defaultSampleType' | 'period' | 'periodType' | 'isDiff' | 'totals' | 'strings' | 'files'> {
    const p = this.profile;
    return {
      sampleTypes: p.sampleTypes.map((v) => ({ ...v })), defaultSampleType: p.defaultSampleType,
      period: p.period, periodType: p.periodType, isDiff: false, totals: this.totals,
      strings: this.keys.strings, files: this.keys.files,
    };
  }
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
  /** The sample's `bytes` label (the last, as the decoder keeps it), NaN when none. */
  bytes = NaN;
  private readonly stringCount: number;
  private readonly bytesKey: number;
  private readonly reader: Reader;
  private entries = 0;
  private valueCount = 0;
  private labels = 0;

  constructor(private readonly buf: Uint8Array, private readonly T: number, private readonly locIndex: Int32Array,
    strings: string[], private readonly limits: Limits) {
    this.values = new Float64Array(T);
    this.stringCount = strings.length;
    this.bytesKey = strings.indexOf('bytes');
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
    this.bytes = NaN;
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
        // Go's heap label, {key: "bytes", num: N} with both in a byte or few, read inline.
        const e = pos + 1 + buf[pos];
        if (buf[pos] < 128 && e <= end && buf[pos + 1] === 8 && buf[pos + 2] < 128 && buf[pos + 3] === 24 && e - pos <= 9) {
          const key = buf[pos + 2];
          let v = 0, shift = 0, q = pos + 4, b = 128;
          while (q < e && b >= 128) { b = buf[q++]; v += (b & 127) * 2 ** shift; shift += 7; }
          if (q !== e || b >= 128 || key >= this.stringCount) return -1;
          this.labels++;
          if (key === this.bytesKey && key > 0) this.bytes = v;
          pos = e;
          continue;
        }
        const le = this.length(pos, end);
        if (!this.label(this.reader.pos, le)) return -1;
        pos = le;
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
    let key = 0, num = 0, isNum = false;
    while (r.pos < end) {
      const t = uvarint(r);
      if (t === 8) key = uvarint(r);
      else if (t === 24) { num = svarint(r); isNum = true; } else skip(r, t & 7);
    }
    if (r.pos !== end) return false;
    if (key > 0x7fffffff) return false; // the decoder refuses such a key index
    if (!isNum) return true;
    this.labels++;
    if (key === this.bytesKey && key > 0) this.bytes = num;
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
