// Heap-profile overlays on Go code: load a profile per workspace folder, then
//   inlay hints   "2.1 MiB · 18% alloc_space" at the end of each allocating line
//   heat          per-line heat for the client's gutter and overview-ruler marks
//   hover         every sample type, call paths, allocation sizes
//   code lenses   flat and cum per function
//   diagnostics   escape findings on allocating lines carry the measured cost
//   hot list      allocation sites by cost, with the compiler's verdict or the runtime's
// Annotations follow edits (profileState.ts); a profile older than the file says so.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeLensRefreshRequest,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CodeLens,
  type Diagnostic,
  type InlayHint,
} from 'vscode-languageserver';
import { describeFinding } from '../escape/describe';
import { allocLabel } from '../hotspots/allocLabels';
import { costLabel, costPhrase, formatValueOf } from '../hotspots/format';
import { buildHeatIndex } from '../hotspots/heatIndex';
import { renderProfileHover } from '../hotspots/hoverText';
import { aggregateProfiles, readProfileSource, type ReadProfile } from '../hotspots/load';
import { hotspotReason, rankHotspots, type EscapeOnLine, type Hotspot } from '../hotspots/rank';
import { loadResolveContext } from '../profile/goEnv';
import { ProfileError, type ResolveContext } from '../profile/model';
import { sampleTypeIndex } from '../profile/query';
import { resolveOpenableFiles, sourceRoots } from '../profile/sourcePaths';
import {
  ClearProfileRequest,
  HeatRequest,
  HotspotsRequest,
  LoadProfileRequest,
  SetSampleTypeRequest,
  type HotspotItem,
  type LoadProfileParams,
  type ProfileInfo,
} from '../protocol/lsp';
import { HEAP_KINDS } from './analyzer';
import type { Feature, ServerContext } from './features';
import type { FindingDiagnosticData } from './findingsStore';
import { pathToUri, uriToPath } from './packages';
import { MAX_SOURCE_BYTES, ProfileState, type ActiveProfile } from './profileState';
import { readSmallTextFile } from '../limits/files';
import { wireWatch } from './watchFeature';

/** The client command a code lens runs (client/src/hotspots). */
export const SHOW_HOTSPOTS_COMMAND = 'heaplens.showHotspots';

export function profileFeature(): Feature {
  return {
    name: 'heap-profile',
    capabilities: () => ({ inlayHintProvider: true, codeLensProvider: { resolveProvider: false } }),
    activate: wire,
  };
}

/**
 * Profiles at least this big (compressed) get their overlays from one loader job and
 * their call paths from a second: ~100,000 samples, where the tree starts to cost
 * seconds. HEAPLENS_TWO_JOB_BYTES lowers it (tests take the two-job path on a small profile).
 */
const TWO_JOB_BYTES = Number(process.env.HEAPLENS_TWO_JOB_BYTES ?? 1024 * 1024);

const oneLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

