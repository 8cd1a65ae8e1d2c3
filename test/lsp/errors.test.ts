// Nothing to analyse, said clearly: compile errors, files outside a module, a
// missing or unusable `go`, paths with spaces and unicode. The server keeps serving.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { DiagnosticSeverity, type MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, uriOf } from '../helpers/lspClient';
import { brokenGo, escGo, lineContaining, writeEscModule } from './fixtures';
import { tempDir } from '../helpers/goFixture';

let root: string;
let client: LspClient;

before(async () => {
  // Spaces and non-ASCII in the module's directory (Go import paths themselves must be ASCII).
  root = writeEscModule('dir with spaces/ünïcödé ✓');
  client = await LspClient.start({ root, settings: { heaplens: {} } });
});
after(async () => { await client.stop(); });

test('a path with spaces and unicode: diagnostics land on the right file and their flow links resolve', async () => {
  const file = path.join(root, 'esc', 'esc.go');
  const published = client.nextDiagnostics(file, (d) => d.length > 0);
  await client.open(file);
  const diags = await published;
  assert.ok(diags.some((d) => d.code === 'moved-to-heap'), JSON.stringify(diags));
  const related = diags.flatMap((d) => d.relatedInformation ?? []);
  assert.ok(related.length >= 2, JSON.stringify(diags));
  for (const r of related) assert.equal(fileURLToPath(r.location.uri), file);
});

test('a package that does not compile gets ONE diagnostic at the package clause saying why', async () => {
  const file = path.join(root, 'broken', 'broken.go');
  const published = client.nextDiagnostics(file, (d) => d.length > 0);
  await client.open(file);
  const diags = await published;
  assert.equal(diags.length, 1, JSON.stringify(diags));
  const [d] = diags;
  assert.equal(d.code, 'analysis-unavailable');
  assert.equal(d.source, 'heaplens');
  assert.equal(d.severity, DiagnosticSeverity.Warning);
  assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 'package broken'.length } });
  assert.match(d.message, /^Escape analysis unavailable: the package does not compile: broken\/broken\.go:4:9: undefined: undefinedThing$/);
  assert.equal(d.relatedInformation?.[0].location.uri, uriOf(file));
  assert.equal(d.relatedInformation?.[0].location.range.start.line, lineContaining(brokenGo, 'undefinedThing'));
});

test('breaking a package removes its findings; fixing it brings them back and clears the warning', async () => {
  const file = path.join(root, 'esc', 'esc.go');
  assert.ok((client.latest.get(file) ?? []).some((d) => d.code === 'moved-to-heap'));
  fs.writeFileSync(file, escGo.replace('return s\n', 'return s + undefinedName\n'));
  const broken = client.nextDiagnostics(file, (d) => d.some((x) => x.code === 'analysis-unavailable'));
  await client.save(file);
  const diags = await broken;
  assert.equal(diags.length, 1, 'stale findings must go: ' + JSON.stringify(diags));
  assert.match(diags[0].message, /esc\/esc\.go:\d+:\d+: undefined: undefinedName$/);
  const unavailable = await client.nextStatus((s) => s.packageDir === path.dirname(file) && s.state !== 'analysing');
  assert.equal(unavailable.state, 'unavailable');

  fs.writeFileSync(file, escGo);
  const fixed = client.nextDiagnostics(file, (d) => d.length > 0 && d.every((x) => x.code !== 'analysis-unavailable'));
  await client.save(file);
  assert.ok((await fixed).some((d) => d.code === 'moved-to-heap'));
});

test('a file outside any module gets one clear diagnostic, not an exception', async () => {
  const dir = tempDir('heaplens-nomod-');
  assert.ok(!fs.existsSync(path.join(os.tmpdir(), 'go.mod')), 'the temp dir must not be inside a module');
  const file = path.join(dir, 'loose.go');
  fs.writeFileSync(file, '// Loose file.\npackage loose\n\nfunc New() *int { x := 1; return &x }\n');
  const published = client.nextDiagnostics(file, (d) => d.length > 0);
  await client.open(file);
  const diags = await published;
  assert.equal(diags.length, 1);
  assert.equal(diags[0].code, 'analysis-unavailable');
  assert.equal(diags[0].range.start.line, 1);
  assert.match(diags[0].message, /outside any Go module \(no go\.mod in .+ or its parents\)/);
});

test('a missing go binary is reported, and fixing the setting recovers', async () => {
  const file = path.join(root, 'esc', 'esc.go');
  const missing = path.join(os.tmpdir(), 'no such dir ✗', 'go');
  const reported = client.nextDiagnostics(file, (d) => d.some((x) => x.code === 'analysis-unavailable'));
  await client.changeSettings({ heaplens: { goPath: missing } });
  const diags = await reported;
  assert.equal(diags.length, 1);
  assert.ok(diags[0].message.includes(`Go was not found: '${missing}'`), diags[0].message);
  assert.match(diags[0].message, /heaplens\.goPath/);
  assert.ok(client.logs.some((l) => l.startsWith('showMessage: HeapLens: Go was not found')), client.logs.join('\n'));

  // A file that is not a program: still one clear line.
  const notExecutable = path.join(root, 'go.mod');
  const reported2 = client.nextDiagnostics(file, (d) => d.some((x) => x.code === 'analysis-unavailable' && x.message.includes('not executable')));
  await client.changeSettings({ heaplens: { goPath: notExecutable } });
  await reported2;

  const recovered = client.nextDiagnostics(file, (d) => d.some((x) => x.code === 'moved-to-heap'));
  await client.changeSettings({ heaplens: {} });
  const ok = await recovered;
  assert.ok(ok.every((d) => d.code !== 'analysis-unavailable'));
});

test('severity and kinds settings apply on configuration change', async () => {
  const file = path.join(root, 'esc', 'esc.go');
  const republished = client.nextDiagnostics(file, (d) => d.some((x) => x.code === 'does-not-escape'));
  await client.changeSettings({ heaplens: { kinds: ['does-not-escape', 'moved-to-heap'], severity: 'warning' } });
  const diags = await republished;
  assert.ok(diags.every((d) => d.code === 'does-not-escape' || d.code === 'moved-to-heap'), JSON.stringify(diags));
  assert.ok(diags.every((d) => d.severity === DiagnosticSeverity.Warning));
  const xs = diags.find((d) => d.code === 'does-not-escape' && /xs does not escape/.test(d.message));
  assert.ok(xs, JSON.stringify(diags));
  assert.equal(xs.range.start.line, lineContaining(escGo, 'func Sum(xs'));
});
