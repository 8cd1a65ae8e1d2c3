// The flamegraph's call tree built in the same single pass over the samples that
// sums flat and cum, then cut to its heaviest nodes. Consecutive samples share most
// of their root-side frames (83–91% in Go's heap profiles), so each sample walks
// only the frames below where it leaves the previous one's path, and a node's value
// is summed by runs, as cum is (aggregate.ts): the running total when it leaves the
// path less the running total when it came in. Nodes are found by (parent, key) in
// an open-addressed table. Self values are not kept per node: a kept node's self is
// its total less its children's. No stack array is ever built, so the flamegraph
// opens from the bytes where they lie (directAggregate.ts) like `heaplens top`.
import { exactRunSum, type Frames, type Keys } from './aggregate';
import { kthLargest, type HeavyTree } from './heavyTree';
import type { WorkBudget } from './limits';
import { callTree } from './trees';

/**
 * The call tree of the samples given to `add`, in their order. `add` refuses (false)
 * values that runs cannot sum exactly and work past the budget; the caller then
 * builds the tree the other way.
 */
export class TrieByRuns {
  count = 1;
  private parent: Int32Array;
  private key: Int32Array;
  private rep: Int32Array;
  private inlined: Uint8Array;
  private total: Float64Array;
  /** (parent, key, node) per slot; node 0 (the root, never a child) marks an empty slot. */
  private slots: Int32Array;
  private mask: number;
  /** The previous stack root first, and the frame depth after each of its locations. */
  private prevLoc = new Int32Array(256);
  private depthAfter = new Int32Array(257);
  private prevLen = 0;
  /** The node at each frame depth of the current path, and the running sum when it came in. */
  private pathNode = new Int32Array(256);
  private since: Float64Array;
  private depth = 0;
  private readonly W: Float64Array;
  private readonly whole: Float64Array;
  private sumAbs = 0;
  private signed = false;
  /** Frames entered so far: the lookups made. */
  entered = 0;

  constructor(private readonly T: number, private readonly frames: Frames, private readonly keyOfLine: Int32Array, private readonly budget: WorkBudget, expected = 1 << 16) {
    const cap = Math.max(1024, expected);
    this.parent = new Int32Array(cap);
    this.key = new Int32Array(cap);
    this.rep = new Int32Array(cap);
    this.inlined = new Uint8Array(cap);
    this.total = new Float64Array(cap * T);
    this.parent[0] = -1; this.key[0] = -1; this.rep[0] = -1;
    let size = 1024;
    while (size < cap * 2) size *= 2;
    this.slots = new Int32Array(size * 3);
    this.mask = size - 1;
    this.since = new Float64Array(256 * T);
    this.W = new Float64Array(T);
    this.whole = new Float64Array(T);
  }

  /** Adds v for the stack locs[0..k) (leaf first; empty is the root's own); false when it cannot. */
  add(locs: Int32Array, k: number, v: Float64Array): boolean {
    const { T, W } = this;
    const abs = exactRunSum(this.sumAbs, v, T);
    if (abs !== abs) return false;
    this.sumAbs = abs;
    for (let t = 0; t < T; t++) {
      if (v[t] < 0) this.signed = true;
      this.whole[t] += Math.abs(v[t]);
    }
    let prevLoc = this.prevLoc;
    let c = 0;
    const prevLen = this.prevLen;
    while (c < k && c < prevLen && prevLoc[c] === locs[k - 1 - c]) c++;
    const from = this.depthAfter[c];
    this.leave(from);
    if (prevLoc.length < k) this.growPath(k);
    prevLoc = this.prevLoc;
    const { frameStart, frameLine } = this.frames;
    const keyOfLine = this.keyOfLine;
    let node = from > 0 ? this.pathNode[from - 1] : 0, d = from;
    for (let i = c; i < k; i++) {
      const loc = locs[k - 1 - i];
      prevLoc[i] = loc;
      const a = frameStart[loc], b = frameStart[loc + 1];
      if (this.pathNode.length < d + (b - a)) this.growDepth(d + (b - a));
      // The last frame is the outermost caller; earlier ones were inlined into it.
      for (let f = b - 1; f >= a; f--) {
        const line = frameLine[f];
        node = this.child(node, keyOfLine[line], line, f === b - 1 ? 0 : 1);
        this.pathNode[d] = node;
        for (let t = 0, at = d * T; t < T; t++) this.since[at + t] = W[t];
        d++;
      }
      this.depthAfter[i + 1] = d;
    }
    this.entered += d - from;
    this.prevLen = k;
    this.depth = d;
    for (let t = 0; t < T; t++) W[t] += v[t];
    return this.entered <= this.budget.limit;
  }

