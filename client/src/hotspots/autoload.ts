// The `heaplens.profile` setting: a heap profile loaded as soon as the language
// server runs (and again when the setting changes), so a folder can open with its
// measured costs on the lines — a team's checked-in baseline, or `npm start`'s example.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadProfileFile, type HotspotCommandDeps } from './commands';

/** The configured profile of a folder as a file inside it, or a reason it is not one. */
export function configuredProfile(folder: vscode.WorkspaceFolder): vscode.Uri | string | undefined {
  const value = vscode.workspace.getConfiguration('heaplens', folder.uri).get<string>('profile', '').trim();
  if (!value) return undefined;
  const file = path.resolve(folder.uri.fsPath, value);
  const rel = path.relative(folder.uri.fsPath, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return `heaplens.profile '${value}' is outside the folder ${folder.name}; not loaded`;
  return vscode.Uri.file(file);
}

export function autoLoadProfiles(deps: HotspotCommandDeps, onDidStart: vscode.Event<unknown>): vscode.Disposable {
  const loadAll = async () => {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const target = configuredProfile(folder);
      if (typeof target === 'string') { void vscode.window.showWarningMessage(`HeapLens: ${target}.`); continue; }
      if (!target) continue;
      try {
        await vscode.workspace.fs.stat(target);
      } catch {
        void vscode.window.showWarningMessage(`HeapLens: heaplens.profile names ${vscode.workspace.asRelativePath(target)}, which does not exist.`);
        continue;
      }
      await loadProfileFile(deps, target);
    }
  };
  // Only the first start: after a restart the loaded profiles come back by themselves (Profiles.running).
  let started = false;
  return vscode.Disposable.from(
    onDidStart(() => { if (!started) { started = true; void loadAll(); } }),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('heaplens.profile') && deps.profiles.running()) void loadAll(); }),
  );
}
