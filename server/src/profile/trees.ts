// The call trees behind the flamegraph and the per-line top stacks, each built from
// the stacks of one or more profiles on first use (see aggregate.ts): the editor's
// flamegraph needs only the first, the language server's hovers only the second.
import type { Frames, Keys } from './aggregate';
import { childLinks, GrowableI32, KeyedTree, PairMap } from './buffers';
import { overBudget, type WorkBudget } from './limits';
import type { Aggregates, CallTree, Profile } from './model';

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

export interface LineTrees {
  lineTree: Aggregates['lineTree'];
  lineNodes: Aggregates['lineNodes'];
}

/**
 * Every frame of every stack becomes a tree step: checked against the cap first.
 * Returns the number of steps (at most). Stack entries times the most frames a
 * location has bounds it without a pass over the stacks, and nearly always suffices.
 */
function checkFrames(inp: TreeInputs): number {
  let bound = 0;
  const exact = (i: number): number => {
    const { frameStart } = inp.frames[i];
    const loc = inp.profiles[i].stacks.location;
    let n = 0;
    for (let e = 0; e < loc.length; e++) n += frameStart[loc[e] + 1] - frameStart[loc[e]];
    return n;
  };
  const counts = inp.profiles.map((p, i) => {
    const { frameStart } = inp.frames[i];
    let most = 0;
    for (let l = 0; l + 1 < frameStart.length; l++) most = Math.max(most, frameStart[l + 1] - frameStart[l]);
    return p.stacks.location.length * most;
  });
  for (const c of counts) bound += c;
  if (bound <= inp.budget.limit) return bound;
  let frameCount = 0;
  inp.profiles.forEach((_, i) => { frameCount += exact(i); });
  if (frameCount > inp.budget.limit) throw overBudget(inp.budget);
  return frameCount;
}

/** Self values per leaf node, per type, and subtree totals: what both trees end with. */
function nodeValues(inp: TreeInputs, leaves: Int32Array[], N: number, parent: Int32Array): { self: Float64Array[]; total: Float64Array[] } {
  const T = inp.T;
  const self = perType(T, N);
  leaves.forEach((leaf, p) => {
    const { count, stack, values } = inp.profiles[p].samples;
    const scale = inp.scales[p];
    for (let i = 0, row = 0; i < count; i++, row += T) {
      const node = leaf[stack[i]];
      for (let t = 0; t < T; t++) self[t][node] += scale * values[row + t];
    }
  });
  return { self, total: self.map((st) => subtreeTotals(st, parent, N)) };
}

/** The per-line call tree behind hovers' top stacks (the language server's). */
export function buildLineTrees(inp: TreeInputs): LineTrees {
  // Start small and grow: shared prefixes and inlined lines walked once make far
  // fewer nodes than frames.
  const steps = checkFrames(inp);
  const lineTree = new KeyedTree(Math.min(steps, 1 << 20), Math.min(steps + 1, 1 << 22));
  const inlined = new GrowableI32(Math.min(steps + 1, 1 << 22));
  inlined.push(0);
  const leaves = inp.profiles.map((p, i) => insertStacks(p, inp.frames[i], lineTree, inlined, null));
  lineTree.seal();
  const N = lineTree.count;
  const parent = lineTree.parent.i32();
  const line = lineTree.key.i32();
  const { total } = nodeValues(inp, leaves, N, parent);
  return {
    lineTree: { count: N, parent, line, inlined: Uint8Array.from(inlined.i32()), total },
    lineNodes: nodesByLine(line, N, inp.keys.lineFile.length),
  };
}

/**
 * The flamegraph's tree: frames merged per function (or per line) along each path,
 * built straight from the stacks. A node's line is the first line seen there.
 */
export function buildFunctionTree(inp: TreeInputs): Aggregates['tree'] {
  const { lineFn, byLine } = inp;
  const steps = checkFrames(inp);
  const ft = new KeyedTree(Math.min(steps, 1 << 20), Math.min(steps + 1, 1 << 22));
  const inl = new GrowableI32(Math.min(steps + 1, 1 << 22));
  inl.push(0);
  const rep = new GrowableI32(Math.min(steps + 1, 1 << 22));
  rep.push(-1);
  const leaves = inp.profiles.map((p, i) => insertStacks(p, inp.frames[i], ft, inl, { lineFn: byLine ? null : lineFn, rep }));
  ft.seal();
  const parent = ft.parent.i32();
  // The root's own value is the samples with an empty stack: in the total, as in
  // pprof (whose total counts every sample), though no function has them.
  const { self, total } = nodeValues(inp, leaves, ft.count, parent);
  return callTree(inp, { parent, key: ft.key.i32(), repLine: rep.i32(), inlined: Uint8Array.from(inl.i32()), self, total });
}

