// Opening a frame's source in a normal editor, through the engine's Go-aware path
// mapping (GOROOT, module cache, workspace modules, -trimpath paths, suffixes).
// When nothing matches, the user is told which path and why, never silence.
// A profile is untrusted: only regular files under a workspace folder, GOROOT or
// GOMODCACHE open (after `..` and symlinks), and in Restricted Mode no process
// runs to find GOROOT (`go env` can fetch and run a toolchain the folder names).
import * as vscode from 'vscode';
import { loadResolveContext } from '../../../server/src/profile/goEnv';
import type { ResolveContext } from '../../../server/src/profile/model';
import { resolveOpenableSource, sourceRoots } from '../../../server/src/profile/sourcePaths';

let context: Promise<ResolveContext> | undefined;
let contextTrusted = false;

// `go env` and a workspace file listing, once per session (cheap to reuse, slow to redo).
function resolveContext(): Promise<ResolveContext> {
  // Made again once trust is granted: then `go env` may run and knows better.
  if (context && contextTrusted !== vscode.workspace.isTrusted) context = undefined;
  contextTrusted = vscode.workspace.isTrusted;
  context ??= (async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const goPath = vscode.workspace.getConfiguration('heaplens').get<string>('goPath') || undefined;
    const noProcess = !vscode.workspace.isTrusted;
    const ctx = await loadResolveContext(folder, { goPath, noProcess });
    const files = await vscode.workspace.findFiles('**/*.go', '**/node_modules/**', 50000);
    // Other workspace folders' modules count too.
    for (const f of vscode.workspace.workspaceFolders?.slice(1) ?? []) {
      const more = await loadResolveContext(f.uri.fsPath, { goPath, noProcess });
      ctx.workspaceModules.push(...more.workspaceModules);
    }
    return { ...ctx, workspaceFiles: files.map((u) => u.fsPath) };
  })();
  return context;
}

export async function resolveSource(file: string): Promise<{ path: string } | { reason: string }> {
  if (!file) return { reason: 'the profile records no file for this frame' };
  const ctx = await resolveContext();
  const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
  const hit = resolveOpenableSource(file, ctx, sourceRoots(folders, ctx));
  if (hit) return hit;
  const tried = [
    'the path as recorded',
    ctx.goroot ? `GOROOT ${ctx.goroot}` : vscode.workspace.isTrusted ? 'GOROOT (go env failed)' : 'GOROOT (not found without running go: Restricted Mode)',
    ctx.gomodcache ? `the module cache ${ctx.gomodcache}` : vscode.workspace.isTrusted ? 'the module cache (go env failed)' : 'the module cache (not found without running go)',
    `${ctx.workspaceModules.length} workspace module(s)`,
    `${ctx.workspaceFiles?.length ?? 0} workspace .go files by suffix`,
  ];
  return { reason: `"${file}" was not found on this machine (tried ${tried.join(', ')}); was the program built elsewhere or with -trimpath?` };
}

/** Opens the frame's source; returns what to show in the webview's status line. */
export async function openSource(file: string, line: number, name: string): Promise<string> {
  const r = await resolveSource(file);
  if ('reason' in r) {
    const msg = `HeapLens: cannot open the source of ${name}: ${r.reason}`;
    void vscode.window.showWarningMessage(msg);
    return msg;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(r.path));
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(pos, pos) });
  return `Opened ${r.path}${line ? `:${line}` : ''} (${name})`;
}
