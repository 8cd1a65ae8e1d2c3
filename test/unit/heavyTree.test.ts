// The flamegraph's cut tree (heavyTree.ts) against the whole function tree of the
// same real profiles: for every node limit, the nodes kept are the heaviest, exist
// in the whole tree with the same values, line and inlined flag, and the share said
// to be left out is exactly the next heaviest node's.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile } from '../../server/src/profile/decode';
import type { CallTree } from '../../server/src/profile/model';

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

for (const file of ['gotypes.mem.out', 'heap.pb.gz', 'deep.pb.gz']) {
  for (const granularity of ['function', 'line'] as const) {
    test(`${file} (${granularity}): the cut tree holds the heaviest nodes of the whole tree`, () => {
      const agg = aggregate(decodeProfile(fs.readFileSync(path.join(dir, file))), { granularity });
      const whole = agg.tree;
      const sorted = weights(whole).sort().reverse();
      const index = childIndex(whole, granularity === 'line');
      const N = whole.count;
      for (const limit of [1, 2, 3, 10, 100, Math.floor(N / 3), N - 1, N, N + 5, Infinity]) {
        const { tree, complete, leftOutShare } = agg.heavyTree(limit);
        assert.equal(tree.count, Math.min(limit, N), `nodes for a limit of ${limit}`);
        assert.equal(complete, limit >= N);
        for (let t = 0; t < whole.total.length; t++) assert.equal(tree.total[t][0], whole.total[t][0]);
        assertSubtree(tree, whole, index, granularity === 'line', `limit ${limit}`);
        if (!complete) assert.ok(Math.abs(leftOutShare - sorted[tree.count - 1]) < 1e-12, `left out ${leftOutShare}, next heaviest ${sorted[tree.count - 1]}`);
        else assert.equal(leftOutShare, 0);
        assert.ok(weights(tree).every((w) => w >= leftOutShare));
      }
    });
  }
}
