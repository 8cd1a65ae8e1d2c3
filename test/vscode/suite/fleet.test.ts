// Fleet profiles in a real VS Code: HeapLens: Open Profile from Pyroscope or Parca…
// and Compare Two Profiler Ranges on the Lines…, given their answers as arguments
// (the pickers are the same code path), against the local Pyroscope stand-in built
// from Pyroscope's generated QuerierService (test/servers/pyroscope).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { buildPyroscopeServer, PyroscopeServer } from '../../helpers/pyroscopeServer';
import { activate, exampleProfile, lineOf, waitForActiveTab, workspaceDir, workspaceFile } from './helpers';

const execFileP = promisify(execFile);
interface ProfileInfo { source: string; baseSource?: string; sampleType: string; lines: number; resolvedFiles: number }

suite('fleet profiles (Pyroscope)', () => {
  const catalog = workspaceFile('catalog', 'catalog.go');
  let server: PyroscopeServer;
  let binDir: string;
  let doc: vscode.TextDocument;

  suiteSetup(async function () {
    this.timeout(600_000);
    await activate();
    binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-pyro-'));
    const older = path.join(binDir, 'v14.pb.gz');
    const [bin, current] = await Promise.all([
      buildPyroscopeServer(binDir),
      exampleProfile(),
      execFileP('go', ['run', './cmd/loadgen', '-o', older, '-rounds', '300'], { cwd: workspaceDir(), timeout: 300_000 }),
    ]);
    const now = Date.now();
    server = await PyroscopeServer.start(bin, [
      { labels: { service_name: 'checkout', version: '1.4' }, timeMs: now - 2 * 3600_000, file: older },
      { labels: { service_name: 'checkout', version: '1.5' }, timeMs: now - 600_000, file: current.fsPath },
    ]);
    doc = await vscode.workspace.openTextDocument(catalog);
    await vscode.window.showTextDocument(doc);
  });
  suiteTeardown(async () => {
    server?.stop();
    await vscode.commands.executeCommand('heaplens.clearProfile');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(binDir, { recursive: true, force: true });
  });

  const hintOn = async (text: string) => {
    const line = lineOf(doc, text);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', catalog, new vscode.Range(0, 0, doc.lineCount, 0));
    return hints.filter((h) => h.position.line === line).map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''))).join(' ');
  };

  test('a service over a range opens as a flamegraph and its costs go on the lines', async () => {
    const url = `pyroscope://${server.hostPort}/checkout?from=-3h&version=1.5`;
    const info = await vscode.commands.executeCommand<ProfileInfo>('heaplens.openFleetProfile', { url });
    assert.ok(info, 'the command answers with the loaded profile');
    assert.equal(info.sampleType, 'alloc_space');
    assert.ok(info.lines > 0 && info.resolvedFiles > 0, JSON.stringify(info));
    const tab = await waitForActiveTab((t) => t.input instanceof vscode.TabInputCustom, 'the flamegraph tab');
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'heaplens.profile');
    assert.match(tab.label, /^checkout-.*\.pb$/);
    await vscode.window.showTextDocument(doc);
    assert.match(await hintOn('index[products[i].Name] = &products[i]'), /[\d.]+ [KMG]iB · \d+% alloc_space/);
  });

  test('two versions compare on the lines: growth since the base', async () => {
    const url = `pyroscope://${server.hostPort}/checkout?from=-3h&version=1.5`;
    const baseUrl = `pyroscope://${server.hostPort}/checkout?from=-3h&version=1.4`;
    const info = await vscode.commands.executeCommand<ProfileInfo>('heaplens.compareFleetRanges', { url, baseUrl });
    assert.equal(info?.baseSource, baseUrl);
    assert.match(await hintOn('index[products[i].Name] = &products[i]'), /^\+[\d.]+ [KMG]iB/);
  });
});
