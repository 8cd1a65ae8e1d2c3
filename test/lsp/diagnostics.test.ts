// The real bundled server on a real Go package: diagnostics, positions, hovers.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DiagnosticSeverity, type MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, uriOf } from '../helpers/lspClient';
import { escGo, escTestGo, lineContaining, writeEscModule } from './fixtures';

let root: string;
let client: LspClient;
let escFile: string;
let testFile: string;

before(async () => {
  root = writeEscModule();
  escFile = path.join(root, 'esc', 'esc.go');
  testFile = path.join(root, 'esc', 'esc_test.go');
  client = await LspClient.start({ root, settings: { heaplens: { kinds: ['moved-to-heap', 'escapes-to-heap', 'leaking-param'] } } });
});
after(async () => { await client.stop(); });

test('opening a Go file publishes its heap escapes with stable codes and readable messages', async () => {
  const published = client.nextDiagnostics(escFile, (d) => d.length > 0);
  await client.open(escFile);
  const diags = await published;
  const moved = diags.find((d) => d.code === 'moved-to-heap');
  assert.ok(moved, `no moved-to-heap in ${JSON.stringify(diags)}`);
  assert.equal(moved.source, 'heaplens');
  assert.equal(moved.severity, DiagnosticSeverity.Information);
  const pLine = lineContaining(escGo, 'p := Point');
  assert.deepEqual(moved.range, { start: { line: pLine, character: 1 }, end: { line: pLine, character: 2 } });
  assert.match(moved.message, /^p is moved to the heap/);
  assert.match(moved.message, /address/);
  // The flow, clickable in Problems: each step points at its line.
  const related = moved.relatedInformation ?? [];
  assert.ok(related.length >= 2, JSON.stringify(moved));
  assert.equal(related[0].location.uri, uriOf(escFile));
  assert.equal(related[0].location.range.start.line, lineContaining(escGo, 'return &p'));
  assert.match(related[0].message, /^1\. &p/);
  // Kinds not asked for are not diagnostics.
  assert.ok(!diags.some((d) => d.code === 'does-not-escape' || d.code === 'can-inline'));
});

test('columns are UTF-16 after multi-byte characters on the line', async () => {
  const diags = client.latest.get(escFile) ?? [];
  const line = lineContaining(escGo, 'ünïcödé');
  const onLine = diags.filter((d) => d.range.start.line === line);
  assert.equal(onLine.length, 1, JSON.stringify(diags));
  const text = escGo.split('\n')[line];
  const start = text.indexOf('&Point');
  assert.notEqual(start, Buffer.byteLength(text.slice(0, start)) , 'fixture must have multi-byte text before the finding');
  assert.equal(onLine[0].range.start.character, start);
  // The compiler abbreviates `&Point{...}`; the range covers the whole literal.
  assert.equal(text.slice(onLine[0].range.start.character, onLine[0].range.end.character), '&Point{X: len(s), Y: n}');
  assert.equal(onLine[0].code, 'escapes-to-heap');
});

test('hover does not repeat a diagnostic: the editor shows its message and steps already', async () => {
  const line = lineContaining(escGo, 'p := Point');
  assert.ok((client.latest.get(escFile) ?? []).some((d) => d.range.start.line === line && d.code === 'moved-to-heap'));
  assert.equal(await client.hover(escFile, line, 1), null);
});

test('hover says "does not escape" on a parameter the compiler cleared', async () => {
  const line = lineContaining(escGo, 'func Sum(xs');
  const col = escGo.split('\n')[line].indexOf('xs');
  const hover = await client.hover(escFile, line, col + 1);
  assert.ok(hover);
  assert.match((hover.contents as MarkupContent).value, /xs does not escape/);
  assert.equal(await client.hover(escFile, lineContaining(escGo, 's += x'), 2), null);
});

test('opening a _test.go file analyses the test variant and publishes its findings', async () => {
  const published = client.nextDiagnostics(testFile, (d) => d.length > 0);
  await client.open(testFile);
  const diags = await published;
  const vLine = lineContaining(escTestGo, 'v := 7');
  assert.ok(diags.some((d) => d.code === 'moved-to-heap' && d.range.start.line === vLine), JSON.stringify(diags));
  assert.ok(diags.some((d) => d.code === 'leaking-param' && /parameter t leaks/.test(d.message)), JSON.stringify(diags));
});

test('each go command is logged with its directory and duration', async () => {
  assert.ok(client.logs.some((l) => /running \S*go build -o \/dev\/null '?-gcflags=-m=2(?: -d=escapedebug=1')? \.\/esc +\(in /.test(l)), client.logs.join('\n'));
  assert.ok(client.logs.some((l) => /running \S*go test -c/.test(l)), client.logs.join('\n'));
  assert.ok(client.logs.some((l) => /go exited 0 after \d+ ms/.test(l)), client.logs.join('\n'));
});

test('saving without a change re-analyses but keeps the published diagnostics (no flicker)', async () => {
  const dir = path.dirname(escFile);
  const before = client.diagnostics.all.length;
  // Only the news of this save's run (requests per package are numbered), not a late one of the last.
  const seen = Math.max(0, ...client.status.all.filter((s) => s.packageDir === dir).map((s) => s.generation ?? 0));
  const done = client.nextStatus((s) => s.packageDir === dir && s.state === 'done' && (s.generation ?? 0) > seen);
  await client.save(escFile);
  const status = await done;
  assert.equal(client.diagnostics.all.length, before, 'nothing republished');
  assert.ok((client.latest.get(escFile) ?? []).some((d) => d.code === 'moved-to-heap'));
  assert.equal(status.heapEscapes?.[escFile], 2);
  assert.ok(client.logs.some((l) => /same output as the published one for \.\/esc: diagnostics kept/.test(l)), client.logs.join('\n'));
});
