// The watch engine without a network: the MemStats trailer, trends, stdlib
// detection, the bounded ring, and the watch loop over injected fetch/decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ProfileError } from '../../server/src/profile/model';
import { decodeProfile } from '../../server/src/profile/decode';
import { endpointsFor } from '../../server/src/watch/endpoints';
import { isStdlib, packageOf } from '../../server/src/watch/frames';
import { growthReport, suspects, trendOf } from '../../server/src/watch/growth';
import { parseExpvar, parseMemStatsTrailer } from '../../server/src/watch/memstats';
import { runWatch, type Notice } from '../../server/src/watch/watcher';
import { encodeProfile, tinyHeapProfile } from '../helpers/profileProto';

// The end of a real heap?debug=1 from examples/leaky (go1.26, PauseNs arrays cut short).
const TRAILER = `#	0x675ad5	main.quote.func1+0x35	/src/leaky/leaks.go:106

# runtime.MemStats
# Alloc = 25239904
# TotalAlloc = 91849448
# Sys = 46835992
# HeapAlloc = 25239904
# HeapSys = 41320448
# HeapIdle = 15147008
# HeapInuse = 26173440
# HeapObjects = 1564
# Stack = 622592 / 622592
# NextGC = 50708498
# PauseNs = [166376 998579 0 0]
# NumGC = 13
# GCCPUFraction = 0.0024855387616005697
# DebugGC = false
`;

test('the MemStats trailer and expvar give the same metrics', () => {
  const m = parseMemStatsTrailer(TRAILER)!;
  assert.deepEqual({ ...m }, { heapAlloc: 25239904, heapInuse: 26173440, heapSys: 41320448, heapObjects: 1564, nextGC: 50708498, numGC: 13, totalAlloc: 91849448, sys: 46835992, source: 'memstats' });
  assert.equal(parseMemStatsTrailer('heap profile: 1: 2 [3: 4] @ heap/1048576\n'), null);
  const e = parseExpvar(JSON.stringify({ cmdline: ['x'], memstats: { HeapAlloc: 1, HeapInuse: 2, HeapSys: 3, HeapObjects: 4, NextGC: 5, NumGC: 6, TotalAlloc: 7, Sys: 8 } }))!;
  assert.equal(e.source, 'expvar');
  assert.equal(e.numGC, 6);
  assert.equal(parseExpvar('<html>'), null);
  assert.equal(parseExpvar('{"cmdline":[]}'), null);
});

test('endpoints from what people type', () => {
  for (const u of ['http://127.0.0.1:6060', 'http://127.0.0.1:6060/', 'http://127.0.0.1:6060/debug/pprof/', 'http://127.0.0.1:6060/debug/pprof/heap?debug=1']) {
    const ep = endpointsFor(u);
    assert.equal(ep.base, 'http://127.0.0.1:6060/debug/pprof/', u);
    assert.equal(ep.heap(true), 'http://127.0.0.1:6060/debug/pprof/heap?gc=1');
    assert.equal(ep.vars, 'http://127.0.0.1:6060/debug/vars');
  }
  assert.equal(endpointsFor('http://h/admin/debug/pprof/').goroutine, 'http://h/admin/debug/pprof/goroutine');
  assert.throws(() => endpointsFor('file:///etc/passwd'), ProfileError);
  assert.throws(() => endpointsFor('not a url'), ProfileError);
});

test('standard library frames are told from yours', () => {
  assert.equal(packageOf('net/http.(*conn).serve'), 'net/http');
  assert.equal(packageOf('example.com/a/b.(*T).M'), 'example.com/a/b');
  assert.equal(packageOf('main.quote.func1'), 'main');
  assert.equal(packageOf('example.com/m.Map[go.shape.string/x].Put'), 'example.com/m');
  assert.ok(isStdlib('runtime.chansend1') && isStdlib('internal/runtime/maps.newarray') && isStdlib('bytes.growSlice'));
  assert.ok(!isStdlib('main.quote.func1') && !isStdlib('golang.org/x/net/http2.(*Framer).ReadFrame') && !isStdlib('leaky.handler'));
});

test('trends: steady growth is a leak, a spike that falls back is load, noise is neither', () => {
  const min = { minGrowth: 100 };
  assert.equal(trendOf([0, 200, 400, 600, 800], min).verdict, 'leak');
  assert.equal(trendOf([0, 200, 200, 600, 800], min).verdict, 'leak', 'one interval without a GC is fine');
  assert.equal(trendOf([0, 800, 100, 50, 0], min).verdict, 'load');
  assert.equal(trendOf([0, 300, 200, 600, 800], min).verdict, 'growing', 'fell back once: not steady');
  assert.equal(trendOf([0, 10, 20, 30, 40], min).verdict, 'steady', 'too small');
  assert.equal(trendOf([0, 200], min).verdict, 'growing', 'two snapshots cannot show steadiness');
  assert.equal(trendOf([800, 600, 400], min).verdict, 'shrinking');
  const kept = trendOf([0, 200, 400, 600, 800], { ...min, allocated: 8000 });
  assert.equal(kept.verdict, 'growing', 'kept 10% of what it allocated: in-flight work, not a leak');
  assert.equal(kept.retention, 0.1);
  assert.equal(trendOf([0, 200, 400, 600, 800], { ...min, allocated: 900 }).verdict, 'leak');
});

