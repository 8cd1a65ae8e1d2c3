// How `heaplens check` and the editor's assertions read Go source: the Go helper's outline
// (go/parser, gohelper/outline.go) through check/outline.ts, with the real helper and the
// real compiler. On the bundled examples the functions are where the compiler says they
// are; hand-written edge cases pin strings, raw strings, generics, bodiless declarations
// and UTF-16 columns; directives, receivers and renames are read from real outlines; and
// a helper that cannot be built is a clear check error.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { runCheck } from '../../server/src/check/check';
import { CheckError } from '../../server/src/check/collect';
import { parseDirectives } from '../../server/src/check/directives';
import { functionAt } from '../../server/src/check/functions';
import { newSites } from '../../server/src/check/match';
import type { HeapSite } from '../../server/src/check/model';
import { helperOutlines, type Outline } from '../../server/src/check/outline';
import { runEscapeAnalysis } from '../../server/src/escape/run';
import type { Finding } from '../../server/src/escape/types';
import { GoHelper } from '../../server/src/fixes/goHelper';
import { repoRoot } from '../helpers/goFixture';

const helper = new GoHelper();
const outlines = helperOutlines(helper);
const made: string[] = [];
after(() => {
  helper.dispose();
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

const outlineOf = async (text: string, file = '/edge/p.go'): Promise<Outline> => (await outlines([{ path: file, text }]))[0];

function goFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? goFiles(p) : e.name.endsWith('.go') ? [p] : [];
  });
}

for (const example of ['shop', 'ci']) {
  test(`examples/${example}: every function the compiler decides to inline or not is outlined on its line, and nothing else`, async () => {
    const root = path.join(repoRoot, 'examples', example);
    const run = await runEscapeAnalysis({ moduleRoot: root, packages: ['./...'], tests: true });
    assert.equal(run.exitCode, 0, run.stderr);
    const own = (f: Finding) => f.path.startsWith(root + path.sep) && fs.existsSync(f.path);
    // Closures (`F.func1`) and defer wrappers are not top-level declarations.
    const compiler = new Set(run.result.findings
      .filter((f) => (f.kind === 'can-inline' || f.kind === 'cannot-inline') && own(f) && !/\.(func|deferwrap)\d/.test(f.subject ?? ''))
      .map((f) => `${path.relative(root, f.path)}:${f.line} ${f.subject}`));
    const files = goFiles(root).map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));
    const got = await outlines(files);
    assert.equal(got.length, files.length);
    const outlined = new Set<string>();
    got.forEach((o, i) => {
      assert.equal(o.error, undefined, files[i].path);
      for (const fn of o.funcs) outlined.add(`${path.relative(root, files[i].path)}:${fn.line} ${fn.name}`);
    });
    assert.ok(compiler.size >= 6, [...compiler].join('\n'));
    assert.deepEqual([...outlined].sort(), [...compiler].sort());
    // Every heap allocation the compiler reports in these files is inside an outlined function.
    const byPath = new Map(files.map((f, i) => [f.path, got[i]]));
    const heap = run.result.findings.filter((f) => own(f) && (f.kind === 'escapes-to-heap' || f.kind === 'moved-to-heap'));
    assert.ok(heap.length > 0);
    for (const f of heap) assert.ok(functionAt(byPath.get(f.path)!.funcs, f.line), `${f.path}:${f.line} ${f.message}`);
  });
}

const edge = `package p

// Doc of F.
//heaplens:noalloc
func F(a int) *int { s := "a // b"; _ = s; return &a } //heaplens:inline

func (l *List[T]) Len() int {
	x := \`raw
// not a comment\`
	_ = x
	return 0 //gcassert:bce
}

func asm()

/* é𝄞 */ //heaplens:noalloc
func G() {}
`;

test('edge cases: strings and raw strings hide comments, generics drop type parameters, bodiless declarations are left out, columns in UTF-16', async () => {
  const o = await outlineOf(edge);
  assert.equal(o.error, undefined);
  assert.deepEqual(o.funcs.map(({ name, line, docLine, bodyLine, endLine }) => ({ name, line, docLine, bodyLine, endLine })), [
    { name: 'F', line: 5, docLine: 3, bodyLine: 5, endLine: 5 },
    { name: '(*List).Len', line: 7, docLine: 7, bodyLine: 7, endLine: 12 },
    { name: 'G', line: 17, docLine: 16, bodyLine: 17, endLine: 17 },
  ]);
  // A string's contents are one quote token: `"a // b"` is neither a comment nor three words.
  assert.deepEqual(o.funcs[0].tokens, ['{', 's', ':=', '"', ';', '_', '=', 's', ';', 'return', '&', 'a', '}']);
  assert.deepEqual(o.comments.map((c) => `${c.line}:${c.column}:${c.afterCode}:${c.text}`), [
    '3:0:false:// Doc of F.',
    '4:0:false://heaplens:noalloc',
    '5:55:true://heaplens:inline',
    '11:10:true://gcassert:bce',
    // `é` is one UTF-16 unit (two bytes), `𝄞` two (four bytes): LSP columns count units.
    '16:10:false://heaplens:noalloc',
  ]);
});

