// Palette commands for continuous profilers (Grafana Pyroscope, Parca): pick a source, a
// service, a profile type and a time range; the merged profile opens as a
// flamegraph and its costs go on the lines. Compare two ranges on the lines.
// Tokens live in VS Code's SecretStorage, keyed by the server's origin, so a
// workspace setting can never send a stored token to another server.
import * as vscode from 'vscode';
import { fleetUrl, listProfileTypes, listServices, type FleetSource } from '../../../server/src/fleet';
import { captureProfile } from '../../../server/src/profile/capture';
import type { ProfileInfo } from '../../../server/src/protocol/lsp';
import { activeFolder, loadWith, type HotspotCommandDeps } from '../hotspots/commands';
import { PROFILE_VIEW_TYPE, profileOrigins } from '../profileEditor/provider';

const secretKey = (src: FleetSource) => `heaplens.profilerToken:${new URL(src.url).origin}`;
const RANGES = [
  { label: 'Last 15 minutes', from: '-15m', ms: 900_000 },
  { label: 'Last hour', from: '-1h', ms: 3_600_000 },
  { label: 'Last 6 hours', from: '-6h', ms: 21_600_000 },
  { label: 'Last 24 hours', from: '-24h', ms: 86_400_000 },
  { label: 'Last 7 days', from: '-7d', ms: 604_800_000 },
];
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Pick { src: FleetSource; service: string; type: string; from: string; to: string; rangeMs: number; label: string; token?: string }

/** What scripts, keybindings and tests may pass instead of answering the pickers. */
export interface FleetCommandArgs { url: string; baseUrl?: string; token?: string }
const isArgs = (a: unknown): a is FleetCommandArgs => typeof (a as FleetCommandArgs | undefined)?.url === 'string';

export function registerFleetCommands(context: vscode.ExtensionContext, deps: HotspotCommandDeps): vscode.Disposable[] {
  const storage = context.globalStorageUri;
  return [
    vscode.commands.registerCommand('heaplens.openFleetProfile', async (args?: unknown) => {
      if (isArgs(args)) return openUrl(deps, storage, args.url, args.token, args.url);
      const p = await pickQuery(context, 'Open a profile from a continuous profiler');
      if (p) return openUrl(deps, storage, fleetUrl(p.src, p.service, p.type, p.from, p.to), p.token, `${p.service} (${p.label.toLowerCase()})`);
      return undefined;
    }),
    vscode.commands.registerCommand('heaplens.compareFleetRanges', async (args?: unknown) => {
      if (isArgs(args) && args.baseUrl) return compareUrls(deps, args.url, args.baseUrl, args.token, args.url);
      const p = await pickQuery(context, 'Compare two ranges of a service');
      return p ? comparePicked(deps, p) : undefined;
    }),
    vscode.commands.registerCommand('heaplens.setProfilerToken', async () => {
      const src = await pickSource('Set the token for a profiler');
      if (!src) return;
      const token = await vscode.window.showInputBox({ title: `HeapLens: token for ${src.url}`, prompt: 'Bearer token (Grafana service account or Pyroscope). Stored in VS Code\'s secret storage; empty removes it.', password: true, ignoreFocusOut: true });
      if (token === undefined) return;
      if (token) await context.secrets.store(secretKey(src), token);
      else await context.secrets.delete(secretKey(src));
      void vscode.window.showInformationMessage(`HeapLens: token for ${new URL(src.url).origin} ${token ? 'saved' : 'removed'}.`);
    }),
  ];
}

async function pickSource(title: string): Promise<FleetSource | undefined> {
  const sources = vscode.workspace.getConfiguration('heaplens').get<FleetSource[]>('profileSources', []).filter((s) => s && typeof s.url === 'string');
  if (sources.length === 1) return sources[0];
  if (sources.length > 1) {
    const picked = await vscode.window.showQuickPick(sources.map((s) => ({ label: s.name ?? s.url, description: s.name ? s.url : undefined, detail: s.tenant ? `tenant ${s.tenant}` : undefined, s })), { title: `HeapLens: ${title}` });
    return picked?.s;
  }
  const url = await vscode.window.showInputBox({
    title: `HeapLens: ${title}`, value: 'http://localhost:4040',
    prompt: 'Base URL of Grafana Pyroscope (or a Grafana data-source proxy URL); for Parca, add sources to the setting heaplens.profileSources with "kind": "parca".',
    validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'an http:// or https:// URL'),
  });
  return url ? { url: url.trim() } : undefined;
}

