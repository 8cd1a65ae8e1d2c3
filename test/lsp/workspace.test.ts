// Multi-root workspaces and go.work: each package runs from its own module root,
// imports across workspace modules resolve, settings are read per folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { writeGoModule } from '../helpers/goFixture';
import { LspClient } from '../helpers/lspClient';

let root: string;
let client: LspClient;
const appMain = 'package main\n\nimport "example.com/liba"\n\nfunc main() {\n\tx := 1\n\tliba.Keep(&x)\n}\n';

before(async () => {
  root = writeGoModule({
    'go.work': 'go 1.21\n\nuse (\n\t./liba\n\t./app\n)\n',
    'liba/go.mod': 'module example.com/liba\n\ngo 1.21\n',
    'liba/liba.go': 'package liba\n\nvar sink *int\n\n// Keep stores p.\nfunc Keep(p *int) { sink = p }\n',
    'app/go.mod': 'module example.com/app\n\ngo 1.21\n',
    'app/main.go': appMain,
  });
  fs.rmSync(path.join(root, 'go.mod')); // no module at the top: only go.work
  const liba = path.join(root, 'liba');
  const app = path.join(root, 'app');
  client = await LspClient.start({
    root: liba,
    folders: [app],
    // Folder-scoped settings: warnings and leaking parameters (off by default) in liba, hints in app.
    scopedSettings: (scope, section) => section !== 'heaplens' ? null
      : scope?.includes('/liba/') ? { severity: 'warning', kinds: ['moved-to-heap', 'escapes-to-heap', 'leaking-param'] } : { severity: 'hint' },
  });
});
after(async () => { await client.stop(); });

test('go.work: a package importing another workspace module is analysed from its module root', async () => {
  const file = path.join(root, 'app', 'main.go');
  const published = client.nextDiagnostics(file, (d) => d.length > 0);
  await client.open(file);
  const diags = await published;
  const moved = diags.find((d) => d.code === 'moved-to-heap');
  assert.ok(moved, JSON.stringify(diags));
  assert.equal(moved.range.start.line, 5);
  assert.equal(moved.severity, DiagnosticSeverity.Hint, 'app folder setting');
  assert.ok(client.logs.some((l) => l.includes(`(in ${path.join(root, 'app')})`)), client.logs.join('\n'));
});

test('multi-root: the other folder gets its own settings', async () => {
  const file = path.join(root, 'liba', 'liba.go');
  const published = client.nextDiagnostics(file, (d) => d.length > 0);
  await client.open(file);
  const diags = await published;
  const leak = diags.find((d) => d.code === 'leaking-param');
  assert.ok(leak, JSON.stringify(diags));
  assert.equal(leak.severity, DiagnosticSeverity.Warning, 'liba folder setting');
  assert.match(leak.message, /parameter p leaks/);
});
