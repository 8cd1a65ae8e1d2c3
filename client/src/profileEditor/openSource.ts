// Opening a frame's source in a normal editor, through the engine's Go-aware path
// mapping (GOROOT, module cache, workspace modules, -trimpath paths, suffixes).
// When nothing matches, the user is told which path and why, never silence.
import * as vscode from 'vscode';
import { loadResolveContext } from '../../../server/src/profile/goEnv';
import type { ResolveContext } from '../../../server/src/profile/model';
import { resolveSourcePath } from '../../../server/src/profile/sourcePaths';

let context: Promise<ResolveContext> | undefined;

// `go env` and a workspace file listing, once per session (cheap to reuse, slow to redo).
function resolveContext(): Promise<ResolveContext> {
  context ??= (async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const goPath = vscode.workspace.getConfiguration('heaplens').get<string>('goPath') || undefined;
    const ctx = await loadResolveContext(folder, { goPath });
    const files = await vscode.workspace.findFiles('**/*.go', '**/node_modules/**', 50000);
    // Other workspace folders' modules count too.
    for (const f of vscode.workspace.workspaceFolders?.slice(1) ?? []) {
      const more = await loadResolveContext(f.uri.fsPath, { goPath });
      ctx.workspaceModules.push(...more.workspaceModules);
    }
    return { ...ctx, workspaceFiles: files.map((u) => u.fsPath) };
  })();
  return context;
}

export async function resolveSource(file: string): Promise<{ path: string } | { reason: string }> {
  if (!file) return { reason: 'the profile records no file for this frame' };
  const ctx = await resolveContext();
  const hit = resolveSourcePath(file, ctx);
  if (hit) return { path: hit };
  const tried = [
    'the path as recorded',
    ctx.goroot ? `GOROOT ${ctx.goroot}` : 'GOROOT (go env failed)',
    ctx.gomodcache ? `the module cache ${ctx.gomodcache}` : 'the module cache (go env failed)',
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
