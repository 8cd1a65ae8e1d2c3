// heaplens diff reduces one profile at a time (diffFunctions); its rows must equal
// those of the two-profiles-at-once diff (diffProfiles) on real Go-written profiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile } from '../../server/src/profile/decode';
import { diffFunctions, diffProfiles, vectorRows } from '../../server/src/profile/diff';
import { inlineMarks } from '../../server/src/profile/inlineMarks';
import { ProfileError } from '../../server/src/profile/model';
import { topFunctions } from '../../server/src/profile/query';
import { profileFixtures } from '../helpers/profileFixtures';

test('diffFunctions equals diffProfiles per function, every sample type, both directions', async () => {
  const fx = await profileFixtures();
  const pairs: [string, string][] = [[fx.shop, fx.allocs], [fx.allocs, fx.shop], [fx.allocs, fx.allocs]];
  for (const [baseFile, curFile] of pairs) {
    const load = (f: string) => async () => aggregate(decodeProfile(fs.readFileSync(f)));
    const v = await diffFunctions(load(baseFile), load(curFile));
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
  const load = (f: string) => async () => aggregate(decodeProfile(fs.readFileSync(f)));
  await assert.rejects(diffFunctions(load(fx.allocs), load(fx.cpu)), (e: unknown) => e instanceof ProfileError && /different sample types/.test(e.message));
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
