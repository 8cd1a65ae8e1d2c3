// heaplens top/lines/diff read samples where they lie (directAggregate.ts): the
// numbers must be the ordinary decode + aggregate's, exactly, on real profiles, and
// anything odd must be handed back to the ordinary path (which says what is wrong).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { openTables } from '../../server/src/profile/open';
import { repoRoot } from '../helpers/goFixture';
import { compareDirect } from '../helpers/directCompare';
import { profileFixtures } from '../helpers/profileFixtures';
import { encodeProfile, tinyHeapProfile } from '../helpers/profileProto';

const SEED_DIR = path.join(repoRoot, 'test', 'fixtures', 'profiles');

test('real Go-written profiles: the direct reading equals decode + aggregate, gzip or raw', async () => {
  const fx = await profileFixtures();
  const files = [fx.allocs, fx.heap, fx.cpu, fx.shop, ...fs.readdirSync(SEED_DIR).filter((f) => /\.(pb\.gz|out)$/.test(f)).map((f) => path.join(SEED_DIR, f))];
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    assert.equal(compareDirect(f, bytes), 'same', f);
    assert.equal(compareDirect(`${f} (inflated)`, zlib.gunzipSync(bytes)), 'same', f);
  }
});

test('legacy text and non-profiles are not read directly', () => {
  assert.equal(openTables(new TextEncoder().encode('heap profile: 1: 2 [3: 4] @ heap/1048576\n1: 2 [3: 4] @ 0x1\n')), null);
  assert.equal(openTables(new Uint8Array([0xff, 0xff, 0xff])), null);
  assert.equal(openTables(new Uint8Array()), null);
});

test('hand-made edge cases: recursion, unpacked fields and negative values read the same; sparse ids and bad samples handed back', () => {
  const same = (name: string, overrides: Parameters<typeof tinyHeapProfile>[0]) => assert.equal(compareDirect(name, encodeProfile(tinyHeapProfile(overrides))), 'same', name);
  const refused = (name: string, overrides: Parameters<typeof tinyHeapProfile>[0]) => assert.equal(compareDirect(name, encodeProfile(tinyHeapProfile(overrides))), 'refused', name);
  same('tiny', {});
  same('recursion', { samples: [{ locationIds: [2, 1, 2, 1, 3, 1], values: [1, 2, 3, 4], bytes: 8 }] });
  same('negative values (a diff or delta)', { samples: [{ locationIds: [2, 1], values: [-1, -(2 ** 40), 3, -4], bytes: 8 }, { locationIds: [3], values: [1, 2 ** 40, 0, 0] }] });
  same('unpacked ids and values (Go writes stacks of one or two so)', { samples: [{ locationIds: [3, 1], values: [1, 2, 2 ** 30, -4], unpacked: true }, { locationIds: [2, 1], values: [5, 6, 7, 8] }] });
  // Ids of 4 and 8 bytes, far beyond the table's size: no dense index, handed back.
  // (Three-byte ids are in pprof-format-node.pb.gz, read above.)
  const wide = { locations: [{ id: 2 ** 24 + 5, lines: [{ functionId: 1, line: 12 }] }, { id: 2 ** 40, lines: [{ functionId: 2, line: 5 }] }] };
  assert.equal(compareDirect('sparse wide ids', encodeProfile(tinyHeapProfile({ ...wide, samples: [{ locationIds: [2 ** 40, 2 ** 24 + 5], values: [1, 2, 3, 4] }] }))), 'declined');
  same('empty stack and zero sample', { samples: [{ locationIds: [], values: [1, 2, 3, 4] }, { locationIds: [1], values: [0, 0, 0, 0] }, { locationIds: [3, 1], values: [5, 6, 7, 8] }] });
  refused('unknown location id', { samples: [{ locationIds: [9, 1], values: [1, 2, 3, 4] }] });
  refused('three values for four types', { samples: [{ locationIds: [1], values: [1, 2, 3] }] });
  refused('five values for four types', { samples: [{ locationIds: [1], values: [1, 2, 3, 4, 5] }] });
});
