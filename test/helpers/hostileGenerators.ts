// Structured generators of hostile profiles, one per class of issue 11 (items 1–4):
// each is small on disk and claims far more than it is. Deterministic: a size knob,
// no randomness. Used by profile-bounds.test.ts and the fuzz suite.
import { Writer } from 'protobufjs/minimal';
import * as zlib from 'node:zlib';
import { encodeProfile, StringTable, tinyHeapProfile, writeLocation, writeSample } from './profileProto';

const MEMBER = 1 << 22;

/**
 * `prefix`, then `count` copies of `unit`, as multi-member gzip (a valid stream whose
 * members inflate one after another): one member of 4 MiB of units is compressed
 * once and repeated, so a 500 MB bomb takes milliseconds to make.
 */
function repeated(prefix: Uint8Array, unit: number[], count: number): Uint8Array {
  const per = Math.floor(MEMBER / unit.length);
  const fill = (n: number) => { const b = Buffer.alloc(n * unit.length); for (let i = 0; i < b.length; i++) b[i] = unit[i % unit.length]; return b; };
  const parts: Uint8Array[] = [zlib.gzipSync(prefix)];
  const full = zlib.gzipSync(fill(per), { level: 9 });
  for (let left = count; left > 0; left -= per) parts.push(left >= per ? full : zlib.gzipSync(fill(left), { level: 9 }));
  return Buffer.concat(parts);
}

/** A valid little profile header (sample types and strings) the bombs extend. */
function header(): Uint8Array {
  return encodeProfile(tinyHeapProfile({ samples: [] }));
}

export interface Hostile { name: string; bytes: Uint8Array; /** What the refusal must say (or null: may decode). */ refusal: RegExp | null }

/** Item 1: empty string-table entries (field 6, length 0), or comments (field 13). */
export function stringBomb(count: number): Hostile {
  return { name: `${count.toLocaleString('en-US')} empty strings`, bytes: repeated(header(), [0x32, 0x00], count), refusal: /string table entries|inflates to more than/ };
}
export function commentBomb(count: number): Hostile {
  return { name: `${count.toLocaleString('en-US')} comments`, bytes: repeated(header(), [0x68, 0x00], count), refusal: /comments|inflates to more than/ };
}

/** Item 2: empty samples, empty mappings, empty sample types, duplicate locations. */
export function emptyEntriesBomb(kind: 'samples' | 'mappings' | 'sampleTypes' | 'locations', count: number): Hostile {
  const unit = { samples: [0x12, 0x00], mappings: [0x1a, 0x00], sampleTypes: [0x0a, 0x00], locations: [0x22, 0x02, 0x08, 0x01] }[kind];
  const what = { samples: /samples|inflates/, mappings: /mappings|inflates/, sampleTypes: /sample types|inflates/, locations: /locations|inflates|duplicate location id/ }[kind];
  return { name: `${count.toLocaleString('en-US')} empty ${kind}`, bytes: repeated(header(), unit, count), refusal: what };
}

/**
 * Item 3: one location with `depth` inlined lines, on the stack of `stacks` samples
 * (each with a leaf of its own, so no two stacks are equal).
 */
export function inliningAmplifier(depth: number, stacks: number): Hostile {
  const st = new StringTable();
  const w = Writer.create();
  for (const [t, u] of [['alloc_objects', 'count'], ['alloc_space', 'bytes']]) {
    w.uint32(10).fork().uint32(8).int64(st.id(t)).uint32(16).int64(st.id(u)).ldelim();
  }
  for (let f = 1; f <= depth; f++) {
    w.uint32(42).fork().uint32(8).uint64(f).uint32(16).int64(st.id(`main.f${f}`)).uint32(32).int64(st.id('/src/main.go')).ldelim();
  }
  writeLocation(w, { id: 1, lines: Array.from({ length: depth }, (_, i) => ({ functionId: i + 1, line: i + 1 })) });
  for (let s = 0; s < stacks; s++) {
    writeLocation(w, { id: 2 + s, lines: [{ functionId: 1 + (s % depth), line: 100000 + s }] });
    writeSample(w, st, { locationIds: [2 + s, 1], values: [1, 16] });
  }
  for (const s of st.list) w.uint32(50).string(s);
  return { name: `one location with ${depth} inlined lines under ${stacks} stacks`, bytes: zlib.gzipSync(w.finish()), refusal: /frames once inlined lines are expanded/ };
}

/** Item 4: a string index, a location id, an address past 2^32 / 2^63. */
export function bigNumbers(): { nameIndex: Uint8Array; unknownBigLocation: Uint8Array; bigLocationId: Uint8Array; highAddress: Uint8Array } {
  const nameIndex = encodeProfile(tinyHeapProfile({ rawFunctionNameIndex: 2 ** 32 + 3 }));
  const unknownBigLocation = encodeProfile(tinyHeapProfile({ samples: [{ locationIds: [2 ** 32 + 3], values: [1, 2, 3, 4] }] }));
  const big = tinyHeapProfile();
  big.locations = [...big.locations, { id: 2 ** 32 + 3, lines: [{ functionId: 2, line: 7 }] }];
  big.samples = [{ locationIds: [2 ** 32 + 3, 1], values: [1, 8, 1, 8] }];
  const bigLocationId = encodeProfile(big);
  // An unsymbolized frame at 0x8000000000000010: written by hand (uint64 beyond 2^53).
  const w = Writer.create();
  const st = new StringTable();
  for (const [t, u] of [['alloc_objects', 'count'], ['alloc_space', 'bytes']]) w.uint32(10).fork().uint32(8).int64(st.id(t)).uint32(16).int64(st.id(u)).ldelim();
  w.uint32(26).fork().uint32(8).uint64(1).uint32(16).uint64('9223372036854775808').uint32(24).uint64('18446744073709551615').uint32(40).int64(st.id('/bin/app')).ldelim();
  w.uint32(34).fork().uint32(8).uint64(1).uint32(16).uint64(1).uint32(24).uint64('9223372036854775824').ldelim();
  writeSample(w, st, { locationIds: [1], values: [1, 32] });
  for (const s of st.list) w.uint32(50).string(s);
  return { nameIndex, unknownBigLocation, bigLocationId, highAddress: w.finish() };
}

/** "Also fix": a sample with an empty stack next to ordinary ones. */
export function emptyStackProfile(): Uint8Array {
  const p = tinyHeapProfile();
  p.samples = [...p.samples, { locationIds: [], values: [7, 700, 3, 300], bytes: 100 }];
  return encodeProfile(p);
}
