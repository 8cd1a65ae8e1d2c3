import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, EXTENSION_ID } from './helpers';

suite('activation', () => {
  test('the extension activates in a Go workspace and contributes its commands', async () => {
    const ext = await activate();
    assert.equal(ext.isActive, true);
    assert.equal(ext.packageJSON.name, 'heaplens');
    const commands = await vscode.commands.getCommands(true);
    const ours = (ext.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    for (const id of ours) assert.ok(commands.includes(id), `command ${id} is registered`);
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  });
});
