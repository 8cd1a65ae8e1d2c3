// The flamegraph's cut tree, both ways it is built (heavyTree.ts from decoded
// stacks; trieByRuns.ts from the bytes where they lie), against the whole function
// tree of the same real profiles: for every node limit, the nodes kept are the
// heaviest, exist in the whole tree with the same values, line and inlined flag,
// and the share said to be left out is exactly the next heaviest node's.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile } from '../../server/src/profile/decode';
import { DirectReading } from '../../server/src/profile/directAggregate';
import { distinctStacks, estimateDistinct } from '../../server/src/profile/distinctStacks';
import type { HeavyTree } from '../../server/src/profile/heavyTree';
import { workBudget } from '../../server/src/profile/limits';
import type { CallTree } from '../../server/src/profile/model';
import { openProfile, openTables } from '../../server/src/profile/open';
import { TrieByRuns } from '../../server/src/profile/trieByRuns';

const dir = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'profiles');

/** A node's identity under its parent: its key (function, or line per line). */
function keyOf(tr: CallTree, n: number, byLine: boolean): string {
  return `${tr.fn[n]}:${tr.name[n]}:${tr.file[n]}${byLine ? `:${tr.line[n]}` : ''}`;
}

/** Whole-tree nodes by (parent, key). */
function childIndex(whole: CallTree, byLine: boolean): Map<string, number> {
  const index = new Map<string, number>();
  for (let n = 1; n < whole.count; n++) index.set(`${whole.parent[n]}|${keyOf(whole, n, byLine)}`, n);
  return index;
}

/** Checks every node of `cut` is the whole tree's node at the same path, with the same values. */
function assertSubtree(cut: CallTree, whole: CallTree, index: Map<string, number>, byLine: boolean, what: string): void {
  const at = new Int32Array(cut.count);
  for (let n = 1; n < cut.count; n++) {
    const w = index.get(`${at[cut.parent[n]]}|${keyOf(cut, n, byLine)}`);
    assert.ok(w !== undefined, `${what}: node ${n} is not in the whole tree`);
    at[n] = w;
    const same = cut.line[n] === whole.line[w] && cut.inlined[n] === whole.inlined[w] && cut.depth[n] === whole.depth[w] &&
      cut.self.every((a, t) => a[n] === whole.self[t][w]) && cut.total.every((a, t) => a[n] === whole.total[t][w]);
    assert.ok(same, `${what}: node ${n} (${keyOf(cut, n, byLine)}) differs from the whole tree's`);
  }
}

/** Each non-root node's weight: its largest share of a sample type's total. */
function weights(tr: CallTree): Float64Array {
  const out = new Float64Array(tr.count - 1);
  tr.total.forEach((total, t) => {
    let whole = 0;
    for (let n = 0; n < tr.count; n++) whole += Math.abs(tr.self[t][n]);
    for (let n = 1; n < tr.count; n++) out[n - 1] = Math.max(out[n - 1], Math.abs(total[n]) / (whole || 1));
  });
  return out;
}

/**
 * The trie of a profile's samples read where they lie, cut to `limit`. It starts
 * with room for one node, so every growth and rehash on the way is exercised.
 */
function trieCut(bytes: Uint8Array, byLine: boolean): (limit: number) => HeavyTree {
  const reading = DirectReading.of(openTables(bytes)!)!;
  const { T, frames, lineFn, keys, profile } = reading;
  const keyOfLine = byLine ? Int32Array.from(lineFn, (_, l) => l) : lineFn;
  const trie = new TrieByRuns(T, frames, keyOfLine, workBudget([profile]), 1);
  assert.ok(reading.run((locs, k, v) => trie.add(locs, k, v)));
  return (limit) => trie.cut(limit, { keys, lineFn, byLine })!;
}

for (const file of ['gotypes.mem.out', 'heap.pb.gz', 'deep.pb.gz', 'pprof-format-node.pb.gz']) {
  for (const granularity of ['function', 'line'] as const) {
    test(`${file} (${granularity}): the cut tree holds the heaviest nodes of the whole tree, built either way`, () => {
      const bytes = fs.readFileSync(path.join(dir, file));
      const agg = aggregate(openProfile(bytes), { granularity });
      const whole = agg.tree;
      const sorted = weights(whole).sort().reverse();
      const index = childIndex(whole, granularity === 'line');
      const N = whole.count;
      const ways = { heavyTree: (limit: number) => agg.heavyTree(limit), trieByRuns: trieCut(bytes, granularity === 'line') };
      for (const [way, cut] of Object.entries(ways)) {
        for (const limit of [1, 2, 3, 10, 100, Math.floor(N / 3), N - 1, N, N + 5, Infinity]) {
          const { tree, complete, leftOutShare = NaN } = cut(limit);
          const what = `${way}, limit ${limit}`;
          assert.equal(tree.count, Math.min(limit, N), `${what}: nodes`);
          assert.equal(complete, limit >= N);
          for (let t = 0; t < whole.total.length; t++) assert.equal(tree.total[t][0], whole.total[t][0]);
          assertSubtree(tree, whole, index, granularity === 'line', what);
          if (!complete) assert.ok(Math.abs(leftOutShare - sorted[tree.count - 1]) < 1e-12, `${what}: left out ${leftOutShare}, next heaviest ${sorted[tree.count - 1]}`);
          else assert.equal(leftOutShare, 0);
          assert.ok(weights(tree).every((w) => w >= leftOutShare));
        }
      }
    });
  }
}

