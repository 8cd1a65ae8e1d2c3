// The table, peek, focus, callers-of and ignore transforms of the flamegraph page, on a
// small tree whose answers can be worked out by hand (with recursion and a diff base).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TreeBuilder } from '../../media/src/flamegraph/treeBuild';
import { callersTree, calleesTree, functionTable, ignoreTree, peek, sortRows } from '../../media/src/flamegraph/transform';
import type { FlameTree } from '../../server/src/protocol/webview';

// Stacks (root first) and one sample type:
//   main > a > alloc        10
//   main > b > a > alloc     5
//   main > a > a > alloc     2   (recursion: a counted once in cum)
//   main > b                 3
function sample(): FlameTree {
  const b = new TreeBuilder(1);
  const f = (n: string) => b.frame(n, `${n}.go`, 1);
  const [main, a, bb, alloc] = ['main', 'a', 'b', 'alloc'].map(f);
  b.addStack([main, a, alloc], [10]);
  b.addStack([main, bb, a, alloc], [5]);
  b.addStack([main, a, a, alloc], [2]);
  b.addStack([main, bb], [3]);
  b.addStack([main, a, alloc], [1], true); // base, for diffs
  return b.build('total');
}
const rowOf = (t: FlameTree, name: string) => functionTable(t, 0).find((r) => t.names[r.name] === name);
const childNames = (t: FlameTree, node: number) => {
  const out: string[] = [];
  for (let i = 1; i < t.parent.length; i++) if (t.parent[i] === node) out.push(t.names[t.name[i]]);
  return out.sort();
};

test('functionTable: flat and cum per function, recursion counted once', () => {
  const t = sample();
  assert.deepEqual({ ...rowOf(t, 'a'), name: 0 }, { name: 0, flat: 0, cum: 17 });
  assert.deepEqual({ ...rowOf(t, 'alloc'), name: 0 }, { name: 0, flat: 17, cum: 17 });
  assert.deepEqual({ ...rowOf(t, 'b'), name: 0 }, { name: 0, flat: 3, cum: 8 });
  assert.deepEqual({ ...rowOf(t, 'main'), name: 0 }, { name: 0, flat: 0, cum: 20 });
  assert.deepEqual(sortRows(functionTable(t, 0), 'flat', t.names).map((r) => t.names[r.name]), ['alloc', 'b', 'main', 'a']);
  assert.deepEqual(sortRows(functionTable(t, 0), 'cum', t.names).map((r) => t.names[r.name]).slice(0, 1), ['main']);
});

test('peek: direct callers and callees with what flows through each', () => {
  const t = sample();
  const p = peek(t, t.names.indexOf('a'), 0);
  assert.equal(p.cum, 17);
  assert.deepEqual(p.callers.map((c) => [t.names[c.name], c.value]), [['main', 12], ['b', 5]]);
  assert.deepEqual(p.callees.map((c) => [t.names[c.name], c.value]), [['alloc', 17]]);
});

test('calleesTree: every outermost call of a function merged under one node, base too', () => {
  const t = sample();
  const c = calleesTree(t, t.names.indexOf('a'));
  assert.equal(c.cum[0][0], 17);
  assert.deepEqual(childNames(c, 0), ['a']);
  const a = 1;
  assert.equal(c.cum[0][a], 17);
  assert.deepEqual(childNames(c, a), ['a', 'alloc']);
  assert.equal(c.baseCum![0][0], 1);
});

test('callersTree: the function at the bottom, its callers above, values kept', () => {
  const t = sample();
  const c = callersTree(t, t.names.indexOf('alloc'), 0);
  assert.equal(c.cum[0][0], 17);
  assert.deepEqual(childNames(c, 0), ['alloc']);
  assert.deepEqual(childNames(c, 1), ['a']);
  // Flat sums to the total: it sits on the outermost caller of each path.
  let flat = 0;
  for (let i = 0; i < c.parent.length; i++) flat += c.self[0][i];
  assert.equal(flat, 17);
});

test('ignoreTree: stacks through an ignored function leave, the rest keep their values', () => {
  const t = sample();
  const g = ignoreTree(t, (n) => n === 'b');
  assert.equal(g.cum[0][0], 12);
  assert.equal(rowOf(g, 'b'), undefined);
  assert.equal(rowOf(g, 'a')!.cum, 12);
  assert.equal(g.baseCum![0][0], 1);
});
