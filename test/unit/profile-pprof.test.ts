// heaplens top must equal `go tool pprof -top -nodecount=1000000 -nodefraction=0` on
// real profiles written by real Go programs: heap (allocs and heap), CPU, and the
// bundled example's loadgen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/goFixture';
import { decodeProfile } from '../../server/src/profile/decode';
import { encodeProfile, tinyHeapProfile } from '../helpers/profileProto';
import { profileFixtures, pprofTop, runCli, type PprofRow } from '../helpers/profileFixtures';

interface TopJson { sampleType: string; unit: string; total: number; functions: PprofRow[] }

/** Compares `heaplens top --json` with pprof -top; returns how many functions pprof marks inlined. */
async function compare(file: string, sampleType: string): Promise<number> {
  const profile = decodeProfile(fs.readFileSync(file));
  const unit = profile.sampleTypes.find((s) => s.type === sampleType)!.unit;
  const [ours, theirs] = await Promise.all([
    runCli(['top', file, '--json', '--sample-type', sampleType]),
    pprofTop(file, sampleType, unit),
  ]);
  assert.equal(ours.code, 0, ours.stderr);
  const got = JSON.parse(ours.stdout) as TopJson;
  assert.equal(got.sampleType, sampleType);
  assert.equal(got.unit, unit);
  assert.equal(got.total, theirs.total, `${sampleType} total`);
  const byName = (rows: PprofRow[]) => new Map(rows.map((r) => [r.name, { flat: r.flat, cum: r.cum }]));
  assert.deepEqual(byName(got.functions), byName(theirs.rows), `${file} ${sampleType}`);
  // pprof's (inline) and (partial-inline) markers, function by function.
  const marks = (rows: PprofRow[]) => new Map(rows.filter((r) => r.inline).map((r) => [r.name, r.inline]));
  assert.deepEqual(marks(got.functions), marks(theirs.rows), `${file} ${sampleType} inline markers`);
  return marks(theirs.rows).size;
  assert.ok(got.functions.length > 0, 'some functions');
  // Sorted by flat descending, then name.
  for (let i = 1; i < got.functions.length; i++) {
    const a = got.functions[i - 1], b = got.functions[i];
    assert.ok(a.flat > b.flat || (a.flat === b.flat && a.name <= b.name), `order at ${i}: ${a.name} before ${b.name}`);
  }
}

const HEAP_TYPES = ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'];

test('top of a profile written by npm\'s pprof-format (samples before locations, C++-looking names) equals go tool pprof -top', async () => {
  const file = path.join(repoRoot, 'test', 'fixtures', 'profiles', 'pprof-format-node.pb.gz');
  let marked = 0;
  for (const t of ['objects', 'space']) marked += await compare(file, t);
  assert.ok(marked > 0, 'pprof marks some functions inlined');
});

test('top of go/types\' own benchmark profile (checked in, heavily inlined) equals go tool pprof -top, markers included', async () => {
  const file = path.join(repoRoot, 'test', 'fixtures', 'profiles', 'gotypes.mem.out');
  let marked = 0;
  for (const t of ['alloc_space', 'inuse_objects']) marked += await compare(file, t);
  assert.ok(marked > 0, 'pprof marks some functions inlined');
});

for (const which of ['allocs', 'heap', 'shop'] as const) {
  for (const t of HEAP_TYPES) {
    test(`top ${which} -sample_index=${t} equals go tool pprof -top`, async () => {
      const fx = await profileFixtures();
      await compare(fx[which], t);
    });
  }
}

test('top on a CPU profile equals go tool pprof -top for both sample types', async () => {
  const fx = await profileFixtures();
  const p = decodeProfile(fs.readFileSync(fx.cpu));
  assert.deepEqual(p.sampleTypes.map((s) => s.type), ['samples', 'cpu']);
  for (const s of p.sampleTypes) await compare(fx.cpu, s.type);
});

test('default sample type follows pprof: allocs → alloc_space, heap → inuse_space (the last)', async () => {
  const fx = await profileFixtures();
  const a = JSON.parse((await runCli(['top', fx.allocs, '--json'])).stdout) as TopJson;
  const h = JSON.parse((await runCli(['top', fx.heap, '--json'])).stdout) as TopJson;
  assert.equal(a.sampleType, 'alloc_space');
  assert.equal(h.sampleType, 'inuse_space');
});

