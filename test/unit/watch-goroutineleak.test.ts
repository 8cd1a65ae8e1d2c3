// Go 1.26's goroutineleak profile as text (debug=2): only goroutines marked
// "(leaked)" count, grouped by where they block and which `go` statement started
// them. The fixture is what examples/leaky (GOEXPERIMENT=goroutineleakprofile,
// GODEBUG=tracebackancestors=5) served after five /quote requests.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { leakHover, leakLenses } from '../../server/src/lsp/watchFeature';
import { parseLeakedGoroutines } from '../../server/src/watch/goroutineLeak';
import { repoRoot } from '../helpers/goFixture';

const dump = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'watch', 'goroutineleak-debug2.txt'), 'utf8');

test('a real dump: the leaked goroutines in one group, with the go statement and its callers', () => {
  const r = parseLeakedGoroutines(dump);
  assert.equal(r.total, 5, 'the running, I/O and syscall goroutines of the dump are not leaked');
  assert.equal(r.groups.length, 1);
  const g = r.groups[0];
  assert.equal(g.count, 5);
  assert.equal(g.wait, 'chan send');
  assert.deepEqual(g.site, { fn: 'main.quote.func1', file: '/tmp/leakui-gl/leaks.go', line: 106 });
  assert.deepEqual(g.createdAt[0], { fn: 'main.quote', file: '/tmp/leakui-gl/leaks.go', line: 104 });
  // The ancestor's stack (tracebackancestors) continues with the creator's callers, not main.quote again.
  assert.equal(g.createdAt[1].fn, 'net/http.HandlerFunc.ServeHTTP');
  assert.ok(g.frames.some((f) => f.fn === 'runtime.gopark') || g.frames[0].fn === 'main.quote.func1');
});

test('without ancestors, with minutes and labels in the header, and from truncated or hostile text', () => {
  const text = [
    'goroutine 7 [select (leaked), 12 minutes]:',
    'runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)',
    '\t/usr/local/go/src/runtime/proc.go:462 +0xce',
    'example.com/svc/worker.(*Pool).wait(0xc000010000)',
    '\t/src/svc/worker/pool.go:88 +0x1a5',
    'created by example.com/svc/worker.Start in goroutine 1',
    '\t/src/svc/worker/pool.go:40 +0x65',
    '',
    'goroutine 9 [select (leaked), 3 minutes]:',
    'example.com/svc/worker.(*Pool).wait(0xc000010000)',
    '\t/src/svc/worker/pool.go:88 +0x1a5',
    'created by example.com/svc/worker.Start in goroutine 1',
    '\t/src/svc/worker/pool.go:40 +0x65',
    '',
    'goroutine 10 [chan receive]:',
    'main.main()',
    '\t/src/svc/main.go:9 +0x1',
    '',
    'goroutine 11 [chan send (leaked)]:',
    'main.<script>(...)',
  ].join('\n');
  const r = parseLeakedGoroutines(text);
  assert.equal(r.total, 2, 'the truncated last goroutine has no frame and is not counted');
  assert.equal(r.groups[0].count, 2);
  assert.equal(r.groups[0].wait, 'select');
  assert.deepEqual(r.groups[0].site, { fn: 'example.com/svc/worker.(*Pool).wait', file: '/src/svc/worker/pool.go', line: 88 });
  assert.deepEqual(r.groups[0].createdAt, [{ fn: 'example.com/svc/worker.Start', file: '/src/svc/worker/pool.go', line: 40 }]);
  assert.deepEqual(parseLeakedGoroutines('404 page not found\n'), { total: 0, groups: [] });
  assert.deepEqual(parseLeakedGoroutines(Buffer.from([0x1f, 0x8b, 0, 1, 2]).toString('latin1')), { total: 0, groups: [] });
});

test('lenses where they block and where they were started; the hover lists the creating stack, names escaped', () => {
  const uri = 'file:///src/leaks.go';
  const groups = [{
    count: 20, wait: 'chan send',
    at: { function: 'main.quote.func1', file: '/src/leaks.go', line: 106, uri },
    createdAt: [{ function: 'main.quote', file: '/src/leaks.go', line: 104, uri }, { function: 'net/http.HandlerFunc.ServeHTTP', file: '/go/src/net/http/server.go', line: 2287 }],
  }];
  assert.deepEqual(leakLenses(uri, groups).map((l) => [l.range.start.line + 1, l.command!.title]), [
    [106, '$(warning) 20 goroutines leaked here (chan send, nothing can wake them), started at leaks.go:104'],
    [104, '$(warning) 20 goroutines started here leaked: blocked at leaks.go:106 (chan send)'],
  ]);
  assert.deepEqual(leakLenses('file:///other.go', groups), []);
  const md = leakHover(uri, 104, groups)!;
  assert.match(md, /\*\*20 leaked goroutines\*\* \(Go's goroutineleak profile\): blocked in chan send at \[leaks\.go:106\]\(file:\/\/\/src\/leaks\.go#L106\)/);
  assert.match(md, /1\. main\.quote \[leaks\.go:104\]/);
  assert.match(md, /2\. net\/http\.HandlerFunc\.ServeHTTP server\.go:2287/);
  assert.equal(leakHover(uri, 105, groups), undefined);
  const evil = leakHover(uri, 106, [{ ...groups[0], at: { ...groups[0].at, function: 'main.`x`<img src=x>' } }])!;
  assert.ok(evil.includes('main.\\`x\\`\\<img src=x\\>'), evil);
});
