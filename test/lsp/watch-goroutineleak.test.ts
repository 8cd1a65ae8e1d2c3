// Go 1.26's goroutineleak profile through the real language server: examples/leaky
// built with GOEXPERIMENT=goroutineleakprofile serves /debug/pprof/goroutineleak, and
// the watch puts its leaked goroutines on the line where they block and on the `go`
// statement that started them (code lenses, hover). The same service built without
// the experiment is covered by watch.test.ts: said once, plainly.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CodeLensRequest, type CodeLens, type MarkupContent } from 'vscode-languageserver-protocol';
import { WatchNoticeNotification, WatchSnapshotNotification, WatchStartRequest, WatchStopRequest, type WatchNoticeParams, type WatchSnapshotParams } from '../../server/src/protocol/lsp';
import { buildLeaky, markers, startLeaky, type LeakyBuild, type Running } from '../helpers/leaky';
import { LspClient, uriOf } from '../helpers/lspClient';

let build: LeakyBuild;
let svc: Running;
let client: LspClient;

before(async () => {
  build = await buildLeaky({ goexperiment: 'goroutineleakprofile' });
  svc = await startLeaky(build, ['-leak', 'goroutines']);
  client = await LspClient.start({ root: build.dir });
});
after(async () => {
  svc?.stop();
  await client?.stop();
  fs.rmSync(build.dir, { recursive: true, force: true });
});

test('leaked goroutines from the goroutineleak profile: where they block and which go statement started them', async () => {
  const folderUri = uriOf(build.dir);
  const file = path.join(build.dir, 'leaks.go');
  const blocked = markers(build.dir).get('leak:goroutines')!.line;
  const started = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('go func() {')) + 1;
  const notices: WatchNoticeParams[] = [];
  client.conn.onNotification(WatchNoticeNotification.type, (n) => notices.push(n));
  const seen = new Promise<WatchSnapshotParams>((resolve) => client.conn.onNotification(WatchSnapshotNotification.type, (p) => {
    if (p.leaked.state === 'served' && p.leaked.total >= 5) resolve(p);
  }));
  await client.conn.sendRequest(WatchStartRequest.type, { folderUri, url: svc.url, everyMs: 600 });
  const s = await seen;
  const g = s.leaked.groups[0];
  assert.equal(g.wait, 'chan send');
  assert.deepEqual([g.at.uri, g.at.line, g.at.function], [uriOf(file), blocked, 'main.quote.func1']);
  assert.deepEqual([g.createdAt[0].uri, g.createdAt[0].line, g.createdAt[0].function], [uriOf(file), started, 'main.quote']);
  assert.equal(s.leaked.total, s.leaked.groups.reduce((n, x) => n + x.count, 0), 'one group: every leaked goroutine of leaky blocks at the same send');

  await client.open(file);
  const lenses = (await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: uriOf(file) } })) as CodeLens[];
  const on = (line: number) => lenses.filter((l) => l.range.start.line === line - 1).map((l) => l.command?.title ?? '');
  assert.ok(on(blocked).some((t) => /^\$\(warning\) \d+ goroutines leaked here \(chan send, nothing can wake them\), started at leaks\.go:\d+$/.test(t)), JSON.stringify(on(blocked)));
  assert.ok(on(started).some((t) => t.includes(`goroutines started here leaked: blocked at leaks.go:${blocked} (chan send)`)), JSON.stringify(on(started)));
  const hover = await client.hover(file, started - 1, 4);
  const text = (hover?.contents as MarkupContent).value;
  assert.match(text, /leaked goroutines\*\* \(Go's goroutineleak profile\): blocked in chan send/);
  assert.match(text, /Started by:\n1\. main\.quote \[leaks\.go:\d+\]/);
  await client.conn.sendRequest(WatchStopRequest.type, { folderUri });
  assert.ok(!notices.some((n) => n.kind === 'no-goroutineleak'), 'the profile is served: nothing to say');
});
