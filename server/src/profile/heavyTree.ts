// The flamegraph's tree cut to its heaviest nodes, built without building the rest.
// A million deep, distinct stacks make millions of nodes, nearly all far below a
// pixel; building them all took seconds and hundreds of MB. Here the samples are
// partitioned top down: a group of samples becomes a node, and its samples, stepped
// past the node's frame, split by their next frame into candidate children. Only
// groups weighing at least a threshold are followed, depth first (a group's samples
// stay in cache while its subtree is built); the threshold rises when too many
// nodes pass it and falls when too few did, resuming the groups it stopped. A child
// never weighs more than its parent (values are non-negative), so in the end every
// node heavier than the lightest one kept was built, and the `maxNodes` taken best
// first from the root are exactly the heaviest, callers included. No sample is
// followed below the cut.
import { childLinks, GrowableF64, GrowableI32 } from './buffers';
import { distinctStacks } from './distinctStacks';
import { overBudget } from './limits';
import type { CallTree } from './model';
import { callTree, type TreeInputs } from './trees';

export interface HeavyTree {
  tree: CallTree;
  /** False when frames were left out. */
  complete: boolean;
  /**
   * The largest share of a sample type's total held by a frame left out (0 when
   * nothing was): every frame not in `tree` weighs at most this. Undefined when the
   * profile has negative values (a diff saved as a profile): a child may then
   * outweigh its parent, and the frames kept are heavy ones, not surely the heaviest.
   */
  leftOutShare: number | undefined;
}

/**
 * Groups of samples that are, or may become, nodes: a child of node `parent` with
 * key `key` (function or line id), its line and inlined flag (from its first
 * sample), its weight (largest share of a sample type's total), totals per type,
 * and its samples' range of positions.
 */
class Candidates {
  parent: GrowableI32; key: GrowableI32; rep: GrowableI32; inlined: GrowableI32;
  lo: GrowableI32; hi: GrowableI32; weight: GrowableF64; totals: GrowableF64;
  /** `reserve`: pages never written cost address space, not memory; growing copies. */
  constructor(readonly T: number, reserve: number) {
    this.parent = new GrowableI32(reserve); this.key = new GrowableI32(reserve); this.rep = new GrowableI32(reserve);
    this.inlined = new GrowableI32(reserve); this.lo = new GrowableI32(reserve); this.hi = new GrowableI32(reserve);
    this.weight = new GrowableF64(reserve); this.totals = new GrowableF64(reserve * T);
  }
  get count(): number { return this.parent.length; }
  add(parent: number, key: number, rep: number, inl: number, lo: number, hi: number, weight: number, totals: Float64Array): number {
    this.parent.push(parent); this.key.push(key); this.rep.push(rep); this.inlined.push(inl);
    this.lo.push(lo); this.hi.push(hi); this.weight.push(weight);
    for (let t = 0; t < this.T; t++) this.totals.push(totals[t]);
    return this.parent.length - 1;
  }
}

/** Nodes built: the candidate each was, its weight, and its self values per type. */
class Nodes {
  cand: GrowableI32; weight: GrowableF64; self: GrowableF64;
  constructor(readonly T: number, reserve: number) {
    this.cand = new GrowableI32(reserve); this.weight = new GrowableF64(reserve); this.self = new GrowableF64(reserve * T);
  }
  get count(): number { return this.cand.length; }
  /** Node x's parent node. */
  parent(cands: Candidates, x: number): number { return cands.parent.data[this.cand.data[x]]; }
  add(cand: number, weight: number): number {
    this.cand.push(cand); this.weight.push(weight);
    for (let t = 0; t < this.T; t++) this.self.push(0);
    return this.cand.length - 1;
  }
}

/** Indexes by weight, heaviest first (ties: the smaller index). */
class MaxHeap {
  private items = new GrowableI32();
  constructor(private readonly weight: Float64Array) {}
  get size(): number { return this.items.length; }
  push(x: number): void {
    this.items.push(x);
    const a = this.items.data;
    let i = this.items.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.before(x, a[up])) break;
      a[i] = a[up];
      i = up;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.items.data, n = --this.items.length;
    const top = a[0], last = a[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.before(a[c + 1], a[c])) c++;
      if (!this.before(a[c], last)) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
    return top;
  }
  private before(x: number, y: number): boolean {
    const w = this.weight;
    return w[x] > w[y] || (w[x] === w[y] && x < y);
  }
}

