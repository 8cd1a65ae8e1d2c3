// The -m parser on output the real compiler prints at test time, plus the line forms
// that real output here does not produce (older Go, //line, module cache, errors).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { describeFinding } from '../../server/src/escape/describe';
import { parseCompilerOutput } from '../../server/src/escape/parse';
import { byteColumnToUtf16 } from '../../server/src/escape/positions';
import type { Finding, ParseResult } from '../../server/src/escape/types';
import { go, writeGoModule } from '../helpers/goFixture';

const SOURCE = `package esc

import (
	"fmt"
	"sync"
)

type Point struct{ X, Y int }

var sink []*Point

func NewPoint() *Point {
	p := Point{1, 2}
	return &p
}

func Keep(p *Point) { sink = append(sink, p) }

func Identity(b []byte) []byte { return b }

func Local() int {
	buf := make([]byte, 64)
	return len(buf)
}

func Big(n int) []byte { return make([]byte, n) }

func Format(n int) string { return fmt.Sprintf("%d", n) }

// ünïcödé comment, then a finding after multi-byte text on its line:
func Greet(name string) string { s := "héllo " + name; return fmt.Sprint(s) }

func Sum[T int | float64](xs []T) T {
	var t T
	for _, x := range xs {
		t += x
	}
	return t
}

func Workers(items []int) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = it * 2
		}()
	}
	wg.Wait()
}

func Use() float64 { return Sum([]float64{1, 2}) }
`;

const TEST_SOURCE = `package esc

import "testing"

func TestNewPoint(t *testing.T) {
	if p := NewPoint(); p.X != 1 {
		t.Fatal(p)
	}
}
`;

let fixture: { dir: string; stderr: string; result: ParseResult } | undefined;
function compiled() {
  if (!fixture) {
    const dir = writeGoModule({ 'esc/esc.go': SOURCE, 'esc/esc_test.go': TEST_SOURCE });
    const r = go(dir, ['test', '-c', '-o', '/dev/null', '-gcflags=-m=2', './esc']);
    assert.equal(r.code, 0, r.stderr);
    fixture = { dir, stderr: r.stderr, result: parseCompilerOutput(r.stderr, dir, { failed: false }) };
  }
  return fixture;
}

function at(r: ParseResult, line: number, kind: string): Finding[] {
  return r.findings.filter((f) => f.file === 'esc/esc.go' && f.line === line && f.kind === kind);
}

/** Every diagnostic line the compiler printed must come out exactly once. */
function assertEveryLineOnce(stderr: string, r: ParseResult): void {
  const printed = stderr.split('\n').filter((l) => l !== '' && !l.startsWith('# ') && !l.startsWith('\t'));
  const out = [...r.findings, ...r.errors, ...r.orphans].flatMap((f) => [f, ...f.explanation]);
  assert.equal(out.length, printed.length, 'one output entry per printed line');
  const rebuilt = out.map((f) => (f.file && f.file !== '<unknown line number>' ? `${f.file}:${f.line}${f.column ? `:${f.column}` : ''}: ${f.message}` : f.file ? `${f.file}: ${f.message}` : f.message)).sort();
  assert.deepEqual(rebuilt, [...printed].sort());
}

test('real -m=2 output: every line once, nothing unknown', () => {
  const { stderr, result } = compiled();
  assertEveryLineOnce(stderr, result);
  assert.deepEqual(result.findings.filter((f) => f.kind === 'unknown').map((f) => f.message), []);
  assert.equal(result.errors.length, 0);
});

test('real output: moved to heap with its reasons attached', () => {
  const { dir, result } = compiled();
  const [p] = at(result, 13, 'moved-to-heap');
  assert.ok(p, 'p moved to heap');
  assert.equal(p.subject, 'p');
  assert.equal(p.message, 'moved to heap: p');
  assert.equal(p.path, path.join(dir, 'esc/esc.go'));
  assert.equal(p.column, 2);
  assert.equal(p.explanation[0].role, 'header');
  const from = p.explanation.filter((s) => s.role === 'from');
  assert.ok(from.some((s) => s.at?.line === 14 && s.message.includes('(return)')), JSON.stringify(p.explanation));
  assert.ok(p.explanation.some((s) => s.role === 'flow'));
});

test('real output: leaking params, results, closures, test variant packages', () => {
  const { result } = compiled();
  assert.ok(at(result, 17, 'leaking-param').some((f) => f.subject === 'p'));
  const toResult = at(result, 19, 'leaking-param-to-result');
  assert.equal(toResult[0]?.detail, '~r0');
  assert.ok(at(result, 22, 'does-not-escape').some((f) => f.subject === 'make([]byte, 64)'));
  assert.ok(at(result, 26, 'escapes-to-heap').some((f) => f.subject === 'make([]byte, n)'));
  assert.ok(result.findings.some((f) => f.kind === 'can-inline' && f.subject === 'NewPoint'));
  assert.ok(result.packages.some((p) => p.includes('[example.com/fixture/esc.test]')), result.packages.join());
  assert.ok(result.findings.some((f) => f.file === 'esc/esc_test.go'), 'findings from the _test.go file');
  // Go 1.21 semantics in this module: the goroutine's closure captures the shared loop variable.
  assert.ok(result.findings.some((f) => f.kind === 'moved-to-heap' && f.subject === 'it'));
});

