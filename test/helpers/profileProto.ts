// A small pprof protobuf writer for hand-made profiles (bad ids, zero samples, huge
// synthetic profiles for the benchmark). Field numbers: google/pprof profile.proto.
import { Writer } from 'protobufjs/minimal';

export interface ProtoFunction { id: number; name: string; file: string; startLine?: number; systemName?: string }
export interface ProtoLine { functionId: number; line: number }
export interface ProtoLocation { id: number; lines: ProtoLine[]; address?: number; mappingId?: number }
export interface ProtoSample { locationIds: number[]; values: number[]; bytes?: number; /** One field per id and value, as Go writes stacks of one or two. */ unpacked?: boolean }
export interface ProtoProfile {
  sampleTypes: [string, string][];
  defaultSampleType?: string;
  periodType?: [string, string];
  period?: number;
  timeNanos?: number;
  functions: ProtoFunction[];
  locations: ProtoLocation[];
  samples: ProtoSample[];
  mappings?: { id: number; file: string }[];
  /** Raw string indexes to inject, for out-of-range tests. */
  rawFunctionNameIndex?: number;
}

/** Interns strings; index 0 is "". */
export class StringTable {
  readonly list: string[] = [''];
  private ids = new Map<string, number>([['', 0]]);
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) { i = this.list.length; this.list.push(s); this.ids.set(s, i); }
    return i;
  }
}

export function encodeProfile(p: ProtoProfile): Uint8Array {
  const st = new StringTable();
  const w = Writer.create();
  for (const [t, u] of p.sampleTypes) valueType(w, 1, st.id(t), st.id(u));
  for (const s of p.samples) writeSample(w, st, s);
  for (const m of p.mappings ?? []) {
    w.uint32((3 << 3) | 2).fork().uint32(8).uint64(m.id).uint32(40).int64(st.id(m.file)).ldelim();
  }
  for (const l of p.locations) writeLocation(w, l);
  for (const f of p.functions) {
    w.uint32((5 << 3) | 2).fork()
      .uint32(8).uint64(f.id)
      .uint32(16).int64(p.rawFunctionNameIndex ?? st.id(f.name))
      .uint32(24).int64(st.id(f.systemName ?? f.name))
      .uint32(32).int64(st.id(f.file))
      .uint32(40).int64(f.startLine ?? 0)
      .ldelim();
  }
  if (p.periodType) valueType(w, 11, st.id(p.periodType[0]), st.id(p.periodType[1]));
  if (p.period !== undefined) w.uint32(12 << 3).int64(p.period);
  if (p.timeNanos !== undefined) w.uint32(9 << 3).int64(p.timeNanos);
  if (p.defaultSampleType) w.uint32(14 << 3).int64(st.id(p.defaultSampleType));
  for (const s of st.list) w.uint32((6 << 3) | 2).string(s);
  return w.finish();
}

function valueType(w: Writer, field: number, type: number, unit: number): void {
  w.uint32((field << 3) | 2).fork().uint32(8).int64(type).uint32(16).int64(unit).ldelim();
}

export function writeSample(w: Writer, st: StringTable, s: ProtoSample): void {
  w.uint32((2 << 3) | 2).fork();
  if (s.unpacked) {
    for (const id of s.locationIds) w.uint32(8).uint64(id);
    for (const v of s.values) w.uint32(16).int64(v);
  } else {
    w.uint32(10).fork();
    for (const id of s.locationIds) w.uint64(id);
    w.ldelim();
    w.uint32(18).fork();
    for (const v of s.values) w.int64(v);
    w.ldelim();
  }
  if (s.bytes !== undefined) w.uint32(26).fork().uint32(8).int64(st.id('bytes')).uint32(24).int64(s.bytes).ldelim();
  w.ldelim();
}

export function writeLocation(w: Writer, l: ProtoLocation): void {
  w.uint32((4 << 3) | 2).fork().uint32(8).uint64(l.id);
  if (l.mappingId) w.uint32(16).uint64(l.mappingId);
  if (l.address) w.uint32(24).uint64(l.address);
  for (const line of l.lines) w.uint32(34).fork().uint32(8).uint64(line.functionId).uint32(16).int64(line.line).ldelim();
  w.ldelim();
}

/** A tiny valid heap profile: main.main → main.alloc (inlined helper) with two samples. */
export function tinyHeapProfile(overrides: Partial<ProtoProfile> = {}): ProtoProfile {
  return {
    sampleTypes: [['alloc_objects', 'count'], ['alloc_space', 'bytes'], ['inuse_objects', 'count'], ['inuse_space', 'bytes']],
    defaultSampleType: 'alloc_space',
    periodType: ['space', 'bytes'],
    period: 524288,
    timeNanos: 1_700_000_000_000_000_000,
    functions: [
      { id: 1, name: 'main.main', file: '/build/app/main.go', startLine: 10 },
      { id: 2, name: 'main.alloc', file: '/build/app/alloc.go', startLine: 3 },
      { id: 3, name: 'main.helper', file: '/build/app/alloc.go', startLine: 20 },
    ],
    locations: [
      { id: 1, lines: [{ functionId: 1, line: 12 }] },
      { id: 2, lines: [{ functionId: 3, line: 21 }, { functionId: 2, line: 5 }] },
      { id: 3, lines: [{ functionId: 2, line: 6 }] },
    ],
    samples: [
      { locationIds: [2, 1], values: [4, 256, 1, 64], bytes: 64 },
      { locationIds: [3, 1], values: [2, 2048, 0, 0], bytes: 1024 },
      { locationIds: [1], values: [1, 16, 1, 16], bytes: 16 },
    ],
    ...overrides,
  };
}
