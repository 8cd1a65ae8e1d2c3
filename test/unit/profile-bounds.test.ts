// Issue 11, items 1–4 and "also fix": a profile's cost is bounded by its size on
// disk. Each hostile input is refused with one sentence, fast and in bounded memory;
// numbers past 2^32 and 2^63 are refused or kept exact, never wrapped; a sample
// with an empty stack counts in the total and in the flame tree's root alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile, ProfileError } from '../../server/src/profile/decode';
import { topFunctions } from '../../server/src/profile/query';
import {
  bigNumbers, commentBomb, emptyEntriesBomb, emptyStackProfile, inliningAmplifier, stringBomb, type Hostile,
} from '../helpers/hostileGenerators';
import { pprofTop } from '../helpers/profileFixtures';

/** CPU seconds of this process (not wall time: the machine may be shared). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function refused(h: Hostile, budgetCpuS = 5): void {
  const before = cpuSeconds();
  assert.throws(() => {
    const agg = aggregate(decodeProfile(h.bytes));
    void agg.functions; void agg.lines; void agg.tree;
  }, (e: unknown) => {
    assert.ok(e instanceof ProfileError, `${h.name}: ProfileError, got ${String(e)}`);
    assert.match(e.message, h.refusal!, h.name);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
  const spent = cpuSeconds() - before;
  assert.ok(spent < budgetCpuS, `${h.name}: refused in ${spent.toFixed(2)} CPU s (budget ${budgetCpuS})`);
}

test('item 1: a 125,000,000-string gzip bomb (250 MB inflated) is refused in one sentence, not a V8 crash', () => {
  const h = stringBomb(125_000_000);
  assert.ok(h.bytes.length < 512 * 1024, `small on disk (${h.bytes.length} bytes)`);
  refused(h);
  // Under the inflate cap the string cap speaks, naming counts and the file size.
  const small = stringBomb(3_000_000);
  assert.throws(() => decodeProfile(small.bytes), /this profile has more than [\d,]+ string table entries in \d+ KB; refusing: more than [\d,]+ for a file this size$/);
  refused(commentBomb(20_000_000));
});

test('item 2: empty samples, mappings, sample types and duplicate locations are capped', () => {
  for (const kind of ['samples', 'mappings', 'sampleTypes', 'locations'] as const) refused(emptyEntriesBomb(kind, 30_000_000));
  assert.throws(() => decodeProfile(emptyEntriesBomb('sampleTypes', 5000).bytes), /this profile has more than 1,024 sample types/);
});

test('item 3: inlined-frame amplification is refused before it runs away; modest inlining is fine', () => {
  const h = inliningAmplifier(30_000, 30_000);
  assert.ok(h.bytes.length < 2 * 1024 * 1024);
  refused(h);
  // The same shape at a size pprof handles in a blink decodes, aggregates and draws.
  const ok = aggregate(decodeProfile(inliningAmplifier(50, 2000).bytes));
  const f1 = ok.functions.name.findIndex((n) => ok.strings[n] === 'main.f1');
  assert.equal(ok.functions.cum[0][f1], 2000, 'each stack counts main.f1 once');
  assert.equal(ok.tree.total[0][0], 2000);
});

test('item 4: indexes past 2^32 are refused, not wrapped; big ids and addresses stay exact', () => {
  const b = bigNumbers();
  assert.throws(() => decodeProfile(b.nameIndex), /function name: string index 4294967299 out of range$/);
  assert.throws(() => decodeProfile(b.unknownBigLocation), /location id 4294967299 out of range$/);
  const agg = aggregate(decodeProfile(b.bigLocationId));
  assert.deepEqual(topFunctions(agg, 1).map((r) => [r.name, r.flat, r.cum]), [['main.alloc', 8, 8], ['main.main', 0, 8]]);
  const p = decodeProfile(b.highAddress);
  assert.equal(p.mappings[0].memoryStart, 2n ** 63n);
  assert.equal(p.mappings[0].memoryLimit, 2n ** 64n - 1n);
  const names = topFunctions(aggregate(p), 1).map((r) => r.name);
  assert.deepEqual(names, ['/bin/app 0x8000000000000010']);
});

test('also fix: a sample with an empty stack is in the total and in the flame root, as in pprof', async () => {
  const bytes = emptyStackProfile();
  const agg = aggregate(decodeProfile(bytes));
  for (let t = 0; t < agg.sampleTypes.length; t++) {
    let flat = 0;
    for (const v of agg.functions.flat[t]) flat += v;
    assert.equal(agg.tree.total[t][0], agg.totals[t], 'root holds the total');
    assert.equal(agg.tree.self[t][0], agg.totals[t] - flat, 'the empty stack is the root\'s own value');
  }
  assert.equal(agg.tree.self[1][0], 700);
  // pprof: the total counts every sample; no function gets the empty one.
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-empty-')), 'empty-stack.pb');
  try {
    fs.writeFileSync(file, bytes);
    const theirs = await pprofTop(file, 'alloc_space', 'bytes');
    assert.equal(theirs.total, agg.totals[1]);
    assert.deepEqual(new Map(theirs.rows.map((r) => [r.name, [r.flat, r.cum]])), new Map(topFunctions(agg, 1).map((r) => [r.name, [r.flat, r.cum]])));
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
