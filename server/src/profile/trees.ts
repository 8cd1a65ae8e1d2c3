// The call trees behind the flamegraph and the per-line top stacks, built from the
// distinct stacks of one or more profiles on first use (see aggregate.ts).
import type { Frames, Keys } from './aggregate';
import { childLinks, GrowableI32, KeyedTree, PairMap } from './buffers';
import { overBudget, type WorkBudget } from './limits';
import type { Aggregates, Profile } from './model';

export interface TreeInputs {
  profiles: Profile[];
  /** Per profile: +1, or −1 for a diff's base. */
  scales: number[];
  frames: Frames[];
  T: number;
  K: number;
  lineFn: Int32Array;
  keys: Keys;
  byLine: boolean;
  budget: WorkBudget;
}

export interface Trees {
  tree: Aggregates['tree'];
  lineTree: Aggregates['lineTree'];
  lineNodes: Aggregates['lineNodes'];
}

export function buildTrees(inp: TreeInputs): Trees {
  const { T, lineFn, keys } = inp;
  // Every frame of every stack becomes a tree step: checked against the cap first.
  let frameCount = 0;
  inp.profiles.forEach((p, i) => {
    const { frameStart } = inp.frames[i];
    const loc = p.stacks.location;
    for (let e = 0; e < loc.length; e++) frameCount += frameStart[loc[e] + 1] - frameStart[loc[e]];
  });
  if (frameCount > inp.budget.limit) throw overBudget(inp.budget);
  let entries = 0;
  inp.profiles.forEach((p) => { entries += p.stacks.location.length; });
  // Start small and grow: shared prefixes and inlined lines walked once make far
  // fewer nodes than frames.
  const lineTree = new KeyedTree(Math.min(entries, 1 << 20));
  const inlined = new GrowableI32(1024);
  inlined.push(0);
  const leaves = inp.profiles.map((p, i) => insertStacks(p, inp.frames[i], lineTree, inlined));
  lineTree.seal();
  const N = lineTree.count;
  const parent = lineTree.parent.i32();
  const line = lineTree.key.i32();
  const selfNT = new Float64Array(N * T);
  leaves.forEach((leaf, p) => {
    const sv = sumByStack(inp.profiles[p], inp.scales[p], T);
    for (let s = 0; s < leaf.length; s++) {
      const base = leaf[s] * T;
      for (let t = 0; t < T; t++) selfNT[base + t] += sv[s * T + t];
    }
  });
  const self = splitTypes(selfNT, N, T);
  const total = self.map((st) => subtreeTotals(st, parent, N));
  const inl = inlined.i32();
  return {
    lineTree: { count: N, parent, line, inlined: Uint8Array.from(inl), total },
    tree: functionTree(parent, line, inl, lineFn, keys, self, N, T, inp.byLine),
    lineNodes: nodesByLine(line, N, keys.lineFile.length),
  };
}

/**
 * Inserts each stack root first; returns each stack's leaf node. A location with
 * inlined lines is several nodes: where it hangs under a node already seen, the
 * node it ends at is remembered (per node and location), so its lines are walked
 * once, not once per stack.
 */
function insertStacks(profile: Profile, frames: Frames, tree: KeyedTree, inlined: GrowableI32): Int32Array {
  const { count, start, location } = profile.stacks;
  const { frameStart, frameLine } = frames;
  const leaf = new Int32Array(count);
  const ends = new PairMap();
  for (let s = 0; s < count; s++) {
    let node = 0;
    for (let e = start[s + 1] - 1; e >= start[s]; e--) {
      const loc = location[e];
      const a = frameStart[loc], b = frameStart[loc + 1];
      if (b - a === 1) { node = child(tree, inlined, node, frameLine[a], 0); continue; }
      const known = ends.get(node, loc);
      if (known >= 0) { node = known; continue; }
      const from = node;
      // The last frame is the outermost caller; earlier ones were inlined into it.
      for (let k = b - 1; k >= a; k--) node = child(tree, inlined, node, frameLine[k], k === b - 1 ? 0 : 1);
      ends.set(from, loc, node);
    }
    leaf[s] = node;
  }
  return leaf;
}

/** Sample values summed per stack, stack-major: out[s * T + t], with the sign applied. */
function sumByStack(profile: Profile, scale: number, T: number): Float64Array {
  const { count, stack, values } = profile.samples;
  const out = new Float64Array(profile.stacks.count * T);
  for (let i = 0, row = 0; i < count; i++, row += T) {
    const base = stack[i] * T;
    for (let t = 0; t < T; t++) out[base + t] += scale * values[row + t];
  }
  return out;
}

function perType(T: number, n: number): Float64Array[] {
  return Array.from({ length: T }, () => new Float64Array(n));
}

function splitTypes(nt: Float64Array, N: number, T: number): Float64Array[] {
  const out = perType(T, N);
  for (let t = 0; t < T; t++) {
    const st = out[t];
    for (let n = 0, j = t; n < N; n++, j += T) st[n] = nt[j];
  }
  return out;
}

/** Children have larger indexes than parents, so one backward pass sums subtrees. */
function subtreeTotals(self: Float64Array, parent: Int32Array, N: number): Float64Array {
  const tot = self.slice();
  for (let n = N - 1; n >= 1; n--) tot[parent[n]] += tot[n];
  return tot;
}

function child(tree: KeyedTree, inlined: GrowableI32, parent: number, key: number, isInlined: number): number {
  const before = tree.count;
  const n = tree.child(parent, key);
  if (tree.count !== before) inlined.push(isInlined);
  return n;
}

/** Line-tree nodes grouped by line (counting sort), so top stacks are found per line on demand. */
function nodesByLine(line: Int32Array, N: number, L: number): Aggregates['lineNodes'] {
  const start = new Int32Array(L + 1);
  for (let n = 1; n < N; n++) start[line[n] + 1]++;
  for (let l = 0; l < L; l++) start[l + 1] += start[l];
  const fill = start.slice(0, L);
  const node = new Int32Array(N - 1);
  for (let n = 1; n < N; n++) node[fill[line[n]]++] = n;
  return { start, node };
}

/** Merges line-tree nodes per function (or keeps them per line) along each path: the flamegraph's tree. */
function functionTree(
  ltParent: Int32Array, ltLine: Int32Array, ltInlined: Int32Array, lineFn: Int32Array, keys: Keys,
  ltSelf: Float64Array[], N: number, T: number, byLine: boolean,
): Aggregates['tree'] {
  const ft = new KeyedTree(N);
  const map = new Int32Array(N);
  const repLine = new GrowableI32();
  const inl = new GrowableI32();
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
  // The root's own value is the samples with an empty stack: in the total, as in
  // pprof (whose total counts every sample), though no function has them.
  for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) self[t][map[n]] += ltSelf[t][n];
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
