// The Go quick-fix helper (gohelper/, built here by the real `go`) on real compiler
// findings (go build -gcflags=-m=2 on small modules written at test time): the
// shapes it accepts, the ones it refuses and why, import editing, and that what
// it writes is gofmt-clean.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parseCompilerOutput } from '../../server/src/escape/parse';
import type { Finding } from '../../server/src/escape/types';
import { explainMarkdown } from '../../server/src/fixes/explain';
import { GoHelper } from '../../server/src/fixes/goHelper';
import { applyEdits, fixesFor } from '../../server/src/fixes/index';
import { go, tempDir, writeGoModule } from '../helpers/goFixture';

interface Built { dir: string; findings: Finding[]; goVersion: string }

/** One module per go version, one package per snippet; compiled once. */
function build(goVersion: string, pkgs: Record<string, string>): Built {
  const files: Record<string, string> = {};
  for (const [name, code] of Object.entries(pkgs)) files[`${name}/${name}.go`] = `package ${name}\n\n${code}`;
  const dir = writeGoModule(files, { go: goVersion });
  const r = go(dir, ['build', '-gcflags=-m=2', './...']);
  assert.equal(r.code, 0, r.stderr);
  return { dir, findings: parseCompilerOutput(r.stderr, dir).findings, goVersion };
}

const helper = new GoHelper();
after(() => helper.dispose());

async function fixes(b: Built, pkg: string, message: RegExp, nth = 0) {
  const f = b.findings.filter((x) => x.path.endsWith(`${pkg}.go`) && message.test(x.message))[nth];
  assert.ok(f, `no finding ${message} in ${pkg}: ${b.findings.filter((x) => x.path.endsWith(`${pkg}.go`)).map((x) => x.message).join(' | ')}`);
  const text = fs.readFileSync(f.path, 'utf8');
  const out = (await fixesFor({ helper, path: f.path, findings: [{ key: 'k', finding: f }], goVersion: b.goVersion })).get('k')!;
  assert.deepEqual(out.errors, []);
  return { ...out, text, finding: f, apply: (i = 0) => applyEdits(text, out.fixes[i].edits.filter((e) => !e.path)) };
}

