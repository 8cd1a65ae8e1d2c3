// Flame layout, search, colours, formatting and the caller view: the pure parts
// of the flamegraph webview, on small trees built by hand with the TreeBuilder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffColour, fitLabel, frameColour, goPackage, parseColour, textOn, type RGB } from '../../media/src/flamegraph/colour';
import { formatPercent, formatValue, shortName } from '../../media/src/flamegraph/format';
import { invertTree } from '../../media/src/flamegraph/invert';
import { ancestry, depths, hit, indexOf, layout, navigate, rowAt, rowTop, widths } from '../../media/src/flamegraph/layout';
import { compileQuery, matchNodes, matchedTotal } from '../../media/src/flamegraph/search';
import { TreeBuilder } from '../../media/src/flamegraph/treeBuild';
import { validateTree, type FlameTree } from '../../server/src/protocol/webview';

// main -> a -> alloc (60), main -> b -> alloc (30), main -> b (10 flat), two types (bytes, objects).
function sample(): FlameTree {
  const b = new TreeBuilder(2);
  const main = b.frame('main.main', '/src/main.go', 10);
  const a = b.frame('example.com/p.a', '/src/p/a.go', 3);
  const bb = b.frame('example.com/p.b', '/src/p/b.go', 7);
  const alloc = b.frame('example.com/q.alloc', '/src/q/q.go', 20);
  b.addStack([main, a, alloc], [60, 6]);
  b.addStack([main, bb, alloc], [30, 1]);
  b.addStack([main, bb], [10, 9]);
  return b.build();
}
const nameOf = (t: FlameTree, i: number) => t.names[t.name[i]];
const find = (t: FlameTree, name: string, from = 0) => { for (let i = from; i < t.parent.length; i++) if (nameOf(t, i) === name) return i; return -1; };

test('the builder emits a valid preorder tree with cum = sum of flat below', () => {
  const t = sample();
  assert.equal(typeof validateTree(t, 2), 'object');
  assert.deepEqual([...t.cum[0]].slice(0, 2), [100, 100]);
  const b = find(t, 'example.com/p.b');
  assert.equal(t.cum[0][b], 40);
  assert.equal(t.self[0][b], 10);
  assert.equal(t.size[0], t.parent.length);
  // Siblings sorted by name: a before b.
  assert.ok(find(t, 'example.com/p.a') < b);
});

test('layout: children tile their parent, zoom makes a frame full width, ancestors become a trail', () => {
  const t = sample();
  const { depth, maxDepth } = depths(t);
  assert.equal(maxDepth, 3);
  const l = layout(t, widths(t, 0), depth, 0, 1000);
  assert.equal(l.count, t.parent.length);
  const a = find(t, 'example.com/p.a'), b = find(t, 'example.com/p.b');
  const ka = indexOf(l, a), kb = indexOf(l, b);
  assert.equal(l.x[ka], 0);
  assert.equal(l.w[ka], 600);
  assert.equal(l.x[kb], 600);
  assert.equal(l.w[kb], 400);
  // The object counts give other widths: switching type changes the picture.
  const lo = layout(t, widths(t, 1), depth, 0, 1000);
  assert.equal(lo.w[indexOf(lo, a)], 375);
  // Zoom into b: b spans the width, its child alloc 3/4 of it, a disappears.
  const z = layout(t, widths(t, 0), depth, b, 800);
  assert.equal(z.w[indexOf(z, b)], 800);
  assert.equal(z.w[indexOf(z, find(t, 'example.com/q.alloc', b))], 600);
  assert.equal(indexOf(z, a), -1);
  assert.equal(z.w[indexOf(z, 0)], 800, 'root is a full-width trail');
  assert.deepEqual(ancestry(t, find(t, 'example.com/q.alloc', b)).map((i) => nameOf(t, i)), ['total', 'main.main', 'example.com/p.b', 'example.com/q.alloc']);
});