test('samples that share stacks are merged before the tree is cut, and the tree is the same', () => {
  // go/types' heap profile with every sample four times over, in a fixed shuffled order.
  const p = decodeProfile(fs.readFileSync(path.join(dir, 'gotypes.mem.out')));
  const T = p.sampleTypes.length, n = p.samples.count, N = 4 * n;
  const order = Array.from({ length: N }, (_, i) => i % n);
  let seed = 7;
  for (let i = N - 1; i > 0; i--) { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; const j = seed % (i + 1); [order[i], order[j]] = [order[j], order[i]]; }
  const values = new Float64Array(N * T), bytes = new Float64Array(N);
  order.forEach((i, k) => { for (let t = 0; t < T; t++) values[k * T + t] = p.samples.values[i * T + t]; bytes[k] = p.samples.bytes[i]; });
  // Stacks renumbered in order of first sample, as the decoder numbers them (a node's
  // line is its first sample's, which is then its first stack's).
  const newId = new Int32Array(p.stacks.count).fill(-1), oldOf: number[] = [];
  const stack = Int32Array.from(order, (i) => {
    const s = p.samples.stack[i];
    if (newId[s] < 0) { newId[s] = oldOf.length; oldOf.push(s); }
    return newId[s];
  });
  const start = new Int32Array(oldOf.length + 1), location: number[] = [];
  oldOf.forEach((s, k) => {
    for (let e = p.stacks.start[s]; e < p.stacks.start[s + 1]; e++) location.push(p.stacks.location[e]);
    start[k + 1] = location.length;
  });
  const repeated = {
    ...p,
    stacks: { count: oldOf.length, start, location: Int32Array.from(location) },
    samples: { count: N, stack, values, bytes },
  };
  const units = distinctStacks(repeated);
  assert.ok(units.merged && units.count <= repeated.stacks.count, `${units.count} units for ${repeated.stacks.count} stacks`);
  for (let t = 0; t < T; t++) {
    let a = 0, b = 0;
    for (let u = 0; u < units.count; u++) a += units.values[u * T + t];
    for (let i = 0; i < N; i++) b += values[i * T + t];
    assert.equal(a, b);
  }
  const agg = aggregate(repeated);
  const whole = agg.tree;
  const index = childIndex(whole, false);
  const sorted = weights(whole).sort().reverse();
  for (const limit of [10, 5000, Infinity]) {
    const { tree, leftOutShare = NaN } = agg.heavyTree(limit);
    assert.equal(tree.count, Math.min(limit, whole.count));
    assertSubtree(tree, whole, index, false, `repeated, limit ${limit}`);
    if (limit < whole.count) assert.ok(Math.abs(leftOutShare - sorted[tree.count - 1]) < 1e-12);
  }
  // Where nearly every sample has its own stack, nothing is merged.
  assert.equal(distinctStacks(p).merged, false);
});

test('the distinct-count estimate is within a few percent', () => {
  for (const count of [1000, 50_000, 400_000]) {
    const h = new Int32Array(2 * count);
    for (let i = 0; i < h.length; i++) { let x = Math.imul((i % count) + 1, 0x9e3779b1); x ^= x >>> 15; x = Math.imul(x, 0x2c1b3c6d); h[i] = x ^ (x >>> 13); }
    const e = estimateDistinct(h);
    assert.ok(Math.abs(e - count) / count < 0.06, `${e.toFixed(0)} for ${count}`);
  }
});

test('with negative values (a diff saved as a profile) the cut keeps callers and claims no share', () => {
  const p = decodeProfile(fs.readFileSync(path.join(dir, 'gotypes.mem.out')));
  const values = Float64Array.from(p.samples.values, (v, i) => (i % 7 === 3 ? -5 * v : v));
  const agg = aggregate({ ...p, samples: { ...p.samples, values } });
  for (const limit of [10, 1000]) {
    const { tree, complete, leftOutShare } = agg.heavyTree(limit);
    assert.ok(!complete && tree.count <= limit && tree.count > 1);
    assert.equal(leftOutShare, undefined);
    for (let n = 1; n < tree.count; n++) assert.ok(tree.parent[n] >= 0 && tree.parent[n] < n, `node ${n} hangs under an earlier node`);
    assertSubtree(tree, agg.tree, childIndex(agg.tree, false), false, `signed, limit ${limit}`);
  }
});

test('the trie gives way where runs cannot be exact or a child may outweigh its parent', () => {
  const reading = DirectReading.of(openTables(fs.readFileSync(path.join(dir, 'heap.pb.gz')))!)!;
  const { T, frames, lineFn, keys, profile } = reading;
  const fresh = () => new TrieByRuns(T, frames, lineFn, workBudget([profile]));
  const locs = Int32Array.of(0);
  const v = (x: number) => new Float64Array(T).fill(x);
  const signed = fresh();
  assert.ok(signed.add(locs, 1, v(3)) && signed.add(locs, 1, v(-1)));
  assert.equal(signed.cut(10, { keys, lineFn, byLine: false }), null, 'negative values: heavyTree.ts decides');
  assert.equal(fresh().add(locs, 1, v(0.5)), false, 'fractions are not summed by runs');
  const big = fresh();
  assert.ok(big.add(locs, 1, v(2 ** 50)));
  assert.equal(big.add(locs, 1, v(2 ** 50)), false, 'sums past 2^53 (over every type) are not exact');
});