// A heap profile where main.keep (via runtime.makeslice) holds `kept` bytes and
// main.busy had `busy` bytes in flight.
function heapBytes(kept: number, busy: number, allocatedBusy: number): Uint8Array {
  return gzipSync(encodeProfile(tinyHeapProfile({
    functions: [
      { id: 1, name: 'main.main', file: '/app/main.go' },
      { id: 2, name: 'main.keep', file: '/app/leak.go' },
      { id: 3, name: 'runtime.makeslice', file: '/go/src/runtime/slice.go' },
      { id: 4, name: 'main.busy', file: '/app/busy.go' },
    ],
    locations: [
      { id: 1, lines: [{ functionId: 1, line: 5 }] },
      { id: 2, lines: [{ functionId: 2, line: 12 }] },
      { id: 3, lines: [{ functionId: 3, line: 100 }] },
      { id: 4, lines: [{ functionId: 4, line: 7 }] },
    ],
    samples: [
      { locationIds: [3, 2, 1], values: [kept / 1024, kept, kept / 1024, kept] },
      { locationIds: [4, 1], values: [allocatedBusy / 1024, allocatedBusy, busy / 1024, busy] },
    ],
  })));
}

test('the watch loop: injected fetch and decode, an outage said once, growth on the right line', async () => {
  const busy = [0, 600_000, 0, 900_000, 0, 300_000];
  let call = 0;
  const fetched: string[] = [];
  const notices: Notice[] = [];
  const result = await runWatch({
    url: 'http://svc:6060/debug/pprof/', everyMs: 1, snapshots: 6, keep: 10, gc: true,
    deps: {
      fetch: async (url) => {
        fetched.push(url);
        if (url.includes('/heap?gc=1')) {
          const n = call++;
          // Two attempts fail like a stopped service; the watch waits and goes on.
          if (n === 2 || n === 3) throw new ProfileError(`cannot fetch ${url}: connect ECONNREFUSED 127.0.0.1:6060`);
          const i = n > 3 ? n - 2 : n;
          return heapBytes(1_000_000 * (i + 1), busy[i], 10_000_000 * (i + 1));
        }
        if (url.endsWith('/debug/vars')) throw new ProfileError('HTTP 404 Not Found from ' + url);
        if (url.endsWith('heap?debug=1')) return new TextEncoder().encode(TRAILER);
        throw new ProfileError('HTTP 404 Not Found from ' + url);
      },
      decode: async (b) => decodeProfile(b),
    },
    onNotice: (n) => notices.push(n),
  });
  assert.equal(result.stopped, 'done');
  // The goroutineleak profile is not served (404): said once, never asked again.
  assert.deepEqual(notices.map((n) => n.kind), ['no-goroutineleak', 'unreachable', 'back']);
  assert.match(notices[0].message, /goroutineleak is not served: .*Go 1\.26 and GOEXPERIMENT=goroutineleakprofile/);
  assert.equal(fetched.filter((u) => u.includes('/goroutineleak')).length, 1);
  assert.equal(result.ring.size, 6);
  assert.equal(result.ring.last()!.metrics?.numGC, 13);
  assert.ok(fetched.filter((u) => u.endsWith('/debug/vars')).length === 1, 'expvar is probed once, then the trailer is used');
  const report = growthReport([...result.ring.all()]);
  const s = suspects(report);
  assert.deepEqual(s.lines.map((l) => `${l.site.fn} ${l.site.file}:${l.site.line}`), ['main.keep /app/leak.go:12'], 'runtime.makeslice is attributed to its caller');
  assert.deepEqual(s.lines[0].paths[0].frames.map((f) => f.fn), ['main.main', 'main.keep']);
  assert.equal(report.lines.find((l) => l.site.fn === 'main.busy')?.bytes.verdict, 'load');
  assert.equal(report.goroutines.total, null, 'no goroutine profile: no goroutine trend');
});

test('the ring stays at K snapshots in memory and on disk over 300 snapshots', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-ring-'));
  fs.writeFileSync(path.join(dir, 'keep-me.txt'), 'not ours');
  let n = 0;
  const result = await runWatch({
    url: 'http://svc/', everyMs: 0, snapshots: 300, keep: 4, dir,
    deps: { fetch: async (u) => { if (u.includes('debug')) { if (u.includes('heap') && !u.includes('debug=1')) return heapBytes(1000 * ++n, 0, 1000 * n); } throw new ProfileError('HTTP 404 x'); }, decode: decodeProfile },
  });
  assert.equal(result.ring.size, 4);
  assert.deepEqual(result.ring.all().map((s) => s.seq), [297, 298, 299, 300]);
  const files = fs.readdirSync(dir).sort();
  assert.deepEqual(files, ['000297.heap.pb.gz', '000297.json', '000298.heap.pb.gz', '000298.json', '000299.heap.pb.gz', '000299.json', '000300.heap.pb.gz', '000300.json', 'keep-me.txt']);
  assert.ok(result.ring.profiles(300)!.heap.length > 0 && result.ring.profiles(1) === undefined);
  assert.equal(result.ring.all().filter((s) => s.heap.paths).length, 1, 'call paths are kept for the last snapshot only');
  fs.rmSync(dir, { recursive: true, force: true });
});
