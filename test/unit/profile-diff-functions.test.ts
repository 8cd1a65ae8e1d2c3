// heaplens diff reduces one profile at a time (diffFunctions); its rows must equal
// those of the two-profiles-at-once diff (diffProfiles) on real Go-written profiles,
// and the CLI's, which sums only the asked sample type, equal go tool pprof -diff_base.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile } from '../../server/src/profile/decode';
import { diffFunctions, diffProfiles, functionVectors, vectorRows } from '../../server/src/profile/diff';
import { directAggregates } from '../../server/src/profile/directAggregate';
import { openTables } from '../../server/src/profile/open';
import { inlineMarks } from '../../server/src/profile/inlineMarks';
import { ProfileError } from '../../server/src/profile/model';
import { topFunctions } from '../../server/src/profile/query';
import { profileFixtures, pprofTop, runCli, type PprofRow } from '../helpers/profileFixtures';

const load = (f: string) => async () => aggregate(decodeProfile(fs.readFileSync(f)));
const loadVectors = (f: string) => async () => functionVectors(aggregate(decodeProfile(fs.readFileSync(f))));

test('diffFunctions equals diffProfiles per function, every sample type, both directions', async () => {
  const fx = await profileFixtures();
  const pairs: [string, string][] = [[fx.shop, fx.allocs], [fx.allocs, fx.shop], [fx.allocs, fx.allocs]];
  for (const [baseFile, curFile] of pairs) {
    const v = await diffFunctions(load(curFile), loadVectors(baseFile));
    const agg = diffProfiles(decodeProfile(fs.readFileSync(baseFile)), decodeProfile(fs.readFileSync(curFile)));
    assert.equal(v.isDiff, true);
    assert.deepEqual([...v.totals], [...agg.totals]);
    assert.equal(v.defaultSampleType, agg.defaultSampleType);
    let rows = 0;
    for (let t = 0; t < agg.sampleTypes.length; t++) {
      const want = topFunctions(agg, t);
      assert.deepEqual(vectorRows(v, t), want, `${baseFile} → ${curFile}, type ${t}`);
      rows += want.length;
    }
    assert.equal(rows > 0, baseFile !== curFile, 'a real diff has rows, a profile against itself none');
  }
});

test('diffFunctions refuses profiles of different sample types', async () => {
  const fx = await profileFixtures();
  await assert.rejects(diffFunctions(load(fx.cpu), loadVectors(fx.allocs)), (e: unknown) => e instanceof ProfileError && /different sample types/.test(e.message));
});

test('one sample type summed in each profile gives that type\'s rows; the others are absent, not zero', async () => {
  const fx = await profileFixtures();
  const one = (f: string, t: number) => async () => directAggregates(openTables(fs.readFileSync(f))!, { type: t })!.agg;
  const all = await diffFunctions(load(fx.allocs), loadVectors(fx.shop));
  for (let t = 0; t < 4; t++) {
    const v = await diffFunctions(one(fx.allocs, t), async () => functionVectors(await one(fx.shop, t)()));
    assert.deepEqual(vectorRows(v, t), vectorRows(all, t), `type ${t}`);
    assert.deepEqual([...v.totals], [...all.totals]);
    for (let u = 0; u < 4; u++) if (u !== t) assert.equal(v.flat[u], undefined);
  }
});

/** `heaplens diff BASE CUR --json` equals `pprof -top -diff_base=BASE CUR` for sample type t. */
async function assertDiffLikePprof(base: string, cur: string, t: string): Promise<void> {
  const unit = t.endsWith('space') ? 'bytes' : 'count';
  const [ours, theirs] = await Promise.all([
    runCli(['diff', base, cur, '--json', '--sample-type', t]),
    pprofTop(cur, t, unit, [`-diff_base=${base}`]),
  ]);
  assert.equal(ours.code, 0, ours.stderr);
  const got = JSON.parse(ours.stdout) as { sampleType: string; total: number; functions: PprofRow[] };
  assert.equal(got.sampleType, t);
  const byName = (rows: PprofRow[]) => new Map(rows.map((r) => [r.name, { flat: r.flat, cum: r.cum }]));
  assert.ok(theirs.rows.length > 0, 'the two profiles differ');
  assert.deepEqual(byName(got.functions), byName(theirs.rows), `${path.basename(base)} → ${path.basename(cur)} ${t}`);
}

test('heaplens diff equals go tool pprof -top -diff_base, every heap sample type, both directions', async () => {
  const fx = await profileFixtures();
  for (const [base, cur] of [[fx.shop, fx.allocs], [fx.allocs, fx.shop]]) {
    for (const t of ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']) await assertDiffLikePprof(base, cur, t);
  }
});

test('heaplens diff with a base big enough for a thread of its own (go/types\' 1.7 MB profile) equals pprof too', async () => {
  // The current profile: the same, every third sample cut out of its bytes.
  const base = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'profiles', 'gotypes.mem.out');
  const opened = openTables(fs.readFileSync(base))!;
  const { raw, samples } = opened;
  const keep: Uint8Array[] = [];
  let from = 0;
  for (let i = 0; i < samples.count; i += 3) {
    const len = samples.end[i] - samples.start[i];
    const tagAt = samples.start[i] - 1 - Math.max(1, Math.ceil(Math.log2(len + 1) / 7));
    keep.push(raw.subarray(from, tagAt));
    from = samples.end[i];
  }
  keep.push(raw.subarray(from));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-diff-'));
  try {
    const cur = path.join(tmp, 'fewer.pb');
    fs.writeFileSync(cur, Buffer.concat(keep));
    for (const t of ['alloc_space', 'inuse_objects']) await assertDiffLikePprof(base, cur, t);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('inlineMarks: a real profile with inlined allocation helpers marks them, only them', async () => {
  const fx = await profileFixtures();
  const p = decodeProfile(fs.readFileSync(fx.shop));
  const t = p.defaultSampleType;
  const marks = inlineMarks(p, t);
  // Every marked function appears as a non-outermost line of some location (inlined there).
  const inlinedNames = new Set<string>();
  const L = p.locations;
  for (let loc = 0; loc < L.count; loc++) {
    for (let e = L.lineStart[loc]; e < L.lineStart[loc + 1] - 1; e++) {
      const f = L.lineFunction[e];
      if (f >= 0) inlinedNames.add(p.strings[p.functions.name[f]]);
    }
  }
  assert.ok(inlinedNames.size > 0 && marks.size > 0, 'the shop profile has inlined frames and marks');
  for (const [name, mark] of marks) {
    assert.ok(inlinedNames.has(name), `${name} is marked ${mark} but never inlined`);
    assert.ok(mark === 'inline' || mark === 'partial-inline');
  }
});

test('heaplens diff: a base that cannot be read (read on its own thread) is one line and exit 2', async () => {
  const fx = await profileFixtures();
  const missing = path.join(fx.dir, 'no-such-base.pb.gz');
  const r = await runCli(['diff', missing, fx.allocs]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^heaplens: .*no-such-base\.pb\.gz: no such file\n$/);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-diff-'));
  const garbage = path.join(tmp, 'garbage-base.pb.gz');
  fs.writeFileSync(garbage, 'not a profile at all');
  try {
    const g = await runCli(['diff', garbage, fx.allocs, '--json']);
    assert.equal(g.code, 2);
    assert.equal(g.stdout, '');
    assert.match(g.stderr, /^heaplens: .*garbage-base\.pb\.gz: [^\n]+\n$/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
