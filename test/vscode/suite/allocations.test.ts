// The "HeapLens: Allocations" view on the example's catalog package: the real
// server's heap allocations grouped package → file → function with counts, the
// same allocations the Problems panel shows, a filter and a group-by, and a leaf
// that opens its line.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HeapLensApi } from '../../../client/src/extension';
import type { TreeNode } from '../../../client/src/allocations/model';
import { activate, lineOf, waitForDiagnostics, workspaceFile } from './helpers';

const isAllocation = (d: vscode.Diagnostic) => d.code === 'moved-to-heap' || d.code === 'escapes-to-heap';
const leaves = (nodes: TreeNode[]): TreeNode[] => nodes.flatMap((n) => (n.item ? [n] : leaves(n.children)));

suite('allocations view', () => {
  const catalog = workspaceFile('catalog', 'catalog.go');
  let api: HeapLensApi;
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    api = (await activate()).exports as HeapLensApi;
    doc = await vscode.workspace.openTextDocument(catalog);
    await vscode.window.showTextDocument(doc);
  });
  suiteTeardown(async () => {
    api.allocations.setFilter('');
    api.allocations.setGroupBy('function');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('groups the package\'s allocations by package, file and function, with counts', async () => {
    const diags = await waitForDiagnostics(catalog, (d) => d.some((x) => x.message.includes('s is moved to the heap')));
    await api.allocations.refresh();
    const roots = await api.allocations.current();
    const pkg = roots.find((r) => r.label === 'example.com/shop/catalog');
    assert.ok(pkg, `packages: ${roots.map((r) => r.label).join(', ')}`);
    const file = pkg.children.find((f) => f.label === 'catalog.go');
    assert.ok(file, `files: ${pkg.children.map((f) => f.label).join(', ')}`);
    // The same allocations as the Problems panel (and the hints on cold paths), no more, no fewer.
    assert.equal(file.count, diags.filter(isAllocation).length);
    assert.equal(file.count, leaves([file]).length);
    assert.match(file.description ?? '', new RegExp(`^${file.count} allocations`));
    const summarize = file.children.find((g) => g.label === 'summarize');
    assert.ok(summarize, `functions: ${file.children.map((g) => g.label).join(', ')}`);
    const moved = summarize.children.find((l) => l.label.includes('s is moved to the heap'));
    assert.ok(moved?.item, `summarize: ${summarize.children.map((l) => l.label).join(' | ')}`);
    assert.equal(moved.item.range.start.line, lineOf(doc, 's := Summary{}'));
    assert.equal(moved.item.function, 'summarize');
    for (const [fn, text] of [['ByName', 'make(map[string]*Product)'], ['IDs', 'append(ids, p.ID)'], ['TagLine', 't + ","']]) {
      const g = file.children.find((x) => x.label === fn);
      assert.ok(g && g.count >= 1, `${fn} has an allocation`);
      assert.ok(g.children.some((l) => l.item!.range.start.line === lineOf(doc, text)), `${fn}: one on "${text}"`);
    }
  });

  test('the filter and the group-by in the title bar reshape the tree', async () => {
    api.allocations.setFilter('summarize');
    const filtered = leaves(await api.allocations.current());
    assert.ok(filtered.length >= 1);
    assert.ok(filtered.every((l) => l.item!.function === 'summarize'), filtered.map((l) => l.item!.function).join(', '));
    api.allocations.setFilter('');
    api.allocations.setGroupBy('kind');
    const file = (await api.allocations.current()).find((r) => r.label === 'example.com/shop/catalog')!.children.find((f) => f.label === 'catalog.go')!;
    assert.deepEqual(new Set(file.children.map((g) => g.label)), new Set(['variables moved to the heap', 'values escaping to the heap']));
    api.allocations.setGroupBy('function');
  });

  test('a leaf opens its line', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const leaf = leaves(await api.allocations.current()).find((l) => l.label.includes('s is moved to the heap'))!;
    const item = api.allocations.getTreeItem(leaf);
    assert.ok(item.command);
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, catalog.fsPath);
    assert.equal(editor.selection.start.line, lineOf(doc, 's := Summary{}'));
  });
});
