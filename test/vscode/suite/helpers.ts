// What the integration tests share: the workspace (a copy of examples/shop made by
// the runner), activation, and waiting on VS Code events instead of sleeping.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const EXTENSION_ID = 'heaplens.heaplens';

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration suite needs a workspace folder (a copy of examples/shop)');
  return folder.uri.fsPath;
}

export function workspaceFile(...parts: string[]): vscode.Uri {
  return vscode.Uri.file(join(workspaceDir(), ...parts));
}

export async function activate(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
  return ext;
}

/**
 * Resolves with the diagnostics of `uri` once `accept` likes them: checks now, then
 * on every onDidChangeDiagnostics for that file. Rejects after `timeoutMs` with
 * what was last seen.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (d: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = 90_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const d = vscode.languages.getDiagnostics(uri);
      if (!accept(d)) return false;
      done();
      resolve(d);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      done();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line + 1}: ${d.message}`);
      reject(new Error(`diagnostics on ${uri.fsPath} not as expected after ${timeoutMs} ms; seen:\n${seen.join('\n') || '(none)'}`));
    }, timeoutMs);
    const done = () => { clearTimeout(timer); sub.dispose(); };
    check();
  });
}

/** Resolves the next time `event` fires with a value `accept` likes. */
export function nextEvent<T>(event: vscode.Event<T>, accept: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)); }, timeoutMs);
    const sub = event((v) => {
      if (!accept(v)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    });
  });
}

export function lineOf(doc: vscode.TextDocument, text: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(text)) return i;
  throw new Error(`no line containing ${JSON.stringify(text)} in ${doc.uri.fsPath}`);
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

let profile: Promise<vscode.Uri> | undefined;

/**
 * The example's real heap profile: `go run ./cmd/loadgen -o heap.pb.gz` in the
 * workspace, once per suite run.
 */
export function exampleProfile(): Promise<vscode.Uri> {
  profile ??= new Promise((resolve, reject) => {
    const out = join(workspaceDir(), 'heap.pb.gz');
    execFile('go', ['run', './cmd/loadgen', '-o', out], { cwd: workspaceDir(), timeout: 120_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`go run ./cmd/loadgen failed: ${err.message}\n${stderr}`));
      else resolve(vscode.Uri.file(out));
    });
  });
  return profile;
}

/** Resolves when the active tab satisfies `accept` (now or after a tab change). */
export function waitForActiveTab(accept: (tab: vscode.Tab) => boolean, what: string, timeoutMs = 60_000): Promise<vscode.Tab> {
  const now = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (now && accept(now)) return Promise.resolve(now);
  return nextEvent(vscode.window.tabGroups.onDidChangeTabs, () => {
    const t = vscode.window.tabGroups.activeTabGroup.activeTab;
    return !!t && accept(t);
  }, what, timeoutMs).then(() => vscode.window.tabGroups.activeTabGroup.activeTab!);
}
