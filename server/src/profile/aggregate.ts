// Profile → Aggregates for every sample type at once. Everything is computed on a
// call tree of (file, line, function) frames, one node per distinct call path, so
// the work is proportional to distinct stacks, not samples. Inlined frames are
// frames of their own, as in pprof. Several profiles with a sign each can be
// merged into one set of aggregates, which is how diffs are made.
import { childLinks, Growable, KeyedTree } from './buffers';
import type { AggregateOptions, Aggregates, Profile, ValueType } from './model';

export interface WeightedProfile {
  profile: Profile;
  /** +1 for a profile, −1 for a diff's base. */
  scale: number;
}

export function aggregate(profile: Profile, opts: AggregateOptions = {}): Aggregates {
  return aggregateMany([{ profile, scale: 1 }], opts, false);
}

const UNKNOWN_FUNCTION = '<unknown>';

/** Interning of strings, files, functions and lines across the merged profiles. */
class Keys {
  strings: string[] = [];
  private stringIds = new Map<string, number>();
  files: string[] = [];
  private fileIds = new Map<string, number>();
  fnName = new Growable('i32');
  fnFile = new Growable('i32');
  fnStartLine = new Growable('f64');
  private fnIds = new Map<string, number>();
  lineFile = new Growable('i32');
  lineNo = new Growable('f64');
  lineFn = new Growable('i32');
  private lineIds = new Map<number, Map<number, number>>();

  str(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) { id = this.strings.length; this.strings.push(s); this.stringIds.set(s, id); }
    return id;
  }
  file(f: string): number {
    let id = this.fileIds.get(f);
    if (id === undefined) { id = this.files.length; this.files.push(f); this.fileIds.set(f, id); }
    return id;
  }
  fn(name: string, file: number, startLine: number): number {
    let id = this.fnIds.get(name);
    if (id === undefined) {
      id = this.fnName.length;
      this.fnIds.set(name, id);
      this.fnName.push(this.str(name));
      this.fnFile.push(file);
      this.fnStartLine.push(startLine);
    }
    return id;
  }
  line(file: number, line: number, fn: number): number {
    const outer = fn * 1048576 + file;
    let inner = this.lineIds.get(outer);
    if (!inner) { inner = new Map(); this.lineIds.set(outer, inner); }
    let id = inner.get(line);
    if (id === undefined) {
      id = this.lineFile.length;
      inner.set(line, id);
      this.lineFile.push(file);
      this.lineNo.push(line);
      this.lineFn.push(fn);
    }
    return id;
  }
}

