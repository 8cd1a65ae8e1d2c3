// A parsed legacy profile (object form) → the typed-array Profile the protobuf
// decoder produces, so everything downstream is shared.
import type { Profile } from '../model';
import type { LProfile } from './types';

export function toModel(p: LProfile): Profile {
  const strings = [''];
  const ids = new Map<string, number>([['', 0]]);
  const str = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) { i = strings.length; strings.push(s); ids.set(s, i); }
    return i;
  };
  const T = p.sampleTypes.length;
  const nf = p.functions.length;
  const fnIndex = new Map<object, number>();
  const functions = {
    count: nf, id: new Float64Array(nf), name: new Int32Array(nf), systemName: new Int32Array(nf),
    filename: new Int32Array(nf), startLine: new Float64Array(nf),
  };
  p.functions.forEach((f, i) => {
    fnIndex.set(f, i);
    functions.id[i] = i + 1;
    functions.name[i] = str(f.name);
    functions.systemName[i] = str(f.systemName);
    functions.filename[i] = str(f.filename);
    functions.startLine[i] = f.startLine;
  });
  const mappings = p.mappings.map((m, i) => ({
    id: i + 1, memoryStart: BigInt.asUintN(64, BigInt(m.start)), memoryLimit: BigInt.asUintN(64, BigInt(m.limit)), fileOffset: BigInt.asUintN(64, BigInt(m.offset)), filename: m.file, buildId: m.buildId,
  }));
  const mapIndex = new Map<object, number>(p.mappings.map((m, i) => [m, i]));
  const nl = p.locations.length;
  const locIndex = new Map<object, number>();
  const nLines = p.locations.reduce((n, l) => n + l.lines.length, 0);
  const locations = {
    count: nl, id: new Float64Array(nl), mapping: new Int32Array(nl), address: new Float64Array(nl), addressHi: new Uint32Array(nl), addressLo: new Uint32Array(nl),
    lineStart: new Int32Array(nl + 1), lineFunction: new Int32Array(nLines), lineNumber: new Float64Array(nLines),
  };
  let e = 0;
  p.locations.forEach((l, i) => {
    locIndex.set(l, i);
    locations.id[i] = i + 1;
    locations.mapping[i] = l.mapping ? mapIndex.get(l.mapping) ?? -1 : -1;
    const a = BigInt.asUintN(64, BigInt(l.address));
    locations.address[i] = Number(a);
    locations.addressHi[i] = Number(a >> 32n);
    locations.addressLo[i] = Number(a & 0xffffffffn);
    locations.lineStart[i] = e;
    for (const ln of l.lines) {
      locations.lineFunction[e] = fnIndex.get(ln.fn) ?? -1;
      locations.lineNumber[e] = ln.line;
      e++;
    }
  });
  locations.lineStart[nl] = e;

  // Distinct stacks, leaf first, as the protobuf decoder builds them.
  const stackIds = new Map<string, number>();
  const start: number[] = [0];
  const stackLocs: number[] = [];
  const n = p.samples.length;
  const sampleStack = new Int32Array(n);
  const values = new Float64Array(n * T);
  const bytes = new Float64Array(n).fill(NaN);
  p.samples.forEach((s, i) => {
    const idx = s.locs.map((l) => locIndex.get(l)!);
    const key = idx.join(',');
    let id = stackIds.get(key);
    if (id === undefined) {
      id = start.length - 1;
      stackIds.set(key, id);
      stackLocs.push(...idx);
      start.push(stackLocs.length);
    }
    sampleStack[i] = id;
    for (let t = 0; t < T; t++) values[i * T + t] = s.values[t] ?? 0;
    if (s.bytes !== undefined) bytes[i] = s.bytes;
  });
  const last = T - 1;
  return {
    sampleTypes: p.sampleTypes.map((v) => ({ ...v })),
    defaultSampleType: last,
    period: p.period,
    periodType: p.periodType && (p.periodType.type || p.periodType.unit) ? { ...p.periodType } : null,
    timeNanos: 0,
    durationNanos: p.durationNanos,
    strings,
    comments: [],
    dropFrames: p.dropFrames,
    keepFrames: p.keepFrames,
    mappings,
    functions,
    locations,
    stacks: { count: start.length - 1, start: Int32Array.from(start), location: Int32Array.from(stackLocs) },
    samples: { count: n, stack: sampleStack, values, bytes },
  };
}
