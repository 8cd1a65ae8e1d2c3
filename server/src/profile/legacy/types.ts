// The shape legacy parsers build: google/pprof's profile.Profile, object per
// sample, as its legacy parsers build it (legacy profiles are small: text or a
// CPU dump of a few MB). parse.ts turns it into the typed-array model once.
// Addresses are bigint: uint64 arithmetic (addr−1 wraps) must be exact.

export interface LFunction { id: number; name: string; systemName: string; filename: string; startLine: number }
export interface LLine { fn: LFunction; line: number }
export interface LMapping { id: number; start: bigint; limit: bigint; offset: bigint; file: string; buildId: string }
export interface LLocation { id: number; address: bigint; mapping: LMapping | null; lines: LLine[] }
export interface LSample { values: number[]; locs: LLocation[]; bytes?: number }
export interface LValueType { type: string; unit: string }

export interface LProfile {
  sampleTypes: LValueType[];
  periodType: LValueType | null;
  period: number;
  durationNanos: number;
  samples: LSample[];
  locations: LLocation[];
  functions: LFunction[];
  mappings: LMapping[];
  dropFrames: string;
  keepFrames: string;
}

export function newProfile(init: Partial<LProfile> = {}): LProfile {
  return {
    sampleTypes: [], periodType: null, period: 0, durationNanos: 0, samples: [], locations: [],
    functions: [], mappings: [], dropFrames: '', keepFrames: '', ...init,
  };
}

/** pprof's errUnrecognized: this parser does not know the input; the next one may. */
export class Unrecognized extends Error {
  constructor() { super('unrecognized profile format'); }
}

/** The input is this format but broken (pprof's other errors): stop trying parsers. */
export class Malformed extends Error {}

/** Bounds on legacy input: pprof has none, a viewer must. */
export const LIMITS = {
  /** Go's bufio.Scanner refuses longer lines (bufio.MaxScanTokenSize); pprof fails on them too. */
  maxLineBytes: 64 * 1024,
  maxSamples: 5_000_000,
  maxLocations: 5_000_000,
  maxStackDepth: 64 * 1024,
};

export function checkSamples(p: LProfile): void {
  if (p.samples.length > LIMITS.maxSamples) throw new Malformed(`more than ${LIMITS.maxSamples} samples`);
  if (p.locations.length > LIMITS.maxLocations) throw new Malformed(`more than ${LIMITS.maxLocations} distinct addresses`);
}

/** Go's addr-- on a uint64. */
export function dec(a: bigint): bigint {
  return a === 0n ? 0xffffffffffffffffn : a - 1n;
}

/** A per-address location table, as pprof's `locs map[uint64]*Location`. */
export function locationOf(p: LProfile, locs: Map<bigint, LLocation>, addr: bigint): LLocation {
  let loc = locs.get(addr);
  if (!loc) {
    loc = { id: 0, address: addr, mapping: null, lines: [] };
    locs.set(addr, loc);
    p.locations.push(loc);
    if (p.locations.length > LIMITS.maxLocations) throw new Malformed(`more than ${LIMITS.maxLocations} distinct addresses`);
  }
  return loc;
}
