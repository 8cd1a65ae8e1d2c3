// The Go helper's outline (go/parser, gohelper/outline.go) against what `heaplens check`
// reads today (server/src/check/goSource.ts, regex scanning) on the bundled example and
// on hand-written edge cases: the same functions on the same lines, and directive comments
// found where the regex scan finds them. The step before check reads Go through go/ast.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { parseDirectives } from '../../server/src/check/directives';
import { functionsOf } from '../../server/src/check/functions';
import { GoHelper } from '../../server/src/fixes/goHelper';
import { exampleDir } from '../helpers/goFixture';

const helper = new GoHelper();
after(() => helper.dispose());

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

// é //heaplens:noalloc
func G() {}
`;

function goFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? goFiles(p) : e.name.endsWith('.go') ? [p] : [];
  });
}

test('go/parser outline: same functions and lines as the regex scan, directives in the same places', async () => {
  const files = [...goFiles(exampleDir).map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') })), { path: '/edge/p.go', text: edge }];
  const outlines = await helper.outline(files);
  assert.equal(outlines.length, files.length);
  let funcs = 0;
  for (const [i, f] of files.entries()) {
    const o = outlines[i];
    assert.equal(o.path, f.path);
    assert.equal(o.error, undefined, f.path);
    const regex = functionsOf(f.text).map(({ name, line, docLine, bodyLine, endLine }) => ({ name, line, docLine, bodyLine, endLine }));
    const ast = o.funcs.map(({ name, line, docLine, bodyLine, endLine }) => ({ name, line, docLine, bodyLine, endLine }));
    assert.deepEqual(ast, regex, f.path);
    funcs += ast.length;
    const directiveLines = parseDirectives(f.text).directives.map((d) => `${d.commentLine}:${d.commentColumn}`);
    const astDirectives = o.comments.filter((c) => /^\/\/ ?(heaplens|gcassert):/.test(c.text)).map((c) => `${c.line}:${c.column}`);
    assert.deepEqual([...new Set(directiveLines)], astDirectives, f.path);
  }
  assert.ok(funcs > 10, `only ${funcs} functions outlined`);
  const e = outlines.at(-1)!;
  assert.deepEqual(e.funcs.map((f) => f.name), ['F', '(*List).Len', 'G']);
  assert.deepEqual(e.comments.filter((c) => c.afterCode).map((c) => c.text), ['//heaplens:inline', '//gcassert:bce']);
});