/** The k-th largest (1-based) of `xs`, or 0 when there are fewer: quickselect on a copy. */
export function kthLargest(xs: Float64Array, k: number): number {
  if (k > xs.length || k < 1) return 0;
  const a = xs.slice();
  let lo = 0, hi = a.length - 1;
  const want = k - 1; // index in descending order
  let seed = 12345;
  while (lo < hi) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const pivot = a[lo + (seed % (hi - lo + 1))];
    // Three-way partition, descending: [> pivot][= pivot][< pivot].
    let lt = lo, i = lo, gt = hi;
    while (i <= gt) {
      const x = a[i];
      if (x > pivot) { a[i] = a[lt]; a[lt] = x; lt++; i++; } else if (x < pivot) { a[i] = a[gt]; a[gt] = x; gt--; } else i++;
    }
    if (want < lt) hi = lt - 1;
    else if (want > gt) lo = gt + 1;
    else return pivot;
  }
  return a[lo];
}

/**
 * The heaviest `maxNodes` nodes (root included) of the function tree of one
 * profile: the same nodes, values, lines and inlined flags as buildFunctionTree's
 * (a node's line is its first sample's there).
 */
export function buildHeavyTree(inp: TreeInputs, maxNodes: number): HeavyTree {
  if (inp.profiles.length !== 1 || inp.scales[0] !== 1) throw new Error('buildHeavyTree takes one profile, not a diff');
  const profile = inp.profiles[0];
  const { T, lineFn, byLine, keys } = inp;
  const { frameStart, frameLine } = inp.frames[0];
  const { start, location } = profile.stacks;
  // Distinct stacks (values summed) when samples share many; else the samples.
  const { count: n, stack, values } = distinctStacks(profile);
  // Frames keyed by function, or by line: one table, so the hot loop has no branch.
  const keyOf = byLine ? Int32Array.from(frameLine) : Int32Array.from(frameLine, (l) => lineFn[l]);

  // The samples (or distinct stacks: "samples" below) still followed, by position;
  // a group is a range of positions, in sample order. Per position: the sample, the
  // stack entry and frame (index into frameLine) it is at, and its leaf entry. They
  // move with the position, so the passes read them in order; the stack entries and
  // values are read per sample.
  const pos = { sample: new Int32Array(n), entry: new Int32Array(n), frame: new Int32Array(n), leaf: new Int32Array(n) };
  const tmp = { sample: new Int32Array(n), entry: new Int32Array(n), frame: new Int32Array(n), leaf: new Int32Array(n) };
  /** Each position's next frame's key; −1 once its stack has ended. */
  const nextKey = new Int32Array(n);
  const whole = new Float64Array(T);

  // Usually a few times maxNodes of each; the reservation is only address space.
  const reserve = Math.min(n + 1024, 8 * maxNodes, 1 << 22);
  const nodes = new Nodes(T, reserve), cands = new Candidates(T, reserve);
  let m = 0, signed = false;
  const rootTotals = new Float64Array(T);
  const rootSelf = new Float64Array(T);
  for (let i = 0, row = 0; i < n; i++, row += T) {
    const s = stack[i];
    for (let t = 0; t < T; t++) { const x = values[row + t]; whole[t] += Math.abs(x); rootTotals[t] += x; if (x < 0) signed = true; }
    if (start[s] === start[s + 1]) { for (let t = 0; t < T; t++) rootSelf[t] += values[row + t]; continue; }
    const e = start[s + 1] - 1, f = frameStart[location[e] + 1] - 1;
    pos.sample[m] = i; pos.entry[m] = e; pos.frame[m] = f; pos.leaf[m] = start[s];
    nextKey[m++] = keyOf[f];
  }
  for (let t = 0; t < T; t++) if (whole[t] === 0) whole[t] = 1;
  nodes.add(cands.add(-1, -1, -1, 0, 0, 0, 1, rootTotals), 1);
  for (let t = 0; t < T; t++) nodes.self.data[t] = rootSelf[t];

  /** Candidates to follow now (depth first), and those below the threshold. */
  const todo = new GrowableI32(), waiting = new GrowableI32();
  const tot = new Float64Array(T);
  /** A candidate child of `node` from position `first` (its first sample) over lo..hi. */
  const candidate = (node: number, first: number, lo: number, hi: number): void => {
    let w = 0;
    for (let t = 0; t < T; t++) w = Math.max(w, Math.abs(tot[t]) / whole[t]);
    const f = pos.frame[first];
    const outermost = f === frameStart[location[pos.entry[first]] + 1] - 1;
    todo.push(cands.add(node, nextKey[first], frameLine[f], outermost ? 0 : 1, lo, hi, w, tot));
  };

  // Splitting a group: per key, its child slot in this split.
  const keyCount = byLine ? keys.lineFile.length : keys.fnName.length;
  const slotOf = new Int32Array(keyCount), slotStamp = new Int32Array(keyCount).fill(-1);
  const slotKey = new Int32Array(keyCount), slotFirst = new Int32Array(keyCount), slotFill = new Int32Array(keyCount);
  const slotTotals = new Float64Array(keyCount * T);
  let splits = 0;

  /** Splits positions lo..hi by their next keys into candidate children of `node`; ended ones drop out. */
  const split = (node: number, lo: number, hi: number): void => {
    const stamp = splits++;
    let S = 0;
    for (let j = lo; j < hi; j++) {
      const k = nextKey[j];
      if (k < 0) continue;
      let s: number;
      if (slotStamp[k] !== stamp) {
        slotStamp[k] = stamp;
        s = slotOf[k] = S++;
        slotKey[s] = k; slotFirst[s] = j; slotFill[s] = 0;
        for (let t = 0; t < T; t++) slotTotals[s * T + t] = 0;
      } else s = slotOf[k];
      slotFill[s]++;
      for (let t = 0, row = pos.sample[j] * T; t < T; t++) slotTotals[s * T + t] += values[row + t];
    }
    if (S === 0) return;
    // Each child's range, in slot order; slotFill[s] becomes where its next sample goes.
    for (let s = 0, at = lo; s < S; s++) {
      const size = slotFill[s];
      for (let t = 0; t < T; t++) tot[t] = slotTotals[s * T + t];
      candidate(node, slotFirst[s], at, at + size);
      slotFill[s] = at;
      at += size;
    }
    // Stable counting sort of the range by slot: each child's samples side by side.
    const { sample, entry, frame, leaf } = pos;
    for (let j = lo; j < hi; j++) {
      const k = nextKey[j];
      if (k < 0) continue;
      const to = slotFill[slotOf[k]]++;
      tmp.sample[to] = sample[j]; tmp.entry[to] = entry[j]; tmp.frame[to] = frame[j]; tmp.leaf[to] = leaf[j];
    }
    const kept = slotFill[S - 1];
    for (let j = lo; j < kept; j++) { sample[j] = tmp.sample[j]; entry[j] = tmp.entry[j]; frame[j] = tmp.frame[j]; leaf[j] = tmp.leaf[j]; }
    // Keys follow their samples; the ended ones' places are left empty (−1).
    for (let s = 0, at = lo; s < S; s++) { nextKey.fill(slotKey[s], at, slotFill[s]); at = slotFill[s]; }
    nextKey.fill(-1, kept, hi);
  };

  let work = 0;
  const ended = new Float64Array(T);
  /** Makes candidate c a node, steps its samples past its frame and queues its children. */
  const take = (c: number): void => {
    const node = nodes.add(c, cands.weight.data[c]);
    // Each sample ends here (self) or goes on to a next frame. Where all go on to the
    // same one (a chain, common in deep recursion), the one child needs no split:
    // its value is the node's less what ended.
    const lo = cands.lo.data[c], hi = cands.hi.data[c];
    work += hi - lo;
    if (work > inp.budget.limit) throw overBudget(inp.budget);
    const { sample, entry, frame, leaf } = pos;
    ended.fill(0);
    let first = -1, uniform = true;
    for (let j = lo; j < hi; j++) {
      if (nextKey[j] < 0) continue; // ended above, not yet split out
      const f = frame[j];
      let e = entry[j], k: number;
      if (f > frameStart[location[e]]) { frame[j] = f - 1; k = keyOf[f - 1]; } else if (--e >= leaf[j]) {
        const g = frameStart[location[e] + 1] - 1;
        entry[j] = e; frame[j] = g; k = keyOf[g];
      } else {
        nextKey[j] = -1;
        for (let t = 0, row = sample[j] * T; t < T; t++) ended[t] += values[row + t];
        continue;
      }
      nextKey[j] = k;
      if (first < 0) first = j;
      else if (uniform && k !== nextKey[first]) uniform = false;
    }
    for (let t = 0; t < T; t++) nodes.self.data[node * T + t] = ended[t];
    if (first < 0) return;
    if (uniform) {
      for (let t = 0; t < T; t++) tot[t] = cands.totals.data[c * T + t] - ended[t];
      candidate(node, first, lo, hi);
    } else split(node, lo, hi);
  };

  split(0, 0, m);
  const cap = 2 * maxNodes;
  let theta = Math.min(1, 1 / maxNodes), live = 1;
  for (;;) {
    while (todo.length > 0) {
      const c = todo.data[--todo.length];
      if (cands.weight.data[c] < theta) { waiting.push(c); continue; }
      take(c);
      if (++live > cap) {
        // Too many pass: the threshold becomes the maxNodes-th heaviest node so far.
        const w = nodes.weight.viewF64();
        theta = kthLargest(w, maxNodes);
        live = 0;
        for (let x = 0; x < w.length; x++) if (w[x] >= theta) live++;
      }
    }
    if (live >= maxNodes || waiting.length === 0) break;
    // Too few: lower it so that enough waiting groups go on (each is a node at least).
    const ws = Float64Array.from(waiting.viewI32(), (c) => cands.weight.data[c]);
    theta = kthLargest(ws, maxNodes - live);
    const still = waiting.viewI32().filter((c) => cands.weight.data[c] < theta);
    for (const c of waiting.viewI32()) if (cands.weight.data[c] >= theta) todo.push(c);
    waiting.length = 0;
    for (const c of still) waiting.push(c);
  }
  const result = cut(inp, nodes, waiting, cands, maxNodes);
  return signed ? { ...result, leftOutShare: undefined } : result;
}

