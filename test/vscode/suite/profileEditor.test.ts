import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, exampleProfile, waitForActiveTab } from './helpers';

suite('heap profile editor', () => {
  suiteSetup(async () => { await activate(); });
  teardown(async () => { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  test('a profile written by the example opens in the HeapLens flamegraph editor', async () => {
    const uri = await exampleProfile();
    await vscode.commands.executeCommand('vscode.openWith', uri, 'heaplens.profile');
    const tab = await waitForActiveTab(
      (t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === uri.toString(),
      'the profile tab',
    );
    const input = tab.input as vscode.TabInputCustom;
    assert.equal(input.viewType, 'heaplens.profile');
    assert.equal(tab.label, 'heap.pb.gz');
  });

  test('a text file named like a profile still opens the editor (it shows the reason, nothing throws)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-badprofile-'));
    const file = path.join(dir, 'x.pb.gz');
    fs.writeFileSync(file, '# this is not a profile\n');
    const uri = vscode.Uri.file(file);
    try {
      await vscode.commands.executeCommand('vscode.openWith', uri, 'heaplens.profile');
      const tab = await waitForActiveTab(
        (t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === uri.toString(),
        'the bad profile tab',
      );
      assert.equal((tab.input as vscode.TabInputCustom).viewType, 'heaplens.profile');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('*.pb.gz files open in the flamegraph editor by default', async () => {
    const uri = await exampleProfile();
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await waitForActiveTab((t) => t.input instanceof vscode.TabInputCustom, 'a custom editor tab');
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'heaplens.profile');
  });
});
