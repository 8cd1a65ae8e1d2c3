// A quick fix applied the way VS Code applies it: ask the code action provider at
// a diagnostic, apply the returned edit, and see the source change.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, lineOf, waitForDiagnostics, workspaceFile } from './helpers';

suite('quick fixes', () => {
  const catalog = workspaceFile('catalog', 'catalog.go');
  let original: Uint8Array;

  suiteSetup(async () => {
    await activate();
    original = await vscode.workspace.fs.readFile(catalog);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.writeFile(catalog, original);
  });

  test('"Size index for len(products) entries" adds the map size hint', async () => {
    const doc = await vscode.workspace.openTextDocument(catalog);
    await vscode.window.showTextDocument(doc);
    const line = lineOf(doc, 'index := make(map[string]*Product)');
    const diags = await waitForDiagnostics(catalog, (d) => d.some((x) => x.range.start.line === line && x.message.includes('escapes to the heap')));
    const diag = diags.find((x) => x.range.start.line === line)!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', catalog, diag.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Size index for len(products) entries');
    assert.ok(fix, `the size-hint fix is offered; got: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(fix.edit, 'the fix carries an edit');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(line).text.trim(), 'index := make(map[string]*Product, len(products))');
    assert.ok(await doc.save());
  });
});
