// A heap profile on the code: HeapLens: Load Heap Profile with the example's own
// profile, then the measured costs as inlay hints at the end of allocating lines
// and as code lenses on the functions that allocate.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, exampleProfile, lineOf, workspaceFile } from './helpers';

interface ProfileInfo { source: string; sampleType: string; total: string; lines: number; resolvedFiles: number; unresolvedFiles: string[] }

suite('heap profile on the code', () => {
  const catalog = workspaceFile('catalog', 'catalog.go');
  let doc: vscode.TextDocument;
  let info: ProfileInfo;

  suiteSetup(async () => {
    await activate();
    doc = await vscode.workspace.openTextDocument(catalog);
    await vscode.window.showTextDocument(doc);
    info = (await vscode.commands.executeCommand<ProfileInfo>('heaplens.loadProfile', await exampleProfile()))!;
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('heaplens.clearProfile');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('loading the example\'s profile resolves its files to the workspace', () => {
    assert.ok(info, 'Load Heap Profile answers');
    assert.equal(info.sampleType, 'alloc_space');
    assert.ok(info.lines > 0, `${info.lines} lines with a cost`);
    assert.ok(info.resolvedFiles >= 2, `${info.resolvedFiles} files resolved (catalog.go, loadgen's main.go)`);
  });

  test('the map assignment in ByName shows its measured cost as an inlay hint', async () => {
    const line = lineOf(doc, 'index[products[i].Name] = &products[i]');
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', catalog, new vscode.Range(0, 0, doc.lineCount, 0));
    const here = hints.filter((h) => h.position.line === line);
    const label = here.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''))).join(' ');
    assert.match(label, /[\d.]+ [KMG]iB · \d+% alloc_space/, `inlay hint on line ${line + 1}: ${label || '(none)'}`);
  });

  test('functions that allocate get a code lens with flat and cum', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', catalog);
    const byName = lenses.find((l) => l.range.start.line === lineOf(doc, 'func ByName('));
    assert.ok(byName?.command, `a lens on func ByName; lenses on lines ${lenses.map((l) => l.range.start.line + 1).join(', ')}`);
    assert.match(byName.command.title, /^alloc_space: flat .+ · cum .+/);
  });
});
