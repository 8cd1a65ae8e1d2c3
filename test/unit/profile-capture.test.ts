// Capture from a real Go program serving net/http/pprof on 127.0.0.1. The server
// stops itself (stdin closed, or after 60 s at most).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { captureProfile } from '../../server/src/profile/capture';
import { decodeProfile, ProfileError } from '../../server/src/profile/decode';
import { runCli } from '../helpers/profileFixtures';
import { tempDir } from '../helpers/goFixture';

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

func main() {
	runtime.MemProfileRate = 512
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		// Allocate in batches and finish a GC cycle every tick: heap profiles publish
		// at GC, so a delta profile over one second always has samples, even on a busy machine.
		for i := 0; ; i++ {
			for j := 0; j < 200; j++ {
				sink = append(sink, make([]byte, 1000+(i*200+j)%4096))
			}
			if len(sink) > 2000 {
				sink = sink[:0]
			}
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
		}
	}()
	go func() { io.Copy(io.Discard, os.Stdin); os.Exit(0) }()
	go func() { time.Sleep(60 * time.Second); os.Exit(0) }()
	fmt.Println(ln.Addr().String())
	http.Serve(ln, nil)
}
`;

let server: ChildProcess;
let base = '';

before(async () => {
  const dir = tempDir('heaplens-capture-');
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/pprofserver\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'main.go'), SERVER);
  await promisify(execFile)('go', ['build', '-o', 'server', '.'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local' } });
  server = spawn(path.join(dir, 'server'), [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
  base = `http://${line.trim()}`;
});

after(() => {
  server.stdin?.end();
});

test('captures /debug/pprof/heap and decodes it', async () => {
  const p = decodeProfile(await captureProfile(`${base}/debug/pprof/heap`));
  assert.deepEqual(p.sampleTypes.map((s) => s.type), ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
  assert.ok(p.samples.count > 0);
});

test('captures a delta profile with /debug/pprof/allocs?seconds=1', async () => {
  const t0 = Date.now();
  const p = decodeProfile(await captureProfile(`${base}/debug/pprof/allocs?seconds=1`));
  assert.ok(Date.now() - t0 >= 900, 'the server waited the second');
  assert.ok(p.durationNanos >= 9e8, 'duration recorded');
  // net/http/pprof re-encodes delta profiles without default_sample_type: pprof's rule gives the last type.
  assert.equal(p.sampleTypes[p.defaultSampleType].type, 'inuse_space');
  assert.ok(p.samples.count > 0);
});

test('timeout, abort, size limit and HTTP errors are ProfileErrors', async () => {
  await assert.rejects(captureProfile(`${base}/debug/pprof/allocs?seconds=5`, { timeoutMs: 200 }), (e: unknown) => e instanceof ProfileError && /^timed out after 200 ms/.test(e.message));
  const ac = new AbortController();
  const pending = captureProfile(`${base}/debug/pprof/allocs?seconds=5`, { signal: ac.signal });
  ac.abort();
  await assert.rejects(pending, (e: unknown) => e instanceof ProfileError && /^cancelled/.test(e.message));
  await assert.rejects(captureProfile(`${base}/debug/pprof/heap`, { maxBytes: 100 }), (e: unknown) => e instanceof ProfileError && /larger than the 100 byte limit/.test(e.message));
  await assert.rejects(captureProfile(`${base}/no/such/path`), (e: unknown) => e instanceof ProfileError && /^HTTP 404/.test(e.message));
  await assert.rejects(captureProfile('ftp://127.0.0.1/x'), (e: unknown) => e instanceof ProfileError && /unsupported URL scheme/.test(e.message));
});

test('the CLI takes a URL', async () => {
  const r = await runCli(['top', `${base}/debug/pprof/heap`, '--json', '--sample-type', 'alloc_space', '--limit', '3']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { sampleType: string; functions: unknown[]; total: number };
  assert.equal(j.sampleType, 'alloc_space');
  assert.ok(j.total > 0 && j.functions.length === 3);
});