function wire(ctx: ServerContext): void {
  const { connection, documents, store } = ctx;
  const openText = (file: string) => documents.get(pathToUri(file))?.getText()
    ?? documents.all().find((d) => uriToPath(d.uri) === file)?.getText();
  const state = new ProfileState(openText);
  const resolveContexts = new Map<string, Promise<ResolveContext>>();

  const info = (p: ActiveProfile): ProfileInfo => ({
    folderUri: p.folderUri,
    source: p.source,
    baseSource: p.baseSource,
    sampleTypes: p.agg.sampleTypes.map((s) => s.type),
    sampleType: p.agg.sampleTypes[p.t].type,
    total: formatValueOf(p.agg.totals[p.t], p.agg.sampleTypes[p.t], p.agg.isDiff),
    resolvedFiles: p.index.files.size,
    unresolvedFiles: p.index.unresolved,
    lines: [...p.index.files.values()].reduce((n, f) => n + f.lines.size, 0),
    takenAt: p.takenAt,
  });

  const escapesAt = (file: string, cur: number): EscapeOnLine[] => {
    const found = store.file(file)?.byLine.get(cur) ?? [];
    const out: EscapeOnLine[] = [];
    for (const f of found) {
      if (!HEAP_KINDS.has(f.finding.kind) || f.range.start.line !== cur) continue;
      const d = describeFinding(f.finding);
      if (!out.some((e) => e.title === d.title)) out.push({ kind: f.finding.kind, title: d.title, reason: d.reason || undefined });
    }
    return out;
  };

  // ── Diagnostics: the measured cost in the message of findings on allocating lines.
  ctx.diagnosticDecorators.push((uri, diagnostics) => {
    const file = uriToPath(uri);
    if (!file || !state.forFile(file)) return diagnostics;
    return diagnostics.map((d) => {
      if (typeof (d.data as Partial<FindingDiagnosticData> | undefined)?.findingId !== 'number') return d;
      const at = state.lineHeat(file, d.range.start.line);
      if (!at) return d;
      const { agg, t } = at.profile;
      const v = at.line.self[t];
      if (v === 0) return d;
      return { ...d, message: `${d.message} — ${costPhrase(v, agg.totals[t], agg.sampleTypes[t], agg.isDiff)}`, data: { ...(d.data as object), cost: v } };
    });
  });

  /** Publishes again what the analyzer published for these files, with today's costs. */
  const republish = (files: Iterable<string>) => {
    for (const file of new Set(files)) {
      const f = store.file(file);
      if (!f) continue;
      const base: Diagnostic[] = f.findings.flatMap((p) => (p.diagnostic ? [p.diagnostic] : []));
      const diagnostics = ctx.diagnosticDecorators.reduce((d, decorate) => decorate(f.uri, d), base);
      void connection.sendDiagnostics({ uri: f.uri, diagnostics });
    }
  };

  const refresh = (touched: ActiveProfile[]) => {
    const caps = ctx.clientCapabilities().workspace;
    if (caps?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh().catch(() => {});
    if (caps?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => {});
    republish(touched.flatMap((p) => [...p.index.files.keys()]));
  };

  const folderOf = (folderUri: string | undefined) => folderUri ?? '';
  const active = (folderUri: string | undefined): ActiveProfile => {
    const p = state.profiles.get(folderOf(folderUri)) ?? (folderUri === undefined && state.profiles.size === 1 ? [...state.profiles.values()][0] : undefined);
    if (!p) throw new ResponseError(ErrorCodes.InvalidRequest, 'no heap profile is loaded for this folder');
    return p;
  };

  const resolveContext = (dir: string, goBin: string, signal: AbortSignal) => {
    const key = `${goBin}\0${dir}`;
    let c = resolveContexts.get(key);
    if (!c) {
      c = loadResolveContext(dir, { goPath: goBin, signal });
      resolveContexts.set(key, c);
      c.catch(() => resolveContexts.delete(key));
    }
    return c;
  };

  /** Per folder: the job still working out a big profile's call paths, stopped when another profile comes. */
  const pathJobs = new Map<string, AbortController>();

  /** The second job for a big profile: its call paths, for hovers, once the overlays are up. */
  const followWithCallPaths = (profile: ActiveProfile, current: ReadProfile, base: ReadProfile | undefined) => {
    const ac = new AbortController();
    pathJobs.set(profile.folderUri, ac);
    const t0 = performance.now();
    aggregateProfiles(current, base, ac.signal, undefined, true).then((full) => {
      if (state.profiles.get(profile.folderUri) !== profile) return;
      profile.agg.callPaths = full.callPaths;
      profile.callPathsNote = undefined;
      ctx.log(`heap profile ${current.name}: call paths ready in ${Math.round(performance.now() - t0)} ms`);
    }, (e: unknown) => {
      if (ac.signal.aborted || state.profiles.get(profile.folderUri) !== profile) return;
      profile.callPathsNote = `not available: ${e instanceof Error ? e.message : String(e)}`;
      ctx.log(`heap profile ${current.name}: call paths ${profile.callPathsNote}`);
    }).finally(() => { if (pathJobs.get(profile.folderUri) === ac) pathJobs.delete(profile.folderUri); });
  };

  /** Decodes `current` (minus `base`), resolves its files and makes it the folder's overlay. */
  const show = async (params: LoadProfileParams, current: ReadProfile, base: ReadProfile | undefined, signal: AbortSignal, isCancelled: () => boolean, t0: number) => {
    pathJobs.get(folderOf(params.folderUri))?.abort();
    // Off this thread: the loader process decodes, with its own memory and time limits.
    // A big profile's call paths need the whole call tree (seconds for a million deep
    // stacks): the overlays come first, the paths from a second job after.
    const twoJobs = current.size + (base?.size ?? 0) >= TWO_JOB_BYTES;
    const agg = await aggregateProfiles(current, base, signal, undefined, !twoJobs);
    const t = params.sampleType ? sampleTypeIndex(agg, params.sampleType) : agg.defaultSampleType;
    const folderDir = params.folderUri ? uriToPath(params.folderUri) : params.path ? path.dirname(params.path) : undefined;
    const settings = await ctx.settingsFor(params.folderUri ?? (params.path ? pathToUri(params.path) : ''));
    const rctx = folderDir
      ? await resolveContext(folderDir, settings.goBin, signal)
      : { goroot: null, gomodcache: null, workspaceModules: [], userMappings: [] };
    if (isCancelled()) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    // Only regular files under the folder, its modules, GOROOT or GOMODCACHE: a profile
    // naming /etc/passwd or /dev/zero gets no overlay and nothing is read from there.
    const roots = sourceRoots([folderDir, ...rctx.workspaceModules.map((m) => m.dir)], rctx);
    const resolved = resolveOpenableFiles(agg, rctx, roots);
    const index = buildHeatIndex(agg, resolved);
    const resolvedByName = new Map(agg.files.map((f, i) => [f, resolved[i]] as const));
    const profile: ActiveProfile = {
      folderUri: folderOf(params.folderUri), folderDir, agg, index, resolvedByName, t, takenAt: current.takenAt,
      source: current.name, baseSource: base?.name,
      ...(twoJobs ? { callPathsNote: 'still being worked out for this large profile' } : {}),
    };
    const previous = state.profiles.get(profile.folderUri);
    state.set(profile);
    for (const d of documents.all()) { const f = uriToPath(d.uri); if (f) state.onOpenOrChange(f); }
    ctx.log(`heap profile ${current.name}${base ? ` (diff against ${base.name})` : ''} loaded in ${Math.round(performance.now() - t0)} ms: ` +
      `${index.files.size} source files found, ${index.unresolved.length} not found`);
    refresh(previous ? [previous, profile] : [profile]);
    if (twoJobs) followWithCallPaths(profile, current, base);
    return info(profile);
  };

  connection.onRequest(LoadProfileRequest.type, async (params, token) => {
    const ac = new AbortController();
    // A cancel that arrived before dispatch gives a token that never fires: check it too.
    token.onCancellationRequested(() => ac.abort());
    if (token.isCancellationRequested) ac.abort();
    const t0 = performance.now();
    try {
      const current = await readProfileSource(params, ac.signal);
      const base = params.base ? await readProfileSource(params.base, ac.signal) : undefined;
      return await show(params, current, base, ac.signal, () => token.isCancellationRequested, t0);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      const message = e instanceof ProfileError ? e.message : `cannot load the profile: ${oneLine(e)}`;
      ctx.log(`heap profile not loaded: ${message}`);
      throw new ResponseError(ErrorCodes.InvalidParams, message);
    }
  });

  connection.onRequest(ClearProfileRequest.type, ({ folderUri }) => {
    for (const [f, ac] of pathJobs) if (folderUri === undefined || f === folderOf(folderUri)) ac.abort();
    refresh(state.clear(folderUri));
  });

  connection.onRequest(SetSampleTypeRequest.type, ({ folderUri, sampleType }) => {
    const p = active(folderUri);
    try {
      p.t = sampleTypeIndex(p.agg, sampleType);
    } catch (e) {
      throw new ResponseError(ErrorCodes.InvalidParams, oneLine(e));
    }
    refresh([p]);
    return info(p);
  });

  connection.onRequest(HotspotsRequest.type, ({ folderUri, limit }) => {
    const profiles = folderUri !== undefined ? [active(folderUri)] : [...state.profiles.values()];
    const items: HotspotItem[] = [];
    for (const p of profiles) {
      const { agg, t } = p;
      const sites: Hotspot[] = [];
      const where = new Map<Hotspot, number>();
      for (const file of p.index.files.values()) {
        if (state.forFile(file.path)?.profile !== p) continue;
        let text: string[] | undefined;
        for (const h of file.lines.values()) {
          if (h.self[t] === 0) continue;
          const cur = state.currentLine(file.path, h.line);
          if (cur < 0) continue;
          const escapes = escapesAt(file.path, cur);
          let lineText: string | undefined;
          if (!escapes.length && !h.runtimeFn) {
            text ??= (openText(file.path) ?? readText(file.path))?.split(/\r?\n/);
            lineText = text?.[cur];
          }
          const site: Hotspot = { path: file.path, line: h.line, value: h.self[t], functions: h.functions, escapes, label: allocLabel(h.runtimeFn, lineText) };
          where.set(site, cur);
          sites.push(site);
        }
      }
      for (const s of rankHotspots(sites)) {
        items.push({
          uri: pathToUri(s.path), line: where.get(s)!, value: s.value, functions: s.functions,
          cost: costLabel(s.value, agg.totals[t], agg.sampleTypes[t], agg.isDiff), reason: hotspotReason(s), escape: s.escapes.length > 0,
        });
      }
    }
    items.sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
    return items.slice(0, limit ?? 200);
  });

  connection.onRequest(HeatRequest.type, ({ uri }) => {
    const file = uriToPath(uri);
    const found = file ? state.forFile(file) : undefined;
    if (!file || !found) return { isDiff: false, lines: [] };
    const { agg, t, index } = found.profile;
    const max = index.maxSelf[t] || 1;
    const lines = [];
    for (const h of found.heat.lines.values()) {
      if (h.self[t] === 0) continue;
      const cur = state.currentLine(file, h.line);
      if (cur < 0) continue;
      lines.push({ line: cur, heat: Math.min(1, Math.abs(h.self[t]) / max), value: h.self[t], cost: costLabel(h.self[t], agg.totals[t], agg.sampleTypes[t], agg.isDiff) });
    }
    return { sampleType: agg.sampleTypes[t].type, isDiff: agg.isDiff, lines: lines.sort((a, b) => a.line - b.line) };
  });

  connection.languages.inlayHint.on(({ textDocument, range }): InlayHint[] => {
    const file = uriToPath(textDocument.uri);
    const found = file ? state.forFile(file) : undefined;
    if (!file || !found) return [];
    const { agg, t } = found.profile;
    const ty = agg.sampleTypes[t];
    const hints: InlayHint[] = [];
    for (const h of found.heat.lines.values()) {
      const own = h.self[t] !== 0;
      if (!own && h.cum[t] === 0) continue;
      const cur = state.currentLine(file, h.line);
      if (cur < range.start.line || cur > range.end.line || cur < 0) continue;
      const text = state.lineText(file, cur) ?? '';
      const label = own
        ? costLabel(h.self[t], agg.totals[t], ty, agg.isDiff)
        : `calls: ${costLabel(h.cum[t], agg.totals[t], ty, agg.isDiff)}`;
      hints.push({ position: { line: cur, character: text.length }, label, paddingLeft: true });
    }
    return hints.sort((a, b) => a.position.line - b.position.line);
  });

  ctx.codeLenses.push((uri): CodeLens[] => {
    const file = uriToPath(uri);
    const found = file ? state.forFile(file) : undefined;
    if (!file || !found) return [];
    const { agg, t } = found.profile;
    const ty = agg.sampleTypes[t];
    const lenses: CodeLens[] = [];
    for (const fn of found.heat.functions) {
      if (fn.flat[t] === 0 && fn.cum[t] === 0) continue;
      const cur = state.currentLine(file, fn.startLine);
      if (cur < 0) continue;
      const fmt = (v: number) => agg.isDiff ? formatValueOf(v, ty, true) : `${formatValueOf(v, ty)} (${share(v, agg.totals[t])})`;
      const title = `${ty.type}: flat ${fmt(fn.flat[t])} · cum ${fmt(fn.cum[t])}`;
      const range = { start: { line: cur, character: 0 }, end: { line: cur, character: 0 } };
      lenses.push({ range, command: { title, command: SHOW_HOTSPOTS_COMMAND, arguments: [found.profile.folderUri] } });
    }
    return lenses.sort((a, b) => a.range.start.line - b.range.start.line);
  });

  ctx.hoverSections.push((uri, position) => {
    const file = uriToPath(uri);
    const at = file ? state.lineHeat(file, position.line) : undefined;
    if (!file || !at) return undefined;
    const { agg, t } = at.profile;
    if (agg.sampleTypes.every((_, i) => at.line.self[i] === 0 && at.line.cum[i] === 0)) return undefined;
    const escapes = escapesAt(file, position.line);
    const markdown = renderProfileHover({
      agg, heat: at.line, t, escapes,
      label: allocLabel(at.line.runtimeFn, state.lineText(file, position.line)),
      resolve: (name) => at.profile.resolvedByName.get(name) ?? null,
      staleNote: staleNote(at.profile, file, state.edited(file)),
      callPathsNote: at.profile.callPathsNote,
      source: at.profile.source,
    });
    return { markdown };
  });

  // A heap watch shows its growth (last − base snapshot) through the same overlays as a diff.
  wireWatch(ctx, (folderUri, current, base, signal) => show({ folderUri, sampleType: 'inuse_space' }, current, base, signal, () => signal.aborted, performance.now()));

  documents.onDidOpen(({ document }) => { const f = uriToPath(document.uri); if (f) state.onOpenOrChange(f); });
  documents.onDidChangeContent(({ document }) => { const f = uriToPath(document.uri); if (f) state.onOpenOrChange(f); });
  documents.onDidClose(({ document }) => { const f = uriToPath(document.uri); if (f) state.onClose(f); });
}

function share(v: number, total: number): string {
  return total ? `${Math.round((1000 * Math.abs(v)) / Math.abs(total)) / 10}%` : '0%';
}

function readText(file: string): string | undefined {
  // A profile may name /dev/zero or a FIFO: regular files, bounded, only.
  return readSmallTextFile(file, MAX_SOURCE_BYTES);
}

function staleNote(p: ActiveProfile, file: string, edited: boolean): string | undefined {
  const notes: string[] = [];
  let mtime = 0;
  try { mtime = fs.statSync(file).mtimeMs; } catch { /* deleted: nothing to compare */ }
  const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  if (mtime > p.takenAt + 1000) notes.push(`The profile (${when(p.takenAt)}) is older than this file (modified ${when(mtime)}): lines may have moved since it was taken.`);
  if (edited) notes.push('This buffer was edited after the profile: annotations follow moved lines; changed lines have none.');
  return notes.length ? notes.join(' ') : undefined;
}
