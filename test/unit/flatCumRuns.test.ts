// Cum by runs of samples (FlatCumAccumulator's intervals) must give exactly the sums
// of adding each sample to each item on its stack: on real profiles in their own
// order, shuffled (little sharing: it gives up on runs), with values that are not
// integers (it must not use runs) and with sums past 2^53.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FlatCumAccumulator, Keys, locationFrames } from '../../server/src/profile/aggregate';
import { decodeProfile } from '../../server/src/profile/decode';
import { workBudget } from '../../server/src/profile/limits';
import type { Profile } from '../../server/src/profile/model';
import { repoRoot } from '../helpers/goFixture';
import { rng } from '../helpers/profileSynth';

const SEEDS = path.join(repoRoot, 'test', 'fixtures', 'profiles');

function sums(p: Profile, byRuns: boolean, order: Int32Array, scale = (v: number) => v) {
  const keys = new Keys();
  const frames = locationFrames(p, keys);
  const T = p.sampleTypes.length;
  const acc = new FlatCumAccumulator(T, [true, false], { F: keys.fnName.length, L: keys.lineFile.length }, keys.lineFn.i32(), workBudget([p]), byRuns);
  acc.useFrames(frames, p.locations.count);
  const v = new Float64Array(T);
  const { start, location } = p.stacks;
  for (const i of order) {
    const s = p.samples.stack[i];
    if (start[s] === start[s + 1]) continue;
    let zero = true;
    for (let t = 0; t < T; t++) { v[t] = scale(p.samples.values[i * T + t]); if (v[t] !== 0) zero = false; }
    if (!zero) assert.ok(acc.add(location, start[s], start[s + 1], v));
  }
  return acc.result();
}

test('cum by runs equals cum by samples on real profiles, in any order, with any values', () => {
  const files = fs.readdirSync(SEEDS).filter((f) => /\.(pb\.gz|out)$/.test(f));
  assert.ok(files.includes('gotypes.mem.out'));
  const r = rng(15);
  for (const f of files) {
    const p = decodeProfile(fs.readFileSync(path.join(SEEDS, f)));
    const n = p.samples.count;
    const inOrder = Int32Array.from({ length: n }, (_, i) => i);
    const shuffled = inOrder.slice();
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]; }
    for (const [what, order, scale] of [
      ['in order', inOrder, undefined], ['shuffled', shuffled, undefined],
      ['negative', inOrder, (x: number) => -x], ['fractional', inOrder, (x: number) => x / 3],
      ['past 2^53', inOrder, (x: number) => x * 2 ** 40],
    ] as const) {
      assert.deepEqual(sums(p, true, order, scale), sums(p, false, order, scale), `${f} ${what}`);
    }
  }
});