test('the decoder keeps what the profile says: types, period, time, inlined lines, bytes label', async () => {
  const fx = await profileFixtures();
  const p = decodeProfile(fs.readFileSync(fx.allocs));
  assert.deepEqual(p.sampleTypes, [
    { type: 'alloc_objects', unit: 'count' }, { type: 'alloc_space', unit: 'bytes' },
    { type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: 'bytes' },
  ]);
  assert.deepEqual(p.periodType, { type: 'space', unit: 'bytes' });
  assert.equal(p.period, 1);
  assert.ok(p.timeNanos > 1.6e18, 'time_nanos is a recent Unix time');
  assert.ok(p.mappings.length > 0);
  // A location with several lines: small() inlined into main.main, innermost first.
  const { locations: L, functions: F, strings: S } = p;
  let inlinedSmall = false;
  for (let i = 0; i < L.count; i++) {
    const names = [];
    for (let e = L.lineStart[i]; e < L.lineStart[i + 1]; e++) names.push(S[F.name[L.lineFunction[e]]]);
    if (names.length > 1 && names[0] === 'main.small' && names[names.length - 1].startsWith('main.')) inlinedSmall = true;
  }
  assert.ok(inlinedSmall, 'main.small appears as an inlined line of a caller location');
  let withBytes = 0;
  for (let i = 0; i < p.samples.count; i++) if (p.samples.bytes[i] > 0) withBytes++;
  assert.ok(withBytes > 0 && withBytes === p.samples.count - countNaN(p.samples.bytes), 'bytes labels decoded');
});

function countNaN(a: Float64Array): number {
  let n = 0;
  for (const v of a) if (v !== v) n++;
  return n;
}

interface LineJson { file: string; line: number; function: string; flat: number; cum: number; resolved: string | null }

test('lines equal go tool pprof -top -lines (function, file:line), and resolve to files on disk', async () => {
  const fx = await profileFixtures();
  for (const t of ['alloc_space', 'inuse_objects']) {
    const [ours, theirs] = await Promise.all([
      runCli(['lines', fx.allocs, '--json', '--sample-type', t], fx.dir),
      pprofTop(fx.allocs, t, t.endsWith('space') ? 'bytes' : 'count', ['-lines']),
    ]);
    assert.equal(ours.code, 0, ours.stderr);
    // JSON Lines: one object per source line.
    const lines = ours.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as LineJson);
    for (const l of lines) assert.deepEqual(Object.keys(l), ['file', 'line', 'function', 'flat', 'cum', 'resolved']);
    const mine = new Map(lines.map((l) => [`${l.function} ${l.file}:${l.line}`, { flat: l.flat, cum: l.cum }]));
    assert.deepEqual(mine, new Map(theirs.rows.map((r) => [r.name, { flat: r.flat, cum: r.cum }])), t);
    // The generator's build dir is gone (renamed into the cache): its files resolve by
    // their trailing path under the module in fx.dir, GOROOT files to this machine's.
    const main = lines.filter((l) => l.file.endsWith('/cmd/heap/main.go'));
    assert.ok(main.length > 5);
    for (const l of main) assert.equal(l.resolved, `${fx.dir}/cmd/heap/main.go`);
    for (const l of lines) assert.ok(l.resolved && fs.existsSync(l.resolved), `${l.file} resolved`);
  }
});

test('values of 2^28 and more, and negative ones, decode exactly in packed samples', () => {
  // A packed value wider than four bytes once reset the per-sample count, and such
  // samples were refused as "sample N has 0 values" (alloc_space past 256 MiB).
  const p = decodeProfile(encodeProfile(tinyHeapProfile({ samples: [
    { locationIds: [1], values: [2 ** 28, 3 * 2 ** 40, -5, 7] },
    { locationIds: [3, 1], values: [1, -(2 ** 50), 2, 3] },
  ] })));
  assert.deepEqual([...p.samples.values], [2 ** 28, 3 * 2 ** 40, -5, 7, 1, -(2 ** 50), 2, 3]);
});
