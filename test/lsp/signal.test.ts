// What a Go developer sees by default, on excerpts of a real module (go-chi/chi v5.5.0,
// test/fixtures/chi-excerpt) compiled by the real compiler and published by the real server.
// One test per problem of issue 12 (items 2–5) and issue 16 item 4 (one count).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DiagnosticSeverity, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol';
import { hasEscapeDebug } from '../../server/src/escape/run';
import { writeGoModule, repoRoot } from '../helpers/goFixture';
import { LspClient } from '../helpers/lspClient';

const excerpt = path.join(repoRoot, 'test', 'fixtures', 'chi-excerpt');
const read = (rel: string) => fs.readFileSync(path.join(excerpt, rel), 'utf8');

let root: string;
let client: LspClient;
let chi: string;
let chiDiags: Diagnostic[];
const line0 = (text: string, needle: string, from = 0) => {
  const i = text.split('\n').findIndex((l, n) => n >= from && l.includes(needle));
  if (i < 0) throw new Error(`no line with ${needle}`);
  return i;
};
const chiText = read('chi.go');
const hoverText = async (file: string, line: number, ch: number) => {
  const h = await client.hover(file, line, ch);
  return h ? (h.contents as MarkupContent).value : '';
};

before(async () => {
  root = writeGoModule({
    'chain.go': read('chain.go'), 'chi.go': chiText, 'bench_test.go': read('bench_test.go'),
    'middleware/request_id.go': read('middleware/request_id.go'),
  }, { module: 'github.com/go-chi/chi/v5', go: '1.24' });
  chi = path.join(root, 'chi.go');
  client = await LspClient.start({ root, settings: {} });
  const published = client.nextDiagnostics(chi, (d) => d.length > 0, 180_000);
  await client.open(chi);
  chiDiags = await published;
});
after(async () => {
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('item 2: no finding without a verdict — interface methods get nothing, no ~p names anywhere', async () => {
  const start = line0(chiText, 'type Router interface');
  const end = line0(chiText, '}', start);
  // The compiler prints "parameter pattern leaks to {heap} for Router.Handle" blocks here but no verdict.
  assert.deepEqual(chiDiags.filter((d) => d.range.start.line >= start && d.range.start.line <= end), []);
  const handle = line0(chiText, 'Handle(pattern string, h http.Handler)');
  assert.equal(await hoverText(chi, handle, chiText.split('\n')[handle].indexOf('pattern') + 1), '');
  for (const d of client.diagnostics.all.flatMap((p) => p.diagnostics)) assert.doesNotMatch(d.message, /~[pr]\d|\.autotmp|stmp_/, d.message);
  // Leaking parameters are not allocations: not diagnostics by default, but in the hover.
  assert.ok(chiDiags.every((d) => d.code === 'moved-to-heap' || d.code === 'escapes-to-heap'), JSON.stringify(chiDiags.map((d) => d.code)));
});

test('item 3: constants the compiler boxes without allocating are not called allocations', async () => {
  assert.ok(await hasEscapeDebug(), 'needs a Go whose compiler says which conversions allocate (-d=escapedebug, Go 1.26 here)');
  const msg = line0(chiText, `panic("chi: route param closing delimiter`);
  assert.deepEqual(chiDiags.filter((d) => d.range.start.line === msg), [], 'a constant panic message allocates nothing');
  const md = await hoverText(chi, msg, chiText.split('\n')[msg].indexOf('"') + 2);
  assert.match(md, /escapes to the heap without allocating/);
  assert.match(md, /constant, so the interface points at read-only static data/);
  // request_id.go: context.WithValue(ctx, RequestIDKey, requestID) — the constant key is free, the string is not.
  const rid = path.join(root, 'middleware', 'request_id.go');
  const ridText = read('middleware/request_id.go');
  const published = client.nextDiagnostics(rid, (d) => d.length > 0, 120_000);
  await client.open(rid);
  const diags = await published;
  const withValue = line0(ridText, 'context.WithValue(ctx, RequestIDKey, requestID)');
  const onLine = diags.filter((d) => d.range.start.line === withValue).map((d) => ridText.split('\n')[withValue].slice(d.range.start.character, d.range.end.character));
  assert.deepEqual(onLine, ['requestID']);
});

test('item 4: a parameter leaking to two results at one position — each verdict has its own flow', async () => {
  const fn = line0(chiText, 'func patNextSegment(pattern string)');
  const md = await hoverText(chi, fn, chiText.split('\n')[fn].indexOf('pattern') + 1);
  const sections = md.split('\n\n---\n\n');
  const r1 = sections.find((s) => /parameter pattern leaks to result 1\*\*/.test(s));
  const r2 = sections.find((s) => /parameter pattern leaks to result 2\*\*/.test(s));
  assert.ok(r1 && r2, md);
  assert.match(r1, /flows to result 1 of the function/);
  assert.match(r2, /flows to result 2 of the function/);
  // Only the verbatim compiler line (kept for searching the -m output) uses the compiler's names.
  assert.doesNotMatch(md.split('\n').filter((l) => !l.startsWith('Compiler: ')).join('\n'), /~r\d/);
});

test('item 5: the whole expression is underlined, panic paths are set apart, plain words, real files only', () => {
  const lines = chiText.split('\n');
  const text = (d: Diagnostic) => lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
  const hot = chiDiags.filter((d) => d.severity !== DiagnosticSeverity.Hint).map(text).sort();
  assert.deepEqual(hot, ['"^" + rexpat', 'append(paramKeys, paramKey)', '[]string{}'].sort());
  // The duplicate-key panic: its message, pattern and paramKey allocate only when the program is about to panic.
  const dup = line0(chiText, 'contains duplicate param key');
  const cold = chiDiags.filter((d) => d.range.start.line === dup);
  assert.deepEqual(cold.map(text).sort(), ['fmt.Sprintf("chi: routing pattern \'%s\' contains duplicate param key, \'%s\'", pattern, paramKey)', 'paramKey', 'pattern'].sort());
  for (const d of cold) {
    assert.equal(d.severity, DiagnosticSeverity.Hint);
    assert.match(d.message, /on a panic or fatal path$/);
  }
  for (const d of client.diagnostics.all.flatMap((p) => p.diagnostics)) {
    assert.ok(d.range.end.character - d.range.start.character > 1 || d.range.end.line > d.range.start.line, `one character underlined: ${JSON.stringify(d)}`);
    assert.doesNotMatch(d.message, /the compiler notes/, 'every reason in plain words');
    for (const r of d.relatedInformation ?? []) assert.ok(r.location.uri.startsWith(`file://${root}/`), `links only into the module: ${r.location.uri}`);
  }
  assert.ok(client.diagnostics.all.every((p) => !/_testmain\.go|autogenerated/.test(p.uri)), 'no diagnostics for files that do not exist');
});

test('Go 1.26 b.Loop: "kept alive" is classified and said in words', async () => {
  const bench = path.join(root, 'bench_test.go');
  const text = read('bench_test.go');
  await client.open(bench);
  await client.nextStatus((s) => s.state === 'done' && s.packageDir === root, 120_000);
  const l = line0(text, 'patNextSegment(');
  const md = await hoverText(bench, l, text.split('\n')[l].indexOf('(') );
  assert.match(md, /b\.Loop keeps the call's results alive/);
});

test('issue 16 item 4: the status bar counts what the Problems panel shows', async () => {
  await client.save(chi);
  const status = await client.nextStatus((s) => s.state === 'done' && s.packageDir === root && !!s.heapEscapes?.[chi], 120_000);
  const diags = client.latest.get(chi) ?? [];
  assert.equal(status.heapEscapes![chi], diags.filter((d) => d.severity !== DiagnosticSeverity.Hint).length);
  assert.equal(status.coldAllocations![chi], diags.filter((d) => d.severity === DiagnosticSeverity.Hint).length);
  assert.match(status.message ?? '', /^\d+ heap allocations? \(\+\d+ on cold paths\)/);
});
