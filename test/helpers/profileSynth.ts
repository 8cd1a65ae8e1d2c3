// Large synthetic Go-like heap profiles for the benchmark: a layered call graph of
// functions with call-site lines and inlining, random walks from main as stacks,
// several allocation sizes per stack (runtime/pprof writes one sample per stack and
// size), four sample types and the `bytes` label. Encoded straight to bytes: no
// object per sample, so a million samples fit in little memory.
import * as zlib from 'node:zlib';

class Bytes {
  buf = new Uint8Array(1 << 16);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  varint(v: number): this {
    this.ensure(10);
    while (v >= 128) { this.buf[this.len++] = (v % 128) | 128; v = Math.floor(v / 128); }
    this.buf[this.len++] = v;
    return this;
  }
  tag(field: number, wire: number): this { return this.varint(field * 8 + wire); }
  field(field: number, v: number): this { return this.tag(field, 0).varint(v); }
  message(field: number, m: Bytes): this {
    this.tag(field, 2).varint(m.len);
    this.ensure(m.len);
    this.buf.set(m.buf.subarray(0, m.len), this.len);
    this.len += m.len;
    return this;
  }
  string(field: number, s: string): this {
    const b = Buffer.from(s, 'utf8');
    this.tag(field, 2).varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  append(src: Bytes): this {
    this.ensure(src.len);
    this.buf.set(src.buf.subarray(0, src.len), this.len);
    this.len += src.len;
    return this;
  }
  reset(): this { this.len = 0; return this; }
}

/** mulberry32: small, seeded, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SynthSpec {
  seed: number;
  /** Distinct stacks. */
  stacks: number;
  /** Samples per stack (distinct allocation sizes). */
  sizesPerStack: number;
  functions: number;
  layers: number;
  /** Frames nearest the leaf whose call line is random (many distinct locations); 0 for none. */
  randomLinesNearLeaf: number;
}

const SIZE_CLASSES = [8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768];

