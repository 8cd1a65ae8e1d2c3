// The language server against a hostile client, profile and toolchain (issue 11,
// items 6, 8-12 and the loader process): each case is answered in words, within a
// bound, and the server keeps serving hovers afterwards. Real server over stdio.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { CancellationTokenSource, CodeActionRequest } from 'vscode-languageserver-protocol';
import { HotspotsRequest, LoadProfileRequest } from '../../server/src/protocol/lsp';
import { HOSTILE, hostileDir } from '../helpers/hostileProfiles';
import { LspClient, uriOf } from '../helpers/lspClient';
import { allProcs } from '../helpers/procs';
import { encodeProfile } from '../helpers/profileProto';
import { escGo, lineContaining, writeEscModule } from './fixtures';

const cleanup: string[] = [];
after(() => { for (const d of cleanup) fs.rmSync(d, { recursive: true, force: true }); });

/** A stand-in `go` (shell script) for toolchains that misbehave. */
function fakeGo(body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-fakego-'));
  cleanup.push(dir);
  const file = path.join(dir, 'go');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** A hover request is answered (with the escape verdict when analysis ran). */
async function hoverStillAnswers(client: LspClient, file: string, withContent = true): Promise<void> {
  const t0 = Date.now();
  // The request itself is the check: a dead or wedged server rejects or times out.
  // (The finding there is a diagnostic, so the hover has nothing to repeat: null is an answer.)
  const h = await client.hover(file, lineContaining(escGo, 'p := Point'), 1);
  if (withContent) assert.notEqual(h, undefined, 'the hover request answers');
  assert.ok(Date.now() - t0 < 10_000, `hover took ${Date.now() - t0} ms`);
}

describe('a hostile client and profile', () => {
  let root: string;
  let client: LspClient;
  let file: string;
  before(async () => {
    root = writeEscModule();
    cleanup.push(root);
    file = path.join(root, 'esc', 'esc.go');
    client = await LspClient.start({ root, settings: { heaplens: {} } });
    const published = client.nextDiagnostics(file, (d) => d.some((x) => x.code === 'moved-to-heap'));
    await client.open(file);
    await published;
  });
  after(async () => { await client.stop(); });

  test('item 10: a code action over lines 0..2^31-1 is answered at once (was: 54-120 s)', async () => {
    const t0 = Date.now();
    const actions = await client.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(file) }, range: { start: { line: 0, character: 0 }, end: { line: 2 ** 31 - 1, character: 0 } }, context: { diagnostics: [] },
    });
    assert.ok(Array.isArray(actions));
    // A guard against the old hang (54-120 s), not a speed test: generous for a loaded CI machine.
    assert.ok(Date.now() - t0 < 30_000, `took ${Date.now() - t0} ms`);
  });

  test('item 11: a 10 KB frame nested 5,000 deep is refused; the server lives (was: killed)', async () => {
    const body = '{"jsonrpc":"2.0","params":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
    client.proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await hoverStillAnswers(client, file);
    assert.ok(client.logs.some((l) => /ignored a client message: a message nested more than 256 deep/.test(l)), client.logs.join('\n'));
    assert.equal(client.died, undefined);
  });

  test('item 6/14: frames naming /dev/zero, a FIFO and /etc/passwd are not read; hotspots answer', async () => {
    const fifo = path.join(root, 'esc', 'pipe.go');
    fs.rmSync(fifo, { force: true });
    assert.equal((await import('node:child_process')).spawnSync('mkfifo', [fifo]).status, 0);
    const names = ['/dev/zero', fifo, '/etc/passwd', '$GOROOT/../../etc/passwd'];
    const functions = names.map((f, i) => ({ id: i + 1, name: `evil.f${i}`, file: f, startLine: 1 }));
    const profile = path.join(root, 'evil.pb.gz');
    fs.writeFileSync(profile, zlib.gzipSync(encodeProfile({
      sampleTypes: [['alloc_space', 'bytes']], functions,
      locations: functions.map((f) => ({ id: f.id, lines: [{ functionId: f.id, line: 1 }] })),
      samples: functions.map((f) => ({ locationIds: [f.id], values: [1024 * f.id] })),
    })));
    const t0 = Date.now();
    const info = await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(root), path: profile });
    assert.equal(info.resolvedFiles, 0, 'nothing outside the workspace or not a regular file resolves');
    assert.deepEqual([...info.unresolvedFiles].sort(), [...names].sort());
    const hot = await client.conn.sendRequest(HotspotsRequest.type, { folderUri: uriOf(root) });
    assert.deepEqual(hot, []);
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
    await hoverStillAnswers(client, file);
    fs.rmSync(fifo, { force: true });
  });

  test('loader process: hovers answer while a hostile profile loads; cancelling ends the loader', async () => {
    const source = new CancellationTokenSource();
    const pending = client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(root), path: path.join(hostileDir, HOSTILE.emptyStrings) }, source.token);
    const outcome = pending.then(() => 'loaded', (e: Error) => e.message);
    await new Promise((r) => setTimeout(r, 300));
    await hoverStillAnswers(client, file);
    source.cancel();
    const msg = await outcome;
    assert.ok(msg !== 'loaded', 'a 250 MB string table is not a profile');
    assert.ok(!msg.includes('\n'), msg);
    // The loader is gone (cancelled, refused, or stopped at its limit).
    const deadline = Date.now() + 10_000;
    while (allProcs().some((p) => p.argv.some((a) => a.endsWith('profileLoader.js')) && p.ppid === client.proc.pid && p.state !== 'Z')) {
      assert.ok(Date.now() < deadline, 'the loader process outlived the cancel');
      await new Promise((r) => setTimeout(r, 100));
    }
    await hoverStillAnswers(client, file);
  });

  test('item 12: ?seconds=4000000 is refused with the bound, not "timed out after 4000030000 ms"', async () => {
    await assert.rejects(
      client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(root), url: 'http://127.0.0.1:1/debug/pprof/allocs?seconds=4000000' }),
      (e: Error) => /\?seconds=4000000 is too long: HeapLens captures at most 3600 seconds/.test(e.message),
    );
  });
});

