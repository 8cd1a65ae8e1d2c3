// Seeded mutations of every legacy format (checked-in files and Go's own text):
// each one opens to a consistent model or fails with a one-line ProfileError;
// nothing else is thrown, nothing hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { aggregate } from '../../server/src/profile/aggregate';
import { ProfileError } from '../../server/src/profile/model';
import { openProfile } from '../../server/src/profile/open';
import { CHECKED_IN, GO_PROFILES, goLegacyFixtures } from '../helpers/legacyFixtures';
import { rng } from '../helpers/profileSynth';

const TOKENS = ['\n', ' ', '@', '0x', '-', '#\t0x1\tmain.f+0x1\t/a.go:1', '---', ':', '[', ']', '=', '99999999999999999999', '0xffffffffffffffffff', '\r\n', '\0'];

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = Array.from(src);
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (b.length + 1));
    const op = Math.floor(r() * 4);
    if (op === 0) b.splice(at, 1 + Math.floor(r() * 16));
    else if (op === 1) b.splice(at, 0, ...Buffer.from(TOKENS[Math.floor(r() * TOKENS.length)]));
    else if (op === 2 && at < b.length) b[at] = Math.floor(r() * 256);
    else b.length = Math.min(b.length, at); // truncation
  }
  return Uint8Array.from(b);
}

test('seeded mutations of legacy profiles: a consistent model or a one-line ProfileError', async () => {
  const fx = await goLegacyFixtures();
  const srcs = [...CHECKED_IN, ...GO_PROFILES.map((n) => fx.text(n))].map((f) => {
    const b = fs.readFileSync(f);
    return b.length > 64 * 1024 ? b.subarray(0, b.indexOf('\n\n', 32 * 1024) + 2) : b;
  });
  const r = rng(0x1e6ac);
  let ok = 0, refused = 0;
  for (let i = 0; i < 600; i++) {
    const input = mutate(srcs[i % srcs.length], r);
    try {
      const p = openProfile(input);
      const agg = aggregate(p);
      const T = p.sampleTypes.length;
      assert.equal(p.samples.values.length, p.samples.count * T);
      for (let s = 0; s < p.stacks.count; s++) {
        for (let e = p.stacks.start[s]; e < p.stacks.start[s + 1]; e++) assert.ok(p.stacks.location[e] >= 0 && p.stacks.location[e] < p.locations.count);
      }
      for (let e = 0; e < p.locations.lineFunction.length; e++) assert.ok(p.locations.lineFunction[e] < p.functions.count);
      assert.equal(agg.totals.length, T);
      ok++;
    } catch (e) {
      assert.ok(e instanceof ProfileError, `mutation ${i}: ${e instanceof Error ? e.stack : String(e)}`);
      assert.ok(!e.message.includes('\n') && e.message.length > 0, `one line: ${e.message}`);
      refused++;
    }
  }
  assert.ok(ok > 50 && refused > 50, `both outcomes seen: ${ok} read, ${refused} refused`);
});