test('real output: byte columns after multi-byte text', () => {
  const { result } = compiled();
  const line = SOURCE.split('\n')[30];
  const f = result.findings.find((x) => x.line === 31 && x.kind === 'escapes-to-heap' && x.subject?.includes('"héllo " + name'));
  assert.ok(f, 'finding on the line with é');
  // The compiler puts a binary expression at its operator, and counts bytes: é is two.
  const plus = line.indexOf('+ name');
  assert.equal(f.column, Buffer.byteLength(line.slice(0, plus)) + 1);
  assert.notEqual(f.column, plus + 1);
  assert.equal(byteColumnToUtf16(line, f.column!), plus);
});

test('the standard library at all=-m=2 classifies without unknowns', () => {
  const dir = writeGoModule({ 'main.go': 'package main\n\nimport (\n\t"encoding/json"\n\t"fmt"\n\t"net/url"\n\t"os"\n\t"sort"\n)\n\nfunc main() {\n\tb, _ := json.Marshal(map[string]int{"a": 1})\n\tu, _ := url.Parse("http://x/y")\n\ts := []string{"b", "a"}\n\tsort.Strings(s)\n\tfmt.Fprintln(os.Stdout, string(b), u, s)\n}\n' });
  const r = go(dir, ['build', '-o', '/dev/null', '-gcflags=all=-m=2', '.']);
  assert.equal(r.code, 0, r.stderr.slice(0, 500));
  const result = parseCompilerOutput(r.stderr, dir, { failed: false });
  assert.ok(result.findings.length > 5000, `${result.findings.length} findings`);
  const unknown = result.findings.filter((f) => f.kind === 'unknown');
  assert.deepEqual(unknown.slice(0, 5).map((f) => f.message), []);
  assertEveryLineOnce(r.stderr, result);
});

test('real compile error: kept apart as errors, with continuation lines', () => {
  const dir = writeGoModule({ 'bad/bad.go': 'package bad\n\nfunc F() int {\n\treturn undefinedThing\n}\n\nfunc G(x int) string { return x }\n' });
  const r = go(dir, ['build', '-o', '/dev/null', '-gcflags=-m=2', './bad']);
  assert.notEqual(r.code, 0);
  for (const failed of [true, undefined]) {
    const result = parseCompilerOutput(r.stderr, dir, { failed });
    assert.equal(result.findings.length, 0, JSON.stringify(result.findings));
    assert.ok(result.errors.length >= 2);
    assert.ok(result.errors.every((e) => e.kind === 'error'));
    assert.deepEqual(result.errors.map((e) => e.line).slice(0, 2), [4, 7]);
  }
});

