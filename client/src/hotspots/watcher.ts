// Offers to load a heap profile when one appears or changes in the workspace
// (a test run with -memprofile, a loadgen, a curl of /debug/pprof/heap).
import * as path from 'node:path';
import * as vscode from 'vscode';

export const PROFILE_GLOB = '**/{*.pb.gz,*.pprof,mem.out}';

/** A burst of writes to one file is one offer; the same file is offered again only after this. */
const QUIET_MS = 1500;

export function watchProfiles(onOffer: (uri: vscode.Uri) => void, canOffer: () => boolean): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher(PROFILE_GLOB, false, false, true);
  const timers = new Map<string, NodeJS.Timeout>();
  const offered = new Map<string, number>();
  const seen = (uri: vscode.Uri) => {
    if (/[\\/](node_modules|\.git)[\\/]/.test(uri.fsPath)) return;
    const key = uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      if (!canOffer() || Date.now() - (offered.get(key) ?? 0) < QUIET_MS * 4) return;
      offered.set(key, Date.now());
      onOffer(uri);
    }, QUIET_MS));
  };
  const subs = [watcher, watcher.onDidCreate(seen), watcher.onDidChange(seen)];
  return { dispose: () => { for (const t of timers.values()) clearTimeout(t); for (const s of subs) s.dispose(); } };
}

export async function offerToLoad(uri: vscode.Uri, isActive: boolean, load: (uri: vscode.Uri) => unknown): Promise<void> {
  const name = vscode.workspace.asRelativePath(uri) || path.basename(uri.fsPath);
  const choice = await vscode.window.showInformationMessage(
    isActive ? `HeapLens: the heap profile ${name} changed.` : `HeapLens: a heap profile appeared: ${name}. Annotate the Go code with it?`,
    isActive ? 'Reload' : 'Load',
  );
  if (choice) await load(uri);
}
