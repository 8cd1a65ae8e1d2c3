// Bad input gets one clear line (ProfileError, or exit 2 from the CLI), never a crash or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile, ProfileError } from '../../server/src/profile/decode';
import { encodeProfile, tinyHeapProfile } from '../helpers/profileProto';
import { profileFixtures, runCli } from '../helpers/profileFixtures';
import { tempDir } from '../helpers/goFixture';

const tmp = tempDir('heaplens-bad-');
const put = (name: string, bytes: Uint8Array | string) => { const p = path.join(tmp, name); fs.writeFileSync(p, bytes); return p; };

function rejects(bytes: Uint8Array, message: RegExp, opts?: { maxInflatedBytes?: number }): void {
  for (const inflater of ['native', 'pako'] as const) rejectsWith(bytes, message, { ...opts, inflater });
}

function rejectsWith(bytes: Uint8Array, message: RegExp, opts: { maxInflatedBytes?: number; inflater: 'native' | 'pako' }): void {
  assert.throws(() => decodeProfile(bytes, opts), (e: unknown) => {
    assert.ok(e instanceof ProfileError, `ProfileError, got ${String(e)}`);
    assert.match(e.message, message);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('empty file', () => rejects(new Uint8Array(0), /^empty file, not a pprof profile$/));

test('text is not a profile', () => rejects(Buffer.from('hello, this is not a profile\n'), /^not a pprof profile/));

test('JSON is not a profile', () => rejects(Buffer.from('{"samples": [1, 2, 3]}'), /^not a pprof profile/));

test('truncated gzip', async () => {
  const gz = fs.readFileSync((await profileFixtures()).allocs);
  rejects(gz.subarray(0, Math.floor(gz.length / 2)), /^truncated gzip data$/);
  rejects(gz.subarray(0, 10), /^truncated gzip data$/);
});

test('corrupted gzip', async () => {
  const gz = Buffer.from(fs.readFileSync((await profileFixtures()).allocs));
  for (let i = 20; i < gz.length - 8; i += 7) gz[i] ^= 0x5a;
  rejects(gz, /^(corrupt gzip data \(.+\)|truncated gzip data|not a pprof profile \(.+\))$/);
});

test('truncated protobuf', async () => {
  const raw = zlib.gunzipSync(fs.readFileSync((await profileFixtures()).allocs));
  for (const cut of [1, 7, Math.floor(raw.length / 3), raw.length - 1]) {
    assert.throws(() => decodeProfile(raw.subarray(0, cut)), ProfileError, `cut at ${cut}`);
  }
});

test('gzip bomb stops at the limit, fast, with either inflater', () => {
  const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
  assert.ok(bomb.length < 200 * 1024, 'small on disk');
  for (const inflater of ['native', 'pako'] as const) {
    const t0 = performance.now();
    rejectsWith(bomb, /^this profile inflates to more than 4 MiB from \d+ KB of gzip; refusing: more than 4 MiB for a file this size$/, { maxInflatedBytes: 4 * 1024 * 1024, inflater });
    assert.ok(performance.now() - t0 < 2000, `${inflater} stops early`);
  }
});

test('both inflaters decode the same profile', async () => {
  const gz = fs.readFileSync((await profileFixtures()).shop);
  const a = aggregate(decodeProfile(gz, { inflater: 'native' }));
  const b = aggregate(decodeProfile(gz, { inflater: 'pako' }));
  assert.deepEqual(Array.from(a.totals), Array.from(b.totals));
  assert.deepEqual(a.functions.cum, b.functions.cum);
});

test('out-of-range ids and string indexes name the id', () => {
  rejects(encodeProfile(tinyHeapProfile({ samples: [{ locationIds: [12], values: [1, 2, 3, 4] }] })), /^location id 12 out of range$/);
  const badFn = tinyHeapProfile();
  badFn.locations = [{ id: 1, lines: [{ functionId: 99, line: 1 }] }];
  badFn.samples = [{ locationIds: [1], values: [1, 2, 3, 4] }];
  rejects(encodeProfile(badFn), /^function id 99 out of range$/);
  rejects(encodeProfile(tinyHeapProfile({ rawFunctionNameIndex: 5000 })), /string index 5000 out of range/);
  rejects(encodeProfile(tinyHeapProfile({ samples: [{ locationIds: [1], values: [1, 2] }] })), /^sample 0 has 2 values, expected 4/);
});

test('zero samples decode to an empty, consistent model', () => {
  const p = decodeProfile(encodeProfile(tinyHeapProfile({ samples: [] })));
  assert.equal(p.samples.count, 0);
  const agg = aggregate(p);
  assert.deepEqual(Array.from(agg.totals), [0, 0, 0, 0]);
  assert.equal(agg.tree.count, 1, 'just the root');
  assert.equal(agg.sampleTypes[agg.defaultSampleType].type, 'alloc_space');
});

test('CLI: exit 2 and one line for unreadable input; the valid types when the type is unknown', async () => {
  const fx = await profileFixtures();
  const gz = fs.readFileSync(fx.allocs);
  const cases: [string[], RegExp][] = [
    [['top', put('trunc.pb.gz', gz.subarray(0, gz.length >> 1))], /^heaplens: .*trunc\.pb\.gz: truncated gzip data$/],
    [['top', put('text.txt', 'not a profile at all')], /^heaplens: .*text\.txt: not a pprof profile/],
    [['top', put('empty.pb', new Uint8Array(0))], /^heaplens: .*empty\.pb: empty file, not a pprof profile$/],
    [['top', path.join(tmp, 'missing.pb.gz')], /^heaplens: .*missing\.pb\.gz: no such file$/],
    [['top', fx.allocs, '--sample-type', 'bogus'], /^heaplens: unknown sample type 'bogus' \(valid: alloc_objects, alloc_space, inuse_objects, inuse_space\)$/],
    [['lines', fx.allocs, '--sample-type', 'bogus'], /^heaplens: unknown sample type 'bogus'/],
    [['diff', fx.allocs, fx.cpu], /^heaplens: cannot diff profiles with different sample types/],
    [['top', fx.allocs, '--limit', 'x'], /^heaplens: --limit needs a non-negative integer/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i][0].join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr.trimEnd(), cases[i][1]);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, 'one line, no stack trace');
  });
});
