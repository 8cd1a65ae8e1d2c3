// Exact underlines from Go's parser (gohelper/ranges.go, through the server's
// exactRanges.ts) on the real compiler's verdicts: the whole expression that
// allocates, never the one punctuation mark the compiler points at. The shapes
// are the ones the line-reading placement got wrong on real modules (gjson, zap,
// cobra): derefs, conversions of non-identifiers, map and func types with spaces.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, test } from 'node:test';
import { parseCompilerOutput } from '../../server/src/escape/parse';
import { isAllocation } from '../../server/src/escape/signal';
import { exactRangesProvider } from '../../server/src/lsp/exactRanges';
import { exactRange, rangeText } from '../../server/src/lsp/placement';
import { go, writeGoModule } from '../helpers/goFixture';

const SRC = `package p

import "unsafe"

type T struct{ a, b int }

var sink any
var keep []byte
var fns map[string]func(json, arg string) string

func Make(n int) []int { return make([]int, n) }

func Ptr() *T { return &T{a: 1} }

func Closure(x int) func() int { return func() int { return x } }

func Bytes(s string) { keep = []byte(s) }

func Box(x int) { sink = any(x) }

func Deref(p unsafe.Pointer) string { return string(*(*[]byte)(p)) }

func Map() { fns = map[string]func(json, arg string) string{} }

func Concat(a, b string) { sink = a + "-" + b }

func Method(t *T) { sink = t.Sum }

func (t *T) Sum() int { return t.a + t.b }

func Multi() *T {
	return &T{
		a: 1,
	}
}
`;

const dir = writeGoModule({ 'p/p.go': SRC });
const file = `${dir}/p/p.go`;
const provider = exactRangesProvider(() => undefined, 300_000);
after(() => { provider.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

test('each allocation the compiler reports is underlined as the whole expression', async () => {
  const r = go(dir, ['build', '-gcflags=-m=2', './...']);
  assert.equal(r.code, 0, r.stderr);
  const findings = parseCompilerOutput(r.stderr, dir).findings.filter((f) => f.path === file && isAllocation(f));
  const lookup = await provider.ranges(findings, 'go', () => undefined);
  assert.ok(lookup, 'the Go helper answered');
  const lines = SRC.split('\n');
  const underlined = new Map<number, string>();
  for (const f of findings) {
    const range = lookup(f);
    assert.ok(range, `no exact range for ${f.message} at ${f.line}:${f.column}`);
    const text = rangeText((l) => lines[l - 1], range)!;
    assert.ok(!(text.length === 1 && /[^\w]/.test(text)), `one punctuation mark for ${f.message}: ${text}`);
    underlined.set(f.line, text);
  }
  const want: [string, string][] = [
    ['func Make', 'make([]int, n)'],
    ['func Ptr', '&T{a: 1}'],
    ['func Closure', 'func() int { return x }'],
    ['func Bytes', '[]byte(s)'],
    ['func Box', 'any(x)'],
    ['func Deref', 'string(*(*[]byte)(p))'],
    ['func Map', 'map[string]func(json, arg string) string{}'],
    ['func Concat', 'a + "-" + b'],
    ['func Method', 't.Sum'],
    // Over several lines: the part on the compiler's line.
    ['\treturn &T{', '&T{'],
  ];
  for (const [at, text] of want) {
    const line = lines.findIndex((l) => l.startsWith(at)) + 1;
    assert.equal(underlined.get(line), text, `line ${line}: ${lines[line - 1]} (compiler said: ${findings.filter((f) => f.line === line).map((f) => `${f.column} ${f.message}`).join(' | ')})`);
  }
});

test('an extent that no longer fits the text is refused, so the caller reads the line instead', () => {
  const read = (l: number) => ['x := 1', '\tsink = &T{', '\t\ta: 1,', '\t}'][l - 1];
  assert.equal(exactRange(read, { line: 1, col: 3, endLine: 1, endCol: 40 }), undefined, 'past the end of the line');
  assert.equal(exactRange(read, {}), undefined, 'nothing found');
  assert.deepEqual(exactRange(read, { line: 2, col: 9, endLine: 4, endCol: 3 }, 2), { start: { line: 1, character: 8 }, end: { line: 1, character: 11 } });
  assert.deepEqual(exactRange(read, { line: 2, col: 9, endLine: 4, endCol: 3 }, 4), { start: { line: 3, character: 1 }, end: { line: 3, character: 2 } });
});
