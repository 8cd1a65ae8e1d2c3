// `heaplens watch` against the real examples/leaky service on 127.0.0.1: every
// planted leak is a top suspect within 5 snapshots, on its line; the busy but
// non-leaking handler is not. And services that go away, are slow or are not Go.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureProfile } from '../../server/src/profile/capture';
import { runCli } from '../helpers/profileFixtures';
import { buildLeaky, markers, startLeaky, type LeakyBuild } from '../helpers/leaky';

let build: LeakyBuild;
const servers: http.Server[] = [];

before(async () => { build = await buildLeaky(); });
after(() => {
  for (const s of servers) s.close();
  fs.rmSync(build.dir, { recursive: true, force: true });
});

interface JsonSite { function: string; file: string; line: number; verdict: string; growthBytes: number }
interface JsonGroup { function: string; file: string; line: number; wait: string; growth: number }

test('finds each planted leak on its line within 5 snapshots, and not the busy handler', async (t) => {
  const svc = await startLeaky(build, ['-leak', 'all', '-memprofilerate', '8192']);
  t.after(() => svc.stop());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-watch-'));
  const r = await runCli(['watch', `${svc.url}/debug/pprof/`, '--every', '600ms', '--snapshots', '5', '--gc', '--json', '--dir', dir, '--keep', '3', '--min-growth', '128KiB']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.snapshots, 3, 'growth is measured over the kept snapshots');
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.heap.pb.gz')).length, 3, 'the disk ring keeps 3');
  fs.rmSync(dir, { recursive: true, force: true });
  const m = markers(build.dir);
  const lines = out.suspects.lines as JsonSite[];
  const at = (key: string) => lines.findIndex((l) => l.file === m.get(key)!.file && l.line === m.get(key)!.line);
  for (const leak of ['buffers', 'sessions', 'thumbnails']) {
    const i = at(`leak:${leak}`);
    assert.ok(i >= 0 && i < 5, `${leak} leak at ${m.get(`leak:${leak}`)!.line} not a top suspect: ${JSON.stringify(lines.map((l) => [l.line, l.growthBytes]))}`);
  }
  const busy = m.get('busy:report')!;
  assert.ok(!lines.some((l) => l.file === busy.file), 'report.go allocates a lot but keeps nothing: no suspect there');
  const groups = out.suspects.goroutines as JsonGroup[];
  const g = m.get('leak:goroutines')!;
  assert.equal(groups[0]?.line, g.line, JSON.stringify(groups));
  assert.equal(groups[0].file, g.file);
  assert.equal(groups[0].wait, 'chan send');
  assert.ok(out.timeline.every((t: { metrics: { numGC: number } | null }) => t.metrics && t.metrics.numGC > 0), 'runtime metrics from the MemStats trailer');
});

test('without leaks the same load gives no suspect', async (t) => {
  const svc = await startLeaky(build, ['-memprofilerate', '8192']);
  t.after(() => svc.stop());
  const r = await runCli(['watch', svc.url, '--every', '200ms', '--snapshots', '5', '--gc', '--fail-on-leak', '--min-growth', '128KiB']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /No heap leak suspects/);
  assert.doesNotMatch(r.stdout, /Goroutine leak suspects/);
});

test('the text table names the leak lines and exits 1 with --fail-on-leak', async (t) => {
  const svc = await startLeaky(build, ['-leak', 'thumbnails', '-memprofilerate', '8192']);
  t.after(() => svc.stop());
  const r = await runCli(['watch', `${svc.url}/debug/pprof/heap`, '--every', '200ms', '--snapshots', '4', '--gc', '--fail-on-leak']);
  assert.equal(r.code, 1, r.stderr);
  const line = markers(build.dir).get('leak:thumbnails')!.line;
  assert.match(r.stdout, new RegExp(`Leak suspects[^]*leaks\\.go:${line} main\\.decodeImage\\n.*via main\\.thumbnail leaks\\.go:\\d+`));
});

test('a service that goes away is reported once, waited for, and welcomed back', async (t) => {
  // Real profiles from the real service, served by a stand-in that goes away after
  // its first snapshot and comes back on the same port a second later.
  const svc = await startLeaky(build, [], 0);
  t.after(() => svc.stop());
  const heap = await captureProfile(`${svc.url}/debug/pprof/heap`);
  const goroutine = await captureProfile(`${svc.url}/debug/pprof/goroutine`);
  let served = 0;
  const sockets = new Set<import('node:net').Socket>();
  const serve = (s: http.Server) => s.on('connection', (c) => { sockets.add(c); c.on('close', () => sockets.delete(c)); });
  const handler: http.RequestListener = (req, res) => {
    if (req.url!.startsWith('/debug/pprof/heap?gc') || req.url === '/debug/pprof/heap') {
      res.end(heap);
      if (++served === 1) setImmediate(goAway);
    } else if (req.url === '/debug/pprof/goroutine') res.end(goroutine);
    else { res.writeHead(404); res.end(); }
  };
  let stand = http.createServer(handler);
  serve(stand);
  await new Promise<void>((r) => stand.listen(0, '127.0.0.1', r));
  const port = (stand.address() as AddressInfo).port;
  function goAway() {
    stand.close();
    for (const c of sockets) c.destroy();
    setTimeout(() => { stand = http.createServer(handler); serve(stand); stand.listen(port, '127.0.0.1'); servers.push(stand); }, 1000);
  }
  const r = await runCli(['watch', `http://127.0.0.1:${port}/debug/pprof/`, '--every', '200ms', '--snapshots', '3', '--for', '60s']);
  assert.equal(r.code, 0, r.stderr);
  const said = r.stderr.split('\n').filter(Boolean);
  // The stand-in answers 404 for goroutineleak: said once, whenever the first answer came.
  const leakNote = said.filter((l) => /goroutineleak is not served: .*GOEXPERIMENT=goroutineleakprofile/.test(l));
  assert.equal(leakNote.length, 1, r.stderr);
  const rest = said.filter((l) => !leakNote.includes(l));
  assert.equal(rest.length, 3, r.stderr);
  assert.match(rest[0], /no runtime metrics/);
  assert.match(rest[1], /does not answer \(.*ECONNREFUSED.*\): has the service stopped\? Waiting for it/);
  assert.match(rest[2], /answers again/);
  assert.match(r.stdout, /3 snapshots/);
});

test('a slow service is reported once; a service that is not Go stops the watch', async () => {
  const slow = http.createServer((_req, res) => { setTimeout(() => res.end('late'), 1500); });
  const notGo = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>hello</html>'); });
  const missing = http.createServer((_req, res) => { res.writeHead(404); res.end('not found'); });
  for (const s of [slow, notGo, missing]) { servers.push(s); await new Promise<void>((r) => s.listen(0, '127.0.0.1', r)); }
  const url = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/debug/pprof/`;

  const a = await runCli(['watch', url(slow), '--every', '200ms', '--timeout', '300ms', '--for', '1500ms']);
  assert.equal(a.code, 2);
  assert.equal(a.stderr.split('\n').filter((l) => /answers slowly/.test(l)).length, 1, a.stderr);
  assert.match(a.stderr, /no snapshot .* could be taken/);

  const b = await runCli(['watch', url(notGo), '--every', '200ms', '--for', '5s']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /is not a Go profile.*net\/http\/pprof.*stopping the watch/);
  assert.equal(b.stderr.trim().split('\n').length, 1, b.stderr);

  const c = await runCli(['watch', url(missing), '--every', '200ms', '--for', '5s']);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /HTTP 404: the program does not serve net\/http\/pprof/);
});
