// The per-file heat index: on the example's real profile it agrees with the engine
// line by line; runtime frames below a user line are that line's allocation.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { allocLabel } from '../../server/src/hotspots/allocLabels';
import { callPathsAt } from '../../server/src/hotspots/callPaths';
import { buildHeatIndex } from '../../server/src/hotspots/heatIndex';
import { compactForServer } from '../../server/src/hotspots/loadJob';
import { rankHotspots, type Hotspot } from '../../server/src/hotspots/rank';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile } from '../../server/src/profile/decode';
import { loadResolveContext } from '../../server/src/profile/goEnv';
import { linesInFile, topStacks } from '../../server/src/profile/query';
import { resolveFiles } from '../../server/src/profile/sourcePaths';
import { exampleDir } from '../helpers/goFixture';
import { profileFixtures } from '../helpers/profileFixtures';
import { encodeProfile, tinyHeapProfile } from '../helpers/profileProto';

test('on the example\'s real profile, each line holds the engine\'s flat and cum values, and nothing else', async () => {
  const { shop } = await profileFixtures();
  const agg = aggregate(decodeProfile(fs.readFileSync(shop)));
  const resolved = resolveFiles(agg, await loadResolveContext(exampleDir));
  const index = buildHeatIndex(compactForServer(agg), resolved);
  const catalog = path.join(exampleDir, 'catalog', 'catalog.go');
  const file = index.files.get(catalog);
  assert.ok(file, [...index.files.keys()].join(', '));
  const T = agg.sampleTypes.length;
  const expected = new Map<number, { self: number[]; cum: number[] }>();
  for (const l of linesInFile(agg, resolved, catalog)) {
    const e = expected.get(agg.lines.line[l]) ?? { self: new Array(T).fill(0), cum: new Array(T).fill(0) };
    for (let t = 0; t < T; t++) { e.self[t] += agg.lines.flat[t][l]; e.cum[t] += agg.lines.cum[t][l]; }
    expected.set(agg.lines.line[l], e);
  }
  assert.deepEqual([...file.lines.keys()].sort((a, b) => a - b), [...expected.keys()].sort((a, b) => a - b));
  for (const [n, e] of expected) {
    assert.deepEqual(Array.from(file.lines.get(n)!.self), e.self, `self at ${n}`);
    assert.deepEqual(Array.from(file.lines.get(n)!.cum), e.cum, `cum at ${n}`);
  }
  const ids = file.functions.find((f) => f.name.endsWith('catalog.IDs'));
  assert.ok(ids);
  assert.equal(ids.startLine, fs.readFileSync(catalog, 'utf8').split('\n').findIndex((l) => l.startsWith('func IDs(')) + 1);
  const t = agg.defaultSampleType;
  for (let i = 0; i < T; i++) assert.ok(index.maxSelf[i] >= Math.max(...[...file.lines.values()].map((h) => Math.abs(h.self[i]))));
  // Ranking is by |value|.
  const sites: Hotspot[] = [...file.lines.values()].map((h) => ({ path: catalog, line: h.line, value: h.self[t], functions: h.functions, escapes: [] }));
  const ranked = rankHotspots(sites);
  assert.ok(ranked.length > 0 && ranked.every((s, i) => i === 0 || Math.abs(ranked[i - 1].value) >= Math.abs(s.value)));
  assert.ok(ranked.every((s) => s.value !== 0));
});

test('allocations inside runtime frames count on the user line that called them', () => {
  const bytes = runtimeFramesProfile();
  const agg = aggregate(decodeProfile(bytes));
  const resolved = agg.files.map((f) => (f.startsWith('/build/') ? f : null));
  const index = buildHeatIndex(compactForServer(agg), resolved);
  const fill = index.files.get('/build/app/fill.go')!.lines.get(5)!;
  const space = agg.sampleTypes.findIndex((s) => s.type === 'alloc_space');
  assert.equal(fill.self[space], 3072 + 16);
  assert.equal(fill.cum[space], 3072 + 16);
  assert.equal(fill.runtimeFn, 'runtime.growslice');
  assert.equal(allocLabel(fill.runtimeFn, '\txs = append(xs, x)')?.from, 'profile');
  assert.equal(index.files.get('/build/app/main.go')!.lines.get(12)!.self[space], 0, 'the caller only calls');
  assert.deepEqual(index.unresolved.sort(), ['/usr/local/go/src/runtime/malloc.go', '/usr/local/go/src/runtime/slice.go']);
});

