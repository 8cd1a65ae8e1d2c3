// The palette commands of heap-profile overlays (category HeapLens).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { HotspotsRequest, type LoadProfileParams, type ProfileInfo } from '../../../server/src/protocol/lsp';
import type { Profiles } from './profiles';

export const PROFILE_FILTERS = { 'Heap profiles': ['gz', 'pprof', 'prof', 'pb', 'out'], 'All files': ['*'] };

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface HotspotCommandDeps {
  profiles: Profiles;
  /** Says why nothing can run (untrusted workspace, server stopped) when there is no client. */
  notRunning(): void;
}

function needClient(deps: HotspotCommandDeps): LanguageClient | undefined {
  const c = deps.profiles.running();
  if (!c) deps.notRunning();
  return c;
}

function describeLoaded(info: ProfileInfo): string {
  const missing = info.unresolvedFiles.length ? `; ${info.unresolvedFiles.length} source files not found on this machine` : '';
  return `HeapLens: ${info.source}${info.baseSource ? ` vs ${info.baseSource}` : ''} — ${info.sampleType} ${info.total}, ${info.lines} lines in ${info.resolvedFiles} files${missing}`;
}

export async function loadWith(deps: HotspotCommandDeps, params: LoadProfileParams, title: string): Promise<ProfileInfo | undefined> {
  const c = needClient(deps);
  if (!c) return undefined;
  try {
    const info = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (_progress, token) => deps.profiles.load(c, params, token),
    );
    vscode.window.setStatusBarMessage(describeLoaded(info), 6000);
    return info;
  } catch (e) {
    const msg = errorText(e);
    if (!/cancel/i.test(msg)) void vscode.window.showErrorMessage(`HeapLens: ${msg}`);
    return undefined;
  }
}

export function activeFolder(deps: HotspotCommandDeps): vscode.WorkspaceFolder | undefined {
  return deps.profiles.folderFor(vscode.window.activeTextEditor?.document.uri);
}

export async function loadProfileFile(deps: HotspotCommandDeps, uri?: vscode.Uri): Promise<ProfileInfo | undefined> {
  const picked = uri ? [uri] : await vscode.window.showOpenDialog({
    title: 'Load a heap profile to annotate the Go code', canSelectMany: false, filters: PROFILE_FILTERS,
    defaultUri: activeFolder(deps)?.uri,
  });
  if (!picked?.[0]) return undefined;
  const folder = deps.profiles.folderFor(picked[0]) ?? activeFolder(deps);
  return loadWith(deps, { folderUri: folder?.uri.toString(), path: picked[0].fsPath }, `HeapLens: loading ${path.basename(picked[0].fsPath)}`);
}

export async function loadProfileUrl(deps: HotspotCommandDeps): Promise<ProfileInfo | undefined> {
  const url = await vscode.window.showInputBox({
    title: 'Load a heap profile from a running Go program (net/http/pprof)',
    value: 'http://localhost:6060/debug/pprof/heap',
    prompt: '…/debug/pprof/heap for memory in use, …/debug/pprof/allocs?seconds=30 for what is allocated over 30 seconds',
    validateInput: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? undefined : 'an http:// or https:// URL'),
  });
  if (!url) return undefined;
  const folder = activeFolder(deps);
  const seconds = Number(new URL(url.trim()).searchParams.get('seconds') ?? 0);
  const title = `HeapLens: capturing ${url.trim()}${seconds > 0 ? ` (${seconds} s)` : ''}`;
  return loadWith(deps, { folderUri: folder?.uri.toString(), url: url.trim() }, title);
}

export async function loadBaseProfile(deps: HotspotCommandDeps): Promise<ProfileInfo | undefined> {
  const folder = activeFolder(deps);
  const current = deps.profiles.entry(folder) ?? deps.profiles.all()[0];
  if (!current) {
    void vscode.window.showInformationMessage('HeapLens: load a heap profile first, then a base profile to compare it with.');
    return undefined;
  }
  const picked = await vscode.window.showOpenDialog({ title: 'Pick the base profile (annotations show growth since it)', canSelectMany: false, filters: PROFILE_FILTERS });
  if (!picked?.[0]) return undefined;
  const { path: p, url, folderUri } = current.params;
  return loadWith(deps, { folderUri, path: p, url, base: { path: picked[0].fsPath }, sampleType: current.info.sampleType },
    `HeapLens: comparing with ${path.basename(picked[0].fsPath)}`);
}

export async function switchSampleType(deps: HotspotCommandDeps): Promise<void> {
  const c = needClient(deps);
  if (!c) return;
  const current = deps.profiles.entry(activeFolder(deps)) ?? deps.profiles.all()[0];
  if (!current) {
    void vscode.window.showInformationMessage('HeapLens: no heap profile is loaded.');
    return;
  }
  const explain: Record<string, string> = {
    alloc_space: 'bytes allocated over the program\'s life', alloc_objects: 'objects allocated over the program\'s life',
    inuse_space: 'bytes still in use at the snapshot', inuse_objects: 'objects still in use at the snapshot',
  };
  const pick = await vscode.window.showQuickPick(current.info.sampleTypes.map((t) => ({
    label: t, description: t === current.info.sampleType ? 'current' : undefined, detail: explain[t],
  })), { title: 'HeapLens: sample type to show on the lines' });
  if (!pick) return;
  try {
    await deps.profiles.setSampleType(c, current.info.folderUri, pick.label);
  } catch (e) {
    void vscode.window.showErrorMessage(`HeapLens: ${errorText(e)}`);
  }
}

export async function clearProfile(deps: HotspotCommandDeps): Promise<void> {
  const c = needClient(deps);
  if (!c) return;
  for (const e of deps.profiles.all()) await deps.profiles.clear(c, e.info.folderUri);
}

export async function showHotspots(deps: HotspotCommandDeps, folderUri?: string): Promise<void> {
  const c = needClient(deps);
  if (!c) return;
  if (!deps.profiles.all().length) {
    void vscode.window.showInformationMessage('HeapLens: load a heap profile first (HeapLens: Load Heap Profile…).');
    return;
  }
  const items = await c.sendRequest(HotspotsRequest.type, { folderUri: typeof folderUri === 'string' ? folderUri : undefined, limit: 300 });
  const picks = items.map((i) => {
    const uri = vscode.Uri.parse(i.uri);
    return {
      label: `${i.escape ? '$(flame) ' : ''}${vscode.workspace.asRelativePath(uri)}:${i.line + 1}`,
      description: `${i.cost} · ${i.functions.map((f) => f.replace(/^.*\//, '')).join(', ')}`,
      detail: i.reason,
      uri, line: i.line,
    };
  });
  const pick = await vscode.window.showQuickPick(picks, {
    title: 'HeapLens: allocation sites by measured cost ($(flame) = the compiler moved a value to the heap here)',
    matchOnDescription: true, matchOnDetail: true,
  });
  if (!pick) return;
  const editor = await vscode.window.showTextDocument(pick.uri);
  const pos = new vscode.Position(pick.line, 0);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