async function pickQuery(context: vscode.ExtensionContext, title: string): Promise<Pick | undefined> {
  const src = await pickSource(title);
  if (!src) return undefined;
  const token = await context.secrets.get(secretKey(src));
  const busy = <T>(what: string, f: (signal: AbortSignal) => Promise<T>) => vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `HeapLens: ${what}`, cancellable: true },
    (_p, ct) => { const ac = new AbortController(); ct.onCancellationRequested(() => ac.abort()); return f(ac.signal); });
  try {
    const services = await busy(`asking ${src.url} for services`, (signal) => listServices(src, { token, signal }));
    if (!services.length) { void vscode.window.showWarningMessage(`HeapLens: ${src.url} has no services with profiles in the last 7 days.`); return undefined; }
    const service = (await vscode.window.showQuickPick(services, { title: `HeapLens: service (${src.name ?? src.url})` }));
    if (!service) return undefined;
    const types = await busy(`asking for ${service}'s profile types`, (signal) => listProfileTypes(src, service, { token, signal }));
    const memoryFirst = [...types].sort((a, b) => Number(!a.startsWith('memory:')) - Number(!b.startsWith('memory:')));
    const type = await vscode.window.showQuickPick(memoryFirst.map((t) => ({ label: t.split(':')[1] ?? t, description: t, t })), { title: `HeapLens: profile type of ${service}` });
    if (!type) return undefined;
    const range = await vscode.window.showQuickPick([...RANGES, { label: 'Custom…', from: '', ms: 0 }], { title: 'HeapLens: time range' });
    if (!range) return undefined;
    let from = range.from;
    let to = 'now';
    if (!from) {
      const text = await vscode.window.showInputBox({ title: 'HeapLens: custom range', prompt: 'from and to: -24h, now-15m, unix seconds or ISO dates, e.g. "2026-11-28T09:00Z 2026-11-28T12:00Z"', value: '-2h -1h' });
      if (!text) return undefined;
      [from, to = 'now'] = text.trim().split(/\s+/);
    }
    return { src, service, type: type.t, from, to, rangeMs: range.ms, label: range.label, token };
  } catch (e) {
    if (!/cancel/i.test(errorText(e))) void vscode.window.showErrorMessage(`HeapLens: ${errorText(e)}`);
    return undefined;
  }
}

/** Merges on the server, opens the flamegraph, and loads the costs onto the lines. */
async function openUrl(deps: HotspotCommandDeps, storage: vscode.Uri, url: string, token: string | undefined, what: string): Promise<ProfileInfo | undefined> {
  const notes: string[] = [];
  const bytes = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `HeapLens: merging ${what}`, cancellable: true },
    async (_p, ct) => {
      const ac = new AbortController();
      ct.onCancellationRequested(() => ac.abort());
      try {
        return await captureProfile(url, { signal: ac.signal, token, onNote: (n) => notes.push(n) });
      } catch (e) {
        if (!/cancel/i.test(errorText(e))) void vscode.window.showErrorMessage(`HeapLens: ${errorText(e)}`);
        return undefined;
      }
    });
  if (!bytes) return undefined;
  for (const n of notes) void vscode.window.showWarningMessage(`HeapLens: ${n}`);
  const dir = vscode.Uri.joinPath(storage, 'captures');
  await vscode.workspace.fs.createDirectory(dir);
  const service = new URL(url.replace(/^[a-z+]+:/, 'http:')).pathname.split('/').pop() || 'fleet';
  const file = vscode.Uri.joinPath(dir, `${service.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.pb`);
  await vscode.workspace.fs.writeFile(file, bytes);
  profileOrigins.set(file.toString(), url);
  await vscode.commands.executeCommand('vscode.openWith', file, PROFILE_VIEW_TYPE);
  // The lines too, when the language server runs (trusted workspace).
  if (!deps.profiles.running()) return undefined;
  return loadWith(deps, { folderUri: activeFolder(deps)?.uri.toString(), path: file.fsPath }, `HeapLens: loading ${what} onto the lines`);
}

function compareUrls(deps: HotspotCommandDeps, url: string, baseUrl: string, token: string | undefined, what: string): Promise<ProfileInfo | undefined> {
  return loadWith(deps, { folderUri: activeFolder(deps)?.uri.toString(), url, token, base: { url: baseUrl, token } }, `HeapLens: comparing ${what}`);
}

async function comparePicked(deps: HotspotCommandDeps, p: Pick): Promise<ProfileInfo | undefined> {
  const ms = p.rangeMs || 3_600_000;
  const choices = [
    { label: 'The same length just before', detail: 'e.g. the 24 h before the last 24 h', from: `-${Math.round((2 * ms) / 60_000)}m`, to: `-${Math.round(ms / 60_000)}m`, labels: {} as Record<string, string> },
    { label: 'The same range a week earlier', from: `-${Math.round((604_800_000 + ms) / 60_000)}m`, to: `-${Math.round(604_800_000 / 60_000)}m`, labels: {} },
    { label: 'Another label value…', detail: 'e.g. version=1.4 against version=1.5, same range', from: p.from, to: p.to, labels: {} },
  ];
  const base = await vscode.window.showQuickPick(choices, { title: `HeapLens: compare ${p.service} (${p.label.toLowerCase()}) with…` });
  if (!base) return undefined;
  let current: Record<string, string> = {};
  if (base.label.startsWith('Another')) {
    const text = await vscode.window.showInputBox({ title: 'HeapLens: labels to compare', prompt: 'base label and current label, e.g. "version=1.4 version=1.5"', value: 'version=1.4 version=1.5' });
    const m = /^(\w+)=(\S+)\s+(\w+)=(\S+)$/.exec(text?.trim() ?? '');
    if (!m) return undefined;
    base.labels = { [m[1]]: m[2] };
    current = { [m[3]]: m[4] };
  }
  return compareUrls(deps, fleetUrl(p.src, p.service, p.type, p.from, p.to, current), fleetUrl(p.src, p.service, p.type, base.from, base.to, base.labels), p.token, p.service);
}
