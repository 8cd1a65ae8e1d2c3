// Assertions in the editor, through the real server on a real Go package: violations
// are Error diagnostics with the compiler's flow, asserted functions get a code lens,
// and fixing the code clears both.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CodeLensRequest, DiagnosticSeverity, type CodeLens } from 'vscode-languageserver-protocol';
import { writeGoModule } from '../helpers/goFixture';
import { LspClient, uriOf } from '../helpers/lspClient';
import { lineContaining } from './fixtures';

const hotGo = `package hot

type Point struct{ X, Y int }

func newPoint(x, y int) *Point {
	return &Point{X: x, Y: y}
}

var last *Point

//heaplens:noalloc
func Keep(x int) int {
	p := newPoint(x, x)
	last = p
	return p.X
}

//heaplens:noalloc
func Add(a, b int) int { return a + b }

//heaplens:inline
//go:noinline
func Slow(a int) int { return a * 3 }

//heaplens:inline
func Fast(a int) int { return a * 2 }

//heaplens:noinline
func Typo() {}
`;

// Two files of one package, each with an assertion, read by Go's parser together: the
// callee inlined into A lives in b.go, and b.go's own lens needs the same outlines.
const twoA = `package two

var keep *B

//heaplens:noalloc
func UseB(x int) int {
	p := newB(x)
	keep = p
	return p.v
}
`;
const twoB = `package two

type B struct{ v int }

func newB(x int) *B {
	s := "//heaplens:noalloc is not a directive in a string"
	_ = s
	return &B{v: x}
}

//heaplens:inline
func Next(a int) int { return a + 1 }
`;

let root: string;
let client: LspClient;
let file: string;

before(async () => {
  root = writeGoModule({ 'hot/hot.go': hotGo, 'two/a.go': twoA, 'two/b.go': twoB }, { module: 'example.com/asserts' });
  file = path.join(root, 'hot', 'hot.go');
  client = await LspClient.start({ root });
});
after(async () => {
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

const lenses = async () => ((await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: uriOf(file) } })) as CodeLens[])
  .map((l) => `${l.range.start.line}:${l.command?.title}`);

test('assertion violations are Error diagnostics with the reason and flow; asserted functions get lenses', async () => {
  const published = client.nextDiagnostics(file, (d) => d.some((x) => x.code === 'noalloc'));
  await client.open(file);
  const diags = await published;
  const errors = diags.filter((d) => d.severity === DiagnosticSeverity.Error);
  assert.deepEqual(errors.map((d) => `${d.code}:${d.range.start.line}`).sort(), [
    `directive:${lineContaining(hotGo, '//heaplens:noinline')}`,
    `inline:${lineContaining(hotGo, 'func Slow')}`,
    `noalloc:${lineContaining(hotGo, 'p := newPoint')}`,
  ].sort());
  const noalloc = errors.find((d) => d.code === 'noalloc')!;
  assert.equal(noalloc.source, 'heaplens');
  assert.match(noalloc.message, /^\/\/heaplens:noalloc: &Point\{\.\.\.\} escapes to the heap \(allocates\) in Keep \(inside inlined newPoint\)/);
  assert.ok((noalloc.relatedInformation ?? []).some((r) => r.location.range.start.line === lineContaining(hotGo, 'last = p') && /last = p/.test(r.message)), JSON.stringify(noalloc.relatedInformation));
  assert.equal(noalloc.relatedInformation?.[0].location.range.start.line, lineContaining(hotGo, 'return &Point{'), 'the flow starts in the inlined callee');
  assert.match(errors.find((d) => d.code === 'inline')!.message, /Slow cannot be inlined: marked go:noinline/);
  // The analyzer's own diagnostics are still there (Information by default).
  assert.ok(diags.some((d) => d.code === 'escapes-to-heap' && d.severity === DiagnosticSeverity.Information));

  assert.deepEqual(await lenses(), [
    `${lineContaining(hotGo, 'func Keep')}:noalloc: 1 violation`,
    `${lineContaining(hotGo, 'func Add')}:noalloc ✓`,
    `${lineContaining(hotGo, 'func Slow')}:inline: 1 violation`,
    `${lineContaining(hotGo, 'func Fast')}:inline ✓ (cost 4)`,
  ]);
});

test('fixing the code clears the errors and turns the lens to ✓, from the analysis of the save', async () => {
  const fixed = hotGo.replace('\tp := newPoint(x, x)\n\tlast = p\n\treturn p.X', '\tp := Point{X: x}\n\treturn p.X').replace('//go:noinline\n', '').replace('//heaplens:noinline\n', '');
  fs.writeFileSync(file, fixed);
  const published = client.nextDiagnostics(file, (d) => !d.some((x) => x.severity === DiagnosticSeverity.Error));
  await client.change(file, fixed);
  await client.save(file);
  await published;
  assert.deepEqual(await lenses(), [
    `${lineContaining(fixed, 'func Keep')}:noalloc ✓`,
    `${lineContaining(fixed, 'func Add')}:noalloc ✓`,
    `${lineContaining(fixed, 'func Slow')}:inline ✓ (cost 4)`,
    `${lineContaining(fixed, 'func Fast')}:inline ✓ (cost 4)`,
  ]);
  // One build on open, one on save: lenses and assertion diagnostics run none of their own.
  const runs = client.logs.filter((l) => /running \S*go (build|test)/.test(l)).length;
  assert.ok(runs >= 1 && runs <= 2, client.logs.join('\n'));
});

test('two files of a package with assertions: the flow starts in the other file, and both get their lenses', async () => {
  const a = path.join(root, 'two', 'a.go');
  const b = path.join(root, 'two', 'b.go');
  const published = client.nextDiagnostics(a, (d) => d.some((x) => x.code === 'noalloc'));
  const lensesOf = async (f: string) => ((await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: uriOf(f) } })) as CodeLens[])
    .map((l) => `${l.range.start.line}:${l.command?.title}`);
  await client.open(a);
  const noalloc = (await published).find((d) => d.code === 'noalloc')!;
  assert.equal(noalloc.range.start.line, lineContaining(twoA, 'p := newB'));
  assert.match(noalloc.message, /in UseB \(inside inlined newB\)/);
  const start = noalloc.relatedInformation?.[0].location;
  assert.equal(start?.uri, uriOf(b), JSON.stringify(noalloc.relatedInformation));
  assert.equal(start?.range.start.line, lineContaining(twoB, 'return &B{'));
  assert.deepEqual(await lensesOf(a), [`${lineContaining(twoA, 'func UseB')}:noalloc: 1 violation`]);
  // b.go was analysed with a.go; its lens comes from the same read of the package, nothing runs again.
  await client.open(b);
  assert.deepEqual(await lensesOf(b), [`${lineContaining(twoB, 'func Next')}:inline ✓ (cost 4)`]);
});
