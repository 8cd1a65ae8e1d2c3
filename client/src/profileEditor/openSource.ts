// Opening a frame's source in a normal editor. The profile records the build
// machine's paths (or module paths with -trimpath); we try the path as recorded,
// then the workspace by longest matching path suffix, and otherwise say exactly
// which path was not found and why, instead of failing silently.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { bestSuffixMatch } from './suffixMatch';

export async function resolveSource(file: string): Promise<{ path: string } | { reason: string }> {
  if (!file) return { reason: 'the profile records no file for this frame' };
  if (path.isAbsolute(file) && fs.existsSync(file)) return { path: file };
  const base = path.posix.basename(file.replace(/\\/g, '/'));
  const candidates = (await vscode.workspace.findFiles(`**/${base}`, '**/node_modules/**', 200)).map((u) => u.fsPath);
  const best = bestSuffixMatch(file, candidates);
  if (best) return { path: best };
  const where = vscode.workspace.workspaceFolders?.length ? 'matches no file in the workspace' : 'and no folder is open to search';
  return { reason: `"${file}" does not exist on this machine ${where} (built elsewhere, or with -trimpath?)` };
}

export async function openSource(file: string, line: number, name: string): Promise<string | undefined> {
  const r = await resolveSource(file);
  if ('reason' in r) {
    const msg = `HeapLens: cannot open the source of ${name}: ${r.reason}.`;
    void vscode.window.showWarningMessage(msg);
    return msg;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(r.path));
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(pos, pos), preserveFocus: false });
  return undefined;
}