/** A function tree's nodes: parent (parents first), key, first line, inlined flag, values. */
export interface TreeNodes {
  parent: Int32Array;
  /** Function id, or line id per line. */
  key: Int32Array;
  repLine: Int32Array;
  inlined: Uint8Array;
  self: Float64Array[];
  total: Float64Array[];
}

/** The flamegraph's CallTree of `nodes`: names, files and lines looked up, depths and child links. */
export function callTree(inp: Pick<TreeInputs, 'lineFn' | 'keys' | 'byLine'>, nodes: TreeNodes): CallTree {
  const { lineFn, keys, byLine } = inp;
  const { parent, key, repLine } = nodes;
  const count = parent.length;
  const fn = byLine ? Int32Array.from(repLine, (l) => (l < 0 ? -1 : lineFn[l])) : key;
  const name = new Int32Array(count), file = new Int32Array(count), line = new Float64Array(count), depth = new Int32Array(count);
  const fnName = keys.fnName.data, lineFile = keys.lineFile.data, lineNo = keys.lineNo.data;
  name[0] = -1; file[0] = -1;
  for (let n = 1; n < count; n++) {
    name[n] = fnName[fn[n]];
    file[n] = lineFile[repLine[n]];
    line[n] = lineNo[repLine[n]];
    depth[n] = depth[parent[n]] + 1;
  }
  const { firstChild, nextSibling } = childLinks(parent, count);
  return { count, parent, firstChild, nextSibling, fn, name, file, line, inlined: nodes.inlined, depth, self: nodes.self, total: nodes.total };
}

/** Keys a function tree's nodes by function (`lineFn`) or line (null), recording each new node's line. */
interface ByFunction { lineFn: Int32Array | null; rep: GrowableI32 }

/**
 * Inserts each stack root first; returns each stack's leaf node. A stack starts
 * where it leaves the previous one's path (stacks share their root-side frames, and
 * a comparison is cheaper than a probe). A location with inlined lines is several
 * nodes: where it hangs under a node already seen, the node it ends at is
 * remembered (per node and location), so its lines are walked once, not once per stack.
 */
function insertStacks(profile: Profile, frames: Frames, tree: KeyedTree, inlined: GrowableI32, by: ByFunction | null): Int32Array {
  const { count, start, location } = profile.stacks;
  const { frameStart, frameLine } = frames;
  const leaf = new Int32Array(count);
  const ends = new PairMap();
  // The previous stack's path, root first: its location and the node after it, per depth.
  let pathLoc = new Int32Array(64), pathNode = new Int32Array(64);
  let pathLen = 0;
  for (let s = 0; s < count; s++) {
    const top = start[s + 1] - 1, len = top - start[s] + 1;
    if (len > pathLoc.length) {
      const size = Math.max(len, pathLoc.length * 2);
      const l = new Int32Array(size), n = new Int32Array(size);
      l.set(pathLoc); n.set(pathNode);
      pathLoc = l; pathNode = n;
    }
    let node = 0, d = 0;
    while (d < len && d < pathLen && pathLoc[d] === location[top - d]) node = pathNode[d++];
    for (; d < len; d++) {
      const loc = location[top - d];
      const a = frameStart[loc], b = frameStart[loc + 1];
      if (b - a === 1) node = child(tree, inlined, node, frameLine[a], 0, by);
      else {
        const known = ends.get(node, loc);
        if (known >= 0) node = known;
        else {
          const from = node;
          // The last frame is the outermost caller; earlier ones were inlined into it.
          for (let k = b - 1; k >= a; k--) node = child(tree, inlined, node, frameLine[k], k === b - 1 ? 0 : 1, by);
          ends.set(from, loc, node);
        }
      }
      pathLoc[d] = loc;
      pathNode[d] = node;
    }
    pathLen = len;
    leaf[s] = node;
  }
  return leaf;
}

function perType(T: number, n: number): Float64Array[] {
  return Array.from({ length: T }, () => new Float64Array(n));
}

/** Children have larger indexes than parents, so one backward pass sums subtrees. */
function subtreeTotals(self: Float64Array, parent: Int32Array, N: number): Float64Array {
  const tot = self.slice();
  for (let n = N - 1; n >= 1; n--) tot[parent[n]] += tot[n];
  return tot;
}

function child(tree: KeyedTree, inlined: GrowableI32, parent: number, line: number, isInlined: number, by: ByFunction | null): number {
  const before = tree.count;
  const n = tree.child(parent, by?.lineFn ? by.lineFn[line] : line);
  if (tree.count !== before) {
    inlined.push(isInlined);
    by?.rep.push(line);
  }
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
