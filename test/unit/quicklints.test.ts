// The Go helper's memory lints (gohelper/lint*.go) on small real modules: what
// each lint reports, the fixes it offers (applied: gofmt-clean, and the module
// still builds and vets) and the shapes it refuses or leaves alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { GoHelper } from '../../server/src/fixes/goHelper';
import { applyEdits } from '../../server/src/fixes/index';
import type { Lint } from '../../server/src/fixes/lints';
import { go, writeGoModule } from '../helpers/goFixture';

const helper = new GoHelper();
after(() => {
  helper.dispose();
  for (const d of [mod, old]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const PKGS: Record<string, string> = {
  maps: `type Index struct{ byName map[string]int }

var cache = map[string]int{}
var Shared = map[string]int{}
var handedOut = map[string]int{}
var ranged = map[string]int{}

func EmptyLocal(m map[string]int) {
	for k := range m {
		delete(m, k)
	}
}

func EmptyFloats(m map[float64]bool) {
	for k := range m {
		delete(m, k)
	}
}

func Partial(m map[string]int) {
	for k, v := range m {
		if v > 0 {
			delete(m, k)
		}
	}
}

func (x *Index) Reset() { clear(x.byName) }

func ResetCache() {
	for k := range cache {
		delete(cache, k)
	}
	cache["x"] = len(cache)
}

func ResetShared() { clear(Shared) }

func use(m map[string]int) int { return len(m) }

func ResetHandedOut() int {
	clear(handedOut)
	return use(handedOut)
}

func visit(string) {}

func ResetRanged() {
	for k := range ranged {
		visit(k)
	}
	clear(ranged)
}
`,
  pools: `import (
	"bytes"
	"strings"
	"sync"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
var sbPool = sync.Pool{New: func() any { return &strings.Builder{} }}
var filledPool = sync.Pool{New: func() any { return bytes.NewBufferString("hdr") }}
var resetPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func Plain(s string) string {
	b := bufPool.Get().(*bytes.Buffer)
	b.WriteString(s)
	out := b.String()
	bufPool.Put(b)
	return out
}

func Deferred(s string) int {
	sb := sbPool.Get().(*strings.Builder)
	defer sbPool.Put(sb)
	sb.WriteString(s)
	return sb.Len()
}

func HandsOut(s string) []byte {
	b := bufPool.Get().(*bytes.Buffer)
	b.WriteString(s)
	out := b.Bytes()
	bufPool.Put(b)
	return out
}

func Filled(s string) string {
	b := filledPool.Get().(*bytes.Buffer)
	b.WriteString(s)
	out := b.String()
	filledPool.Put(b)
	return out
}

func ResetOnGet(s string) string {
	b := resetPool.Get().(*bytes.Buffer)
	b.Reset()
	b.WriteString(s)
	out := b.String()
	resetPool.Put(b)
	return out
}
`,
  grow: `import (
	"bytes"
	"strings"
)

func Join(xs []string) string {
	var b strings.Builder
	for _, x := range xs {
		b.WriteString("<")
		b.WriteString(x)
		b.WriteRune('→')
	}
	b.WriteString("\\n")
	return b.String()
}

func Bytes(chunks [][]byte) []byte {
	var buf bytes.Buffer
	for _, c := range chunks {
		buf.Write(c)
	}
	return buf.Bytes()
}

func Conditional(xs []string) string {
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(x)
	}
	return b.String()
}

func Early(xs []string) string {
	var b strings.Builder
	for _, x := range xs {
		if x == "" {
			break
		}
		b.WriteString(x)
	}
	return b.String()
}

func Grown(xs []string) string {
	var b strings.Builder
	b.Grow(64)
	for _, x := range xs {
		b.WriteString(x)
	}
	return b.String()
}

func list() []string { return nil }

func FromCall() string {
	var b strings.Builder
	for _, x := range list() {
		b.WriteString(x)
	}
	return b.String()
}
`,
};

let mod: string;
let old: string;
const results = new Map<string, Lint[]>();

before(async () => {
  const files: Record<string, string> = {};
  for (const [name, code] of Object.entries(PKGS)) files[`${name}/${name}.go`] = `package ${name}\n\n${code}`;
  mod = writeGoModule(files, { go: '1.21' });
  const r = go(mod, ['vet', './...']);
  assert.equal(r.code, 0, r.stderr);
  for (const name of Object.keys(PKGS)) results.set(name, await helper.lint({ dir: path.join(mod, name), goVersion: '1.21' }));
  old = writeGoModule({ 'maps/maps.go': `package maps\n\n${PKGS.maps}`.replace(/clear\(([\w.]+)\)/g, 'for k := range $1 {\n\t\tdelete($1, k)\n\t}') }, { go: '1.20' });
});

/** The lint of `id` on the line holding `snippet`. */
function lintAt(pkg: string, id: string, snippet: string): Lint | undefined {
  const file = path.join(mod, pkg, `${pkg}.go`);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  return results.get(pkg)!.find((l) => l.id === id && lines[l.range.start.line].includes(snippet));
}

/** Applies the lint's first fix to a copy of the module: gofmt-clean, builds, vets. */
function applied(pkg: string, l: Lint): string {
  assert.deepEqual(l.errors ?? [], []);
  assert.equal(l.fixes.length, 1, JSON.stringify(l));
  const copy = fs.mkdtempSync(path.join(path.dirname(mod), 'lint-copy-'));
  fs.cpSync(mod, copy, { recursive: true });
  const file = path.join(copy, pkg, `${pkg}.go`);
  const text = applyEdits(fs.readFileSync(file, 'utf8'), l.fixes[0].edits.map((e) => ({ range: e.range, newText: e.newText })));
  fs.writeFileSync(file, text);
  const fmt = spawnSync('gofmt', ['-l', file], { encoding: 'utf8' });
  assert.equal(fmt.stdout.trim(), '', `not gofmt-clean:\n${text}`);
  for (const args of [['build', './...'], ['vet', './...']]) {
    const r = go(copy, args);
    assert.equal(r.code, 0, `go ${args.join(' ')}: ${r.stderr}\n${text}`);
  }
  fs.rmSync(copy, { recursive: true, force: true });
  return text;
}

test('clear-map: a delete loop becomes clear(m); float keys (NaN) are refused; a conditional delete is no lint', () => {
  const local = lintAt('maps', 'clear-map', 'for k := range m')!;
  assert.ok(local, JSON.stringify(results.get('maps')));
  assert.match(applied('maps', local), /func EmptyLocal\(m map\[string\]int\) \{\n\tclear\(m\)\n\}/);
  const floats = results.get('maps')!.find((l) => l.id === 'clear-map' && /NaN/.test(l.refusals.join()))!;
  assert.ok(floats);
  assert.deepEqual(floats.fixes, []);
  assert.equal(results.get('maps')!.filter((l) => l.id === 'clear-map').length, 3, 'EmptyLocal, EmptyFloats, ResetCache; not Partial');
});

test('clear-map: nothing under go 1.20, where clear does not exist', async () => {
  const lints = await helper.lint({ dir: path.join(old, 'maps'), goVersion: '1.20' });
  assert.deepEqual(lints.filter((l) => l.id === 'clear-map'), []);
});

test('remake-map: offered only for an unexported package variable used plainly; fields, exported, handed-out and ranged maps are refused', () => {
  const cache = lintAt('maps', 'remake-map', 'for k := range cache')!;
  assert.ok(cache);
  assert.match(applied('maps', cache), /func ResetCache\(\) \{\n\tcache = make\(map\[string\]int\)\n\tcache\["x"\] = len\(cache\)/);
  const refused: [string, RegExp][] = [
    ['clear(x.byName)', /struct field/],
    ['clear(Shared)', /exported/],
    ['clear(handedOut)', /used as a value at maps\.go:\d+/],
    ['clear(ranged)', /a range over ranged at line \d+ calls visit/],
  ];
  for (const [snippet, why] of refused) {
    const l = lintAt('maps', 'remake-map', snippet);
    assert.ok(l, snippet);
    assert.deepEqual(l.fixes, [], snippet);
    assert.match(l.refusals.join(' '), why, snippet);
  }
  assert.ok(!results.get('maps')!.some((l) => l.id === 'remake-map' && /\bm\b keeps/.test(l.message)), 'a local map is no lint');
});

test('pool-put-reset: Reset before Put (and in a deferred Put); refused when Bytes() is handed out or New is not empty; no lint when every Get resets', () => {
  const plain = lintAt('pools', 'pool-put-reset', 'bufPool.Put(b)\n'.trim())!;
  assert.ok(plain);
  const text = applied('pools', results.get('pools')!.find((l) => l.id === 'pool-put-reset' && l.fixes.length && /b goes back/.test(l.message))!);
  assert.match(text, /out := b\.String\(\)\n\tb\.Reset\(\)\n\tbufPool\.Put\(b\)/);
  const deferred = lintAt('pools', 'pool-put-reset', 'defer sbPool.Put(sb)')!;
  assert.match(applied('pools', deferred), /defer func\(\) \{\n\t\tsb\.Reset\(\)\n\t\tsbPool\.Put\(sb\)\n\t\}\(\)/);
  const handsOut = results.get('pools')!.find((l) => l.id === 'pool-put-reset' && /Bytes\(\) hands out/.test(l.refusals.join()));
  assert.ok(handsOut, JSON.stringify(results.get('pools')));
  assert.deepEqual(handsOut.fixes, []);
  const filled = lintAt('pools', 'pool-put-reset', 'filledPool.Put(b)')!;
  assert.match(filled.refusals.join(), /filledPool\.New does not simply return a new empty/);
  assert.equal(lintAt('pools', 'pool-put-reset', 'resetPool.Put(b)'), undefined);
});

test('builder-grow: one Grow with the summed lengths (constants after the loop too); not for conditional writes, early exits or an already grown builder', () => {
  const join = lintAt('grow', 'builder-grow', 'for _, x := range xs')!;
  assert.ok(join, JSON.stringify(results.get('grow')));
  assert.match(applied('grow', join), /bLen := 0\n\tfor _, x := range xs \{\n\t\tbLen \+= len\(x\) \+ 4\n\t\}\n\tb\.Grow\(bLen \+ 1\)/);
  const bytes = lintAt('grow', 'builder-grow', 'for _, c := range chunks')!;
  assert.match(applied('grow', bytes), /buf\.Grow\(bufLen\)/);
  const fromCall = lintAt('grow', 'builder-grow', 'range list()')!;
  assert.deepEqual(fromCall.fixes, []);
  assert.match(fromCall.refusals.join(), /not a variable or field/);
  assert.equal(results.get('grow')!.filter((l) => l.id === 'builder-grow').length, 3, JSON.stringify(results.get('grow')!.map((l) => l.range.start.line)));
});
