// A heap watch through the real language server against the real examples/leaky
// on 127.0.0.1: the planted leaks come back as suspects on their lines within 5
// snapshots, the busy handler does not, and the growth is on the code as an overlay.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { InlayHintRequest, type InlayHint, type MarkupContent } from 'vscode-languageserver-protocol';
import {
  WatchNoticeNotification, WatchSetBaseRequest, WatchSnapshotNotification, WatchStartRequest, WatchStopRequest,
  type WatchNoticeParams, type WatchSnapshotParams,
} from '../../server/src/protocol/lsp';
import { buildLeaky, markers, startLeaky, type LeakyBuild, type Running } from '../helpers/leaky';
import { LspClient, uriOf } from '../helpers/lspClient';

let build: LeakyBuild;
let svc: Running;
let client: LspClient;
const snapshots: WatchSnapshotParams[] = [];
const notices: WatchNoticeParams[] = [];
let fifth: Promise<WatchSnapshotParams>;

before(async () => {
  build = await buildLeaky();
  svc = await startLeaky(build, ['-leak', 'all', '-memprofilerate', '8192']);
  client = await LspClient.start({ root: build.dir });
  fifth = new Promise((resolve) => {
    client.conn.onNotification(WatchSnapshotNotification.type, (p) => {
      snapshots.push(p);
      if (p.points.length === 5) resolve(p);
    });
  });
  client.conn.onNotification(WatchNoticeNotification.type, (p) => notices.push(p));
});
after(async () => {
  svc?.stop();
  await client?.stop();
  fs.rmSync(build.dir, { recursive: true, force: true });
});

test('each planted leak is a suspect on its line within 5 snapshots; the busy handler is not', async () => {
  const folderUri = uriOf(build.dir);
  const started = await client.conn.sendRequest(WatchStartRequest.type, { folderUri, url: svc.url, everyMs: 600, gc: true, keep: 5, minGrowthBytes: 128 * 1024 });
  assert.equal(started.base, `${svc.url}/debug/pprof/`);
  // Fails with what the server said rather than waiting forever.
  let timer: NodeJS.Timeout | undefined;
  const s = await Promise.race([fifth, new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no 5th snapshot in 180 s; ${snapshots.length} snapshots; notices: ${JSON.stringify(notices)}`)), 180_000);
  })]).finally(() => clearTimeout(timer));
  // A clicked point in the live view: growth is then measured from that snapshot.
  const rebased = new Promise<WatchSnapshotParams>((resolve) => client.conn.onNotification(WatchSnapshotNotification.type, (p) => { if (p.baseSeq === s.points[2].seq) resolve(p); }));
  await client.conn.sendRequest(WatchSetBaseRequest.type, { folderUri, seq: s.points[2].seq });
  assert.equal((await rebased).baseSeq, s.points[2].seq);
  await client.conn.sendRequest(WatchStopRequest.type, { folderUri });
  await assert.rejects(client.conn.sendRequest(WatchSetBaseRequest.type, { folderUri, seq: 1 }), /not kept/);
  const m = markers(build.dir);
  const leaks = s.lines.filter((l) => l.verdict === 'leak');
  for (const leak of ['buffers', 'sessions', 'thumbnails']) {
    const want = m.get(`leak:${leak}`)!;
    const i = leaks.findIndex((l) => l.uri === uriOf(want.file) && l.line === want.line);
    assert.ok(i >= 0 && i < 5, `${leak}: ${JSON.stringify(leaks.map((l) => [l.line, l.summary]))}`);
    assert.match(leaks[i].summary, /^\+[\d.]+[KM]iB in use, steady \d+%, kept \d+% of what it allocated/);
  }
  assert.ok(!leaks.some((l) => l.file.endsWith('report.go')), 'report.go keeps nothing');
  const g = m.get('leak:goroutines')!;
  const group = s.goroutines.find((x) => x.verdict === 'leak');
  assert.equal(group?.uri, uriOf(g.file));
  assert.equal(group.line, g.line);
  assert.equal(group.wait, 'chan send');
  assert.deepEqual(s.points.map((p) => p.seq - s.points[0].seq), [0, 1, 2, 3, 4], 'the last 5, oldest first');
  assert.ok(s.points.every((p) => p.numGC !== null && p.heapGoal! > 0 && p.goroutines! > 0));
  // Built without GOEXPERIMENT=goroutineleakprofile: said once, plainly, and in the live view's data.
  assert.deepEqual(notices.filter((n) => n.kind === 'no-goroutineleak').map((n) => n.message), [`${svc.url}/debug/pprof/goroutineleak is not served: Go finds leaked goroutines only in programs built with Go 1.26 and GOEXPERIMENT=goroutineleakprofile; blocked goroutines are judged by their growth alone`]);
  assert.equal(s.leaked.state, 'absent');
  // On a loaded machine a snapshot may come late ('slow'); the service never went away.
  assert.deepEqual(notices.filter((n) => !['stopped', 'slow', 'back', 'no-goroutineleak'].includes(n.kind)), [], 'nothing went wrong');
});

test('the growth since the base snapshot is on the leak lines, with the escape reason in the hover', async () => {
  const file = path.join(build.dir, 'leaks.go');
  await client.open(file);
  await client.analyze(file);
  const line = markers(build.dir).get('leak:thumbnails')!.line - 1;
  const hints = (await client.conn.sendRequest(InlayHintRequest.type, {
    textDocument: { uri: uriOf(file) }, range: { start: { line: 0, character: 0 }, end: { line: 500, character: 0 } },
  })) as InlayHint[];
  const hint = hints.find((h) => h.position.line === line);
  assert.match(String(hint?.label), /^\+[\d.]+ ?[KM]iB.*inuse_space/, JSON.stringify(hints));
  const hover = await client.hover(file, line, 10);
  const text = (hover?.contents as MarkupContent).value;
  assert.match(text, /inuse\\_space/);
  assert.match(text, /watch snapshots #\d+→#\d+/);
  assert.match(text, /escapes to the heap|moved to heap/i, text);
});

test('a watch of something that is not a Go service says so once and stops', async () => {
  // Another folder, so the first test's watch (stopped, perhaps still saying so) is not heard here.
  const folderUri = uriOf(path.join(build.dir, 'cmd'));
  const mine: WatchNoticeParams[] = [];
  const stopped = new Promise<void>((resolve) => client.conn.onNotification(WatchNoticeNotification.type, (p) => {
    if (p.folderUri !== folderUri) return;
    mine.push(p);
    if (p.stopped) resolve();
  }));
  await client.conn.sendRequest(WatchStartRequest.type, { folderUri, url: `${svc.url}/nothing-here/`, everyMs: 200 });
  await stopped;
  // The pprof index under /nothing-here/ does not exist: net/http's mux answers 404.
  assert.equal(mine.length, 1, JSON.stringify(mine));
  assert.equal(mine[0].kind, 'not-go');
  assert.match(mine[0].message, /HTTP 404: the program does not serve net\/http\/pprof/);
  await assert.rejects(client.conn.sendRequest(WatchStartRequest.type, { url: 'ftp://x/', everyMs: 200 }), /unsupported URL scheme/);
});
