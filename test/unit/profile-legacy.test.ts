// Every legacy profile format `go tool pprof` reads, read by HeapLens with the same
// numbers. Go's own text forms come from a real Go program (test/fixtures/legacy/gen);
// the formats no Go program writes are small checked-in files written from
// google/pprof's format definitions (test/fixtures/legacy/write-fixtures.mjs).
//  - the parse equals `go tool pprof -raw -symbolize=none` sample by sample;
//  - `heaplens top` equals `go tool pprof -top -symbolize=none` on address-only files,
//    every sample type, with pprof's per-binary names;
//  - on Go's debug=1 text, names come from its `#` lines, and `heaplens top` equals
//    `go tool pprof -top` on the protobuf the same program wrote at the same moment;
//  - `lines` likewise equals `-lines`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseLegacyRaw } from '../../server/src/profile/legacy/parse';
import { HIDDEN_RUNTIME } from '../../server/src/profile/legacy/goText';
import { openProfile } from '../../server/src/profile/open';
import { ProfileError } from '../../server/src/profile/model';
import { CHECKED_IN, GO_MUTEX_PERIODS, GO_PROFILES, goLegacyFixtures, legacyDir, pprofRaw, type RawSample } from '../helpers/legacyFixtures';
import { runCli } from '../helpers/profileFixtures';

const execFileP = promisify(execFile);

interface Row { name: string; flat: number; cum: number; inline?: string }
interface Top { total: number; rows: Row[] }

const UNIT_FLAG: Record<string, string> = { bytes: 'B', nanoseconds: 'ns', microseconds: 'us', milliseconds: 'ms', seconds: 's' };

/** go tool pprof -top (or -top -lines), all nodes, exact units, with its (inline) markers. */
async function pprofTop(file: string, sampleType: string, unit: string, extra: string[] = []): Promise<Top> {
  const args = ['tool', 'pprof', '-top', '-nodecount=1000000', '-nodefraction=0', `-sample_index=${sampleType}`, ...extra];
  if (UNIT_FLAG[unit]) args.push(`-unit=${UNIT_FLAG[unit]}`);
  args.push(file);
  const { stdout } = await execFileP('go', args, { maxBuffer: 1 << 28, env: { ...process.env, PPROF_TMPDIR: os.tmpdir() } });
  let total = NaN, inTable = false;
  const rows: Row[] = [];
  for (const line of stdout.split('\n')) {
    const m = /Showing nodes accounting for .*? of (\S+) total/.exec(line);
    if (m) total = num(m[1]);
    if (/^\s*flat\s+flat%\s+sum%\s+cum\s+cum%/.test(line)) { inTable = true; continue; }
    if (!inTable || !line.trim()) continue;
    const r = /^\s*(\S+)\s+\S+%\s+\S+%\s+(\S+)\s+\S+%\s+(.*?)(?: \(((?:partial-)?inline)\))?$/.exec(line);
    if (!r) throw new Error(`unparsed pprof line: ${line}`);
    rows.push({ name: r[3], flat: num(r[1]), cum: num(r[2]), ...(r[4] ? { inline: r[4] } : {}) });
  }
  return { total, rows };
}

function num(s: string): number {
  const m = /^(-?[\d.]+(?:e[+-]?\d+)?)(B|ns|us|ms|s)?$/.exec(s);
  if (!m) throw new Error(`pprof value this parser does not take: ${s}`);
  return Number(m[1]);
}

