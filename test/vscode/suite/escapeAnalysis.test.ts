// Escape analysis as VS Code shows it: diagnostics on the example's catalog.go,
// refreshed on save, the hover that explains them, and the Analyze command the
// status bar item reflects.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, hoverText, lineOf, waitForDiagnostics, workspaceFile } from './helpers';

const heapEscape = (d: vscode.Diagnostic) => /moved to the heap|escapes to the heap/.test(d.message);

suite('escape analysis', () => {
  const catalog = workspaceFile('catalog', 'catalog.go');
  const extra = workspaceFile('catalog', 'extra.go');
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    await activate();
    doc = await vscode.workspace.openTextDocument(catalog);
    await vscode.window.showTextDocument(doc);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(extra).then(undefined, () => undefined);
  });

  test('opening catalog.go publishes the compiler\'s heap escapes on their lines', async () => {
    const diags = await waitForDiagnostics(catalog, (d) => d.some((x) => x.message.includes('s is moved to the heap')));
    const moved = diags.find((x) => x.message.includes('s is moved to the heap'))!;
    // `s := Summary{}` in summarize: the declaration is where the compiler reports it.
    assert.equal(moved.range.start.line, lineOf(doc, 's := Summary{}'));
    assert.equal(moved.source, 'heaplens');
    const lines = new Set(diags.filter(heapEscape).map((d) => d.range.start.line));
    for (const text of ['index := make(map[string]*Product)', 'ids = append(ids, p.ID)', 'line += t + ","']) {
      assert.ok(lines.has(lineOf(doc, text)), `a heap escape on "${text}"; lines with one: ${[...lines].map((l) => l + 1).join(', ')}`);
    }
  });

  test('the diagnostic on a moved variable explains it, and the hover does not repeat it', async () => {
    const diags = await waitForDiagnostics(catalog, (d) => d.some(heapEscape));
    const line = lineOf(doc, 's := Summary{}');
    const moved = diags.find((x) => x.range.start.line === line && x.message.includes('moved to the heap'))!;
    assert.match(moved.message, /returned/);
    const col = doc.lineAt(line).text.indexOf('s :=');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', catalog, new vscode.Position(line, col));
    assert.doesNotMatch(hoverText(hovers), /moved to the heap/);
  });

  test('saving a new file in the package analyses it', async () => {
    const src = 'package catalog\n\n// Boxed returns the address of a local.\nfunc Boxed() *int {\n\tn := 42\n\treturn &n\n}\n';
    // An empty file on disk first (WorkspaceEdit.createFile's contents are not written in VS Code 1.139).
    await vscode.workspace.fs.writeFile(extra, new Uint8Array());
    const extraDoc = await vscode.workspace.openTextDocument(extra);
    await vscode.window.showTextDocument(extraDoc);
    const fill = new vscode.WorkspaceEdit();
    fill.insert(extra, new vscode.Position(0, 0), src);
    assert.ok(await vscode.workspace.applyEdit(fill));
    const diagnosed = waitForDiagnostics(extra, (d) => d.some((x) => x.message.includes('n is moved to the heap')));
    assert.ok(await extraDoc.save());
    const diags = await diagnosed;
    assert.equal(diags.find((x) => x.message.includes('n is moved to the heap'))!.range.start.line, 4);
  });

  test('HeapLens: Analyze Current Package reports the package\'s findings', async () => {
    await vscode.window.showTextDocument(doc);
    const result = await vscode.commands.executeCommand<{ state: string; findings: number; packageDir: string }>('heaplens.analyzePackage');
    assert.equal(result.state, 'done');
    assert.ok(result.findings >= 5, `${result.findings} findings`);
    assert.equal(vscode.Uri.file(result.packageDir).fsPath, vscode.Uri.joinPath(catalog, '..').fsPath);
  });
});