function gofmtClean(code: string): void {
  const file = path.join(tempDir('heaplens-gofmt-'), 'x.go');
  fs.writeFileSync(file, code);
  const r = spawnSync('gofmt', ['-l', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '', `not gofmt-clean:\n${code}\n${spawnSync('gofmt', ['-d', file], { encoding: 'utf8' }).stdout}`);
}

let old: Built;
let modern: Built;
let ancient: Built;

before(() => {
  old = build('1.21', {
    counted: `func Squares(xs []int) []int {
	res := []int{}
	for i := 0; i < len(xs); i++ {
		res = append(res, xs[i]*xs[i])
	}
	return res
}
`,
    filtered: `func Evens(xs []int) []int {
	var out []int
	for _, x := range xs {
		if x%2 == 0 {
			out = append(out, x)
		}
	}
	return out
}
`,
    shared: `var snapshots [][]int

func Grow(xs []int) []int {
	var acc []int
	for _, x := range xs {
		acc = append(acc, x)
		snapshots = append(snapshots, acc)
	}
	return acc
}
`,
    lines: `import "strconv"

func Lines(ss []string) string {
	text := "> "
	for _, s := range ss {
		text += s + "\\n"
	}
	return text
}

func Numbered(ss []string) string {
	numbered := ""
	for i, s := range ss {
		numbered += strconv.Itoa(i) + ":" + s
	}
	return numbered
}
`,
    inlined: `import "fmt"

func label(n int) string {
	return fmt.Sprintf("%d", n)
}

func Show(n int) string {
	return "#" + label(n)
}
`,
    joined: `import "fmt"

type User struct {
	Name string
	Age  int64
	Code uint16
	Tags []string
}

func Key(u User) string {
	return fmt.Sprintf("%s-%d", u.Name, u.Age)
}

func Code(u User) string {
	return fmt.Sprint(u.Code)
}

func Pair(a, b int) string {
	return fmt.Sprint(a, b)
}

func Any(v interface{ String() string }) string {
	return fmt.Sprintf("%s", v)
}
`,
    counter: `import "sync"

func Count(n int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	c := 0
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			c += i
			mu.Unlock()
		}()
		i++
	}
	wg.Wait()
	return c
}
`,
    deferred: `import "os"

func CloseAll(files []*os.File) {
	for _, f := range files {
		defer func() { f.Close() }()
	}
}
`,
    ptrs: `type Point struct{ X, Y int }

func origin() *Point {
	p := Point{}
	if p.X > 0 {
		return nil
	}
	return &p
}

func centre(ps []Point) *Point {
	c := Point{}
	for _, p := range ps {
		c.X += p.X
		c.Y += p.Y
	}
	return &c
}

func Use(ps []Point) (int, *Point) {
	a := *origin()
	return a.X, centre(ps)
}
`,
    pooled: `import (
	"bytes"
	"fmt"
)

func Render(xs []int) string {
	buf := new(bytes.Buffer)
	for _, x := range xs {
		fmt.Fprintf(buf, "%d,", x)
	}
	return buf.String()
}

func Async(xs []int, out chan<- string) {
	var buf bytes.Buffer
	fmt.Fprint(&buf, xs)
	go func() { out <- buf.String() }()
}
`,
    nilslice: `func Names(xs []string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x+"!")
	}
	return out
}
`,
    reads: `import "io"

type conn struct{ r io.Reader }

// Fill reads into the tail of dst: the sub-slice is only passed to a call that writes it.
func (c *conn) Fill(dst []byte, off int) (int, error) {
	return c.r.Read(dst[off:])
}
`,
    multi: `import (
	"fmt"
	"io"
)

func Pair(w io.Writer, id int, name string) {
	fmt.Fprintln(w, fmt.Sprintf("%d-%s", id, name), len(name))
}
`,
    locked: `import "sync"

type guarded struct {
	mu sync.Mutex
	n  int
}

func Watch(done chan<- int) {
	var g guarded
	go func() { done <- g.n }()
	g.mu.Lock()
	g.n = 1
	g.mu.Unlock()
}

type stats struct{ n int }

func (s *stats) add() { s.n++ }

type counter struct{ hits stats }

func Count(c counter, done chan<- int) {
	go func() {
		c.hits.add()
		done <- c.hits.n
	}()
}
`,
    kept: `var keep [][]byte

func Keep(msg []byte) {
	h := msg[:8]
	keep = append(keep, h)
	msg[0] = 'x'
}
`,
  });
  modern = build('1.22', {
    loop: `import "sync"

// Big enough (over 128 bytes) that the closure captures it by reference.
type Job struct {
	ID      int
	Payload [20]int
}

func Run(jobs []Job, f func(int)) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(j.ID)
		}()
	}
	wg.Wait()
}
`,
  });
  ancient = build('1.17', {
    header: `var keep [][]byte

func Keep(msg []byte) {
	h := msg[2:10]
	keep = append(keep, h)
}
`,
    pooled: `import (
	"bytes"
	"fmt"
)

func Render(n int) string {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "<%d>", n)
	return buf.String()
}
`,
  });
});

test('prealloc: a three-clause loop over len(xs) and a []T{} declaration', async () => {
  const r = await fixes(old, 'counted', /^append escapes/);
  assert.equal(r.fixes[0].title, 'Preallocate res: make([]int, 0, len(xs))');
  const out = r.apply();
  assert.match(out, /\tres := make\(\[\]int, 0, len\(xs\)\)\n/);
  gofmtClean(out);
});

test('prealloc: a conditional append is refused (the final length is unknown)', async () => {
  const r = await fixes(old, 'filtered', /^append escapes/);
  assert.equal(r.fixes.length, 0);
  assert.match(r.refusals.join(), /conditional/);
});

test('prealloc: a slice shared inside the loop is refused (aliasing)', async () => {
  const r = await fixes(old, 'shared', /^append\(acc, x\) escapes|^append escapes/);
  assert.equal(r.fixes.length, 0);
  assert.match(r.refusals.join(), /acc is shared inside the loop/);
});

test('strings.Builder: Grow with a length-summing pass when the loop only appends the element and literals', async () => {
  const r = await fixes(old, 'lines', /^s \+ "\\n" escapes|escapes to heap/);
  assert.equal(r.fixes[0].title, 'Build text with a strings.Builder, sized up front');
  const out = r.apply();
  assert.match(out, /\ttextLen := 2\n\tfor _, s := range ss \{\n\t\ttextLen \+= len\(s\) \+ 1\n\t\}\n\ttext\.Grow\(textLen\)\n/);
  assert.match(out, /var text strings\.Builder\n\ttext\.WriteString\("> "\)/);
  assert.match(out, /return text\.String\(\)/);
  gofmtClean(out);
  // Something other than the element and literals: no size is known, no Grow.
  const u = await fixes(old, 'lines', /^strconv\.Itoa\(i\) \+ ":" \+ s escapes|escapes to heap/, 1);
  assert.equal(u.fixes[0].title, 'Build numbered with a strings.Builder');
  gofmtClean(u.apply());
});

test('strconv: %s and %d become concatenation with FormatInt for int64; uint16 via FormatUint; fmt import dropped only when unused', async () => {
  const key = await fixes(old, 'joined', /^u\.Age escapes/);
  assert.equal(key.fixes.length, 1);
  const out = key.apply();
  assert.match(out, /return u\.Name \+ "-" \+ strconv\.FormatInt\(u\.Age, 10\)/);
  assert.match(out, /"fmt"/, 'fmt is still used by the other functions');
  assert.match(out, /"strconv"/);
  gofmtClean(out);
  const code = await fixes(old, 'joined', /^u\.Code escapes/);
  assert.match(code.apply(), /strconv\.FormatUint\(uint64\(u\.Code\), 10\)/);
  // Sprint puts a space between two integers: no plain concatenation.
  assert.equal((await fixes(old, 'joined', /^a escapes/)).fixes.length, 0);
  // A Stringer formatted with %s: the type is not a string.
  const any = await fixes(old, 'joined', /^v escapes|^leaking param: v/);
  assert.equal(any.fixes.length, 0);
});

test('strconv: a boxed argument of an inlined fmt call is fixed where the call is written, not at the call site', async () => {
  const site = await fixes(old, 'inlined', /^n escapes to heap$/, 1);
  assert.ok(/Show/.test(site.text.split('\n')[site.finding.line - 1]) || /label\(n\)/.test(site.text.split('\n')[site.finding.line - 1]));
  assert.equal(site.fixes.length, 0);
  assert.match(site.refusals.join(), /inlined here/);
  const own = await fixes(old, 'inlined', /^n escapes to heap$/, 0);
  assert.match(own.apply(), /return strconv\.Itoa\(n\)/);
});

test('closures: a closure that assigns the captured variable, or a loop body that drives the loop, gets no edit', async () => {
  const c = await fixes(old, 'counter', /^moved to heap: c$/);
  assert.equal(c.fixes.length, 0);
  assert.match(c.refusals.join(), /closure changes c/);
  const i = await fixes(old, 'counter', /^moved to heap: i$/);
  assert.equal(i.fixes.length, 0);
  assert.match(i.refusals.join(), /loop body changes i/);
});

test('closures: a deferred closure on a pointer loop variable (go 1.21) gets the per-iteration copy', async () => {
  const r = await fixes(old, 'deferred', /^moved to heap: f$/);
  assert.deepEqual(r.fixes.map((f) => [f.title, f.isPreferred]), [
    ['Copy f per iteration (f := f) so the closure captures it by value', true],
    ['Pass f to the closure as an argument', false],
  ]);
  const out = r.apply();
  assert.match(out, /for _, f := range files \{\n\t\tf := f\n\t\tdefer func\(\) \{ f\.Close\(\) \}\(\)/);
  gofmtClean(out);
  assert.match(r.apply(1), /defer func\(f \*os\.File\) \{ f\.Close\(\) \}\(f\)/);
});

test('closures: in a go 1.22 module the loop variable is per-iteration already, so no copy fix', async () => {
  const r = await fixes(modern, 'loop', /^moved to heap: j$/);
  assert.deepEqual(r.fixes.map((f) => [f.title, f.isPreferred]), [['Pass j to the closure as an argument', false]]);
  const out = r.apply();
  assert.match(out, /go func\(j Job\) \{/);
  assert.match(out, /\t\t\}\(j\)\n/);
  gofmtClean(out);
});

test('return by value: refused when a return has no value form or a caller keeps the pointer', async () => {
  const o = await fixes(old, 'ptrs', /^moved to heap: p$/);
  assert.equal(o.fixes.length, 0);
  assert.match(o.refusals.join(), /also returns nil/);
  const c = await fixes(old, 'ptrs', /^moved to heap: c$/);
  assert.equal(c.fixes.length, 0);
  assert.match(c.refusals.join(), /centre is used without copying its result/);
});

test('sync.Pool: the pointer form is rewritten; a buffer a goroutine uses is refused; interface{} before go 1.18', async () => {
  const r = await fixes(old, 'pooled', /^new\(bytes\.Buffer\) escapes/);
  assert.equal(r.fixes.length, 1);
  const out = r.apply();
  assert.match(out, /var renderBuffers = sync\.Pool\{New: func\(\) any \{ return new\(bytes\.Buffer\) \}\}/);
  assert.match(out, /buf := renderBuffers\.Get\(\)\.\(\*bytes\.Buffer\)\n\tbuf\.Reset\(\)\n\tdefer renderBuffers\.Put\(buf\)/);
  gofmtClean(out);
  const a = await fixes(old, 'pooled', /^moved to heap: buf$/);
  assert.equal(a.fixes.length, 0);
  assert.match(a.refusals.join(), /closure uses buf/);
  const legacy = await fixes(ancient, 'pooled', /^moved to heap: buf$/);
  const lout = legacy.apply();
  assert.match(lout, /func\(\) interface\{\} \{ return new\(bytes\.Buffer\) \}/);
  assert.match(lout, /fmt\.Fprintf\(buf, "<%d>", n\)/);
  gofmtClean(lout);
});

test('sub-slice copy: append([]byte(nil), …) before go 1.20; refused when the buffer is written after slicing', async () => {
  const r = await fixes(ancient, 'header', /^leaking param: msg$/);
  assert.equal(r.fixes.length, 1);
  const out = r.apply();
  // The copy goes where the sub-slice is kept, not where it is taken.
  assert.match(out, /h := msg\[2:10\]\n\tkeep = append\(keep, append\(\[\]byte\(nil\), h\.\.\.\)\)/);
  assert.doesNotMatch(out, /"bytes"/);
  gofmtClean(out);
  const w = await fixes(old, 'kept', /^leaking param: msg$/);
  assert.equal(w.fixes.length, 0);
  assert.match(w.refusals.join(), /msg is written \(line \d+\) after msg\[:8\] is kept/);
});

test('Explain markdown: title, compiler text, numbered flow with line links, refusal and remedies', async () => {
  const r = await fixes(old, 'filtered', /^append escapes/);
  const md = explainMarkdown(r.finding, r.refusals, '1.5 MB (12%)');
  assert.match(md, /^# append's new array escapes to the heap/);
  assert.match(md, /compiler: `append escapes to heap`/);
  assert.match(md, /\*\*Measured:\*\* 1\.5 MB \(12%\)/);
  assert.match(md, /^1\. \[filtered\.go:\d+\]\(file:\/\/.*filtered\.go#L\d+/m);
  assert.match(md, /- the append to out is conditional/);
  assert.match(md, /Preallocate with `make\(\[\]T, 0, n\)`/);
});

test('sub-slice copy: a sub-slice only passed to a call that writes it (r.Read(dst[off:])) gets no edit', async () => {
  const r = await fixes(old, 'reads', /^leaking param: dst/);
  assert.equal(r.fixes.length, 0, JSON.stringify(r.fixes.map((f) => f.title)));
});

test('strconv: the replacement inside a call with several arguments is gofmt-clean', async () => {
  const r = await fixes(old, 'multi', /^id escapes to heap/);
  assert.equal(r.fixes.length, 1, JSON.stringify(r.refusals));
  const out = r.apply();
  assert.match(out, /fmt\.Fprintln\(w, strconv\.Itoa\(id\)\+"-"\+name, len\(name\)\)/);
  gofmtClean(out);
});

test('closures: a value holding a sync.Mutex is never copied, and a pointer-receiver method on a field is seen', async () => {
  const g = await fixes(old, 'locked', /^moved to heap: g$/);
  assert.equal(g.fixes.length, 0);
  assert.match(g.refusals.join(), /g holds a sync\.Mutex, which must not be copied/);
  const c = await fixes(old, 'locked', /^moved to heap: c$/);
  assert.equal(c.fixes.length, 0);
  assert.match(c.refusals.join(), /pointer-receiver method on c\.hits\.add/);
});

test('prealloc: a nil slice stays nil when the loop does not run (JSON null, reflect.DeepEqual)', async () => {
  const r = await fixes(old, 'nilslice', /^append escapes/);
  assert.equal(r.fixes.length, 1, JSON.stringify(r.refusals));
  assert.match(r.fixes[0].title, /^Preallocate out: make\(\[\]string, 0, len\(xs\)\) \(still nil when xs is empty\)$/);
  const out = r.apply();
  assert.match(out, /\tvar out \[\]string\n\tif len\(xs\) > 0 \{\n\t\tout = make\(\[\]string, 0, len\(xs\)\)\n\t\}\n\tfor _, x := range xs \{/);
  gofmtClean(out);
});
