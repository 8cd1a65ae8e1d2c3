// Loading a profile from a running Go program's net/http/pprof (on 127.0.0.1),
// and cancelling a delta capture (allocs?seconds=N) while it waits.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { CancellationTokenSource, InlayHintRequest, type InlayHint } from 'vscode-languageserver-protocol';
import { HotspotsRequest, LoadProfileRequest } from '../../server/src/protocol/lsp';
import { copyExample } from '../helpers/goFixture';
import { LspClient, uriOf } from '../helpers/lspClient';

const execFileP = promisify(execFile);

const SERVER_PROGRAM = `package main

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"runtime"

	"example.com/shop/catalog"
)

func main() {
	runtime.MemProfileRate = 1
	products := make([]catalog.Product, 50)
	for i := range products {
		products[i] = catalog.Product{ID: i, Name: fmt.Sprint("p", i), Tags: []string{"a", "b"}}
	}
	for i := 0; i < 200; i++ {
		catalog.IDs(products)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(ln.Addr().String())
	http.Serve(ln, nil)
}
`;

let dir: string;
let server: ChildProcess;
let addr: string;
let client: LspClient;

before(async () => {
  dir = copyExample();
  fs.mkdirSync(path.join(dir, 'cmd', 'pprofserver'));
  fs.writeFileSync(path.join(dir, 'cmd', 'pprofserver', 'main.go'), SERVER_PROGRAM);
  const bin = path.join(dir, 'pprofserver');
  await execFileP('go', ['build', '-o', bin, './cmd/pprofserver'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local' } });
  server = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  addr = await new Promise<string>((resolve, reject) => {
    server.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    server.once('exit', (code) => reject(new Error(`pprof server exited ${code}`)));
  });
  client = await LspClient.start({ root: dir });
});
after(async () => {
  server?.kill();
  await client?.stop();
});

test('a profile captured from /debug/pprof/heap annotates the code it names', async () => {
  const info = await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url: `http://${addr}/debug/pprof/heap` });
  assert.equal(info.source, `http://${addr}/debug/pprof/heap`);
  assert.equal(info.sampleType, 'inuse_space', 'heap profiles have no default type: pprof shows the last');
  const catalog = path.join(dir, 'catalog', 'catalog.go');
  const appendLine = fs.readFileSync(catalog, 'utf8').split('\n').findIndex((l) => l.includes('ids = append(ids, p.ID)'));
  const items = await client.conn.sendRequest(HotspotsRequest.type, { folderUri: uriOf(dir) });
  // In use at the snapshot is little; what IDs allocated shows under alloc_space.
  await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url: `http://${addr}/debug/pprof/heap`, sampleType: 'alloc_space' });
  const hints = (await client.conn.sendRequest(InlayHintRequest.type, {
    textDocument: { uri: uriOf(catalog) }, range: { start: { line: 0, character: 0 }, end: { line: 500, character: 0 } },
  })) as InlayHint[];
  assert.match(String(hints.find((h) => h.position.line === appendLine)?.label), /alloc_space$/);
  assert.ok(Array.isArray(items));
});

test('cancelling a delta capture stops it at once with a cancellation, not a timeout', async () => {
  const source = new CancellationTokenSource();
  const t0 = Date.now();
  const pending = client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url: `http://${addr}/debug/pprof/allocs?seconds=30` }, source.token);
  setImmediate(() => source.cancel());
  await assert.rejects(pending, /cancel/i);
  assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
  // The server still answers, and the profile loaded before is still there.
  const items = await client.conn.sendRequest(HotspotsRequest.type, { folderUri: uriOf(dir) });
  assert.ok(items.length > 0);
});

test('an unreachable URL is a one-line error', async () => {
  await assert.rejects(
    client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url: 'http://127.0.0.1:1/debug/pprof/heap' }),
    (e: Error) => /cannot fetch|ECONNREFUSED/.test(e.message) && !e.message.includes('\n'),
  );
});
