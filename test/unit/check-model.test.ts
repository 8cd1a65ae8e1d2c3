// The pure parts of `heaplens check`: where directives apply, how sites match across
// revisions, baselines, constants, and the GitHub annotation escaping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subtractBaseline, makeBaseline } from '../../server/src/check/baseline';
import { parseDirectives } from '../../server/src/check/directives';
import { formatGithub } from '../../server/src/check/format';
import { functionsOf, qualifiedName } from '../../server/src/check/functions';
import { newSites } from '../../server/src/check/match';
import { allocates, type HeapSite, type Problem } from '../../server/src/check/model';
import type { Finding } from '../../server/src/escape/types';

test('directives: doc comment, trailing, line above, comma lists, strings and typos', () => {
  const src = [
    'package p', //                                     1
    '', //                                              2
    '// F does things.', //                             3
    '//', //                                            4
    '//heaplens:noalloc', //                            5
    'func F() {', //                                    6
    '\ts := "//heaplens:noalloc in a string"', //       7
    '\t//gcassert:bce,inline', //                       8
    '\t_ = s[0] + g()', //                              9
    '\tx := 1 //heaplens:noalloc', //                   10
    '\t_ = x', //                                       11
    '}', //                                             12
    '', //                                              13
    '//heaplens:inline', //                             14
    '', //                                              15
    'func (s *Server[K]) G() {}', //                    16
    '// gcassert:noescape', //                          17
    'func H() {} //heaplens:bogus', //                  18
  ].join('\n');
  const { directives, bad } = parseDirectives(src);
  const got = directives.map((d) => `${d.tool}:${d.name}:${d.scope}:${d.target}${d.func ? `:${d.func.name}` : ''}`);
  assert.deepEqual(got, [
    'heaplens:noalloc:func:6:F',
    'gcassert:bce:line:9',
    'gcassert:inline:line:9',
    'heaplens:noalloc:line:10',
    // A blank line between the comment and func: not a doc comment, so the line.
    'heaplens:inline:line:16',
    'gcassert:noescape:func:18:H',
  ]);
  assert.deepEqual(bad.map((b) => `${b.line}:${b.message}`), ['18:unknown directive //heaplens:bogus (heaplens knows noalloc, inline)']);
});

test('function names carry their receiver type, without type parameters', () => {
  assert.equal(qualifiedName('G', 's *Server[K, V]'), '(*Server).G');
  assert.equal(qualifiedName('G', 'Server'), 'Server.G');
  assert.equal(qualifiedName('F', undefined), 'F');
  const fs = functionsOf('package p\n\nfunc (l List[T]) Len() int {\n\treturn 0\n}\n');
  assert.deepEqual(fs.map((f) => [f.name, f.line, f.endLine]), [['List.Len', 3, 5]]);
});

const finding = (kind: Finding['kind'], subject: string, line: number): Finding =>
  ({ file: 'a.go', path: '/m/a.go', line, column: 2, kind, message: `${subject} escapes to heap`, subject, explanation: [] });
const site = (func: string, subject: string, line: number, rel = 'p/a.go'): HeapSite =>
  ({ finding: finding('escapes-to-heap', subject, line), rel, func, expr: subject, inlined: [] });

test('matching: by function and expression, counted; lines and files do not matter', () => {
  const base = [site('F', '&T{...}', 10), site('G', 'make([]int, n)', 20)];
  const head = [site('F', '&T{...}', 50, 'p/b.go'), site('F', '&T{...}', 60, 'p/b.go'), site('G', 'make([]int,n)', 5)];
  const funcs = new Map([['p', functionsOf('package p\nfunc F() {}\nfunc G() {}\n')]]);
  const out = newSites(head, base, funcs, funcs);
  assert.deepEqual(out.map((n) => `${n.site.func}:${n.site.finding.line}`), ['F:60']);
  // Another package is another place.
  assert.equal(newSites([site('F', '&T{...}', 10, 'q/a.go')], base, funcs, funcs).length, 1);
});

test('matching: a renamed function is paired with its old self by body, a different one is not', () => {
  const body = '{\n\tc := it\n\tc.Price = it.Price * 2 + it.Tax\n\treturn &c\n}\n';
  const baseFuncs = new Map([['p', functionsOf(`package p\nfunc Clone(it Item) *Item ${body}func Other() int {\n\treturn 1\n}\n`)]]);
  const headFuncs = new Map([['p', functionsOf(`package p\nfunc CloneItem(it Item) *Item ${body}func Fresh(a, b string) string {\n\treturn a + b + a\n}\n`)]]);
  const out = newSites([site('CloneItem', 'c', 3), site('Fresh', 'a + b + a', 8)], [site('Clone', 'c', 3)], headFuncs, baseFuncs);
  assert.deepEqual(out.map((n) => n.site.func), ['Fresh']);
});

test('constants boxed into interfaces are not allocations; variables and literals are', () => {
  assert.equal(allocates(finding('escapes-to-heap', '"total"', 1)), false);
  assert.equal(allocates(finding('escapes-to-heap', '42', 1)), false);
  assert.equal(allocates(finding('escapes-to-heap', 'x', 1)), true);
  assert.equal(allocates(finding('escapes-to-heap', '&T{...}', 1)), true);
  assert.equal(allocates(finding('moved-to-heap', 'buf', 1)), true);
  assert.equal(allocates(finding('leaking-param', 'p', 1)), false);
});

const problem = (key: string, line = 1): Problem => ({ rule: 'new-heap-allocation', rel: 'a.go', line, column: 1, message: 'm', reason: '', flow: [], func: 'F', key });

test('baseline: each entry absorbs up to its count', () => {
  const b = makeBaseline([problem('k1'), problem('k1'), problem('k2')]);
  assert.deepEqual(b.entries, { k1: 2, k2: 1 });
  const r = subtractBaseline([problem('k1', 1), problem('k1', 2), problem('k1', 3), problem('k3')], b);
  assert.equal(r.suppressed, 2);
  assert.deepEqual(r.kept.map((p) => `${p.key}:${p.line}`), ['k1:3', 'k3:1']);
});

test('GitHub annotations escape what would break a workflow command', () => {
  const p = { ...problem('k'), rel: 'dir,with:odd%name.go', message: 'a\nb%c', reason: 'r', flow: [{ text: 'x — y', rel: 'a.go', line: 2, column: 3 }] };
  const out = formatGithub({ problems: [p], assertionsChecked: 0, packages: 1, baselined: 0, notes: [] }, 'mod');
  const line = out.split('\n')[0];
  assert.equal(line, '::error file=mod/dir%2Cwith%3Aodd%25name.go,line=1,col=1,title=heaplens new-heap-allocation::a%0Ab%25c%0Awhy: r%0A1. x — y (a.go:2:3)');
});
