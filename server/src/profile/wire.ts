// Protobuf wire reading for the profile decoder: varints as exact unsigned or
// signed 64-bit values without Long objects, length-delimited sub-messages with
// bounds checks, and skipping that never recurses (profile.proto has no groups).
import type { Reader } from 'protobufjs/minimal';
import { ProfileError } from './model';

const TWO32 = 4294967296;

/** The last varint read, as two uint32 halves (set by readVarint). */
let lo = 0, hi = 0;

function truncated(): never {
  throw new ProfileError('not a pprof profile (truncated varint)');
}

/** Reads one varint (up to 10 bytes) into `lo`/`hi`. */
function readVarint(r: Reader): void {
  const buf = r.buf, len = r.len;
  let pos = r.pos;
  if (pos >= len) truncated();
  let b = buf[pos++];
  if (b < 0x80) { lo = b; hi = 0; r.pos = pos; return; }
  let l = b & 127;
  for (let shift = 7; shift < 28; shift += 7) {
    if (pos >= len) truncated();
    b = buf[pos++];
    l |= (b & 127) << shift;
    if (b < 0x80) { lo = l >>> 0; hi = 0; r.pos = pos; return; }
  }
  if (pos >= len) truncated();
  b = buf[pos++];
  lo = (l | ((b & 127) << 28)) >>> 0;
  let h = (b & 127) >> 4;
  if (b >= 0x80) {
    let i = 0;
    for (; i < 5; i++) {
      if (pos >= len) truncated();
      b = buf[pos++];
      h |= (b & 127) << (i * 7 + 3);
      if (b < 0x80) break;
    }
    if (i === 5) throw new ProfileError('not a pprof profile (varint too long)');
  }
  hi = h >>> 0;
  r.pos = pos;
}

/** uint64 as a number: exact up to 2^53, the nearest double above. */
export function uvarint(r: Reader): number {
  readVarint(r);
  return hi * TWO32 + lo;
}

/** int64 (two's complement) as a number: values, period, times. */
export function svarint(r: Reader): number {
  readVarint(r);
  if (hi >>> 31) {
    const nlo = (~lo + 1) >>> 0;
    const nhi = ((~hi >>> 0) + (nlo === 0 ? 1 : 0)) >>> 0;
    return -(nhi * TWO32 + nlo);
  }
  return hi * TWO32 + lo;
}

/** uint64 exactly, as its two halves: addresses and mapping bounds. */
export function uvarint64(r: Reader, out: { hi: number; lo: number }): void {
  readVarint(r);
  out.hi = hi;
  out.lo = lo;
}

/** Largest id or index taken: beyond it a number no longer names one id exactly. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;
/** String indexes and table positions live in Int32Arrays. */
export const MAX_INDEX = 0x7fffffff;

/** A string-table index; refused (not wrapped) when no table could be that big. */
export function index(r: Reader, what: string): number {
  const v = uvarint(r);
  if (v > MAX_INDEX) throw new ProfileError(`${what}: string index ${bigText(v)} out of range`);
  return v;
}

/** An id (function, location, mapping): exact, or refused. */
export function id(r: Reader, what: string): number {
  const v = uvarint(r);
  if (v > MAX_ID) throw new ProfileError(`${what} id ${(BigInt(hi) << 32n) | BigInt(lo)} is too large (ids above 2^53 are not supported)`);
  return v;
}

function bigText(v: number): string {
  return v <= MAX_ID ? String(v) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** Enters a length-delimited field; returns where it ends. */
export function sub(r: Reader): number {
  const len = uvarint(r);
  const end = r.pos + len;
  if (end > r.len) throw new ProfileError('not a pprof profile (truncated or corrupt protobuf data)');
  return end;
}

export function done(r: Reader, end: number): void {
  if (r.pos !== end) throw new ProfileError('not a pprof profile (field overruns its message)');
}

/** Skips a field of an unknown number. Groups (3, 4) and wire types 6, 7 are not in profile.proto. */
export function skip(r: Reader, wire: number): void {
  switch (wire) {
    case 0: readVarint(r); return;
    case 1: r.pos += 8; break;
    case 2: r.pos = sub(r); return;
    case 5: r.pos += 4; break;
    default: throw new ProfileError(`not a pprof profile (wire type ${wire})`);
  }
  if (r.pos > r.len) throw new ProfileError('not a pprof profile (truncated or corrupt protobuf data)');
}

/** A tag: field number and wire type in one uint32 (fields above 2^29 are refused). */
export function tag(r: Reader): number {
  readVarint(r);
  if (hi !== 0 || lo > 0xffffffff) throw new ProfileError('not a pprof profile (field number out of range)');
  return lo;
}

/** "0x…" for an address given as two uint32 halves. */
export function hex64(hiHalf: number, loHalf: number): string {
  if (hiHalf === 0) return `0x${loHalf.toString(16)}`;
  return `0x${hiHalf.toString(16)}${loHalf.toString(16).padStart(8, '0')}`;
}
