// `heaplens check` on real git repositories made here, with real Go code and the real
// toolchain: new allocations fail, moved code passes, renames match, tags and tests count.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { repoRoot } from '../helpers/goFixture';

const cli = path.join(repoRoot, 'server', 'out', 'cli.js');
const made: string[] = [];
after(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

function heaplens(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sh(cwd: string, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A git repository with a Go module, `files` committed as the first commit. */
function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-check-'));
  made.push(dir);
  write(dir, { 'go.mod': 'module example.com/shop\n\ngo 1.21\n', ...files });
  sh(dir, 'git', ['init', '-q', '-b', 'main']);
  sh(dir, 'git', ['config', 'user.email', 'test@example.com']);
  sh(dir, 'git', ['config', 'user.name', 'test']);
  commit(dir, 'base');
  return dir;
}
function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}
function commit(dir: string, msg: string): void {
  sh(dir, 'git', ['add', '-A']);
  sh(dir, 'git', ['commit', '-q', '-m', msg]);
}

interface JsonProblem { rule: string; file: string; line: number; column: number | null; function: string; message: string; reason: string; flow: { file: string; line: number; text: string }[]; key: string }
interface JsonReport { failed: boolean; problems: JsonProblem[]; assertionsChecked: number; notes: string[] }
const json = (out: string) => JSON.parse(out) as JsonReport;

const cart = `package cart

type Item struct {
	ID    int
	Price int
}

func Total(items []Item) int {
	sum := 0
	for _, it := range items {
		sum += it.Price
	}
	return sum
}

func Newest(items []Item) Item {
	return items[len(items)-1]
}
`;

test('a commit that adds an escape fails with that finding; the worktree is gone afterwards', () => {
  const dir = repo({ 'cart/cart.go': cart });
  write(dir, { 'cart/cart.go': cart + `
func Find(items []Item, id int) *Item {
	for _, it := range items {
		if it.ID == id {
			found := it
			return &found
		}
	}
	return nil
}
` });
  commit(dir, 'add Find');
  const r = heaplens(['check', '--base', 'HEAD~1', '--format', 'json'], dir);
  assert.equal(r.code, 1, r.stderr);
  const rep = json(r.stdout);
  assert.equal(rep.problems.length, 1, r.stdout);
  const p = rep.problems[0];
  assert.equal(p.rule, 'new-heap-allocation');
  assert.equal(p.file, 'cart/cart.go');
  assert.equal(p.function, 'Find');
  assert.match(p.message, /found/);
  assert.equal(p.line, 23);
  assert.ok(p.flow.some((s) => /&found/.test(s.text)), JSON.stringify(p.flow));
  // The temporary worktree was removed.
  assert.equal(sh(dir, 'git', ['worktree', 'list']).trim().split('\n').length, 1);
  // Text output names it too, and says why.
  const t = heaplens(['check', '--base', 'HEAD~1'], dir);
  assert.equal(t.code, 1);
  assert.match(t.stdout, /^cart\/cart\.go:23:\d+: error: new heap allocation in Find: found is moved to the heap \(allocates\) \[new-heap-allocation\]$/m);
  assert.match(t.stdout, /1 new heap allocation since HEAD~1/);
});

test('moving code around (new file, reordered, reformatted) without new escapes passes', () => {
  const withEscape = cart + `
func Copy(it Item) *Item {
	c := it
	return &c
}
`;
  const dir = repo({ 'cart/cart.go': withEscape });
  // Copy moves to its own file, lower down, behind a comment; Total moves after Newest.
  write(dir, {
    'cart/cart.go': `package cart

type Item struct {
	ID    int
	Price int
}

func Newest(items []Item) Item {
	return items[len(items)-1]
}

// Total adds up the prices.
func Total(items []Item) int {
	sum := 0
	for _, it := range items {
		sum += it.Price
	}
	return sum
}
`,
    'cart/copy.go': `package cart

// Copy returns a pointer to a copy of it.
// (Moved here from cart.go.)
func Copy(it Item) *Item {
	c := it
	return &c
}
`,
  });
  commit(dir, 'move');
  const r = heaplens(['check', '--base', 'HEAD~1', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(json(r.stdout).problems, []);
});

test('a renamed function is matched by its body: no new finding, a second copy is new', () => {
  const dir = repo({ 'cart/cart.go': cart + `
func Clone(it Item) *Item {
	c := it
	c.Price = it.Price
	return &c
}
` });
  write(dir, { 'cart/cart.go': cart + `
func CloneItem(it Item) *Item {
	c := it
	c.Price = it.Price
	return &c
}
` });
  commit(dir, 'rename');
  const r = heaplens(['check', '--base', 'HEAD~1', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);

  // The same rename plus a second allocation in it: exactly the new one is reported.
  write(dir, { 'cart/cart.go': cart + `
func CloneItem(it Item) *Item {
	c := it
	c.Price = it.Price
	d := it
	sinkItem = &d
	return &c
}

var sinkItem *Item
` });
  const r2 = heaplens(['check', '--base', 'HEAD~1', '--format', 'json'], dir);
  assert.equal(r2.code, 1, r2.stdout + r2.stderr);
  const probs = json(r2.stdout).problems;
  assert.equal(probs.length, 1, r2.stdout);
  assert.equal(probs[0].function, 'CloneItem');
  assert.match(probs[0].message, /\bd is moved to the heap/);
  assert.match(probs[0].message, /was Clone at the base/);
});

test('--base with a dirty tree checks the uncommitted change and leaves it alone', () => {
  const dir = repo({ 'cart/cart.go': cart });
  const dirty = cart.replace('func Newest(items []Item) Item {\n\treturn items[len(items)-1]\n}', 'func Newest(items []Item) *Item {\n\tlast := items[len(items)-1]\n\treturn &last\n}');
  write(dir, { 'cart/cart.go': dirty, 'cart/untracked.go': 'package cart\n\nfunc Box(n int) any { return n + 1 }\n' });
  const r = heaplens(['check', '--base', 'HEAD', '--format', 'json'], dir);
  assert.equal(r.code, 1, r.stderr);
  const probs = json(r.stdout).problems;
  assert.deepEqual(probs.map((p) => `${p.file}:${p.function}`).sort(), ['cart/cart.go:Newest', 'cart/untracked.go:Box']);
  assert.equal(fs.readFileSync(path.join(dir, 'cart/cart.go'), 'utf8'), dirty);
  assert.match(sh(dir, 'git', ['status', '--porcelain']), /M cart\/cart.go/);
  assert.equal(sh(dir, 'git', ['worktree', 'list']).trim().split('\n').length, 1);
  // A package the base does not have, named from inside it (relative to the current directory).
  write(dir, { 'fresh/fresh.go': 'package fresh\n\nfunc Ptr(n int) *int {\n\treturn &n\n}\n' });
  const fresh = heaplens(['check', '.', '--base', 'HEAD', '--format', 'json'], path.join(dir, 'fresh'));
  assert.equal(fresh.code, 1, fresh.stderr);
  assert.deepEqual(json(fresh.stdout).problems.map((p) => `${p.file}:${p.function}`), ['fresh/fresh.go:Ptr']);
});

test('build tags and test files: only what the build includes is checked, --tests adds _test.go', () => {
  const dir = repo({ 'cart/cart.go': cart });
  write(dir, {
    'cart/pro.go': '//go:build pro\n\npackage cart\n\nfunc Pro(n int) *int {\n\tv := n\n\treturn &v\n}\n',
    'cart/cart_test.go': 'package cart\n\nimport "testing"\n\nvar keep *Item\n\nfunc TestTotal(t *testing.T) {\n\tit := Item{Price: 2}\n\tkeep = &it\n\tif Total([]Item{it}) != 2 {\n\t\tt.Fatal("total")\n\t}\n}\n',
  });
  const plain = heaplens(['check', '--base', 'HEAD', '--format', 'json'], dir);
  assert.equal(plain.code, 0, plain.stdout + plain.stderr);
  const tagged = heaplens(['check', '--base', 'HEAD', '--format', 'json', '--tags', 'pro'], dir);
  assert.equal(tagged.code, 1);
  assert.deepEqual(json(tagged.stdout).problems.map((p) => `${p.file}:${p.function}`), ['cart/pro.go:Pro']);
  const tests = heaplens(['check', '--base', 'HEAD', '--format', 'json', '--tests'], dir);
  assert.equal(tests.code, 1, tests.stderr);
  // \`it\` moved to the heap; the constant "total" passed to t.Fatal is static data, not counted.
  assert.deepEqual(json(tests.stdout).problems.map((p) => `${p.file}:${p.function}:${p.message.replace(/^.*: (\w+) is moved.*$/, '$1')}`), ['cart/cart_test.go:TestTotal:it']);
});

const asserted = `package hot

type Point struct{ X, Y int }

func newPoint(x, y int) *Point {
	return &Point{X: x, Y: y}
}

var last *Point

// Keep allocates through an inlined helper.
//
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
func Loop(s []int) int {
	n := 0
	for i := range s {
		n += s[i]
	}
	return n
}

//heaplens:inline
func Small(a int) int { return a * 2 }

func Lines(n int) (int, any) {
	x := n + 1 //heaplens:noalloc
	//heaplens:noalloc
	var boxed any = x
	return x, boxed
}

//gcassert:noescape
func Sum(p Point) *Point {
	return &p
}

//heaplens:nolloc
func Typo() {}
`;

const lineOf = (text: string, snippet: string) => text.split('\n').findIndex((l) => l.includes(snippet)) + 1;

test('assertions: noalloc (function, inlined callee, line), inline, gcassert noescape, typos', () => {
  const dir = repo({ 'hot/hot.go': asserted });
  const r = heaplens(['check', '--format', 'json'], dir);
  assert.equal(r.code, 1, r.stderr);
  const rep = json(r.stdout);
  const got = [...new Set(rep.problems.map((p) => `${p.rule}:${p.line}:${p.function}`))];
  assert.deepEqual(got, [
    `noalloc:${lineOf(asserted, 'p := newPoint')}:Keep`, // &Point{...} from the inlined newPoint, at the call
    `inline:${lineOf(asserted, 'func Loop')}:Loop`, // marked go:noinline
    `noalloc:${lineOf(asserted, 'var boxed any = x')}:Lines`, // boxed into an interface
    `noescape:${lineOf(asserted, 'func Sum')}:Sum`, // p moved to heap
    `directive:${lineOf(asserted, '//heaplens:nolloc')}:`,
  ], r.stdout);
  const keep = rep.problems[0];
  assert.match(keep.message, /inside inlined newPoint/);
  // The flow starts where the allocation is in the inlined callee's body.
  assert.deepEqual([keep.flow[0].file, keep.flow[0].line], ['hot/hot.go', lineOf(asserted, 'return &Point{X: x, Y: y}')]);
  assert.match(keep.flow[0].text, /allocated in newPoint, which the compiler inlines/);
  assert.ok(keep.flow.some((s) => /last = p/.test(s.text)), JSON.stringify(keep.flow));
  assert.match(rep.problems[1].message, /Loop cannot be inlined: marked go:noinline/);
  assert.equal(rep.assertionsChecked, 7);
  // Fixed code passes: every violation removed.
  write(dir, { 'hot/hot.go': 'package hot\n\n//heaplens:noalloc\nfunc Add(a, b int) int { return a + b }\n\n//gcassert:inline\nfunc Small(a int) int { return a * 2 }\n\nfunc Use(a int) int {\n\treturn Small(a) //gcassert:inline\n}\n' });
  const ok = heaplens(['check'], dir);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /0 assertion violations \(3 assertions checked\)/);
});

test('GitHub annotations and SARIF 2.1.0 that validates against the schema, with codeFlows', () => {
  const dir = repo({ 'hot/hot.go': asserted });
  const gh = heaplens(['check', '--format', 'github'], dir);
  assert.equal(gh.code, 1);
  assert.match(gh.stdout, new RegExp(`^::error file=hot/hot\\.go,line=${lineOf(asserted, 'p := newPoint')},col=\\d+,title=heaplens noalloc:://heaplens:noalloc: &Point`, 'm'));
  assert.ok(gh.stdout.split('\n').filter((l) => l.startsWith('::error ')).every((l) => !l.slice(2).includes('\n')));

  const out = path.join(dir, 'heaplens.sarif');
  const s = heaplens(['check', '--format', 'sarif', '--output', out], dir);
  assert.equal(s.code, 1, s.stderr);
  const sarif = JSON.parse(fs.readFileSync(out, 'utf8')) as { runs: { results: unknown[]; tool: { driver: { rules: unknown[] } } }[] };
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  // The schema's language-tag pattern is not valid as a Unicode regular expression.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
  // The validator does reject a broken log (a result without its message).
  const broken = JSON.parse(JSON.stringify(sarif)) as { runs: { results: { message?: unknown }[] }[] };
  delete broken.runs[0].results[0].message;
  assert.equal(validate(broken), false);
  const results = sarif.runs[0].results as { ruleId: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; codeFlows?: { threadFlows: { locations: unknown[] }[] }[] }[];
  assert.deepEqual([...new Set(results.map((x) => x.ruleId))], ['noalloc', 'inline', 'noescape', 'directive']);
  assert.equal(results[0].locations[0].physicalLocation.artifactLocation.uri, 'hot/hot.go');
  assert.equal(results[0].locations[0].physicalLocation.region.startLine, lineOf(asserted, 'p := newPoint'));
  assert.ok((results[0].codeFlows?.[0].threadFlows[0].locations.length ?? 0) >= 2);
  const ruleIds = (sarif.runs[0].tool.driver.rules as { id: string }[]).map((x) => x.id);
  for (const x of results) assert.ok(ruleIds.includes(x.ruleId));
});

test('baseline: --write-baseline records today, --baseline fails only on what is new', () => {
  const dir = repo({ 'cart/cart.go': cart + '\nfunc Copy(it Item) *Item {\n\tc := it\n\treturn &c\n}\n' });
  const file = path.join(dir, 'heaplens-baseline.json');
  const w = heaplens(['check', '--write-baseline', file], dir);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(heaplens(['check', '--baseline', file], dir).code, 0);
  write(dir, { 'cart/more.go': 'package cart\n\nfunc Two(it Item) (*Item, *Item) {\n\ta, b := it, it\n\treturn &a, &b\n}\n' });
  const r = heaplens(['check', '--baseline', file, '--format', 'json'], dir);
  assert.equal(r.code, 1);
  assert.deepEqual(json(r.stdout).problems.map((p) => `${p.file}:${p.function}`), ['cart/more.go:Two', 'cart/more.go:Two']);
});

test('usage and environment errors exit 2 with one line', () => {
  const dir = repo({ 'cart/cart.go': cart });
  const bad = heaplens(['check', '--base', 'no-such-branch'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^heaplens: --base: unknown revision 'no-such-branch'\n$/);
  assert.equal(heaplens(['check', '--format', 'xml'], dir).code, 2);
  const notGit = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-nogit-'));
  made.push(notGit);
  write(notGit, { 'go.mod': 'module example.com/x\n\ngo 1.21\n', 'x.go': 'package x\n' });
  const ng = heaplens(['check', '--base', 'HEAD'], notGit);
  assert.equal(ng.code, 2);
  assert.match(ng.stderr, /not in one/);
  write(dir, { 'cart/broken.go': 'package cart\n\nfunc Broken() int { return "x" }\n' });
  const br = heaplens(['check'], dir);
  assert.equal(br.code, 2);
  assert.match(br.stderr, /does not build/);
});

test('the CI example passes, and breaking its noalloc Push fails with the compiler flow', () => {
  const example = path.join(repoRoot, 'examples', 'ci');
  const ok = heaplens(['check', '--format', 'json', '--tests'], example);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal(json(ok.stdout).assertionsChecked, 4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-ci-example-'));
  made.push(dir);
  fs.cpSync(example, dir, { recursive: true });
  const ring = path.join(dir, 'ring', 'ring.go');
  fs.writeFileSync(ring, fs.readFileSync(ring, 'utf8').replace('\tr.size++\n\treturn nil', '\tr.size++\n\tlast = &v\n\treturn nil') + '\nvar last *int64\n');
  const bad = heaplens(['check', '--format', 'json'], dir);
  assert.equal(bad.code, 1, bad.stderr);
  const p = json(bad.stdout).problems;
  assert.deepEqual(p.map((x) => `${x.rule}:${x.function}`), ['noalloc:(*Ring).Push']);
  assert.match(p[0].message, /v is moved to the heap/);
  assert.ok(p[0].flow.some((s) => /last = &v/.test(s.text)), JSON.stringify(p[0].flow));
});

test('--profile: only new allocations hot in a real heap profile fail; cold ones are notes', () => {
  const main = (extra: string) => `package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

type Rec struct{ A, B [8]int64 }

var keep []*Rec
${extra}
func main() {
	runtime.MemProfileRate = 1
	for i := 0; i < 20000; i++ {
		keep = append(keep[:0], hot(i))
	}
	keep = append(keep, cold(1))
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		panic(err)
	}
}
`;
  const fns = (hotBody: string, coldBody: string) => `
//go:noinline
func hot(i int) *Rec {
${hotBody}
}

//go:noinline
func cold(i int) *Rec {
${coldBody}
}
`;
  const dir = repo({ 'main.go': main(fns('\tvar r Rec\n\tr.A[0] = int64(i)\n\tkeep2 = r\n\treturn &keep2', '\tvar r Rec\n\tr.B[0] = int64(i)\n\tkeep2 = r\n\treturn &keep2') + '\nvar keep2 Rec\n') });
  write(dir, { 'main.go': main(fns('\tr := Rec{}\n\tr.A[0] = int64(i)\n\treturn &r', '\tr := Rec{}\n\tr.B[0] = int64(i)\n\treturn &r')) });
  const prof = path.join(dir, 'allocs.pb.gz');
  sh(dir, 'go', ['run', '.', prof]);
  const r = heaplens(['check', '--base', 'HEAD', '--profile', prof, '--min-share', '5%', '--format', 'json'], dir);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const probs = (JSON.parse(r.stdout) as { problems: (JsonProblem & { profileShare: number; failing: boolean })[] }).problems;
  assert.deepEqual(probs.map((p) => `${p.function}:${p.failing}`).sort(), ['cold:false', 'hot:true']);
  assert.ok(probs.find((p) => p.function === 'hot')!.profileShare > 0.5, r.stdout);
  const all = heaplens(['check', '--base', 'HEAD', '--profile', prof, '--min-share', '100%'], dir);
  assert.equal(all.code, 0, all.stdout);
  assert.match(all.stdout, /2 not hot in the profile/);
  assert.equal(heaplens(['check', '--min-share', '5%'], dir).code, 2);
});
