// Plain-words descriptions and position conversion: what people read in hovers and reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFinding, humanName } from '../../server/src/escape/describe';
import { parseCompilerOutput } from '../../server/src/escape/parse';
import { byteColumnToUtf16 } from '../../server/src/escape/positions';

test('byte columns to UTF-16: ASCII, tabs, 2-, 3- and 4-byte characters', () => {
  assert.equal(byteColumnToUtf16('\tx := 1', 2), 1);
  assert.equal(byteColumnToUtf16('é := x', 4), 2); // é is 2 bytes, 1 unit
  assert.equal(byteColumnToUtf16('日本 := x', 8), 3); // 3 bytes each
  assert.equal(byteColumnToUtf16('😀 x', 6), 3); // 4 bytes, 2 units
  assert.equal(byteColumnToUtf16('short', 99), 5, 'clamped past the end');
});

test('compiler names as a person says them', () => {
  assert.equal(humanName('~r0'), 'result 0');
  assert.equal(humanName('~p1'), 'parameter 1');
  assert.equal(humanName('.stmp_14'), 'the literal');
  assert.equal(humanName('{temp}'), 'a temporary');
  assert.equal(humanName('{heap}'), 'the heap');
  assert.equal(humanName('.autotmp_3'), 'a temporary');
  assert.equal(humanName('{storage for append(ids, p.ID)}'), 'the storage for append(ids, p.ID)');
  assert.equal(humanName('Sum[go.shape.int]'), 'Sum[int]');
});

test('moved to heap: title, reason and numbered steps with locations', () => {
  const r = parseCompilerOutput([
    'esc.go:15:2: x escapes to heap in F:',
    'esc.go:15:2:   flow: ~r0 ← &x:',
    'esc.go:15:2:     from &x (address-of) at esc.go:16:9',
    'esc.go:15:2:     from return &x (return) at esc.go:16:2',
    'esc.go:15:2: moved to heap: x',
  ].join('\n'), '/m');
  const d = describeFinding(r.findings[0]);
  assert.equal(d.title, 'x is moved to the heap (allocates)');
  assert.equal(d.reason, 'its address is taken; it is returned; it flows to result 0 of the function');
  assert.deepEqual(d.steps.map((s) => [s.text, s.path, s.line, s.column]), [
    ['&x — its address is taken', '/m/esc.go', 16, 9],
    ['return &x — it is returned', '/m/esc.go', 16, 2],
  ]);
});

test('leaking params say where they leak', () => {
  const r = parseCompilerOutput([
    'a.go:3:8: parameter p leaks to {heap} for Keep with derefs=0:',
    'a.go:3:8:   flow: {heap} ← p:',
    'a.go:3:8:     from sink = p (assign) at a.go:3:20',
    'a.go:3:8: leaking param: p',
    'a.go:5:10: leaking param: b to result ~r0 level=0',
    'a.go:7:10: leaking param content: s',
  ].join('\n'), '/m');
  const [p, b, s, k] = [...r.findings, ...parseCompilerOutput([
    'c.go:4:33: parameter sink leaks to {storage for func literal} for Notify with derefs=0:',
    'c.go:4:33:   flow: {storage for func literal} ← sink:',
    'c.go:4:33:     from sink (captured by a closure) at c.go:9:4',
    'c.go:4:33: leaking param: sink',
  ].join('\n'), '/m').findings].map((f) => describeFinding(f));
  assert.equal(k.title, 'parameter sink leaks: it flows to a closure');
  assert.equal(k.reason, 'a closure captures it; it flows to a closure');
  assert.match(p.title, /^parameter p leaks: it may be stored in the heap/);
  assert.equal(p.reason, 'it is assigned; it flows to the heap');
  assert.equal(b.title, 'parameter b leaks to result 0');
  assert.equal(s.title, 'what parameter s points to leaks to the heap');
});
