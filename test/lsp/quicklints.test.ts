// Memory lints, end to end: the bundled server publishes the Go helper's lint
// findings (source heaplens-lint, information severity) next to the compiler's,
// each with its code action; applied to a real Go module the edit must compile,
// vet, stay gofmt-clean, pass the module's tests and make the lint go away, and
// the fixture's benchmark must show what it buys (allocs/op, B/op or retained
// bytes; clear(m) buys time only, which a test does not assert).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, ExecuteCommandRequest, type CodeAction, type Command, type Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { applyToDisk, bench, codeActions, copyFixtures, diagnosticAt, verify } from '../helpers/quickfixHarness';

const LINT = 'heaplens-lint';
let root: string;
let client: LspClient;
const copies: string[] = [];
const fixtureCopy = () => { const d = copyFixtures(); copies.push(d); return d; };

before(async () => {
  root = fixtureCopy();
  client = await LspClient.start({ root, settings: { heaplens: {} } });
});
after(async () => {
  await client.stop();
  for (const d of copies) fs.rmSync(d, { recursive: true, force: true });
});

const isAction = (a: CodeAction | Command): a is CodeAction => 'kind' in a || 'edit' in a;
const lints = (d: Diagnostic[], code: string) => d.filter((x) => x.source === LINT && x.code === code);

interface LintCase { name: string; file: string; line: string; code: string; pick: RegExp; metric?: 'allocs/op' | 'B/op' | 'retained-B' }
const CASES: LintCase[] = [
  { name: 'clearmap', file: 'words.go', line: 'for w := range c.seen', code: 'clear-map', pick: /^Replace the delete loop with clear\(c\.seen\)/ },
  { name: 'remakemap', file: 'sessions.go', line: 'clear(sessions)', code: 'remake-map', pick: /^Re-make sessions/, metric: 'retained-B' },
  { name: 'poolreset', file: 'greet.go', line: 'bufPool.Put(b)', code: 'pool-put-reset', pick: /^Reset b before putting it back/, metric: 'B/op' },
  { name: 'buildergrow', file: 'join.go', line: 'for _, f := range fields', code: 'builder-grow', pick: /^Grow b once/, metric: 'allocs/op' },
];

for (const c of CASES) {
  test(`lint ${c.code}: published as information, fix compiles, vets, gofmt-clean, tests pass, lint gone${c.metric ? `, ${c.metric} down` : ''}`, async () => {
    const dir = path.join(root, c.name);
    const file = path.join(dir, c.file);
    const beforeBench = c.metric ? bench(dir) : undefined;
    const text = fs.readFileSync(file, 'utf8');
    const published = client.nextDiagnostics(file, (d) => lints(d, c.code).length > 0, 120_000);
    await client.open(file);
    const d = diagnosticAt(await published, text, c.line, c.code);
    assert.equal(d.source, LINT);
    assert.equal(d.severity, DiagnosticSeverity.Information);

    const actions = (await codeActions(client, file, d)).filter(isAction);
    const action = actions.find((a) => c.pick.test(a.title));
    assert.ok(action, `no ${c.pick} in ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(action.kind, 'quickfix');
    assert.deepEqual(action.diagnostics, [d]);
    const written = applyToDisk(action);
    assert.equal(verify(dir), undefined);

    const gone = client.nextDiagnostics(file, (ds) => lints(ds, c.code).length === 0, 120_000);
    await client.change(file, written.get(file)!);
    await client.save(file);
    await gone;

    if (c.metric && beforeBench) {
      const afterBench = bench(dir);
      assert.ok(afterBench[c.metric] < beforeBench[c.metric], `${c.metric}: before ${beforeBench[c.metric]}, after ${afterBench[c.metric]}`);
    }
  });
}

test('a map that only a field holds is not re-made for you: Explain says why', async () => {
  const dir = path.join(fixtureCopy(), 'clearmap');
  const file = path.join(dir, 'words.go');
  const text = fs.readFileSync(file, 'utf8');
  const published = client.nextDiagnostics(file, (ds) => lints(ds, 'remake-map').length > 0, 120_000);
  await client.open(file);
  const d = diagnosticAt(await published, text, 'for w := range c.seen', 'remake-map');
  const actions = (await codeActions(client, file, d)).filter(isAction);
  assert.ok(!actions.some((a) => a.edit && /^Re-make/.test(a.title)), JSON.stringify(actions.map((a) => a.title)));
  const explain = actions.find((a) => a.command?.command === 'heaplens.explainFinding' && a.diagnostics?.[0]?.code === 'remake-map');
  assert.ok(explain, JSON.stringify(actions.map((a) => a.title)));
  const shown = new Promise<{ uri: string }>((resolve) => {
    client.conn.onRequest('window/showDocument', (p: { uri: string }) => { resolve(p); return { success: true }; });
  });
  const result = await client.conn.sendRequest(ExecuteCommandRequest.type, explain.command!) as { uri: string };
  assert.equal((await shown).uri, result.uri);
  const page = fs.readFileSync(fileURLToPath(result.uri), 'utf8');
  assert.match(page, /seen is a struct field: every copy of the struct shares the map/);
  assert.match(page, /## What to do/);

  // An unsaved edit: the lint's fix no longer applies to the text, so only Explain is offered.
  await client.change(file, `// edited\n${text}`);
  const clear = diagnosticAt(client.latest.get(file) ?? [], text, 'for w := range c.seen', 'clear-map');
  const stale = (await codeActions(client, file, clear)).filter(isAction);
  assert.ok(stale.every((a) => !a.edit), JSON.stringify(stale.map((a) => a.title)));
  assert.match(JSON.stringify(stale.map((a) => a.command?.arguments)), /changed since the lint ran/);
});

test('heaplens.lints = [] publishes no lint', async () => {
  const dir = path.join(fixtureCopy(), 'buildergrow');
  const file = path.join(dir, 'join.go');
  const quiet = await LspClient.start({ root: dir, settings: { heaplens: { lints: [] } } });
  try {
    const published = quiet.nextDiagnostics(file);
    await quiet.open(file);
    await published;
    // The lint pass ran and said it is off (the helper was not asked).
    for (const deadline = Date.now() + 20_000; !quiet.logs.some((l) => /memory lints for .*: off/.test(l));) {
      assert.ok(Date.now() < deadline, quiet.logs.join('\n'));
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.deepEqual((quiet.latest.get(file) ?? []).filter((x) => x.source === LINT), []);
  } finally {
    await quiet.stop();
  }
});
