// Seeded random mutations of real profiles: each either decodes to a consistent model
// or throws ProfileError. Never another exception, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile, ProfileError } from '../../server/src/profile/decode';
import { profileFixtures } from '../helpers/profileFixtures';
import { rng } from '../helpers/profileSynth';


function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = Uint8Array.from(src);
  const at = () => Math.floor(r() * b.length);
  switch (Math.floor(r() * 6)) {
    case 0: { for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) b[at()] ^= 1 << Math.floor(r() * 8); return b; }
    case 1: { for (let i = 0, n = 1 + Math.floor(r() * 8); i < n; i++) b[at()] = Math.floor(r() * 256); return b; }
    case 2: return b.subarray(0, at());
    case 3: { const i = at(), j = at(); const out = new Uint8Array(b.length + Math.abs(j - i)); out.set(b.subarray(0, Math.max(i, j))); out.set(b.subarray(Math.min(i, j)), Math.max(i, j)); return out; }
    case 4: { const i = at(); const junk = Uint8Array.from({ length: 1 + Math.floor(r() * 16) }, () => Math.floor(r() * 256)); const out = new Uint8Array(b.length + junk.length); out.set(b.subarray(0, i)); out.set(junk, i); out.set(b.subarray(i), i + junk.length); return out; }
    default: { const i = at(), n = Math.floor(r() * 64); const out = new Uint8Array(Math.max(0, b.length - n)); out.set(b.subarray(0, i)); out.set(b.subarray(Math.min(b.length, i + n)).subarray(0, out.length - i), i); return out; }
  }
}

test('300 seeded mutations of real profiles: consistent model or ProfileError', async () => {
  const fx = await profileFixtures();
  const sources = [fx.allocs, fx.heap, fx.cpu, fx.shop].map((f) => fs.readFileSync(f));
  const inputs = [...sources, ...sources.map((s) => zlib.gunzipSync(s))];
  const r = rng(0x5eed);
  let decoded = 0, rejected = 0;
  for (let i = 0; i < 300; i++) {
    const src = inputs[i % inputs.length];
    const bytes = mutate(src, r);
    const t0 = performance.now();
    try {
      const agg = aggregate(decodeProfile(bytes, { maxInflatedBytes: 64 * 1024 * 1024 }));
      decoded++;
      for (let t = 0; t < agg.sampleTypes.length; t++) {
        let flat = 0;
        for (const v of agg.functions.flat[t]) flat += v;
        const whole = agg.totals[t];
        const tol = 1e-9 * Math.max(1, Math.abs(whole));
        assert.ok(Math.abs(flat + agg.tree.self[t][0] - whole) <= tol, `mutation ${i}: flat sums to the total`);
        assert.ok(Math.abs(agg.tree.total[t][0] - whole) <= tol, `mutation ${i}: tree root holds the total`);
      }
    } catch (e) {
      if (!(e instanceof ProfileError)) assert.fail(`mutation ${i}: ${String(e)}`);
      assert.ok(e.message.length > 0 && !e.message.includes('\n'));
      rejected++;
    }
    assert.ok(performance.now() - t0 < 5000, `mutation ${i} took too long`);
  }
  assert.equal(decoded + rejected, 300);
  assert.ok(rejected > 0 && decoded > 0, `both outcomes happen (decoded ${decoded}, rejected ${rejected})`);
});