/**
 * The heaviest maxNodes of the nodes built (ties: the first built), each with its
 * parent, and the largest weight of what was left out: nodes built but not kept,
 * and groups never followed.
 */
function cut(inp: TreeInputs, nodes: Nodes, waiting: GrowableI32, cands: Candidates, maxNodes: number): HeavyTree {
  const N = nodes.count, w = nodes.weight.viewF64();
  const keep = new Uint8Array(N).fill(1);
  let leftOut = 0;
  for (const c of waiting.viewI32()) leftOut = Math.max(leftOut, cands.weight.data[c]);
  if (N > maxNodes) {
    // Best first from the root among nodes whose parent is kept: with non-negative
    // values exactly the maxNodes heaviest (a parent weighs at least its child), and
    // never a node without its caller.
    keep.fill(0);
    keep[0] = 1;
    const parent = Int32Array.from({ length: N }, (_, x) => (x === 0 ? -1 : nodes.parent(cands, x)));
    const { firstChild, nextSibling } = childLinks(parent, N);
    const heap = new MaxHeap(w);
    for (let c = firstChild[0]; c !== -1; c = nextSibling[c]) heap.push(c);
    for (let kept = 1; kept < maxNodes && heap.size > 0; kept++) {
      const x = heap.pop();
      keep[x] = 1;
      for (let c = firstChild[x]; c !== -1; c = nextSibling[c]) heap.push(c);
    }
    for (let x = 1; x < N; x++) if (!keep[x]) leftOut = Math.max(leftOut, w[x]);
  }
  const complete = waiting.length === 0 && N <= maxNodes;
  return { tree: keptTree(inp, nodes, cands, keep), complete, leftOutShare: complete ? 0 : leftOut };
}

/** The kept nodes, renumbered in the order built (parents first). */
function keptTree(inp: TreeInputs, nodes: Nodes, cands: Candidates, keep: Uint8Array): CallTree {
  const { T } = inp;
  const newIndex = new Int32Array(keep.length);
  let count = 0;
  for (let x = 0; x < keep.length; x++) if (keep[x]) newIndex[x] = count++;
  const parent = new Int32Array(count), key = new Int32Array(count), repLine = new Int32Array(count), inlined = new Uint8Array(count);
  const self = Array.from({ length: T }, () => new Float64Array(count));
  const total = Array.from({ length: T }, () => new Float64Array(count));
  for (let x = 0; x < keep.length; x++) {
    if (!keep[x]) continue;
    const i = newIndex[x], c = nodes.cand.data[x];
    parent[i] = x === 0 ? -1 : newIndex[cands.parent.data[c]];
    key[i] = cands.key.data[c]; repLine[i] = cands.rep.data[c]; inlined[i] = cands.inlined.data[c];
    for (let t = 0; t < T; t++) { self[t][i] = nodes.self.data[x * T + t]; total[t][i] = cands.totals.data[c * T + t]; }
  }
  return callTree(inp, { parent, key, repLine, inlined, self, total });
}