async function oursTop(file: string, sampleType: string): Promise<Top & { unit: string }> {
  const r = await runCli(['top', file, '--json', '--sample-type', sampleType]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { total: number; unit: string; functions: Row[] };
  return { total: j.total, unit: j.unit, rows: j.functions };
}

interface LineRow { file: string; line: number; function: string; flat: number; cum: number }

/** heaplens lines, keyed as pprof -lines prints a node: "fn file:line", "fn file" or "fn". */
async function oursLines(file: string, sampleType: string): Promise<Map<string, { flat: number; cum: number }>> {
  const r = await runCli(['lines', file, '--json', '--sample-type', sampleType]);
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<string, { flat: number; cum: number }>();
  for (const l of r.stdout.trimEnd().split('\n').filter(Boolean).map((x) => JSON.parse(x) as LineRow)) {
    const key = l.line ? `${l.function} ${l.file}:${l.line}` : l.file ? `${l.function} ${l.file}` : l.function;
    out.set(key, { flat: l.flat, cum: l.cum });
  }
  return out;
}

const byName = (rows: Row[], withInline = true) => new Map(rows.map((r) => [r.name, withInline ? { flat: r.flat, cum: r.cum, inline: r.inline ?? '' } : { flat: r.flat, cum: r.cum }]));

function typesOf(file: string): { type: string; unit: string }[] {
  return openProfile(fs.readFileSync(file)).sampleTypes;
}

// ── address-only and Java formats: equal to pprof on the same file ─────────────

for (const file of CHECKED_IN) {
  const name = path.basename(file);
  test(`${name}: top equals go tool pprof -top -symbolize=none, every sample type`, async () => {
    for (const { type, unit } of typesOf(file)) {
      const [ours, theirs] = await Promise.all([oursTop(file, type), pprofTop(file, type, unit, ['-symbolize=none'])]);
      assert.equal(ours.total, theirs.total, `${name} ${type} total`);
      assert.deepEqual(byName(ours.rows), byName(theirs.rows), `${name} ${type}`);
      assert.ok(ours.rows.length > 0);
    }
  });
  test(`${name}: lines equal go tool pprof -top -lines -symbolize=none`, async () => {
    for (const { type, unit } of typesOf(file)) {
      const [ours, theirs] = await Promise.all([oursLines(file, type), pprofTop(file, type, unit, ['-lines', '-symbolize=none'])]);
      assert.deepEqual(ours, byName(theirs.rows, false), `${name} ${type}`);
    }
  });
}

// ── the parse itself, sample by sample ────────────────────────────────────────

function ourRaw(file: string): { types: string[]; samples: RawSample[] } {
  const raw = parseLegacyRaw(fs.readFileSync(file));
  assert.ok(raw, `${file} recognised`);
  return {
    types: raw.lp.sampleTypes.map((t) => t.type),
    samples: raw.lp.samples.map((s) => ({ values: s.values, addrs: s.locs.map((l) => `0x${l.address.toString(16)}`), ...(s.bytes !== undefined ? { bytes: s.bytes } : {}) })),
  };
}

const sampleKey = (s: RawSample) => `${s.values.join(' ')} @ ${s.addrs.join(' ')}${s.bytes !== undefined ? ` bytes=${s.bytes}` : ''}`;

async function assertRawEqual(file: string): Promise<number> {
  const [ours, theirs] = [ourRaw(file), await pprofRaw(file)];
  assert.deepEqual(ours.types, theirs.types, `${file} sample types`);
  assert.deepEqual(ours.samples.map(sampleKey).sort(), theirs.samples.map(sampleKey).sort(), `${file} samples`);
  return ours.samples.length;
}

test('the legacy parsers read what pprof reads, sample by sample (go tool pprof -raw)', async () => {
  const fx = await goLegacyFixtures();
  const files = [...CHECKED_IN, ...GO_PROFILES.map((n) => fx.text(n))];
  const counts = await Promise.all(files.map(assertRawEqual));
  assert.ok(counts.every((n) => n > 0));
});

// ── Go's debug=1 text: names from its # lines, equal to the protobuf form ──────

for (const name of GO_PROFILES) {
  test(`Go ${name} debug=1 text: top equals go tool pprof -top on the protobuf written with it, every sample type`, async () => {
    const fx = await goLegacyFixtures();
    const text = fx.text(name), proto = fx.proto(name);
    for (const { type, unit } of typesOf(text)) {
      const [ours, theirs, theirsText] = await Promise.all([
        oursTop(text, type), pprofTop(proto, type, unit), pprofTop(text, type, unit, ['-symbolize=none']),
      ]);
      assert.equal(ours.total, theirs.total, `${name} ${type} total`);
      assert.equal(ours.total, theirsText.total, `${name} ${type} total of pprof on the text itself`);
      if (name !== 'goroutine') {
        assert.deepEqual(byName(ours.rows), byName(theirs.rows), `${name} ${type}`);
        continue;
      }
      // goroutine: runtime/pprof's text leaves out the runtime frames at the top of
      // each stack (runtime.gopark, …). They are one row; every other row is pprof's.
      const mine = byName(ours.rows, false);
      const hidden = mine.get(HIDDEN_RUNTIME);
      assert.ok(hidden && hidden.flat > 0, 'the unnamed runtime frames are one row');
      let hiddenFlat = 0;
      for (const r of theirs.rows) {
        const m = mine.get(r.name);
        if (m) { assert.deepEqual(m, { flat: r.flat, cum: r.cum }, r.name); continue; }
        assert.match(r.name, /^runtime\./, `${r.name} is only missing when the text hides it`);
        hiddenFlat += r.flat;
      }
      assert.equal(hidden.flat, hiddenFlat, 'the hidden row holds what the hidden frames hold');
      assert.equal(mine.size, theirs.rows.filter((r) => mine.has(r.name)).length + 1);
    }
  });
}

// Go 1.20+ writes mutex records already scaled by the fraction; the text's
// "sampling period" is the fraction when written. pprof multiplies by it again
// (and at 0 leaves the delay in cycles); HeapLens reads what Go's protobuf says.
for (const name of GO_MUTEX_PERIODS) {
  test(`Go ${name} debug=1 text: top and lines equal the protobuf written with it, where pprof on the text does not`, async () => {
    const fx = await goLegacyFixtures();
    const text = fx.text(name), proto = fx.proto(name);
    for (const { type, unit } of typesOf(text)) {
      const [ours, theirs, theirsText, lines, theirLines] = await Promise.all([
        oursTop(text, type), pprofTop(proto, type, unit), pprofTop(text, type, unit, ['-symbolize=none']),
        oursLines(text, type), pprofTop(proto, type, unit, ['-lines']),
      ]);
      assert.ok(theirs.total > 0, `${name} ${type} has contention`);
      assert.equal(ours.total, theirs.total, `${name} ${type} total`);
      assert.deepEqual(byName(ours.rows), byName(theirs.rows), `${name} ${type}`);
      assert.deepEqual(lines, byName(theirLines.rows, false), `${name} ${type} lines`);
      // Within truncation: pprof truncates each sample's delay (ns) after multiplying.
      if (name === 'mutex-period5') assert.ok(Math.abs(theirsText.total - 5 * theirs.total) <= 1e-6 * theirsText.total, `pprof reads ${name} ${type} 5× high`);
      if (name === 'mutex-period0' && type === 'delay') assert.ok(theirsText.total > 1.5 * theirs.total, 'pprof leaves the delay in cycles');
    }
    const r = await runCli(['top', text]);
    assert.match(r.stdout, name === 'mutex-period5' ? /^Note: sampling period 5: Go 1\.20 and later write mutex values already scaled/m : /^Note: sampling period 0 \(mutex profiling was off/m);
  });
}

test('Go debug=1 text: lines equal go tool pprof -top -lines on the protobuf form', async () => {
  const fx = await goLegacyFixtures();
  for (const name of ['heap', 'mutex', 'block'] as const) {
    for (const { type, unit } of typesOf(fx.text(name))) {
      const [ours, theirs] = await Promise.all([oursLines(fx.text(name), type), pprofTop(fx.proto(name), type, unit, ['-lines'])]);
      assert.deepEqual(ours, byName(theirs.rows, false), `${name} ${type}`);
    }
  }
});

test('top prints pprof\'s (inline) markers', async () => {
  const fx = await goLegacyFixtures();
  const r = await runCli(['top', fx.text('heap'), '--sample-type', 'alloc_space']);
  assert.match(r.stdout, /main\.small \(inline\)$/m);
  const p = await runCli(['top', fx.proto('heap'), '--sample-type', 'alloc_space']);
  assert.match(p.stdout, /main\.small \(inline\)$/m);
});

test('a Go heap profile\'s runtime.MemStats trailer becomes a typed record', async () => {
  const fx = await goLegacyFixtures();
  const text = fs.readFileSync(fx.text('heap'), 'utf8');
  const p = openProfile(fs.readFileSync(fx.text('heap')));
  const ms = p.source?.memStats;
  assert.ok(ms, 'memStats parsed');
  const field = (k: string) => Number(new RegExp(`^# ${k} = (\\S+)$`, 'm').exec(text)![1]);
  assert.equal(ms.heapAlloc, field('HeapAlloc'));
  assert.equal(ms.totalAlloc, field('TotalAlloc'));
  assert.equal(ms.numGC, field('NumGC'));
  assert.equal(ms.gcCPUFraction, field('GCCPUFraction'));
  const [inuse, sys] = /^# Stack = (\d+) \/ (\d+)$/m.exec(text)!.slice(1).map(Number);
  assert.deepEqual([ms.stackInuse, ms.stackSys], [inuse, sys]);
  assert.equal(ms.pauseNs.length, 256);
  assert.ok(ms.numGC >= 1 && ms.pauseNs[0] > 0);
  assert.equal(p.source?.format, 'Go heap profile (debug=1 text)');
  assert.equal(openProfile(fs.readFileSync(fx.proto('heap'))).source?.memStats, undefined);
});

// ── files that are not profiles say what they are ─────────────────────────────

test('a file that is no profile says what it looks like', async () => {
  const fx = await goLegacyFixtures();
  const cases: [string, RegExp][] = [
    [path.join(legacyDir, 'not-a-profile.html'), /^an HTML page, not a profile/],
    [path.join(legacyDir, 'not-a-profile.json'), /^JSON, not a pprof profile$/],
    [path.join(legacyDir, 'speedscope.json'), /^a CPU profile in speedscope's format/],
    [path.join(legacyDir, 'chrome.cpuprofile'), /Chrome CPU profile/],
    [path.join(legacyDir, 'folded.txt'), /^folded stacks/],
    [fx.trace, /^a Go execution trace, not a profile: open it with go tool trace$/],
    [fx.goroutineDebug2, /^full goroutine stacks \(goroutine\?debug=2.*pprof does not read/],
    [process.execPath, /^an ELF executable, not a profile$/],
  ];
  for (const [file, want] of cases) {
    const bytes = file === process.execPath ? fs.readFileSync(file).subarray(0, 1 << 16) : fs.readFileSync(file);
    assert.throws(() => openProfile(bytes), (e: unknown) => e instanceof ProfileError && want.test(e.message), file);
  }
  // And a broken file of a known format says which format it tried.
  const bad = fs.readFileSync(path.join(legacyDir, 'heapz.txt'), 'utf8').replace('   2:    65536 [', '   2:    65536 x [');
  assert.throws(() => openProfile(Buffer.from(bad)), (e: unknown) => e instanceof ProfileError && /^a heap profile \(gperftools heapz text\), but unreadable/.test(e.message));
});

test('legacy input is bounded: an overlong line or a huge stack is refused with a sentence', () => {
  const long = `goroutine profile: total 1\n1 @${' 0x1'.repeat(40000)}\n`;
  assert.throws(() => openProfile(Buffer.from(long)), (e: unknown) => e instanceof ProfileError && /longer than 65536 bytes/.test(e.message));
  const words = [0, 3, 0, 100, 0, 1, 70000];
  const cpu = Buffer.alloc((words.length + 70000) * 8);
  words.forEach((w, i) => cpu.writeBigUInt64LE(BigInt(w), i * 8));
  assert.throws(() => openProfile(cpu), (e: unknown) => e instanceof ProfileError && /deeper than 65536 frames/.test(e.message));
});

// ── protobuf profiles without symbols (-symbolize=none conversions, stripped binaries) ──

test('protobuf profiles whose frames have no names: one row per binary, as go tool pprof -top', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-unsym-'));
  try {
    const fx = await goLegacyFixtures();
    for (const src of [path.join(legacyDir, 'heapz.txt'), path.join(legacyDir, 'cpu-64le.prof'), fx.text('heap')]) {
      const pb = path.join(tmp, `${path.basename(src)}.pb.gz`);
      await execFileP('go', ['tool', 'pprof', '-proto', '-symbolize=none', '-output', pb, src], { env: { ...process.env, PPROF_TMPDIR: tmp } });
      const p = openProfile(fs.readFileSync(pb));
      assert.equal(p.source?.legacy, false);
      assert.equal(p.source?.symbolsMissing, true, `${src}: says symbols are missing`);
      for (const { type, unit } of p.sampleTypes) {
        const [ours, theirs] = await Promise.all([oursTop(pb, type), pprofTop(pb, type, unit)]);
        assert.equal(ours.total, theirs.total, `${src} ${type}`);
        assert.deepEqual(byName(ours.rows), byName(theirs.rows), `${src} ${type}`);
      }
      const r = await runCli(['top', pb]);
      assert.match(r.stdout, /^Note: symbols are missing for \d+ of \d+ locations: shown per binary, as pprof -symbolize=none does$/m);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
