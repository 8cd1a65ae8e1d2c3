// Aggregation semantics on small hand-made profiles (exact expected numbers), diffs,
// and invariants on real profiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile, ProfileError } from '../../server/src/profile/decode';
import { diffProfiles } from '../../server/src/profile/diff';
import type { Aggregates } from '../../server/src/profile/model';
import { sizeDistribution, topFunctions, topStacks } from '../../server/src/profile/query';
import { encodeProfile, tinyHeapProfile, type ProtoProfile } from '../helpers/profileProto';
import { profileFixtures } from '../helpers/profileFixtures';

const SPACE = 1; // alloc_space in the tiny profiles
const agg = (p: ProtoProfile, opts = {}) => aggregate(decodeProfile(encodeProfile(p)), opts);
const fnValues = (a: Aggregates, t: number) => Object.fromEntries(topFunctions(a, t).map((r) => [r.name, [r.flat, r.cum]]));
function lineIndex(a: Aggregates, file: string, line: number): number {
  for (let l = 0; l < a.lines.count; l++) if (a.files[a.lines.file[l]] === file && a.lines.line[l] === line) return l;
  throw new Error(`no line ${file}:${line}`);
}
function treePaths(a: Aggregates, t: number): string[] {
  const out: string[] = [];
  const walk = (n: number, prefix: string) => {
    for (let c = a.tree.firstChild[n]; c !== -1; c = a.tree.nextSibling[c]) {
      const label = `${prefix}/${a.strings[a.tree.name[c]]}${a.tree.inlined[c] ? '(inl)' : ''}`;
      out.push(`${label} self=${a.tree.self[t][c]} total=${a.tree.total[t][c]} line=${a.tree.line[c]}`);
      walk(c, label);
    }
  };
  walk(0, '');
  return out;
}

test('flat, cum, lines and the flamegraph tree for all sample types; inlined frames are frames', () => {
  const a = agg(tinyHeapProfile());
  assert.deepEqual(Array.from(a.totals), [7, 2320, 2, 80]);
  assert.deepEqual(fnValues(a, SPACE), { 'main.alloc': [2048, 2304], 'main.helper': [256, 256], 'main.main': [16, 2320] });
  assert.deepEqual(fnValues(a, 0), { 'main.helper': [4, 4], 'main.alloc': [2, 6], 'main.main': [1, 7] });
  assert.deepEqual(fnValues(a, 3), { 'main.helper': [64, 64], 'main.main': [16, 80], 'main.alloc': [0, 64] });
  const l5 = lineIndex(a, '/build/app/alloc.go', 5);
  assert.deepEqual([a.lines.flat[SPACE][l5], a.lines.cum[SPACE][l5]], [0, 256]);
  const l21 = lineIndex(a, '/build/app/alloc.go', 21);
  assert.deepEqual([a.lines.flat[SPACE][l21], a.lines.cum[SPACE][l21]], [256, 256]);
  assert.equal(a.strings[a.functions.name[a.lines.fn[l21]]], 'main.helper');
  assert.deepEqual(treePaths(a, SPACE), [
    '/main.main self=16 total=2320 line=12',
    '/main.main/main.alloc self=2048 total=2304 line=5',
    '/main.main/main.alloc/main.helper(inl) self=256 total=256 line=21',
  ]);
  assert.equal(a.tree.total[SPACE][0], 2320);
  for (let n = 1; n < a.tree.count; n++) assert.ok(a.tree.parent[n] < n && a.tree.depth[n] === a.tree.depth[a.tree.parent[n]] + 1);
  // Per line granularity splits main.alloc by line.
  const byLine = agg(tinyHeapProfile(), { granularity: 'line' });
  assert.deepEqual(treePaths(byLine, SPACE), [
    '/main.main self=16 total=2320 line=12',
    '/main.main/main.alloc self=0 total=256 line=5',
    '/main.main/main.alloc/main.helper(inl) self=256 total=256 line=21',
    '/main.main/main.alloc self=2048 total=2048 line=6',
  ]);
});

test('size distribution and top stacks per line', () => {
  const a = agg(tinyHeapProfile());
  assert.deepEqual(sizeDistribution(a, lineIndex(a, '/build/app/alloc.go', 21)), [{ size: 64, values: [4, 256, 1, 64] }]);
  assert.deepEqual(sizeDistribution(a, lineIndex(a, '/build/app/main.go', 12)), [{ size: 16, values: [1, 16, 1, 16] }]);
  assert.deepEqual(sizeDistribution(a, lineIndex(a, '/build/app/alloc.go', 5)), [], 'nothing allocated AT the inlining call site');
  const stacks = topStacks(a, lineIndex(a, '/build/app/alloc.go', 21), SPACE);
  assert.deepEqual(stacks, [{ value: 256, frames: [
    { name: 'main.main', file: '/build/app/main.go', line: 12, inlined: false },
    { name: 'main.alloc', file: '/build/app/alloc.go', line: 5, inlined: false },
    { name: 'main.helper', file: '/build/app/alloc.go', line: 21, inlined: true },
  ] }]);
});