test('a file that does not parse: its error, and what parsed before it', async () => {
  const o = await outlineOf('package p\n\nfunc A() {}\n\nfunc B( {\n');
  assert.match(o.error ?? '', /expected/);
  assert.deepEqual(o.funcs.map((f) => f.name), ['A']);
});

test('directives: doc comment, trailing, line above, comma lists, strings and typos', async () => {
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
    '/*', //                                            19
    '//heaplens:noalloc inside a block comment', //     20
    '*/', //                                            21
    'func I() {}', //                                   22
  ].join('\n');
  const { directives, bad } = parseDirectives(src, await outlineOf(src));
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
  assert.deepEqual(directives.map((d) => `${d.commentLine}:${d.commentColumn}`), ['5:0', '8:1', '8:1', '10:8', '14:0', '17:0']);
  assert.deepEqual(bad.map((b) => `${b.line}:${b.column}:${b.message}`), ['18:12:unknown directive //heaplens:bogus (heaplens knows noalloc, inline)']);
});

test('function names carry their receiver type, without type parameters', async () => {
  const o = await outlineOf('package p\n\nfunc (l List[T]) Len() int {\n\treturn 0\n}\n\nfunc (s *Server[K, V]) G() {}\n\nfunc (Server) H() {}\n\nfunc F[T any]() {}\n');
  assert.deepEqual(o.funcs.map((f) => [f.name, f.line, f.endLine]), [['List.Len', 3, 5], ['(*Server).G', 7, 7], ['Server.H', 9, 9], ['F', 11, 11]]);
});

const finding = (subject: string, line: number): Finding =>
  ({ file: 'a.go', path: '/m/a.go', line, column: 2, kind: 'escapes-to-heap', message: `${subject} escapes to heap`, subject, explanation: [] });
const site = (func: string, subject: string, line: number): HeapSite =>
  ({ finding: finding(subject, line), rel: 'p/a.go', func, expr: subject, inlined: [] });

test('matching: a renamed function is paired with its old self by body, a different one is not', async () => {
  const body = '{\n\tc := it\n\tc.Price = it.Price * 2 + it.Tax\n\treturn &c\n}\n';
  const baseFuncs = new Map([['p', (await outlineOf(`package p\nfunc Clone(it Item) *Item ${body}func Other() int {\n\treturn 1\n}\n`)).funcs]]);
  const headFuncs = new Map([['p', (await outlineOf(`package p\nfunc CloneItem(it Item) *Item ${body}func Fresh(a, b string) string {\n\treturn a + b + a\n}\n`)).funcs]]);
  const out = newSites([site('CloneItem', 'c', 3), site('Fresh', 'a + b + a', 8)], [site('Clone', 'c', 3)], headFuncs, baseFuncs);
  assert.deepEqual(out.map((n) => `${n.site.func}${n.renamedFrom ? ` (was ${n.renamedFrom})` : ''}`), ['Fresh']);
});

test('a Go helper that cannot be built: the check stops with an error that says so (exit 2), nothing crashes', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-outline-'));
  made.push(tmp);
  const src = path.join(tmp, 'src');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'go.mod'), 'module broken\n\ngo 1.21\n');
  fs.writeFileSync(path.join(src, 'main.go'), 'package main\n\nfunc main() { undefined() }\n');
  const broken = new GoHelper({ sourceDir: src, cacheDir: path.join(tmp, 'cache') });
  try {
    await assert.rejects(
      runCheck({ dir: path.join(repoRoot, 'examples', 'ci'), packages: [], tests: false, outline: helperOutlines(broken) }),
      (err: unknown) => err instanceof CheckError && /^could not read the Go files of the working tree with Go's parser \(heaplens's Go helper\): could not build the quick-fix helper .*undefined: undefined/.test(err.message),
    );
  } finally {
    broken.dispose();
  }
});