test('layout culls boxes narrower than half a pixel, with their subtrees', () => {
  const b = new TreeBuilder(1);
  const root = b.frame('main', 'm.go', 1);
  const big = b.frame('big', 'm.go', 2);
  const tiny = b.frame('tiny', 'm.go', 3);
  const deeper = b.frame('deeper', 'm.go', 4);
  b.addStack([root, big], [1_000_000]);
  b.addStack([root, tiny, deeper], [1]);
  const t = b.build();
  const l = layout(t, t.cum[0], depths(t).depth, 0, 1000);
  assert.deepEqual([...l.node.slice(0, l.count)].map((i) => nameOf(t, i)), ['total', 'main', 'big']);
});

test('rows: flame puts the root at the bottom, icicle at the top; hit testing finds the box', () => {
  assert.equal(rowTop(0, 3, 18, 'flame'), 54);
  assert.equal(rowTop(0, 3, 18, 'icicle'), 0);
  assert.equal(rowAt(60, 3, 18, 'flame'), 0);
  assert.equal(rowAt(60, 3, 18, 'icicle'), 3);
  const t = sample();
  const l = layout(t, widths(t, 0), depths(t).depth, 0, 1000);
  assert.equal(l.node[hit(l, 700, 2)], find(t, 'example.com/p.b'));
  assert.equal(hit(l, 700, 9), -1);
});

test('keyboard navigation follows the screen in both orientations', () => {
  const t = sample();
  const l = layout(t, widths(t, 0), depths(t).depth, 0, 1000);
  const main = indexOf(l, find(t, 'main.main'));
  const a = indexOf(l, find(t, 'example.com/p.a'));
  const b = indexOf(l, find(t, 'example.com/p.b'));
  assert.equal(navigate(t, l, main, 'up', 'flame'), a, 'up in a flame graph goes to the widest child');
  assert.equal(navigate(t, l, main, 'down', 'icicle'), a);
  assert.equal(navigate(t, l, a, 'down', 'flame'), main);
  assert.equal(navigate(t, l, a, 'right', 'flame'), b);
  assert.equal(navigate(t, l, b, 'left', 'flame'), a);
  assert.equal(navigate(t, l, b, 'right', 'flame'), b, 'blocked at the edge');
  assert.equal(navigate(t, l, -1, 'up', 'flame'), 0);
});

test('search counts nested matches once and reports their share', () => {
  const t = sample();
  const pred = compileQuery('P.');
  assert.equal(typeof pred, 'function');
  const m = matchNodes(t, pred as (s: string) => boolean);
  assert.equal(matchedTotal(t, m, t.cum[0]), 100); // a (60) + b (40), alloc nested inside
  const alloc = compileQuery('/q\\.alloc$/') as (s: string) => boolean;
  assert.equal(matchedTotal(t, matchNodes(t, alloc), t.cum[0]), 90);
  assert.equal(matchedTotal(t, matchNodes(t, alloc), t.cum[0], find(t, 'example.com/p.b')), 30, 'within a zoomed subtree');
  assert.equal(compileQuery('  '), undefined);
  assert.match(compileQuery('/(/') as string, /invalid regular expression/);
  // Files match too, so "catalog.go" finds every frame in that file.
  assert.equal(matchedTotal(t, matchNodes(t, compileQuery('q/q.go') as (s: string) => boolean), t.cum[0]), 90);
});

test('caller view: allocation sites at the root, hottest first, flat stays on the site', () => {
  const t = sample();
  const inv = invertTree(t, 0);
  assert.equal(typeof validateTree(inv, 2), 'object');
  assert.equal(inv.cum[0][0], 100);
  const first = 1; // preorder: the first child of the root is the hottest site
  assert.equal(nameOf(inv, first), 'example.com/q.alloc');
  assert.equal(inv.cum[0][first], 90);
  assert.equal(inv.self[0][first], 90);
  const callers = [];
  for (let i = first + 1; i < first + inv.size[first]; i++) if (inv.parent[i] === first) callers.push([nameOf(inv, i), inv.cum[0][i], inv.self[0][i]]);
  assert.deepEqual(callers, [['example.com/p.a', 60, 0], ['example.com/p.b', 30, 0]]);
  // Sorted by objects instead, b's own 9 objects outrank alloc's 7.
  assert.equal(nameOf(invertTree(t, 1), 1), 'example.com/p.b');
});