// Forms real output here does not produce: older Go, //line, module cache, odd positions.
test('hand-written forms', async (t) => {
  const cwd = '/work/mod';
  await t.test('Go 1.19 explanation format (= in flow, header without "in F")', () => {
    const text = [
      '# example.com/m/esc',
      'esc/esc.go:15:2: x escapes to heap:',
      'esc/esc.go:15:2:   flow: ~r0 = &x:',
      'esc/esc.go:15:2:     from &x (address-of) at esc/esc.go:16:9',
      'esc/esc.go:15:2:     from return &x (return) at esc/esc.go:16:2',
      'esc/esc.go:15:2: moved to heap: x',
      'esc/esc.go:20:10: parameter p leaks to {heap} with derefs=0:',
      'esc/esc.go:20:10:   flow: {heap} = p:',
      'esc/esc.go:20:10:     from sink = p (assign) at esc/esc.go:21:7',
      'esc/esc.go:20:10: leaking param: p',
    ].join('\n');
    const r = parseCompilerOutput(text, cwd);
    assert.equal(r.findings.length, 2);
    const [x, p] = r.findings;
    assert.equal(x.kind, 'moved-to-heap');
    assert.equal(x.explanation.length, 4);
    assert.equal(x.explanation[3].at?.path, '/work/mod/esc/esc.go');
    assert.equal(p.kind, 'leaking-param');
    assert.equal(p.explanation.length, 3);
    assert.equal(r.packages[0], 'example.com/m/esc');
  });
  await t.test('summary before its explanation block is still matched', () => {
    const r = parseCompilerOutput('a.go:3:2: moved to heap: v\na.go:3:2: v escapes to heap in F:\na.go:3:2:   flow: {heap} ← &v:\n', cwd);
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0].explanation.length, 2);
  });
  await t.test('a block with no verdict (go/defer wrappers) is kept apart, not a finding', () => {
    const r = parseCompilerOutput('a.go:9:5: func literal escapes to heap in F:\na.go:9:5:   flow: {heap} ← func literal:\na.go:9:5:     from go func() {...}() (go func) at a.go:9:2\n', cwd);
    assert.equal(r.findings.length, 0);
    assert.equal(r.orphans.length, 1);
    assert.equal(r.orphans[0].explanation.length, 2);
  });
  await t.test('a parameter leaking to the heap and to a result at one position: each flow to its verdict', () => {
    // As go1.26 prints it for chi's (*Context).URLParam-like functions.
    const r = parseCompilerOutput([
      'a.go:5:7: parameter x leaks to {heap} for F with derefs=0:',
      'a.go:5:7:   flow: {heap} ← x:',
      'a.go:5:7:     from sink = x (assign) at a.go:6:7',
      'a.go:5:7: parameter x leaks to ~r0 for F with derefs=0:',
      'a.go:5:7:   flow: ~r0 ← x:',
      'a.go:5:7:     from return x (return) at a.go:7:2',
      'a.go:5:7: leaking param: x',
      'a.go:5:7: leaking param: x to result ~r0 level=0',
    ].join('\n'), cwd);
    const heap = r.findings.find((f) => f.kind === 'leaking-param')!;
    const res = r.findings.find((f) => f.kind === 'leaking-param-to-result')!;
    assert.deepEqual(heap.explanation.map((e) => e.message.trim()).slice(1), ['flow: {heap} ← x:', 'from sink = x (assign) at a.go:6:7']);
    assert.deepEqual(res.explanation.map((e) => e.message.trim()).slice(1), ['flow: ~r0 ← x:', 'from return x (return) at a.go:7:2']);
  });
  await t.test('two verdicts with one subject at one position keep their own flows, in order', () => {
    const r = parseCompilerOutput([
      'a.go:3:9: ... argument escapes to heap in F:', 'a.go:3:9:   flow: {heap} ← &{storage for ... argument}:', 'a.go:3:9:     from ... argument (spill) at a.go:3:9',
      'a.go:3:9: ... argument escapes to heap in F:', 'a.go:3:9:   flow: {heap} ← &{storage for ... argument}:', 'a.go:3:9:     from ... argument (call parameter) at a.go:3:20',
      'a.go:3:9: ... argument escapes to heap', 'a.go:3:9: ... argument escapes to heap',
    ].join('\n'), cwd);
    assert.deepEqual(r.findings.map((f) => f.explanation.map((e) => e.message).join('|').includes('spill')), [true, false]);
    assert.deepEqual(r.findings.map((f) => f.explanation.length), [3, 3]);
  });
  await t.test('a leak target with braces of its own is read whole', () => {
    const r = parseCompilerOutput('tree.go:138:36: parameter pattern leaks to {storage for &node{...}} for (*node).InsertRoute with derefs=0:\ntree.go:138:36:   flow: {storage for &node{...}} ← pattern:\ntree.go:138:36: leaking param: pattern\n', cwd);
    assert.match(describeFinding(r.findings[0]).title, /flows to the storage for &node\{\.\.\.\}$/);
  });
  await t.test('convert lines (-d=escapedebug=1) mark escapes the compiler boxes without allocating', () => {
    // Real go1.26 output for `sink = "hello"`, `sink = struct{}{}` and `func Byte(b byte) { sink = b }`.
    const r = parseCompilerOutput([
      '# example.com/exp',
      './exp.go:19:23: "hello" escapes to heap',
      './exp.go:24:36: struct {}{} escapes to heap',
      './exp.go:25:28: b escapes to heap',
      './exp.go:27:26: i escapes to heap',
      './exp.go:19:23: convert: using global for interface value: .stmp_0',
      './exp.go:24:36: convert: using global for zero-sized interface value: .stmp_6',
      './exp.go:25:11: convert: using global for single-byte interface value: b',
    ].join('\n'), cwd, { failed: false });
    assert.deepEqual(r.findings.map((f) => [f.subject, f.noAlloc ?? null]), [
      ['"hello"', 'using global for interface value'],
      ['struct {}{}', 'using global for zero-sized interface value'],
      ['b', 'using global for single-byte interface value'],
      ['i', null],
    ]);
    assert.equal(r.findings[0].explanation[0].role, 'convert');
    assert.match(describeFinding(r.findings[0]).title, /without allocating/);
  });
  await t.test('the go command failing before compiling anything is an error, its progress lines are not', () => {
    const r = parseCompilerOutput("go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n", cwd);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].message, /go\.mod file not found/);
    const ok = parseCompilerOutput('go: downloading example.org/dep v1.0.0\n# p\nx.go:1:1: moved to heap: v\n', cwd);
    assert.equal(ok.errors.length, 0);
  });
  await t.test('autogenerated, unknown line number, no position, //line without column', () => {
    const text = [
      '<autogenerated>:1: &reflect.ValueError{...} escapes to heap',
      '<autogenerated>:1: function init considered \'big\'; reducing max cost of inlinees',
      '<unknown line number>: #next escapes to heap in Value.Comparable:',
      '<unknown line number>:   flow: {storage for func literal} ← &#next:',
      'moved to heap: #next',
      'Value.Comparable capturing by ref: #next (addr=false assign=true width=8)',
      'template.y:42: leaking param: yylex',
    ].join('\n');
    const r = parseCompilerOutput(text, cwd);
    assert.deepEqual(r.findings.map((f) => f.kind).sort(), ['closure-capture', 'escapes-to-heap', 'inline-budget', 'leaking-param', 'moved-to-heap']);
    // A summary printed with no position belongs to the block at "<unknown line number>".
    assert.equal(r.findings.find((f) => f.kind === 'moved-to-heap')!.explanation.length, 2);
    const auto = r.findings.find((f) => f.file === '<autogenerated>' && f.kind === 'escapes-to-heap')!;
    assert.equal(auto.path, '');
    assert.equal(auto.column, null);
    const lineDirective = r.findings.find((f) => f.file === 'template.y')!;
    assert.equal(lineDirective.line, 42);
    assert.equal(lineDirective.column, null);
  });
  await t.test('module cache, absolute GOROOT and ../ paths, spaces', () => {
    const r = parseCompilerOutput([
      '/root/go/pkg/mod/example.org/!dep@v1.0.0/dep.go:3:6: can inline Dep',
      '/usr/local/go/src/fmt/print.go:12:3: x does not escape',
      '../../other/o.go:4:2: moved to heap: y',
      'my dir/ünï.go:7:9: leaking param content: s',
    ].join('\n'), '/work/a/b');
    assert.deepEqual(r.findings.map((f) => f.path), [
      '/root/go/pkg/mod/example.org/!dep@v1.0.0/dep.go',
      '/usr/local/go/src/fmt/print.go',
      '/work/other/o.go',
      '/work/a/b/my dir/ünï.go',
    ]);
    assert.deepEqual(r.findings.map((f) => f.kind), ['can-inline', 'does-not-escape', 'moved-to-heap', 'leaking-param-content']);
  });
  await t.test('every catalogued message form', () => {
    const forms: [string, string][] = [
      ['can inline F with cost 12 as: func() { }', 'can-inline'],
      ['cannot inline F into G: repeated recursive cycle', 'cannot-inline'],
      ['cannot inline F: function too complex: cost 139 exceeds budget 80', 'cannot-inline'],
      ['inlining call to F with score 40', 'inlining-call'],
      ['PGO devirtualizing i.M to *T', 'devirtualized'],
      ['devirtualizing i.M to *T', 'devirtualized'],
      ['leaking param: b to result ~r0 level=0', 'leaking-param-to-result'],
      ['func literal capturing by value: n (addr=false assign=false width=8)', 'closure-capture'],
      ['F ignoring self-assignment in x.a = x.a[1:]', 'self-assignment'],
      ['assuming p is unsafe uintptr', 'unsafe-uintptr'],
      ['marking p as escaping ...uintptr', 'unsafe-uintptr'],
      ['index bounds check elided', 'bounds-check-elided'],
      ['zero-copy string->[]byte conversion', 'zero-copy-conversion'],
      ['loop variable i now per-iteration, heap-allocated', 'loop-var'],
      ['loop variable i now per-iteration, stack-allocated (loop inlined into main)', 'loop-var'],
      ['convert: using global for zero-sized interface value: .stmp_5', 'no-alloc-conversion'],
      ['convert: using stack temporary for interface value: .autotmp_3', 'no-alloc-conversion'],
      ['github.com/go-chi/chi/v5.mctx will be kept alive', 'kept-alive'],
      ['function results will be kept alive', 'kept-alive'],
      ['expr is unknown to bloop pass', 'kept-alive'],
      ['imprecise interface call', 'imprecise-call'],
      ['something the compiler says one day', 'unknown'],
    ];
    const r = parseCompilerOutput('# p\n' + forms.map(([m], i) => `x.go:${i + 1}:1: ${m}`).join('\n'), cwd, { failed: false });
    assert.deepEqual(r.findings.map((f) => f.kind), forms.map(([, k]) => k));
  });
  await t.test('CRLF line endings', () => {
    const r = parseCompilerOutput('# p\r\nx.go:1:1: moved to heap: v\r\n', cwd);
    assert.equal(r.findings[0].subject, 'v');
  });
});
