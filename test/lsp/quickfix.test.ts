// Quick fixes, end to end: the bundled server offers a code action on a real
// compiler finding; applied to a real Go module it must compile, vet, stay
// gofmt-clean, pass the module's tests, make the finding go away when the
// compiler runs again, and lower the benchmark's allocs/op (retained bytes for
// the sub-slice copy, whose point is what stays alive, not what is allocated).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ExecuteCommandRequest, type CodeAction, type Command, type Diagnostic } from 'vscode-languageserver-protocol';
import { copyExample, go } from '../helpers/goFixture';
import { LspClient } from '../helpers/lspClient';
import { applyToDisk, bench, CASES, codeActions, copyFixtures, diagnosticAt, verify } from '../helpers/quickfixHarness';

const KINDS = ['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-content'];
let root: string;
let client: LspClient;

before(async () => {
  root = copyFixtures();
  client = await LspClient.start({ root, settings: { heaplens: { kinds: KINDS } } });
});
after(async () => { await client.stop(); });

const isAction = (a: CodeAction | Command): a is CodeAction => 'kind' in a || 'edit' in a;

/** Saves new text through the server and waits for the re-analysis of that file. */
async function saveAndReanalyse(file: string, text: string): Promise<Diagnostic[]> {
  const published = client.nextDiagnostics(file);
  await client.change(file, text);
  await client.save(file);
  return published;
}

async function openAndWait(file: string): Promise<Diagnostic[]> {
  const published = client.nextDiagnostics(file, (d) => d.length > 0);
  await client.open(file);
  return published;
}

