// `heaplens top|lines` on inputs that are not profiles a program wrote: devices,
// named pipes, and a reader that goes away (issue 11, item 5). Real CLI, real files.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../helpers/goFixture';
import * as zlib from 'node:zlib';
import { encodeProfile, tinyHeapProfile } from '../helpers/profileProto';

const cli = path.join(repoRoot, 'server', 'out', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-cli-hostile-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function heaplens(args: string[], timeoutMs = 20_000) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 26 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

test('top /dev/zero is refused at once: a device is not a profile (was: read 6 GB in 33 s)', () => {
  const r = heaplens(['top', '/dev/zero']);
  assert.equal(r.signal, null, 'finished before the timeout');
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'heaplens: /dev/zero: is a device, not a regular file\n');
});

test('top on a named pipe answers instead of blocking forever', () => {
  const fifo = path.join(tmp, 'pipe.pb.gz');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const r = heaplens(['top', fifo]);
  assert.equal(r.signal, null, 'finished before the timeout');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pipe\.pb\.gz: is a named pipe, not a regular file\n$/);
});

test('a directory and a missing file are one line each', () => {
  assert.match(heaplens(['top', tmp]).stderr, /^heaplens: .*: is a directory, not a (regular )?file\n$/);
  assert.match(heaplens(['top', path.join(tmp, 'nope.pb.gz')]).stderr, /^heaplens: .*nope\.pb\.gz: no such file\n$/);
});

test('top big.pb.gz | head -3 exits quietly: no EPIPE stack trace', () => {
  const file = path.join(tmp, 'big.pb.gz');
  // 5,000 functions: far more output than a pipe buffer holds once head has gone.
  const n = 5000;
  const functions = Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `example.com/big/pkg.Function${i}WithALongName`, file: '/src/big.go', startLine: i + 1 }));
  fs.writeFileSync(file, zlib.gzipSync(encodeProfile({
    sampleTypes: [['alloc_space', 'bytes']], functions,
    locations: functions.map((f) => ({ id: f.id, lines: [{ functionId: f.id, line: f.id }] })),
    samples: functions.map((f) => ({ locationIds: [f.id], values: [f.id * 8] })),
  })));
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" top "${file}" | head -3; echo "status=\${PIPESTATUS:-done}"`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.stdout.split('\n').slice(0, 3).length, 3);
  assert.match(r.stdout, /^Type: /);
  assert.doesNotMatch(r.stderr, /EPIPE|Error|at /, r.stderr);
  assert.equal(r.stderr, '');
});

test('lines --json through a pipe whose reader pauses: the output is whole, in order, and the same as into a file', async () => {
  // 40,000 lines of JSON, about 6 MB: several writes, each waiting for the reader
  // (the pipe holds 64 KB). Before, everything queued in memory behind a slow reader.
  const functions = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, name: `example.com/m.f${i}`, file: `/src/m/f${i}.go`, startLine: 1 }));
  const locations = Array.from({ length: 40_000 }, (_, i) => ({ id: i + 1, lines: [{ functionId: (i % 400) + 1, line: 10 + Math.floor(i / 400) }] }));
  const samples = locations.map((l) => ({ locationIds: [l.id], values: [1, 16 + l.id, 0, 0] }));
  const file = path.join(tmp, 'many-lines.pb.gz');
  fs.writeFileSync(file, zlib.gzipSync(encodeProfile({ ...tinyHeapProfile(), functions, locations, samples })));
  const intoFile = path.join(tmp, 'lines.json');
  const fd = fs.openSync(intoFile, 'w');
  assert.equal(spawnSync(process.execPath, [cli, 'lines', '--json', file], { stdio: ['ignore', fd, 'pipe'] }).status, 0);
  fs.closeSync(fd);
  const child = spawn(process.execPath, [cli, 'lines', '--json', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let paused = false;
  child.stdout.on('data', (c: Buffer) => {
    chunks.push(c);
    if (!paused) { paused = true; child.stdout.pause(); setTimeout(() => child.stdout.resume(), 500); }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  const piped = Buffer.concat(chunks).toString('utf8');
  assert.equal(piped, fs.readFileSync(intoFile, 'utf8'));
  const rows = piped.trimEnd().split('\n');
  assert.equal(rows.length, 40_000);
  assert.equal(JSON.parse(rows[0]).flat, 16 + 40_000, 'heaviest first');
});