export function aggregateMany(inputs: WeightedProfile[], opts: AggregateOptions, isDiff: boolean): Aggregates {
  const first = inputs[inputs.length - 1].profile;
  const T = first.sampleTypes.length;
  const K = Math.max(1, opts.topStackLimit ?? 5);
  const keys = new Keys();
  let stackNodes = 0;
  for (const { profile } of inputs) stackNodes += profile.stacks.count;
  // Inlining adds a few frames per location; the hint only avoids rehashing.
  const lineTree = new KeyedTree(Math.ceil(stackNodes * 1.25));
  const ltInlined = new Growable('i32');
  ltInlined.push(0);

  // Structure first (all profiles), so value arrays can be allocated once at the right size.
  const stackToNode: Int32Array[] = [];
  for (const { profile } of inputs) stackToNode.push(mapStacks(profile, keys, lineTree, ltInlined));
  lineTree.seal();

  const N = lineTree.count;
  const ltParent = lineTree.parent.i32();
  const ltLine = lineTree.key.i32();
  const lineFn = keys.lineFn.i32();
  const selfNT = new Float64Array(N * T);
  const sampleLines: Int32Array[] = [];
  for (let p = 0; p < inputs.length; p++) {
    sampleLines.push(accumulateSamples(inputs[p].profile, inputs[p].scale, stackToNode[p], ltLine, selfNT, T));
  }
  const self = splitTypes(selfNT, N, T);
  const totals = new Float64Array(T);
  for (let t = 0; t < T; t++) totals[t] = sum(self[t]);
  const total = self.map((st) => subtreeTotals(st, ltParent, N));

  const F = keys.fnName.length;
  const L = keys.lineFile.length;
  const fnFlat = perType(T, F), fnCum = perType(T, F);
  const lineFlat = perType(T, L), lineCum = perType(T, L);
  for (let t = 0; t < T; t++) flatByLine(self[t], ltLine, lineFn, N, lineFlat[t], fnFlat[t]);
  const top = new TopStacks(L, T, K);
  cumulate(ltParent, ltLine, lineFn, N, F, L, total, fnCum, lineCum, top);
  const topNodes = top.nodes, topValues = top.values;

  const tree = functionTree(ltParent, ltLine, ltInlined.i32(), lineFn, keys, self, N, T, opts.granularity === 'line');
  return {
    sampleTypes: first.sampleTypes.map((v: ValueType) => ({ ...v })),
    defaultSampleType: first.defaultSampleType,
    period: first.period,
    periodType: first.periodType,
    isDiff,
    totals,
    strings: keys.strings,
    files: keys.files,
    functions: {
      count: F, name: keys.fnName.i32(), file: keys.fnFile.i32(), startLine: keys.fnStartLine.f64(),
      flat: fnFlat, cum: fnCum,
    },
    lines: {
      count: L, file: keys.lineFile.i32(), line: keys.lineNo.f64(), fn: lineFn,
      flat: lineFlat, cum: lineCum,
    },
    tree,
    topStackLimit: K,
    lineSamples: samplesByLine(inputs, sampleLines, L),
    lineTopNodes: topNodes,
    lineTopValues: topValues,
    lineTree: { count: N, parent: ltParent, line: ltLine, inlined: Uint8Array.from(ltInlined.i32()), total },
  };
}

/** Adds samples into node-major sums; returns each sample's leaf line (−1: none, or no size label). */
function accumulateSamples(
  profile: Profile, scale: number, map: Int32Array, ltLine: Int32Array, selfNT: Float64Array, T: number,
): Int32Array {
  const { count, stack, values, bytes } = profile.samples;
  const lineOf = new Int32Array(count);
  // Node-major sums: one cache miss per sample for all types.
  for (let i = 0, row = 0; i < count; i++, row += T) {
    const node = map[stack[i]];
    const base = node * T;
    for (let t = 0; t < T; t++) selfNT[base + t] += scale * values[row + t];
    lineOf[i] = node > 0 && bytes[i] === bytes[i] ? ltLine[node] : -1;
  }
  return lineOf;
}

/** Samples grouped by leaf line (counting sort), for size distributions on demand. */
function samplesByLine(inputs: WeightedProfile[], sampleLines: Int32Array[], L: number): Aggregates['lineSamples'] {
  const start = new Int32Array(L + 1);
  for (const lines of sampleLines) for (let i = 0; i < lines.length; i++) if (lines[i] >= 0) start[lines[i] + 1]++;
  for (let l = 0; l < L; l++) start[l + 1] += start[l];
  const fill = start.slice(0, L);
  const E = start[L];
  const input = new Uint8Array(E), sample = new Int32Array(E);
  sampleLines.forEach((lines, p) => {
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l < 0) continue;
      const j = fill[l]++;
      input[j] = p;
      sample[j] = i;
    }
  });
  const sources = inputs.map(({ profile, scale }) => ({ values: profile.samples.values, bytes: profile.samples.bytes, scale }));
  return { start, input, sample, sources };
}