for (const c of CASES) {
  test(`fix ${c.fix}: compiles, vets, gofmt-clean, tests pass, finding gone, ${c.metric} down`, async () => {
    const dir = path.join(root, c.name);
    const file = path.join(dir, c.file);
    const beforeBench = bench(dir);
    const text = fs.readFileSync(file, 'utf8');
    const diag = diagnosticAt(await openAndWait(file), text, c.line, c.code);

    const actions = (await codeActions(client, file, diag)).filter(isAction);
    const action = actions.find((a) => c.pick.test(a.title));
    assert.ok(action, `no action matching ${c.pick} in ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(action.kind, 'quickfix');
    assert.deepEqual(action.diagnostics, [diag], 'the action names the diagnostic it fixes');
    assert.ok(action.edit?.changes, 'the action carries an edit');
    if (c.name !== 'pool') assert.equal(action.isPreferred, true, 'obvious fixes are preferred');

    const written = applyToDisk(action);
    assert.ok(written.has(file));
    assert.equal(verify(dir), undefined);
    assert.notEqual(written.get(file), text);

    const diags = await saveAndReanalyse(file, written.get(file)!);
    const compiler = go(dir, ['build', '-gcflags=-m', '.']);
    assert.equal(compiler.code, 0, compiler.stderr);
    if (c.gone) {
      assert.ok(!diags.some((d) => d.message === diag.message), `the finding is still there: ${diag.message}`);
      assert.ok(!compiler.stderr.includes(c.gone), `the compiler still says "${c.gone}":\n${compiler.stderr}`);
    } else {
      // The allocation moved up front: the growing append became one make with the final capacity.
      assert.ok(c.changed && compiler.stderr.includes(c.changed.from) && compiler.stderr.includes(c.changed.to), compiler.stderr);
      const subject = c.changed.to.replace(/^.*?: /, '').replace(/ escapes to heap$/, '');
      assert.ok(diags.some((d) => d.message.startsWith(`${subject} escapes to the heap`)), JSON.stringify(diags.map((d) => d.message)));
    }

    const afterBench = bench(dir);
    assert.ok(afterBench[c.metric] < beforeBench[c.metric], `${c.metric}: before ${beforeBench[c.metric]}, after ${afterBench[c.metric]}`);
  });
}

test('the return-by-value fix also updates callers in the package\'s other files', () => {
  const spread = fs.readFileSync(path.join(root, 'byvalue', 'spread.go'), 'utf8');
  assert.match(spread, /s := summarize\(xs\)/);
  const stats = fs.readFileSync(path.join(root, 'byvalue', 'stats.go'), 'utf8');
  assert.match(stats, /func summarize\(xs \[\]int\) Stats \{/);
  assert.match(stats, /return s\n/);
});

test('unsafe shapes get Explain only, and Explain opens a page with the reason and the flow', async () => {
  const file = path.join(root, 'unsafe', 'unsafe.go');
  const text = fs.readFileSync(file, 'utf8');
  const diags = await openAndWait(file);
  const cases = [
    { line: 'total := 0', code: 'moved-to-heap', why: /closure changes total/ },
    { line: 'out = append(out, 2*x)', code: 'escapes-to-heap', why: /length, capacity or nil-ness of out is used/ },
    { line: 'var buf bytes.Buffer', code: 'moved-to-heap', why: /buf\.Bytes\(\) hands out the buffer's memory/ },
  ];
  for (const c of cases) {
    const d = diagnosticAt(diags, text, c.line, c.code);
    const actions = (await codeActions(client, file, d)).filter(isAction);
    assert.ok(actions.every((a) => !a.edit), `${c.line}: offered an edit: ${JSON.stringify(actions.map((a) => a.title))}`);
    const explain = actions.find((a) => a.command?.command === 'heaplens.explainFinding');
    assert.ok(explain, `${c.line}: no Explain in ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.match(explain.title, /^Explain: /);
    assert.deepEqual(explain.diagnostics, [d]);

    const shown = new Promise<{ uri: string; takeFocus?: boolean }>((resolve) => {
      client.conn.onRequest('window/showDocument', (p: { uri: string; takeFocus?: boolean }) => { resolve(p); return { success: true }; });
    });
    const result = await client.conn.sendRequest(ExecuteCommandRequest.type, explain.command!) as { uri: string };
    const request = await shown;
    assert.equal(request.uri, result.uri);
    assert.equal(request.takeFocus, true);
    const page = fs.readFileSync(fileURLToPath(result.uri), 'utf8');
    assert.match(page, /^# /);
    assert.match(page, c.why, page);
    assert.match(page, /## Usual remedies/);
    // The compiler's flow, each step linking to its line of unsafe.go.
    const steps = [...page.matchAll(/^\d+\. \[unsafe\.go:(\d+)\]\((file:[^)]+)\)/gm)];
    assert.ok(steps.length > 0, page);
    for (const s of steps) assert.ok(s[2].startsWith(`${new URL(`file://${file}`).href}#L${s[1]}`), s[2]);
  }
});

test('after an unsaved edit moves the finding, the action explains instead of editing stale positions', async () => {
  const dir = path.join(copyFixtures(), 'prealloc');
  const file = path.join(dir, 'orders.go');
  const text = fs.readFileSync(file, 'utf8');
  const diag = diagnosticAt(await openAndWait(file), text, 'ids = append(ids, o.ID)', 'escapes-to-heap');
  assert.ok((await codeActions(client, file, diag)).some((a) => isAction(a) && !!a.edit));
  // The user inserts a line above (not saved): the editor shifts the diagnostic down by one.
  await client.change(file, text.replace('func IDs(', '// IDs, again.\nfunc IDs('));
  const moved = { ...diag, range: { start: { ...diag.range.start, line: diag.range.start.line + 1 }, end: { ...diag.range.end, line: diag.range.end.line + 1 } } };
  const actions = (await codeActions(client, file, moved)).filter(isAction);
  assert.ok(actions.every((a) => !a.edit), JSON.stringify(actions.map((a) => a.title)));
  const explain = actions.find((a) => a.command?.command === 'heaplens.explainFinding');
  assert.ok(explain);
  assert.match(JSON.stringify(explain.command?.arguments), /changed since the last analysis/);
});

test('a malformed Explain request gets a one-line error, not a crash', async () => {
  const r = await client.conn.sendRequest(ExecuteCommandRequest.type, { command: 'heaplens.explainFinding', arguments: [{ nope: 1 }] }) as { error: string };
  assert.match(r.error, /needs \{ finding, refusals \}/);
  // The server still answers.
  assert.ok(Array.isArray(await codeActions(client, path.join(root, 'unsafe', 'unsafe.go'), { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: 'x' })));
});

test('every catalogue fix applied to a copy of the bundled example: it still builds, vets and passes its tests', async () => {
  const shop = copyExample();
  const ex = await LspClient.start({ root: shop, settings: { heaplens: { kinds: KINDS } } });
  try {
    const file = path.join(shop, 'catalog', 'catalog.go');
    const published = ex.nextDiagnostics(file, (d) => d.length > 0);
    await ex.open(file);
    let diags = await published;
    const targets = [
      { line: 'ids = append(ids, p.ID)', code: 'escapes-to-heap', pick: /^Preallocate ids/ },
      { line: 'index := make(map[string]*Product)', code: 'escapes-to-heap', pick: /^Size index/ },
      { line: 'line += t + ","', code: 'escapes-to-heap', pick: /strings\.Builder/ },
      { line: 'return fmt.Sprintf("%d", p.ID)', code: 'escapes-to-heap', pick: /strconv\.Itoa/ },
      { line: 'for _, p := range products {', code: 'moved-to-heap', message: /^p is moved/, pick: /^Copy p per iteration/ },
      { line: 's := Summary{}', code: 'moved-to-heap', pick: /^Return Summary by value/ },
      { line: 'func Header(body []byte)', code: 'leaking-param', pick: /^Copy body\[:16\]/ },
    ];
    const applied: string[] = [];
    for (const t of targets) {
      const text = fs.readFileSync(file, 'utf8');
      const d = diagnosticAt(diags, text, t.line, t.code, t.message);
      const actions = (await codeActions(ex, file, d)).filter(isAction);
      const action = actions.find((a) => t.pick.test(a.title));
      assert.ok(action, `${t.line}: no ${t.pick} in ${JSON.stringify(actions.map((a) => a.title))}\n${ex.logs.filter((l) => /quick fix/.test(l)).join('\n')}\n${JSON.stringify(actions.map((a) => a.command?.arguments))}`);
      const written = applyToDisk(action);
      applied.push(action.title);
      const next = ex.nextDiagnostics(file);
      await ex.change(file, written.get(file)!);
      await ex.save(file);
      diags = await next;
    }
    assert.equal(applied.length, targets.length);
    assert.equal(verify(shop), undefined);
    const final = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(final, /"fmt"/, 'fmt is no longer imported once Label uses strconv');
    assert.match(final, /"strconv"/);
    assert.match(final, /"strings"/);
  } finally {
    await ex.stop();
  }
});
