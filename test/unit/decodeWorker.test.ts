// The profile editor's decode worker: the real client/out/decodeWorker.js (built by
// scripts/build.mjs) on real profiles written by Go now, on garbage, and cancelled.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { runDecodeJob, transferables } from '../../client/src/profileEditor/decodeJob';
import { CANCELLED, decodeInWorker } from '../../client/src/profileEditor/decodeRunner';
import { parseToWebview } from '../../server/src/protocol/webview';
import { repoRoot } from '../helpers/goFixture';
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
  const r = await decodeInWorker(job, undefined, workerFile);
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

test('transferables lists each buffer once, so postMessage can move them', () => {
  const r = runDecodeJob({ current: input(fx.allocs) });
  assert.ok(r.ok && r.message.type === 'profile');
  const bufs = transferables(r);
  assert.equal(new Set(bufs).size, bufs.length);
  const t = r.message.tree;
  assert.ok(bufs.includes(t.parent.buffer as ArrayBuffer) && bufs.includes(t.self[0].buffer as ArrayBuffer));
  // Moving them empties this side: proof they were transferred, not copied.
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(r, bufs);
  port1.close(); port2.close();
  assert.equal(t.parent.length, 0);
});

test('garbage, empty and truncated bytes come back as one-line reasons, not a crashed worker', async () => {
  const heap = fs.readFileSync(fx.heap);
  const cases: [Uint8Array, RegExp][] = [
    [Buffer.from('# not a profile\nfoo 1\n'), /Cannot read x\.pb\.gz as a pprof profile/],
    [new Uint8Array(0), /is empty \(0 bytes\)/],
    [heap.subarray(0, heap.length >> 1), /Cannot read x\.pb\.gz as a pprof profile: .*(truncated|corrupt)/],
  ];
  for (const [bytes, re] of cases) {
    const r = await decodeInWorker({ current: { bytes, source: 'x.pb.gz' } }, undefined, workerFile);
    assert.equal(r.ok, false);
    if (!r.ok) { assert.match(r.error, re); assert.ok(!r.error.includes('\n')); }
  }
});

test('comparing runs in the worker too: a union tree, or the reason it cannot be drawn', async () => {
  const ok = await decodeInWorker({ current: input(fx.heap), base: input(fx.allocs) }, undefined, workerFile);
  assert.ok(ok.ok && ok.message.type === 'profile', ok.ok ? '' : ok.error);
  assert.ok(ok.message.tree.baseCum && ok.message.tree.baseCum.length === ok.message.meta.sampleTypes.length);
  const bad = await decodeInWorker({ current: input(fx.heap), base: input(fx.cpu) }, undefined, workerFile);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.error, /Cannot compare: .* has sample types/);
});

test('aborting terminates the decode and resolves as cancelled', async () => {
  const ac = new AbortController();
  const p = decodeInWorker({ current: input(fx.shop) }, ac.signal, workerFile);
  ac.abort();
  assert.deepEqual(await p, CANCELLED);
  assert.deepEqual(await decodeInWorker({ current: input(fx.shop) }, ac.signal, workerFile), CANCELLED);
});

test('without the worker file the job runs in-process, with the same answer', async () => {
  const r = await decodeInWorker({ current: input(fx.cpu) }, undefined, path.join(repoRoot, 'no-such-worker.js'));
  assert.deepEqual(r, runDecodeJob({ current: input(fx.cpu) }));
});