/** Returns the gzip-compressed profile and how many samples and locations it has. */
export function synthesizeHeapProfile(spec: SynthSpec): { gz: Uint8Array; samples: number; locations: number; functions: number } {
  const r = rng(spec.seed);
  const strings: string[] = [''];
  const sid = new Map<string, number>([['', 0]]);
  const str = (s: string) => { let i = sid.get(s); if (i === undefined) { i = strings.length; strings.push(s); sid.set(s, i); } return i; };

  const out = new Bytes();
  const m = new Bytes(), sub = new Bytes();
  for (const [t, u] of [['alloc_objects', 'count'], ['alloc_space', 'bytes'], ['inuse_objects', 'count'], ['inuse_space', 'bytes']]) {
    out.message(1, m.reset().field(1, str(t)).field(2, str(u)));
  }
  // Functions, by layer; layer 0 is main.main.
  const F = spec.functions, perLayer = Math.max(1, Math.floor((F - 1) / (spec.layers - 1)));
  const fnLayer = new Int32Array(F), fnFile = new Int32Array(F), fnStart = new Int32Array(F);
  for (let f = 0; f < F; f++) {
    fnLayer[f] = f === 0 ? 0 : Math.min(spec.layers - 1, 1 + Math.floor((f - 1) / perLayer));
    const pkg = f % 97;
    const name = f === 0 ? 'main.main' : `github.com/acme/shop/internal/pkg${pkg}.(*Service${f % 13}).Handle${f}`;
    fnFile[f] = str(f === 0 ? '/home/build/shop/cmd/shop/main.go' : `/home/build/shop/internal/pkg${pkg}/file${f % 7}.go`);
    fnStart[f] = 10 + (f * 37) % 900;
    out.message(5, m.reset().field(1, f + 1).field(2, str(name)).field(3, str(name)).field(4, fnFile[f]).field(5, fnStart[f]));
  }
  const layerStart = (l: number) => (l === 0 ? 0 : 1 + (l - 1) * perLayer);
  const layerEnd = (l: number) => (l === spec.layers - 1 ? F : Math.min(F, 1 + l * perLayer));

  const locIds = new Map<string, number>();
  const locIdOf = (frames: number[]): number => {
    const key = frames.join(',');
    let id = locIds.get(key);
    if (id === undefined) {
      id = locIds.size + 1;
      locIds.set(key, id);
      m.reset().field(1, id).field(3, 0x400000 + id * 16);
      for (let i = 0; i < frames.length; i += 2) m.message(4, sub.reset().field(1, frames[i] + 1).field(2, frames[i + 1]));
      out.message(4, m);
    }
    return id;
  };

  const stack: number[] = [];
  const frames: number[] = [];
  const stacks: Uint32Array[] = [];
  const firstSizes: number[] = [];
  let samples = 0;
  for (let s = 0; s < spec.stacks; s++) {
    // Random walk from main, leaf last; frames are (function, line) pairs.
    frames.length = 0;
    let f = 0;
    const depth = 8 + Math.floor(r() * Math.min(20, spec.layers - 1));
    for (let d = 0; d < depth && fnLayer[f] < spec.layers - 1; d++) {
      const l = fnLayer[f] + 1;
      const lo = layerStart(l), span = layerEnd(l) - lo;
      // Each function calls a handful of callees: keeps stacks shared, like real programs.
      const g = lo + ((f * 7919 + Math.floor(r() * 4) * 104729) % span);
      const nearLeaf = depth - d <= spec.randomLinesNearLeaf;
      const line = nearLeaf ? fnStart[f] + 1 + Math.floor(r() * 400) : fnStart[f] + 1 + ((g * 31) % 40);
      frames.push(f, line);
      f = g;
    }
    frames.push(f, fnStart[f] + 1 + Math.floor(r() * 3));
    // Group into locations leaf first; a callee is inlined into its caller one time in five.
    stack.length = 0;
    let i = frames.length - 2;
    while (i >= 0) {
      const group = [frames[i], frames[i + 1]];
      while (i >= 2 && (frames[i] * 2654435761 + frames[i - 2]) % 5 === 0 && group.length < 6) { i -= 2; group.push(frames[i], frames[i + 1]); }
      stack.push(locIdOf(group));
      i -= 2;
    }
    stacks.push(Uint32Array.from(stack));
    firstSizes.push(Math.floor(r() * SIZE_CLASSES.length));
  }
  // runtime/pprof writes buckets in creation order: samples of one stack are not adjacent.
  const total = spec.stacks * spec.sizesPerStack;
  const order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  for (let i = total - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); const t = order[i]; order[i] = order[j]; order[j] = t; }
  const bytesKey = str('bytes');
  for (let o = 0; o < total; o++) {
    const s = Math.floor(order[o] / spec.sizesPerStack), k = order[o] % spec.sizesPerStack;
    const size = SIZE_CLASSES[(firstSizes[s] + k * 3) % SIZE_CLASSES.length];
    const objects = 1 + Math.floor(r() * 200);
    const inuse = Math.floor(objects * r() * 0.3);
    m.reset().tag(1, 2);
    sub.reset();
    for (const id of stacks[s]) sub.varint(id);
    m.varint(sub.len).append(sub);
    sub.reset().varint(objects).varint(objects * size).varint(inuse).varint(inuse * size);
    m.tag(2, 2).varint(sub.len).append(sub);
    m.message(3, sub.reset().field(1, bytesKey).field(3, size));
    out.message(2, m);
    samples++;
  }
  out.message(11, m.reset().field(1, str('space')).field(2, str('bytes')));
  out.field(12, 524288);
  out.field(9, 1_763_000_000_000_000_000);
  out.field(14, str('alloc_space'));
  for (const s of strings) out.string(6, s);
  return { gz: zlib.gzipSync(out.buf.subarray(0, out.len), { level: 6 }), samples, locations: locIds.size, functions: F };
}