  /**
   * The heaviest `maxNodes` nodes (root included), callers with them, as a CallTree:
   * the same nodes, values, lines and inlined flags as the whole function tree's.
   * After the last `add`. Null for negative values (a child may then outweigh its parent: heavyTree.ts
   * handles that case).
   */
  cut(maxNodes: number, inp: { keys: Keys; lineFn: Int32Array; byLine: boolean }): HeavyTree | null {
    if (this.signed) return null;
    this.leave(0);
    const { T, count: N, total, whole } = this;
    for (let t = 0; t < T; t++) total[t] = this.W[t];
    const w = new Float64Array(N);
    w[0] = Infinity;
    for (let t = 0; t < T; t++) {
      // Divided, not multiplied by a reciprocal: the share heavyTree.ts computes, to the bit.
      const W = whole[t] === 0 ? 1 : whole[t];
      for (let n = 1, at = T + t; n < N; n++, at += T) { const x = total[at] / W; if (x > w[n]) w[n] = x; }
    }
    // Nodes heavier than the maxNodes-th heaviest, then ties in creation order (a
    // parent is created before its child and weighs at least as much, so callers
    // always come along).
    const keep = new Uint8Array(N);
    let leftOut = 0, kept = N;
    if (N <= maxNodes) keep.fill(1);
    else {
      const theta = kthLargest(w, maxNodes);
      let ties = maxNodes;
      for (let n = 0; n < N; n++) if (w[n] > theta) { keep[n] = 1; ties--; }
      kept = maxNodes;
      for (let n = 0; n < N; n++) {
        if (keep[n]) continue;
        if (w[n] === theta && ties > 0) { keep[n] = 1; ties--; } else if (w[n] > leftOut) leftOut = w[n];
      }
    }
    const newIndex = new Int32Array(N);
    const parent = new Int32Array(kept), key = new Int32Array(kept), repLine = new Int32Array(kept), inl = new Uint8Array(kept);
    const self = Array.from({ length: T }, () => new Float64Array(kept));
    const tot = Array.from({ length: T }, () => new Float64Array(kept));
    for (let n = 0, i = 0; n < N; n++) {
      if (!keep[n]) continue;
      newIndex[n] = i;
      parent[i] = n === 0 ? -1 : newIndex[this.parent[n]];
      key[i] = this.key[n]; repLine[i] = this.rep[n]; inl[i] = this.inlined[n];
      for (let t = 0; t < T; t++) tot[t][i] = self[t][i] = total[n * T + t];
      i++;
    }
    // Self: the total less every child's, kept or not.
    for (let n = 1; n < N; n++) {
      const p = this.parent[n];
      if (!keep[p]) continue;
      const i = newIndex[p];
      for (let t = 0; t < T; t++) self[t][i] -= total[n * T + t];
    }
    const tree = callTree(inp, { parent, key, repLine, inlined: inl, self, total: tot });
    const complete = N <= maxNodes;
    return { tree, complete, leftOutShare: complete ? 0 : leftOut };
  }

  /** Ends the runs of the path's nodes from frame depth `from` down. */
  private leave(from: number): void {
    const { T, W, total, since, pathNode } = this;
    for (let d = from; d < this.depth; d++) {
      const at = pathNode[d] * T, s = d * T;
      for (let t = 0; t < T; t++) total[at + t] += W[t] - since[s + t];
    }
    this.depth = from;
  }

  private child(parent: number, key: number, line: number, inlined: number): number {
    const slots = this.slots, mask = this.mask;
    let h = hash(parent, key) & mask;
    for (;;) {
      const i = h * 3;
      const n = slots[i + 2];
      if (n === 0) break;
      if (slots[i] === parent && slots[i + 1] === key) return n;
      h = (h + 1) & mask;
    }
    const n = this.count++;
    if (n === this.parent.length) this.growArrays(2 * n);
    this.parent[n] = parent; this.key[n] = key; this.rep[n] = line; this.inlined[n] = inlined;
    const i = h * 3;
    slots[i] = parent; slots[i + 1] = key; slots[i + 2] = n;
    if (n * 2 > mask) this.rehash((mask + 1) * 2);
    return n;
  }

  /**
   * Room for `nodes` nodes without growing: told once how many to expect, the trie
   * copies its arrays and rehashes once instead of at every doubling (a quarter of
   * its time on go/types' 817,000 nodes).
   */
  reserve(nodes: number): void {
    this.growArrays(nodes);
    let size = this.mask + 1;
    while (size < nodes * 2) size *= 2;
    if (size > this.mask + 1) this.rehash(size);
  }

  /** Node arrays for `nodes`; the lookup table is left as it is (a slot being filled stays valid). */
  private growArrays(nodes: number): void {
    if (nodes <= this.parent.length) return;
    const grow = <A extends Int32Array | Uint8Array | Float64Array>(a: A, size: number): A => {
      const next = new (a.constructor as { new (n: number): A })(size);
      next.set(a);
      return next;
    };
    this.parent = grow(this.parent, nodes); this.key = grow(this.key, nodes); this.rep = grow(this.rep, nodes);
    this.inlined = grow(this.inlined, nodes); this.total = grow(this.total, nodes * this.T);
  }

  private rehash(size: number): void {
    const old = this.slots;
    const mask = size - 1;
    const slots = new Int32Array(size * 3);
    for (let i = 0; i < old.length; i += 3) {
      if (old[i + 2] === 0) continue;
      let h = hash(old[i], old[i + 1]) & mask;
      while (slots[h * 3 + 2] !== 0) h = (h + 1) & mask;
      slots[h * 3] = old[i]; slots[h * 3 + 1] = old[i + 1]; slots[h * 3 + 2] = old[i + 2];
    }
    this.slots = slots;
    this.mask = mask;
  }

  private growPath(k: number): void {
    const loc = new Int32Array(Math.max(k, this.prevLoc.length * 2));
    loc.set(this.prevLoc);
    this.prevLoc = loc;
    const after = new Int32Array(loc.length + 1);
    after.set(this.depthAfter);
    this.depthAfter = after;
  }

  private growDepth(d: number): void {
    const nodes = new Int32Array(Math.max(d, this.pathNode.length * 2));
    nodes.set(this.pathNode);
    this.pathNode = nodes;
    const since = new Float64Array(nodes.length * this.T);
    since.set(this.since);
    this.since = since;
  }
}

function hash(parent: number, key: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ Math.imul(key, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
