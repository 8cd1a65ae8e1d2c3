// `heaplens escape` as scripts use it, and the runner under it, against the real `go`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { GoToolError, hasEscapeDebug, runEscapeAnalysis } from '../../server/src/escape/run';
import { exampleDir, go, repoRoot, tempDir, writeGoModule } from '../helpers/goFixture';

const cli = path.join(repoRoot, 'server', 'out', 'cli.js');

function heaplens(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: opts.cwd ?? repoRoot, input: opts.input, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface JsonFinding {
  file: string; line: number; column: number | null; kind: string; title: string; reason: string; allocates: boolean; cold: string | null;
  steps: { file: string; line: number; column: number | null; text: string }[];
  message: string; explanation: { file: string; line: number; column: number | null; message: string }[];
}
/** The gcflags the CLI passes for this Go (it asks the compiler for its no-allocation verdicts when it can). */
const gcflags = async () => ((await hasEscapeDebug()) ? '-gcflags=-m=2 -d=escapedebug=1' : '-gcflags=-m=2');
const parseJson = (stdout: string): JsonFinding[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonFinding);

test('escape --json --all on the bundled example lists every finding with reasons, every line once', async () => {
  const r = heaplens(['escape', '--json', '--all', '--dir', exampleDir, './...']);
  assert.equal(r.code, 0, r.stderr);
  const findings = parseJson(r.stdout);
  const s = findings.find((f) => f.file === 'catalog/catalog.go' && f.kind === 'moved-to-heap' && f.message === 'moved to heap: s');
  assert.ok(s, 'summarize: s moved to heap');
  assert.ok(s.explanation.some((e) => /from return &s \(return\) at catalog\/catalog.go:\d+:\d+$/.test(e.message)), JSON.stringify(s.explanation));
  // The same output straight from the compiler: every diagnostic line appears exactly once.
  const raw = go(exampleDir, ['build', '-o', '/dev/null', await gcflags(), './...']);
  const printed = raw.stderr.split('\n').filter((l) => l && !l.startsWith('#')).length;
  const emitted = findings.reduce((n, f) => n + 1 + f.explanation.length, 0);
  assert.equal(emitted, printed);
});

test('escape --json is the readable report: same findings, same count, steps at their own positions', () => {
  const json = heaplens(['escape', '--json', '--dir', exampleDir, './...']);
  const text = heaplens(['escape', '--dir', exampleDir, './...']);
  assert.equal(json.code, 0, json.stderr);
  const findings = parseJson(json.stdout);
  const m = /^(\d+) heap allocations? in \d+ files?(?:, plus (\d+) on cold paths or in tests)?/m.exec(text.stdout);
  assert.ok(m, text.stdout);
  assert.equal(findings.length, +m[1] + +(m[2] ?? 0), 'one JSON object per reported finding');
  assert.equal(findings.filter((f) => !f.cold).length, +m[1]);
  for (const f of findings) {
    assert.ok(f.allocates && /^(moved-to-heap|escapes-to-heap)$/.test(f.kind), JSON.stringify(f));
    assert.ok(!f.file.startsWith('/') && !f.file.startsWith('..'), `only the module's own files: ${f.file}`);
    assert.match(text.stdout, new RegExp(`^ +${f.line}:${f.column ?? ''} +${f.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  }
  // A `from … at file:line:col` step sits where it says, not at the finding.
  const withSteps = findings.find((f) => f.explanation.some((e) => / at \S+:(\d+):\d+$/.exec(e.message)?.[1] !== String(f.line)))!;
  assert.ok(withSteps, 'some finding has a step on another line');
  for (const e of withSteps.explanation) {
    const at = / at (\S+):(\d+):(\d+)$/.exec(e.message);
    if (at) assert.deepEqual([e.file, e.line, e.column], [at[1], +at[2], +at[3]]);
  }
  assert.ok(withSteps.steps.some((s) => s.line !== withSteps.line && path.isAbsolute(s.file)));
});

test('escape --from - with a go error in the input: exit 1 and the error text', () => {
  const raw = go(tempDir('heaplens-nomod-'), ['build', '-o', '/dev/null', '-gcflags=-m=2', './...']);
  assert.notEqual(raw.code, 0);
  for (const args of [['escape', '--from', '-'], ['escape', '--from', '-', '--json']]) {
    const r = heaplens(args, { input: raw.stderr });
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /^error: (?:go: .*go\.mod file not found|pattern .*does not contain main module)/m);
  }
});

test('escape --from - parses saved compiler output, verbatim messages', async () => {
  const raw = go(exampleDir, ['build', '-o', '/dev/null', await gcflags(), './catalog']);
  const r = heaplens(['escape', '--from', '-', '--json', '--all', '--dir', exampleDir], { input: raw.stderr });
  assert.equal(r.code, 0, r.stderr);
  const messages = new Set(parseJson(r.stdout).flatMap((f) => [f.message, ...f.explanation.map((e) => e.message)]));
  for (const line of raw.stderr.split('\n').filter((l) => l && !l.startsWith('#'))) {
    const m = /^[^:]+:\d+(?::\d+)?: (.*)$/.exec(line);
    assert.ok(m && messages.has(m[1]), `missing: ${line}`);
  }
});

test('human report: grouped by file and function, heap escapes first, with why', () => {
  const r = heaplens(['escape', '--dir', exampleDir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^catalog\/catalog\.go$/m);
  assert.match(r.stdout, /^ {2}func summarize$/m);
  assert.match(r.stdout, /s is moved to the heap \(allocates\)\n\s+why: .*it is returned/);
  assert.match(r.stdout, /\d+ heap allocations? in \d+ files?/);
});

test('exit 1 when the code does not compile, findings for what compiled still printed', () => {
  const dir = writeGoModule({
    'good/good.go': 'package good\n\nfunc P() *int { x := 1; return &x }\n',
    'bad/bad.go': 'package bad\n\nfunc F() int { return nope }\n',
  });
  const r = heaplens(['escape', '--json', '--dir', dir, './...']);
  assert.equal(r.code, 1, r.stderr);
  const findings = parseJson(r.stdout);
  assert.ok(findings.some((f) => f.kind === 'error' && f.file === 'bad/bad.go' && /undefined: nope/.test(f.message)));
  assert.ok(findings.some((f) => f.kind === 'moved-to-heap' && f.file === 'good/good.go'));
});

test('exit 2 with one line: usage, no module, no go, unreadable input', () => {
  const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
    [['escape', '--bogus'], /unknown option --bogus/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['escape', '--dir', tempDir('heaplens-nomod-')], /no go\.mod found/],
    [['escape', '--dir', exampleDir, '--go', '/nonexistent/go'], /Go was not found/],
    [['escape', '--from', '/nonexistent/file'], /cannot read \/nonexistent\/file: ENOENT/],
    [['escape', '--dir', exampleDir], /Go was not found/, { ...process.env, PATH: '/nonexistent' }],
  ];
  for (const [args, re, env] of cases) {
    const r = heaplens(args, { env });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, 'no stack trace');
  }
});

test('runner: test variants, build tags, paths with spaces and unicode', async () => {
  const dir = writeGoModule({
    'p/p.go': 'package p\n\nfunc New() *int { v := 1; return &v }\n',
    'p/tagged.go': '//go:build special\n\npackage p\n\nfunc Tagged() *string { s := "x"; return &s }\n',
    'p/p_test.go': 'package p\n\nimport "testing"\n\nfunc TestNew(t *testing.T) { w := 2; p := &w; _ = p; if *New() != 1 { t.Fatal() } }\n',
  }, { dirName: 'my dir ünï' });
  const plain = await runEscapeAnalysis({ moduleRoot: dir, packages: ['./p'] });
  assert.equal(plain.exitCode, 0, plain.stderr);
  assert.equal(plain.cwd, dir);
  assert.match(plain.goVersion ?? '', /^go1\.\d+/);
  assert.ok(plain.result.findings.some((f) => f.subject === 'v' && f.path === path.join(dir, 'p/p.go')));
  assert.ok(!plain.result.findings.some((f) => f.file.endsWith('tagged.go')));
  const tagged = await runEscapeAnalysis({ moduleRoot: path.join(dir, 'p'), packages: ['./p'], tags: ['special'], tests: true });
  assert.equal(tagged.exitCode, 0, tagged.stderr);
  assert.deepEqual(tagged.argv.slice(1, 4), ['test', '-c', '-o']);
  assert.ok(tagged.result.findings.some((f) => f.subject === 's' && f.file === 'p/tagged.go'));
  assert.ok(tagged.result.findings.some((f) => f.file === 'p/p_test.go'));
});

test('runner: unsaved buffers through -overlay', async () => {
  const dir = writeGoModule({ 'o/o.go': 'package o\n\nfunc F() int { x := 1; return x }\n' });
  const file = path.join(dir, 'o/o.go');
  const overlay = new Map([[file, 'package o\n\nfunc F() *int { y := 1; return &y }\n']]);
  const r = await runEscapeAnalysis({ moduleRoot: dir, packages: ['./o'], overlay });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.ok(r.result.findings.some((f) => f.kind === 'moved-to-heap' && f.subject === 'y'));
  assert.equal(fs.readFileSync(file, 'utf8'), 'package o\n\nfunc F() int { x := 1; return x }\n', 'the user file is untouched');
});

test('runner: cancelling kills the process tree and reports cancelled', async () => {
  const dir = writeGoModule({ 'main.go': 'package main\n\nimport "net/http"\n\nfunc main() { _ = http.ListenAndServe(":0", nil) }\n' });
  const ac = new AbortController();
  let started = false;
  // A fresh cache makes the compile slow enough to cancel in flight.
  const env = { ...process.env, GOCACHE: tempDir('heaplens-gocache-'), GOFLAGS: '-a', GOTMPDIR: tempDir('heaplens-gotmp-') };
  const run = runEscapeAnalysis({ moduleRoot: dir, packages: ['.'], env, signal: ac.signal, onStart: () => { started = true; } });
  const withCache = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try { return fs.readFileSync(`/proc/${p}/environ`, 'utf8').includes(env.GOCACHE); } catch { return false; }
  });
  // Cancel once the compiler is really running: the build started (not just the
  // `go env` before it, which alone can show two processes), `go` plus a child.
  await waitFor(() => started && withCache().length >= 2, 20_000);
  ac.abort();
  const r = await run;
  assert.ok(started);
  assert.equal(r.cancelled, true);
  assert.deepEqual(r.result.findings, []);
  // SIGKILL is asynchronous: give the kernel a moment to reap, then none may remain.
  await waitFor(() => withCache().length === 0, 5_000).catch(() => undefined);
  assert.deepEqual(withCache(), [], 'no go or compile process left behind');
  // A killed `go` cannot remove its $WORK (a go-build… dir): the runner removes it.
  assert.deepEqual(fs.readdirSync(env.GOTMPDIR), [], 'no temp dir left behind in GOTMPDIR');
});

test('runner: work dirs left by a server killed mid-run are removed by the next run; live ones stay', async () => {
  const tmp = tempDir('heaplens-gotmp-');
  const stale = path.join(tmp, 'heaplens-gowork-stale1'), fresh = path.join(tmp, 'heaplens-gowork-fresh1'), other = path.join(tmp, 'go-build123');
  for (const d of [stale, fresh, other]) fs.mkdirSync(path.join(d, 'b001'), { recursive: true });
  const old = (Date.now() - 2 * 3600_000) / 1000;
  for (const d of [stale, other]) fs.utimesSync(d, old, old);
  await runEscapeAnalysis({ moduleRoot: exampleDir, packages: ['./catalog'], env: { ...process.env, GOTMPDIR: tmp } });
  assert.deepEqual(fs.readdirSync(tmp).sort(), ['go-build123', 'heaplens-gowork-fresh1'], 'only our stale dir is removed, and the run leaves none of its own');
});

test('runner: environment errors are GoToolErrors with readable messages', async () => {
  await assert.rejects(runEscapeAnalysis({ moduleRoot: '/', packages: ['.'] }), (e: unknown) => e instanceof GoToolError && e.code === 'not-module');
  await assert.rejects(runEscapeAnalysis({ moduleRoot: exampleDir, packages: ['.'], goBin: '/nonexistent/go' }), (e: unknown) => e instanceof GoToolError && e.code === 'not-found' && /heaplens\.goPath/.test(e.message));
  // A fake old Go: a script that answers like go1.19.
  const fake = path.join(tempDir('heaplens-oldgo-'), 'go');
  fs.writeFileSync(fake, '#!/bin/sh\necho go1.19.8\n', { mode: 0o755 });
  await assert.rejects(runEscapeAnalysis({ moduleRoot: exampleDir, packages: ['.'], goBin: fake }), (e: unknown) => e instanceof GoToolError && e.code === 'too-old' && /needs Go 1\.21/.test(e.message));
});
