// The legacy binary CPU profile (gperftools profilez; Java agents write the same
// with header word 3 = 1): 32- or 64-bit words in either byte order, then a
// text memory map. Port of google/pprof parseCPU / cpuProfile / parseCPUSamples.
import { parseJavaLocations } from './javaProfiles';
import { parseMemoryMapFromScanner } from './mappings';
import { Scanner } from './scan';
import { cleanupDuplicateLocations } from './textProfiles';
import { checkSamples, LIMITS, Malformed, newProfile, Unrecognized, type LLocation, type LProfile } from './types';

/** A byte slice as Go's []byte: `nil` is distinct from empty (word readers return nil when short). */
interface Slice { b: Uint8Array; pos: number; nil: boolean }
type Word = (s: Slice) => [bigint, Slice];
const NIL: Slice = { b: new Uint8Array(0), pos: 0, nil: true };

function reader(size: 4 | 8, little: boolean): Word {
  return (s) => {
    if (s.nil || s.b.length - s.pos < size) return [0n, NIL];
    let v = 0n;
    for (let i = 0; i < size; i++) {
      const byte = BigInt(s.b[s.pos + (little ? size - 1 - i : i)]);
      v = (v << 8n) | byte;
    }
    return [v, { b: s.b, pos: s.pos + size, nil: false }];
  };
}

const cpuInts: Word[] = [reader(4, true), reader(4, false), reader(8, true), reader(8, false)];
const len = (s: Slice): number => (s.nil ? 0 : s.b.length - s.pos);

export function parseCPU(bytes: Uint8Array): LProfile {
  for (const parse of cpuInts) {
    let tmp: Slice = { b: bytes, pos: 0, nil: false };
    const n: bigint[] = [];
    for (let i = 0; i < 5; i++) { let v: bigint; [v, tmp] = parse(tmp); n.push(v); }
    if (!tmp.nil && n[0] === 0n && n[1] === 3n && n[2] === 0n && n[3] > 0n && n[4] === 0n) return cpuProfile(tmp, Number(BigInt.asIntN(64, n[3])), parse);
    if (!tmp.nil && n[0] === 0n && n[1] === 3n && n[2] === 1n && n[3] > 0n && n[4] === 0n) return javaCPUProfile(tmp, Number(BigInt.asIntN(64, n[3])), parse);
  }
  throw new Unrecognized();
}

function cpuProfile(b: Slice, period: number, parse: Word): LProfile {
  const p = newProfile({
    period: Number(BigInt.asIntN(64, BigInt(period) * 1000n)),
    periodType: { type: 'cpu', unit: 'nanoseconds' },
    sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }],
  });
  const rest = parseCPUSamples(b, parse, true, p).rest;
  // A frame pushed by the signal handler shows up second from the bottom of almost
  // every sample: strip it (at most twice), allowing one miss per 32 samples.
  const margin = Math.trunc(p.samples.length / 32);
  for (let iter = 0; iter < 2; iter++) {
    const addr1 = new Map<bigint, number>();
    for (const s of p.samples) if (s.locs.length > 1) { const a = s.locs[1].address; addr1.set(a, (addr1.get(a) ?? 0) + 1); }
    for (const [id1, count] of addr1) {
      if (count >= p.samples.length - margin) {
        for (const s of p.samples) if (s.locs.length > 1 && s.locs[1].address === id1) s.locs.splice(1, 1);
        break;
      }
    }
  }
  parseMemoryMapFromScanner(new Scanner(restText(rest)), p);
  cleanupDuplicateLocations(p);
  return p;
}

function javaCPUProfile(b: Slice, period: number, parse: Word): LProfile {
  const p = newProfile({
    period: Number(BigInt.asIntN(64, BigInt(period) * 1000n)),
    periodType: { type: 'cpu', unit: 'nanoseconds' },
    sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }],
  });
  const { rest, locs } = parseCPUSamples(b, parse, false, p);
  parseJavaLocations(restText(rest), locs, p);
  for (const l of p.locations) l.address = 0n; // Aggregate(…, address=false): merge by function
  return p;
}

function restText(s: Slice): string {
  return s.nil ? '' : new TextDecoder('utf-8').decode(s.b.subarray(s.pos));
}

function parseCPUSamples(b0: Slice, parse: Word, adjust: boolean, p: LProfile): { rest: Slice; locs: Map<bigint, LLocation> } {
  const locs = new Map<bigint, LLocation>();
  let b = b0;
  while (len(b) > 0) {
    let count: bigint, nstk: bigint;
    [count, b] = parse(b);
    [nstk, b] = parse(b);
    if (b.nil || nstk > BigInt(Math.trunc(len(b) / 4))) throw new Unrecognized();
    if (nstk > BigInt(LIMITS.maxStackDepth)) throw new Malformed(`a stack deeper than ${LIMITS.maxStackDepth} frames`);
    const addrs: bigint[] = [];
    for (let i = 0; i < Number(nstk); i++) { let a: bigint; [a, b] = parse(b); addrs.push(a); }
    if (count === 0n && nstk === 1n && addrs[0] === 0n) break; // end-of-data marker
    const sloc = addrs.map((a0, i) => {
      const a = adjust && i > 0 ? (a0 === 0n ? 0xffffffffffffffffn : a0 - 1n) : a0;
      let loc = locs.get(a);
      if (!loc) { loc = { id: 0, address: a, mapping: null, lines: [] }; locs.set(a, loc); p.locations.push(loc); }
      return loc;
    });
    const c = BigInt.asIntN(64, count);
    p.samples.push({ values: [Number(c), Number(BigInt.asIntN(64, c * BigInt(p.period)))], locs: sloc });
    checkSamples(p);
  }
  return { rest: b, locs };
}
