// The pure parts of `heaplens check`: how sites match across revisions, baselines,
// constants, and the GitHub annotation escaping. (Directives, function names and renames
// are read from Go source: check-outline.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subtractBaseline, makeBaseline } from '../../server/src/check/baseline';
import { formatGithub } from '../../server/src/check/format';
import type { FuncInfo } from '../../server/src/check/functions';
import { calleeResolver } from '../../server/src/check/inlined';
import { newSites } from '../../server/src/check/match';
import { allocates, type HeapSite, type Problem } from '../../server/src/check/model';
import type { Finding } from '../../server/src/escape/types';

const finding = (kind: Finding['kind'], subject: string, line: number): Finding =>
  ({ file: 'a.go', path: '/m/a.go', line, column: 2, kind, message: `${subject} escapes to heap`, subject, explanation: [] });
const site = (func: string, subject: string, line: number, rel = 'p/a.go'): HeapSite =>
  ({ finding: finding('escapes-to-heap', subject, line), rel, func, expr: subject, inlined: [] });

test('matching: by function and expression, counted; lines and files do not matter', () => {
  const base = [site('F', '&T{...}', 10), site('G', 'make([]int, n)', 20)];
  const head = [site('F', '&T{...}', 50, 'p/b.go'), site('F', '&T{...}', 60, 'p/b.go'), site('G', 'make([]int,n)', 5)];
  const fn = (name: string, line: number): FuncInfo => ({ name, line, docLine: line, bodyLine: line, endLine: line, tokens: ['{', '}'] });
  const funcs = new Map([['p', [fn('F', 2), fn('G', 3)]]]);
  const out = newSites(head, base, funcs, funcs);
  assert.deepEqual(out.map((n) => `${n.site.func}:${n.site.finding.line}`), ['F:60']);
  // Another package is another place.
  assert.equal(newSites([site('F', '&T{...}', 10, 'q/a.go')], base, funcs, funcs).length, 1);
});

test('an inlined callee by its bare name is in the caller\'s package, whichever file came first; a qualified one in its package', () => {
  // Two packages each with an unexported expand() that allocates (compress's s2 and snappy).
  const fn = (name: string): FuncInfo => ({ name, line: 10, docLine: 10, bodyLine: 10, endLine: 14, tokens: [] });
  const own = (dir: string): Finding => ({ ...finding('escapes-to-heap', 'make([]byte, n)', 11), file: `${dir}/x.go`, path: `/m/${dir}/x.go` });
  const snappy = { rel: 'snappy/x.go', funcs: [fn('expand'), fn('Expand')], findings: [own('snappy')] };
  const s2 = { rel: 's2/x.go', funcs: [fn('expand')], findings: [own('s2')] };
  const call: Finding = { ...finding('escapes-to-heap', 'make([]byte, n)', 30), file: 's2/y.go', path: '/m/s2/y.go' };
  for (const files of [[snappy, s2], [s2, snappy]]) {
    assert.equal(calleeResolver(files)('expand', call)?.rel, 's2/x.go');
    // Another package's function is printed qualified by its package name.
    assert.equal(calleeResolver(files)('snappy.expand', call)?.rel, 'snappy/x.go');
  }
  assert.equal(calleeResolver([snappy])('expand', call), undefined, 'not in the caller\'s package: no flow rather than a wrong one');
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
