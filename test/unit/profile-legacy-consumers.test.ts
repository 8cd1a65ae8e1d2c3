// Legacy profiles open everywhere a protobuf one does: the flamegraph's data path
// (the editor's loadProfile → webview message), `heaplens diff`, and URLs of
// net/http/pprof, including ?debug=1 and an allocs delta (?seconds=N).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { isLoaded, loadProfile, profileMessage } from '../../client/src/profileEditor/load';
import { parseToWebview } from '../../server/src/protocol/webview';
import { goLegacyFixtures, legacyDir } from '../helpers/legacyFixtures';
import { runCli } from '../helpers/profileFixtures';

test('the flamegraph opens a Go debug=1 heap text and a binary CPU profile, header saying what they are', async () => {
  const fx = await goLegacyFixtures();
  for (const [file, format, leaf] of [
    [fx.text('heap'), 'Go heap profile (debug=1 text)', 'main.leaf'],
    [path.join(legacyDir, 'cpu-64be.prof'), 'legacy binary CPU profile (64-bit big-endian words)', '[server]'],
  ] as const) {
    const r = loadProfile(fs.readFileSync(file), path.basename(file));
    assert.ok(isLoaded(r), 'error' in r ? r.error : '');
    const msg = profileMessage(r);
    assert.equal(msg.type, 'profile');
    if (msg.type !== 'profile') return;
    assert.notEqual(typeof parseToWebview(msg), 'string', 'the message passes the webview protocol check');
    assert.equal(msg.meta.format, format);
    const names = new Set(Array.from(msg.tree.name, (n) => (n >= 0 ? msg.tree.names[n] : '')));
    assert.ok(names.has(leaf), `${leaf} in the flame tree`);
    assert.ok(msg.tree.cum[msg.meta.defaultSampleType][0] > 0);
  }
  const bad = loadProfile(fs.readFileSync(path.join(legacyDir, 'not-a-profile.html')), 'login.html');
  assert.ok(!isLoaded(bad) && /an HTML page, not a profile/.test(bad.error));
});

test('diff of the text and the protobuf form of one Go heap profile is zero everywhere', async () => {
  const fx = await goLegacyFixtures();
  for (const t of ['alloc_space', 'inuse_objects']) {
    const r = await runCli(['diff', fx.proto('heap'), fx.text('heap'), '--json', '--sample-type', t]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { total: number; functions: unknown[] };
    assert.equal(j.total, 0);
    assert.deepEqual(j.functions, [], 'no function differs');
  }
  const d = await runCli(['diff', path.join(legacyDir, 'cpu-32le.prof'), path.join(legacyDir, 'cpu-64be.prof')]);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /^Format: legacy binary CPU profile \(64-bit big-endian words\)$/m);
});

// A Go program serving net/http/pprof on 127.0.0.1.
const SERVER = `package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"time"
)

var sink [][]byte

//go:noinline
func grow(n int) []byte { return make([]byte, n) }

func main() {
	runtime.MemProfileRate = 512
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		for i := 0; ; i++ {
			for j := 0; j < 200; j++ {
				sink = append(sink, grow(1000+(i*200+j)%4096))
			}
			if len(sink) > 2000 {
				sink = sink[:0]
			}
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
		}
	}()
	go func() { io.Copy(io.Discard, os.Stdin); os.Exit(0) }()
	// A safety net only (closing stdin ends it): long enough for a loaded machine.
	go func() { time.Sleep(10 * time.Minute); os.Exit(0) }()
	fmt.Println(ln.Addr().String())
	http.Serve(ln, nil)
}
`;

let server: ChildProcess | undefined;
let base = '';
let dir = '';

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-legacy-server-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/pprofserver\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'main.go'), SERVER);
  await promisify(execFile)('go', ['build', '-o', 'server', '.'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local' } });
  server = spawn(path.join(dir, 'server'), [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
  base = `http://${line.trim()}`;
});

after(() => {
  server?.stdin?.end();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('heaplens top reads /debug/pprof/heap?debug=1 from a live server, with names', async () => {
  const r = await runCli(['top', `${base}/debug/pprof/heap?debug=1`, '--sample-type', 'alloc_space']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Format: Go heap profile \(debug=1 text\)$/m);
  assert.match(r.stdout, /main\.grow$/m);
});

test('an allocs delta opens on alloc_space and says it is a delta; a heap delta warns of negative values', async () => {
  const a = await runCli(['top', `${base}/debug/pprof/allocs?seconds=1`, '--limit', '3']);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /^Note: allocations during 1s \(a delta profile\)$/m);
  assert.match(a.stdout, /^Type: alloc_space$/m);
  const j = JSON.parse((await runCli(['top', `${base}/debug/pprof/allocs?seconds=1`, '--json'])).stdout) as { sampleType: string; total: number };
  assert.equal(j.sampleType, 'alloc_space');
  assert.ok(j.total > 0, 'something was allocated during the second');
  const h = await runCli(['top', `${base}/debug/pprof/heap?seconds=1`, '--limit', '3']);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /^Note: a delta over 1s: in-use values are changes and can be negative/m);
  assert.match(h.stdout, /^Type: inuse_space$/m);
});