describe('a hostile toolchain and module', () => {
  async function analyseWith(goPath: string | undefined, goMod?: string): Promise<{ client: LspClient; file: string; message: string }> {
    const root = writeEscModule();
    cleanup.push(root);
    if (goMod !== undefined) fs.writeFileSync(path.join(root, 'go.mod'), goMod);
    const file = path.join(root, 'esc', 'esc.go');
    const client = await LspClient.start({ root, settings: { heaplens: goPath ? { goPath } : {} } });
    const published = client.nextDiagnostics(file, (d) => d.some((x) => x.code === 'analysis-unavailable'), 90_000);
    await client.open(file);
    const [d] = (await published).filter((x) => x.code === 'analysis-unavailable');
    return { client, file, message: d.message };
  }

  test('item 12: an invalid go.mod keeps the reason and the module-relative path', async () => {
    const { client, message } = await analyseWith(undefined, 'module example.com/lspfix\n\ngo 1.21\nbogus directive\n');
    try {
      assert.match(message, /go: errors parsing go\.mod: go\.mod:4: unknown directive: bogus$/);
      assert.doesNotMatch(message, /\.\.\//);
    } finally { await client.stop(); }
  });

  test('item 12: a goPath that is not Go is named, once, in words (was: "0 findings")', async () => {
    const { client, message } = await analyseWith(fakeGo('echo hello; exit 0'));
    try {
      assert.match(message, /does not look like Go: 'go env GOVERSION' printed "hello"/);
      const warnings = client.logs.filter((l) => /^showMessage: .*does not look like Go/.test(l));
      assert.equal(warnings.length, 1, client.logs.join('\n'));
    } finally { await client.stop(); }
  });

  test('item 8: a go that floods stdout is cut off; the server lives (was: crashed in 3 s)', async () => {
    const { client, file, message } = await analyseWith(fakeGo('yes "flood flood flood flood flood"'));
    try {
      assert.match(message, /does not look like Go|failed/);
      await hoverStillAnswers(client, file, false);
      assert.equal(client.died, undefined);
    } finally { await client.stop(); }
  });

  test('item 9: a version probe that never answers times out and does not outlive the server', async () => {
    const go = fakeGo('sleep 1000 & wait');
    const { client, message } = await analyseWith(go);
    assert.match(message, /did not answer within 20 s/);
    await client.stop();
    const left = allProcs().filter((p) => p.state !== 'Z' && p.argv.some((a) => a === go));
    assert.equal(left.length, 0, JSON.stringify(left));
  });
});