test('what the loader sends (call paths, runtime calls) equals what the line tree gives', async () => {
  const { shop, heap, allocs } = await profileFixtures();
  // Every allocation recorded: the example's map and slice growth shows as runtime frames.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-callpaths-'));
  try {
    const rate1 = path.join(tmp, 'rate1.pb.gz');
    const r = spawnSync('go', ['run', './cmd/loadgen', '-o', rate1, '-rate', '1', '-rounds', '200'], { cwd: exampleDir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const file of [shop, heap, allocs, rate1]) compareWithTree(fs.readFileSync(file));
    // Go's own profiles hide runtime frames below user code; another writer's do not.
    assert.ok(compareWithTree(runtimeFramesProfile()) > 0, 'runtime calls compared');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

function compareWithTree(bytes: Uint8Array): number {
  const agg = aggregate(decodeProfile(bytes));
  const compact = compactForServer(agg);
  let paths = 0;
  for (let l = 0; l < agg.lines.count; l++) {
    for (let t = 0; t < agg.sampleTypes.length; t++) {
      const want = topStacks(agg, l, t);
      assert.deepEqual(callPathsAt(compact, compact.callPaths!, l, t), want, `line ${l}, type ${t}`);
      paths += want.length;
    }
  }
  assert.ok(paths > 0, `${paths} paths compared`);
  // Runtime calls from the pass over samples equal the line tree's edges into runtime frames.
  const lt = agg.lineTree, T = agg.sampleTypes.length;
  const isRt = (l: number) => /^runtime\.|^internal\/runtime\//.test(agg.strings[agg.functions.name[agg.lines.fn[l]]] ?? '');
  const want = new Map<string, number[]>();
  for (let n = 1; n < lt.count; n++) {
    const p = lt.parent[n];
    if (p <= 0 || !isRt(lt.line[n]) || isRt(lt.line[p])) continue;
    const k = `${lt.line[p]}>${agg.lines.fn[lt.line[n]]}`;
    const v = want.get(k) ?? new Array<number>(T).fill(0);
    for (let t = 0; t < T; t++) v[t] += lt.total[t][n];
    want.set(k, v);
  }
  const got = new Map<string, number[]>();
  const rc = compact.runtimeCalls;
  for (let c = 0; c < rc.callerLine.length; c++) {
    const k = `${rc.callerLine[c]}>${rc.fn[c]}`;
    const v = got.get(k) ?? new Array<number>(T).fill(0);
    for (let t = 0; t < T; t++) v[t] += rc.total[t][c];
    got.set(k, v);
  }
  assert.deepEqual(got, want);
  assert.equal((compact as unknown as Record<string, unknown>).lineTree, undefined, 'no line tree is sent');
  return want.size;
}

/** A writer that keeps runtime frames (Go's own hides them): user line → growslice → mallocgc. */
function runtimeFramesProfile(): Uint8Array {
  return encodeProfile(tinyHeapProfile({
    functions: [
      { id: 1, name: 'main.main', file: '/build/app/main.go', startLine: 10 },
      { id: 2, name: 'main.fill', file: '/build/app/fill.go', startLine: 3 },
      { id: 3, name: 'runtime.growslice', file: '/usr/local/go/src/runtime/slice.go', startLine: 150 },
      { id: 4, name: 'runtime.mallocgc', file: '/usr/local/go/src/runtime/malloc.go', startLine: 900 },
    ],
    locations: [
      { id: 1, lines: [{ functionId: 1, line: 12 }] },
      { id: 2, lines: [{ functionId: 2, line: 5 }] },
      { id: 3, lines: [{ functionId: 3, line: 200 }] },
      { id: 4, lines: [{ functionId: 4, line: 1000 }] },
    ],
    samples: [
      { locationIds: [4, 3, 2, 1], values: [3, 3072, 1, 1024], bytes: 1024 },
      { locationIds: [2, 1], values: [1, 16, 0, 0], bytes: 16 },
    ],
  }));
}
