// The profile editor's decode process: the real client/out/decodeWorker.js (built by
// scripts/build.mjs) forked as a child, on real profiles written by Go now, on
// garbage, on input that exhausts its memory, and cancelled.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { decodeSteps, runDecodeJob, type DecodeReply } from '../../client/src/profileEditor/decodeJob';
import { CANCELLED, decodeInChild } from '../../client/src/profileEditor/decodeRunner';
import { parseToWebview } from '../../server/src/protocol/webview';
import { repoRoot } from '../helpers/goFixture';
import { HOSTILE, hostileDir } from '../helpers/hostileProfiles';
import { profileFixtures, type ProfileFixtures } from '../helpers/profileFixtures';

const workerFile = path.join(repoRoot, 'client', 'out', 'decodeWorker.js');
let fx: ProfileFixtures;
before(async () => { fx = await profileFixtures(); });

const input = (file: string) => ({ bytes: fs.readFileSync(file), source: file });

test('the bundled worker exists next to extension.js', () => {
  assert.ok(fs.existsSync(workerFile), `${workerFile} is missing: run node scripts/build.mjs`);
});

test('the worker decodes a real profile into the same tree as the in-process job', async () => {
  const job = { current: input(fx.heap) };
  const r = await decodeInChild(job, undefined, workerFile);
  const local = runDecodeJob(job);
  assert.ok(r.ok && local.ok, r.ok ? '' : r.error);
  assert.equal(r.message.type, 'profile');
  const checked = parseToWebview(r.message);
  assert.notEqual(typeof checked, 'string', String(checked));
  assert.deepEqual(r.message, local.message);
  assert.deepEqual(r.files, local.files);
  if (r.message.type !== 'profile') return;
  assert.ok(r.message.tree.name instanceof Int32Array && r.message.tree.cum[0] instanceof Float64Array);
  assert.ok(r.message.tree.name.length > 1);
  assert.ok(r.files.some((f) => f.endsWith('.go')));
});

test('garbage, empty and truncated bytes come back as one-line reasons, not a crashed worker', async () => {
  const heap = fs.readFileSync(fx.heap);
  const cases: [Uint8Array, RegExp][] = [
    [Buffer.from('# not a profile\nfoo 1\n'), /Cannot read x\.pb\.gz as a pprof profile/],
    [new Uint8Array(0), /is empty \(0 bytes\)/],
    [heap.subarray(0, heap.length >> 1), /Cannot read x\.pb\.gz as a pprof profile: .*(truncated|corrupt)/],
  ];
  for (const [bytes, re] of cases) {
    const r = await decodeInChild({ current: { bytes, source: 'x.pb.gz' } }, undefined, workerFile);
    assert.equal(r.ok, false);
    if (!r.ok) { assert.match(r.error, re); assert.ok(!r.error.includes('\n')); }
  }
});

test('comparing runs in the worker too: a union tree, or the reason it cannot be drawn', async () => {
  const ok = await decodeInChild({ current: input(fx.heap), base: input(fx.allocs) }, undefined, workerFile);
  assert.ok(ok.ok && ok.message.type === 'profile', ok.ok ? '' : ok.error);
  assert.ok(ok.message.tree.baseCum && ok.message.tree.baseCum.length === ok.message.meta.sampleTypes.length);
  const bad = await decodeInChild({ current: input(fx.heap), base: input(fx.cpu) }, undefined, workerFile);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.error, /Cannot compare: .* has sample types/);
});

test('aborting terminates the decode and resolves as cancelled', async () => {
  const ac = new AbortController();
  const p = decodeInChild({ current: input(fx.shop) }, ac.signal, workerFile);
  ac.abort();
  assert.deepEqual(await p, CANCELLED);
  assert.deepEqual(await decodeInChild({ current: input(fx.shop) }, ac.signal, workerFile), CANCELLED);
});

test('without the worker file the job runs in-process, with the same answer', async () => {
  const r = await decodeInChild({ current: input(fx.cpu) }, undefined, path.join(repoRoot, 'no-such-worker.js'));
  assert.deepEqual(r, runDecodeJob({ current: input(fx.cpu) }));
});

test('a hostile profile (250 MB of empty strings in 255 KB) is one sentence; this process lives on', async () => {
  // Before: a worker thread pushed strings until V8 aborted the whole extension host.
  // Now the child is stopped at its memory ceiling (cut to 300 MB here so the test is
  // quick), or the engine refuses the input outright; either way one line comes back.
  const file = path.join(hostileDir, HOSTILE.emptyStrings);
  const t0 = Date.now();
  const r = await decodeInChild({ current: input(file) }, undefined, workerFile, { maxHeapMb: 1024, maxRssMb: 300, timeoutMs: 60_000 });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.error, /^Cannot read .*empty-strings-250mb\.pb\.gz/);
    assert.ok(!r.error.includes('\n'), r.error);
  }
  assert.ok(Date.now() - t0 < 60_000);
  const again = await decodeInChild({ current: input(fx.cpu) }, undefined, workerFile);
  assert.ok(again.ok, 'the next decode works');
});

test('a decode past its time limit is stopped and said so', async () => {
  const r = await decodeInChild({ current: input(fx.shop) }, undefined, workerFile, { maxHeapMb: 1024, maxRssMb: 4096, timeoutMs: 1 });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error, /took longer than 0 s and was stopped/);
});

test('Restricted Mode: the same decode on a thread (no process), hostile input refused, this process lives on', async () => {
  const job = { current: input(fx.heap) };
  const r = await decodeInChild(job, undefined, workerFile, undefined, false);
  const local = runDecodeJob(job);
  assert.ok(r.ok && local.ok, r.ok ? '' : r.error);
  assert.deepEqual(r.message, local.message);
  const bad = await decodeInChild({ current: input(path.join(hostileDir, HOSTILE.emptyStrings)) }, undefined, workerFile, undefined, false);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.error, /^Cannot read .*empty-strings-250mb\.pb\.gz.*refusing/);
  const again = await decodeInChild({ current: input(fx.cpu) }, undefined, workerFile, undefined, false);
  assert.ok(again.ok, 'the next decode works');
});

test('the table comes ahead of the call tree, from a process and from a thread, equal to the in-process one', async () => {
  const job = { current: input(path.join(repoRoot, 'test', 'fixtures', 'profiles', 'gotypes.mem.out')) };
  const local = decodeSteps(job);
  const want = local.early();
  const wantFinal = local.finish();
  assert.ok(want?.ok && wantFinal.ok);
  for (const trusted of [true, false]) {
    const order: string[] = [];
    let table: DecodeReply | undefined;
    const r = await decodeInChild(job, undefined, workerFile, undefined, trusted, (t) => { order.push('table'); table = t; });
    order.push('answer');
    assert.deepEqual(order, ['table', 'answer'], `${trusted ? 'process' : 'thread'}: once, first`);
    assert.deepEqual(table, want);
    assert.deepEqual(r, wantFinal);
  }
  // Nothing ahead when there is no table: text, and a comparison.
  let early = 0;
  const text = await decodeInChild({ current: { bytes: Buffer.from('heap profile: 1: 8 [1: 8] @ heap/1048576\n1: 8 [1: 8] @ 0x1\n'), source: 'h.txt' } }, undefined, workerFile, undefined, true, () => early++);
  const cmp = await decodeInChild({ current: input(fx.heap), base: input(fx.allocs) }, undefined, workerFile, undefined, true, () => early++);
  assert.ok(text.ok && cmp.ok);
  assert.equal(early, 0);
});
