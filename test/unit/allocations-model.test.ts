// The Allocations view's model (client/src/allocations/model.ts) and the enclosing
// function of a line (server/src/escape/enclosing.ts), on lines of real modules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTree } from '../../client/src/allocations/model';
import { enclosingFunction } from '../../server/src/escape/enclosing';
import type { AllocationItem } from '../../server/src/protocol/lsp';

test('the enclosing function of a line, from gofmt\'d source', () => {
  const src = [
    'package zap', //                                             1
    'var _encoderNameToConstructor = map[string]int{', //         2
    '\t"console": 1,', //                                         3
    '}', //                                                       4
    'func (m *MapObjectEncoder) AddByteString(k string, v []byte) { m.fields[k] = string(v) }', // 5
    'func (l Level) String() string {', //                        6
    '\tx := `', //                                                7
    'func not(a real) func', //                                   8 (inside a raw string)
    '`', //                                                       9
    '\treturn x', //                                             10
    '}', //                                                      11
    'func Sum[T any](xs []T) T {', //                            12
    '', //                                                       13
    '\t// comment', //                                           14
    '\treturn xs[0]', //                                         15
    '}', //                                                      16
  ];
  const read = (l: number) => src[l - 1];
  assert.equal(enclosingFunction(read, 3), 'package level');
  assert.equal(enclosingFunction(read, 5), '(*MapObjectEncoder).AddByteString');
  assert.equal(enclosingFunction(read, 6), '(Level).String');
  assert.equal(enclosingFunction(read, 15), 'Sum');
});

const item = (uri: string, fn: string, line: number, kind: AllocationItem['kind'] = 'escapes-to-heap', value?: number): AllocationItem => ({
  uri, package: 'example.com/m', function: fn, kind, title: `x${line} escapes to the heap`,
  range: { start: { line, character: 1 }, end: { line, character: 3 } },
  ...(value !== undefined ? { value, cost: `${value} B` } : {}),
});

test('package → file → function, with counts; by measured cost when a profile is loaded; filter and group-by', () => {
  const items = [item('file:///m/a.go', 'F', 9), item('file:///m/a.go', 'F', 3), item('file:///m/a.go', 'G', 5, 'moved-to-heap'), item('file:///m/b.go', 'H', 1)];
  const fileLabel = (u: string) => u.replace('file:///m/', '');
  const [pkg] = buildTree(items, { groupBy: 'function', filter: '', fileLabel });
  assert.equal(pkg.label, 'example.com/m');
  assert.equal(pkg.description, '4 allocations');
  assert.deepEqual(pkg.children.map((f) => [f.label, f.count]), [['a.go', 3], ['b.go', 1]]);
  const a = pkg.children[0];
  assert.deepEqual(a.children.map((g) => [g.label, g.description]), [['F', '2 allocations'], ['G', '1 allocation']]);
  assert.deepEqual(a.children[0].children.map((l) => l.description), ['line 4', 'line 10'], 'by line without a profile');

  const costly = buildTree([item('file:///m/a.go', 'F', 9, 'escapes-to-heap', 10), item('file:///m/a.go', 'G', 3, 'escapes-to-heap', 500)], { groupBy: 'function', filter: '', fileLabel });
  assert.deepEqual(costly[0].children[0].children.map((g) => g.label), ['G', 'F'], 'the costlier function first');
  assert.equal(costly[0].children[0].children[0].children[0].description, 'line 4 · 500 B');

  const byKind = buildTree(items, { groupBy: 'kind', filter: '', fileLabel });
  assert.deepEqual(byKind[0].children[0].children.map((g) => g.label), ['values escaping to the heap', 'variables moved to the heap']);
  const filtered = buildTree(items, { groupBy: 'function', filter: 'b.go', fileLabel });
  assert.deepEqual(filtered[0].children.map((f) => f.label), ['b.go']);
  assert.deepEqual(buildTree(items, { groupBy: 'function', filter: 'nothing-like-this', fileLabel }), []);
});