test('diff trees: union of both profiles; widths are current + base', () => {
  const b = new TreeBuilder(1);
  const main = b.frame('main', 'm.go', 1);
  const grew = b.frame('grew', 'm.go', 2);
  const gone = b.frame('gone', 'm.go', 3);
  b.addStack([main, grew], [50]);
  b.addStack([main, grew], [10], true);
  b.addStack([main, gone], [40], true);
  const t = b.build();
  assert.equal(typeof validateTree(t, 1), 'object');
  const w = widths(t, 0);
  assert.equal(w[0], 100);
  assert.equal(w[find(t, 'gone')], 40, 'a frame that vanished stays visible');
  assert.equal(t.cum[0][find(t, 'gone')], 0);
});

test('diff colours: growth towards one colour, shrinkage towards the other, more change is stronger', () => {
  const grow: RGB = [255, 0, 0], shrink: RGB = [0, 255, 0], neutral: RGB = [100, 100, 100];
  assert.deepEqual(diffColour(5, 5, grow, shrink, neutral), neutral);
  const up = diffColour(200, 100, grow, shrink, neutral);
  const down = diffColour(100, 200, grow, shrink, neutral);
  assert.ok(up[0] > up[1] && down[1] > down[0]);
  const bigUp = diffColour(1000, 100, grow, shrink, neutral);
  assert.ok(bigUp[0] > up[0]);
  assert.deepEqual(diffColour(10, 0, grow, shrink, neutral), grow, 'new frames are fully grown');
  assert.deepEqual(diffColour(0, 0, grow, shrink, neutral), neutral);
});

test('frame colours: one hue family per Go package, readable labels', () => {
  assert.equal(goPackage('example.com/shop/catalog.(*Cart).Add'), 'example.com/shop/catalog');
  assert.equal(goPackage('runtime.mallocgc'), 'runtime');
  assert.equal(shortName('example.com/shop/catalog.Render'), 'catalog.Render');
  const palette: RGB[] = [[200, 0, 0], [0, 0, 200], [0, 200, 0]];
  const bg: RGB = [30, 30, 30];
  const c1 = frameColour('example.com/a.F', palette, bg), c2 = frameColour('example.com/a.G', palette, bg);
  const dominant = (c: RGB) => c.indexOf(Math.max(...c));
  assert.equal(dominant(c1), dominant(c2));
  assert.deepEqual(parseColour('#f14c4c'), [241, 76, 76]);
  assert.deepEqual(parseColour('#fff'), [255, 255, 255]);
  assert.deepEqual(parseColour('rgba(1, 2, 3, 0.5)'), [1, 2, 3]);
  assert.equal(parseColour('var(--x)'), undefined);
  assert.deepEqual(textOn([255, 255, 200]), [0, 0, 0]);
  assert.deepEqual(textOn([20, 20, 90]), [255, 255, 255]);
  assert.equal(fitLabel('catalog.Render', 200, 7), 'catalog.Render');
  assert.equal(fitLabel('catalog.Render', 50, 7), 'catal…');
  assert.equal(fitLabel('catalog.Render', 20, 7), '');
});

test('formatting: binary byte units, counts, signs, percentages', () => {
  assert.equal(formatValue(512, 'bytes'), '512 B');
  assert.equal(formatValue(1536, 'bytes'), '1.5 KiB');
  assert.equal(formatValue(52_428_800, 'bytes'), '50 MiB');
  assert.equal(formatValue(3 * 1024 ** 3, 'bytes'), '3 GiB');
  assert.equal(formatValue(-2048, 'bytes', true), '−2 KiB');
  assert.equal(formatValue(2048, 'bytes', true), '+2 KiB');
  assert.equal(formatValue(1234567, 'count'), '1,234,567');
  assert.equal(formatValue(1_500_000, 'nanoseconds'), '1.5 ms');
  assert.equal(formatPercent(1, 3), '33.3%');
  assert.equal(formatPercent(5, 1000), '0.50%');
  assert.equal(formatPercent(1, 0), '0%');
});