function splitTypes(nt: Float64Array, N: number, T: number): Float64Array[] {
  const out = perType(T, N);
  for (let t = 0; t < T; t++) {
    const st = out[t];
    for (let n = 0, j = t; n < N; n++, j += T) st[n] = nt[j];
  }
  return out;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** Children have larger indexes than parents, so one backward pass sums subtrees. */
function subtreeTotals(self: Float64Array, parent: Int32Array, N: number): Float64Array {
  const tot = self.slice();
  for (let n = N - 1; n >= 1; n--) tot[parent[n]] += tot[n];
  return tot;
}

function flatByLine(self: Float64Array, ltLine: Int32Array, lineFn: Int32Array, N: number, lineFlat: Float64Array, fnFlat: Float64Array): void {
  for (let n = 1; n < N; n++) {
    const v = self[n];
    if (v === 0) continue;
    const l = ltLine[n];
    lineFlat[l] += v;
    fnFlat[lineFn[l]] += v;
  }
}

/** The K heaviest (by |value|) line-tree nodes per (line, sample type). */
class TopStacks {
  readonly nodes: Int32Array;
  readonly values: Float64Array;
  constructor(L: number, private readonly T: number, private readonly K: number) {
    this.nodes = new Int32Array(L * T * K).fill(-1);
    this.values = new Float64Array(L * T * K);
  }
  offer(line: number, t: number, node: number, value: number): void {
    if (value === 0) return;
    const K = this.K, base = (line * this.T + t) * K, nodes = this.nodes, values = this.values;
    const a = Math.abs(value);
    if (nodes[base + K - 1] !== -1 && Math.abs(values[base + K - 1]) >= a) return;
    let i = K - 1;
    while (i > 0 && (nodes[base + i - 1] === -1 || Math.abs(values[base + i - 1]) < a)) i--;
    for (let j = K - 1; j > i; j--) { nodes[base + j] = nodes[base + j - 1]; values[base + j] = values[base + j - 1]; }
    nodes[base + i] = node;
    values[base + i] = value;
  }
}

function perType(T: number, n: number): Float64Array[] {
  return Array.from({ length: T }, () => new Float64Array(n));
}

/** Maps each stack-trie node of `profile` to the line-tree node of its innermost frame. */
function mapStacks(profile: Profile, keys: Keys, tree: KeyedTree, inlined: Growable): Int32Array {
  const { functions: fns, locations: locs, stacks, strings } = profile;
  const fnId = new Int32Array(fns.count);
  const fnFile = new Int32Array(fns.count);
  for (let i = 0; i < fns.count; i++) {
    fnFile[i] = keys.file(strings[fns.filename[i]]);
    fnId[i] = keys.fn(strings[fns.name[i]] || UNKNOWN_FUNCTION, fnFile[i], fns.startLine[i]);
  }
  // Line ids per location line entry; a location without lines becomes one unknown frame.
  const entryLine = new Int32Array(locs.lineFunction.length);
  for (let e = 0; e < entryLine.length; e++) {
    const f = locs.lineFunction[e];
    entryLine[e] = f < 0
      ? keys.line(keys.file(''), locs.lineNumber[e], keys.fn(UNKNOWN_FUNCTION, keys.file(''), 0))
      : keys.line(fnFile[f], locs.lineNumber[e], fnId[f]);
  }
  const noLine = new Map<number, number>();
  const bareLocation = (loc: number): number => {
    let id = noLine.get(loc);
    if (id === undefined) {
      const m = locs.mapping[loc];
      const name = m >= 0 && profile.mappings[m].filename ? `${profile.mappings[m].filename} 0x${locs.address[loc].toString(16)}` : `0x${locs.address[loc].toString(16)}`;
      id = keys.line(keys.file(''), 0, keys.fn(name, keys.file(''), 0));
      noLine.set(loc, id);
    }
    return id;
  };

  const map = new Int32Array(stacks.count);
  for (let n = 1; n < stacks.count; n++) {
    let node = map[stacks.parent[n]];
    const loc = stacks.location[n];
    const start = locs.lineStart[loc], end = locs.lineStart[loc + 1];
    if (start === end) {
      node = child(tree, inlined, node, bareLocation(loc), 0);
    } else {
      // The last line is the outermost caller; earlier ones were inlined into it.
      for (let e = end - 1; e >= start; e--) node = child(tree, inlined, node, entryLine[e], e === end - 1 ? 0 : 1);
    }
    map[n] = node;
  }
  return map;
}

function child(tree: KeyedTree, inlined: Growable, parent: number, key: number, isInlined: number): number {
  const before = tree.count;
  const n = tree.child(parent, key);
  if (tree.count !== before) inlined.push(isInlined);
  return n;
}

/**
 * Cum values count a function (and a line) once per sample even when it recurses:
 * only its topmost occurrence on a path adds that node's total, which already holds
 * every sample below it.
 */
function cumulate(
  parent: Int32Array, line: Int32Array, lineFn: Int32Array, N: number, F: number, L: number,
  total: Float64Array[], fnCum: Float64Array[], lineCum: Float64Array[], top: TopStacks,
): void {
  const T = total.length;
  const { firstChild, nextSibling } = childLinks(parent, N);
  const fnOnPath = new Int32Array(F);
  const lineOnPath = new Int32Array(L);
  // Each node is pushed at most twice (enter, leave): 2N bounds the stack.
  const stack = new Int32Array(2 * N + 2);
  let sp = 0;
  // Iterative DFS: a node is pushed as n+1 on entry and as -(n+1) to leave it.
  for (let c = firstChild[0]; c !== -1; c = nextSibling[c]) stack[sp++] = c + 1;
  while (sp > 0) {
    const item = stack[--sp];
    if (item < 0) {
      const n = -item - 1;
      lineOnPath[line[n]]--;
      fnOnPath[lineFn[line[n]]]--;
      continue;
    }
    const n = item - 1;
    const l = line[n], f = lineFn[l];
    if (lineOnPath[l]++ === 0) {
      for (let t = 0; t < T; t++) {
        const v = total[t][n];
        lineCum[t][l] += v;
        top.offer(l, t, n, v);
      }
    }
    if (fnOnPath[f]++ === 0) for (let t = 0; t < T; t++) fnCum[t][f] += total[t][n];
    stack[sp++] = -item;
    for (let c = firstChild[n]; c !== -1; c = nextSibling[c]) stack[sp++] = c + 1;
  }
}

/** Merges line-tree nodes per function (or keeps them per line) along each path: the flamegraph's tree. */
function functionTree(
  ltParent: Int32Array, ltLine: Int32Array, ltInlined: Int32Array, lineFn: Int32Array, keys: Keys,
  ltSelf: Float64Array[], N: number, T: number, byLine: boolean,
): Aggregates['tree'] {
  const ft = new KeyedTree(N);
  const map = new Int32Array(N);
  const repLine = new Growable('i32');
  const inl = new Growable('i32');
  repLine.push(-1);
  inl.push(0);
  for (let n = 1; n < N; n++) {
    const before = ft.count;
    const m = ft.child(map[ltParent[n]], byLine ? ltLine[n] : lineFn[ltLine[n]]);
    if (ft.count !== before) { repLine.push(ltLine[n]); inl.push(ltInlined[n]); }
    map[n] = m;
  }
  ft.seal();
  const count = ft.count;
  const parent = ft.parent.i32();
  const rep = repLine.i32();
  const fn = byLine ? Int32Array.from(rep, (l) => (l < 0 ? -1 : lineFn[l])) : ft.key.i32();
  const name = new Int32Array(count), file = new Int32Array(count), line = new Float64Array(count), depth = new Int32Array(count);
  const fnName = keys.fnName.data, lineFile = keys.lineFile.data, lineNo = keys.lineNo.data;
  name[0] = -1; file[0] = -1;
  for (let n = 1; n < count; n++) {
    name[n] = fnName[fn[n]];
    file[n] = lineFile[rep[n]];
    line[n] = lineNo[rep[n]];
    depth[n] = depth[parent[n]] + 1;
  }
  const self = perType(T, count);
  for (let t = 0; t < T; t++) for (let n = 1; n < N; n++) self[t][map[n]] += ltSelf[t][n];
  const total = perType(T, count);
  for (let t = 0; t < T; t++) {
    total[t].set(self[t]);
    for (let n = count - 1; n >= 1; n--) total[t][parent[n]] += total[t][n];
  }
  const { firstChild, nextSibling } = childLinks(parent, count);
  return {
    count, parent, firstChild, nextSibling, fn, name, file, line,
    inlined: Uint8Array.from(inl.i32()), depth, self, total,
  };
}
