// Palette commands that end in the profile editor: capture from a URL, open a
// `go test -memprofile` output, compare the active profile with a base.
import * as vscode from 'vscode';
import { PROFILE_VIEW_TYPE, profileOrigins, type ProfileEditorProvider } from './provider';
import { captureProfile } from '../../../server/src/profile/capture';

export async function openProfileFromUrl(storage: vscode.Uri): Promise<void> {
  const url = await vscode.window.showInputBox({
    title: 'HeapLens: capture a heap profile',
    prompt: 'URL of a running Go program\'s pprof endpoint (net/http/pprof)',
    value: 'http://127.0.0.1:6060/debug/pprof/heap',
    validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'Enter an http:// or https:// URL'),
  });
  if (!url) return;
  const bytes = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Capturing ${url}`, cancellable: true },
    async (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      try {
        return await captureProfile(url.trim(), { signal: ac.signal });
      } catch (e) {
        void vscode.window.showErrorMessage(`HeapLens: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    });
  if (!bytes) return;
  const dir = vscode.Uri.joinPath(storage, 'captures');
  await vscode.workspace.fs.createDirectory(dir);
  const file = vscode.Uri.joinPath(dir, `heap-${new Date().toISOString().replace(/[:.]/g, '-')}.pb.gz`);
  await vscode.workspace.fs.writeFile(file, bytes);
  profileOrigins.set(file.toString(), url.trim());
  await vscode.commands.executeCommand('vscode.openWith', file, PROFILE_VIEW_TYPE);
}

export async function openMemprofile(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Open a profile written by go test -memprofile (or any pprof file)',
    canSelectMany: false,
    filters: { 'pprof profiles': ['out', 'prof', 'pprof', 'pb', 'gz'], 'All files': ['*'] },
  });
  if (picked?.[0]) await vscode.commands.executeCommand('vscode.openWith', picked[0], PROFILE_VIEW_TYPE);
}

export function compareWithBase(provider: ProfileEditorProvider): Promise<void> {
  return provider.compareActive();
}