test('top stacks are bounded and ordered', () => {
  const p = tinyHeapProfile();
  p.functions.push({ id: 10, name: 'main.caller', file: '/build/app/c.go' });
  p.samples = [];
  for (let i = 0; i < 12; i++) {
    p.locations.push({ id: 100 + i, lines: [{ functionId: 10, line: i + 1 }] });
    p.samples.push({ locationIds: [3, 100 + i], values: [1, (i + 1) * 10, 0, 0], bytes: 8 });
  }
  const a = agg(p, { topStackLimit: 3 });
  const st = topStacks(a, lineIndex(a, '/build/app/alloc.go', 6), SPACE);
  assert.deepEqual(st.map((s) => s.value), [120, 110, 100]);
  assert.deepEqual(st[0].frames.map((f) => `${f.name}:${f.line}`), ['main.caller:12', 'main.alloc:6']);
  assert.deepEqual(sizeDistribution(a, lineIndex(a, '/build/app/alloc.go', 6)), [{ size: 8, values: [12, 780, 0, 0] }]);
});

test('recursion counts a function and a line once per sample in cum', () => {
  const p = tinyHeapProfile({
    functions: [{ id: 1, name: 'main.main', file: 'm.go' }, { id: 2, name: 'main.rec', file: 'r.go' }],
    locations: [{ id: 1, lines: [{ functionId: 1, line: 10 }] }, { id: 2, lines: [{ functionId: 2, line: 5 }] }, { id: 3, lines: [{ functionId: 2, line: 7 }] }],
    samples: [{ locationIds: [3, 2, 2, 2, 1], values: [1, 100, 1, 100] }, { locationIds: [2, 1], values: [1, 50, 0, 0] }],
  });
  const a = agg(p);
  assert.deepEqual(fnValues(a, SPACE), { 'main.rec': [150, 150], 'main.main': [0, 150] });
  const l5 = lineIndex(a, 'r.go', 5);
  assert.deepEqual([a.lines.flat[SPACE][l5], a.lines.cum[SPACE][l5]], [50, 150]);
  assert.equal(treePaths(a, SPACE).length, 5, 'main → rec ×4, one frame per call');
});

test('diff: signed per function, line and tree node; sample types must match', () => {
  const base = decodeProfile(encodeProfile(tinyHeapProfile()));
  const cur = tinyHeapProfile();
  cur.samples[0].values = [1, 64, 1, 64];
  cur.samples[1].values = [3, 4096, 0, 0];
  const d = diffProfiles(base, decodeProfile(encodeProfile(cur)));
  assert.equal(d.isDiff, true);
  assert.deepEqual(fnValues(d, SPACE), { 'main.alloc': [2048, 1856], 'main.helper': [-192, -192], 'main.main': [0, 1856] });
  assert.equal(d.totals[SPACE], 1856);
  assert.deepEqual(treePaths(d, SPACE), [
    '/main.main self=0 total=1856 line=12',
    '/main.main/main.alloc self=2048 total=1856 line=5',
    '/main.main/main.alloc/main.helper(inl) self=-192 total=-192 line=21',
  ]);
  const other = tinyHeapProfile({ sampleTypes: [['samples', 'count'], ['cpu', 'nanoseconds'], ['x', 'count'], ['y', 'count']] });
  assert.throws(() => diffProfiles(base, decodeProfile(encodeProfile(other))), (e: unknown) => e instanceof ProfileError && /different sample types/.test(e.message));
});

test('real profiles: a profile diffed with itself is zero everywhere; invariants hold', async () => {
  const fx = await profileFixtures();
  for (const f of [fx.allocs, fx.shop, fx.cpu]) {
    const p = decodeProfile(fs.readFileSync(f));
    const d = diffProfiles(p, p);
    for (let t = 0; t < p.sampleTypes.length; t++) {
      assert.ok(d.functions.cum[t].every((v) => v === 0) && d.lines.cum[t].every((v) => v === 0) && d.tree.total[t].every((v) => v === 0));
    }
    const a = aggregate(p);
    for (let t = 0; t < p.sampleTypes.length; t++) {
      let flat = 0;
      for (let f = 0; f < a.functions.count; f++) {
        flat += a.functions.flat[t][f];
        assert.ok(a.functions.flat[t][f] <= a.functions.cum[t][f] && a.functions.cum[t][f] <= a.totals[t]);
      }
      assert.equal(flat + a.tree.self[t][0], a.totals[t]);
      assert.equal(a.tree.total[t][0], a.totals[t]);
    }
  }
});
