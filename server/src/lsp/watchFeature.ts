// A heap watch per workspace folder, run by the language server: snapshots of a
// running service, growth ranked per line (server/src/watch), the growth from
// the base snapshot to the last shown on the code through the profile overlays,
// and a notification per snapshot for the client's status bar and live view.
import * as path from 'node:path';
import { CodeLensRefreshRequest, ErrorCodes, ResponseError, type CodeLens } from 'vscode-languageserver';
import type { ReadProfile } from '../hotspots/load';
import { formatValue } from '../profile/format';
import { loadResolveContext } from '../profile/goEnv';
import type { ResolveContext } from '../profile/model';
import { resolveSourcePath } from '../profile/sourcePaths';
import {
  WatchNoticeNotification, WatchSetBaseRequest, WatchSnapshotNotification, WatchStartRequest, WatchStopRequest,
  type WatchFrame, type WatchLeaked, type WatchNoticeParams, type WatchPoint, type WatchSuspect,
} from '../protocol/lsp';
import { endpointsFor } from '../watch/endpoints';
import { isStdlib, type FrameRef } from '../watch/frames';
import { growthReport, type GoroutineRow, type GrowthRow } from '../watch/growth';
import type { SnapshotRing } from '../watch/ring';
import type { Snapshot } from '../watch/snapshot';
import { runWatch } from '../watch/watcher';
import type { ServerContext } from './features';
import { escapeMarkdown } from './hover';
import { pathToUri, uriToPath } from './packages';

type Show = (folderUri: string, current: ReadProfile, base: ReadProfile, signal: AbortSignal) => Promise<unknown>;

const MAX_ROWS = 20;

interface Watch {
  ac: AbortController;
  ring?: SnapshotRing;
  /** Growth is measured from this snapshot (the oldest kept when unset or dropped). */
  baseSeq?: number;
  /** Go's goroutineleak profile of the last snapshot, as sent to the client. */
  leaked: WatchLeaked;
  publish(): void;
}

export function wireWatch(ctx: ServerContext, show: Show): void {
  const { connection } = ctx;
  const watches = new Map<string, Watch>();

  const stop = (folderUri: string) => {
    const had = watches.get(folderUri)?.leaked.groups.length;
    watches.get(folderUri)?.ac.abort();
    watches.delete(folderUri);
    if (had) refreshLenses();
  };

  connection.onRequest(WatchStartRequest.type, async (params) => {
    const folderUri = params.folderUri ?? '';
    stop(folderUri);
    let base: string;
    try {
      base = endpointsFor(params.url).base;
    } catch (e) {
      throw new ResponseError(ErrorCodes.InvalidParams, (e as Error).message);
    }
    if (!(params.everyMs >= 100)) throw new ResponseError(ErrorCodes.InvalidParams, 'the watch interval must be at least 100 ms');
    const ac = new AbortController();
    const folderDir = params.folderUri ? uriToPath(params.folderUri) : undefined;
    const settings = await ctx.settingsFor(params.folderUri ?? '');
    const rctx: Promise<ResolveContext | null> = folderDir
      ? loadResolveContext(folderDir, { goPath: settings.goBin, signal: ac.signal }).catch(() => null)
      : Promise.resolve(null);
    const notice = (kind: WatchNoticeParams['kind'], message: string, stopped: boolean) =>
      void connection.sendNotification(WatchNoticeNotification.type, { folderUri, kind, message, stopped });
    let showing = Promise.resolve();
    const w: Watch = {
      ac,
      leaked: { state: 'unknown', total: 0, groups: [] },
      // One overlay update at a time, in snapshot order.
      publish: () => { showing = showing.then(() => publish(w)); },
    };
    const publish = async (w: Watch) => {
      const ring = w.ring;
      if (ac.signal.aborted || !ring) return;
      const snaps = ring.from(w.baseSeq);
      const from = snaps.length ? snaps : [...ring.all()];
      const resolve = await rctx;
      const report = growthReport(from, { minGrowthBytes: params.minGrowthBytes });
      // The overlay first, so a client that hears of the snapshot finds the code annotated.
      if (from.length >= 2) await showGrowth(ring, from[0].seq, folderUri, show, ac.signal).catch((e: unknown) => ctx.log(`heap watch: growth overlay not shown: ${(e as Error).message}`));
      if (ac.signal.aborted) return;
      const where = (file: string) => { const p = resolve ? resolveSourcePath(file, resolve) : null; return p ? pathToUri(p) : undefined; };
      const leaked = ring.last()?.leaked;
      if (leaked) {
        const frame = (f: FrameRef): WatchFrame => ({ function: f.fn, file: f.file, line: f.line, uri: where(f.file) });
        w.leaked = {
          state: 'served', total: leaked.total,
          groups: leaked.groups.slice(0, MAX_ROWS).map((g) => ({ count: g.count, wait: g.wait, at: frame(g.site), createdAt: g.createdAt.map(frame) })),
        };
        refreshLenses();
      }
      void connection.sendNotification(WatchSnapshotNotification.type, {
        folderUri, base, baseSeq: from[0].seq,
        points: ring.all().map(point),
        lines: report.lines.filter((l) => l.bytes.verdict !== 'steady').slice(0, MAX_ROWS).map((l) => lineSuspect(l, where)),
        goroutines: report.goroutines.groups.filter((g) => g.count.verdict !== 'steady').slice(0, MAX_ROWS).map((g) => groupSuspect(g, where)),
        leaked: w.leaked,
      });
    };
    watches.set(folderUri, w);
    const done = runWatch({
      url: params.url, everyMs: params.everyMs, gc: params.gc, keep: params.keep ?? 60,
      dir: params.storageDir, signal: ac.signal,
      onNotice: (n) => {
        ctx.log(`heap watch: ${n.message}`);
        if (n.kind === 'no-goroutineleak') w.leaked = { state: 'absent', message: n.message, total: 0, groups: [] };
        notice(n.kind, n.message, n.fatal);
      },
      onSnapshot: (s, ring) => {
        ctx.log(`heap watch: snapshot #${s.seq}, ${formatValue(s.heap.inuseBytes, 'bytes')} in use, ${s.goroutines?.total ?? '?'} goroutines`);
        w.ring = ring;
        w.publish();
      },
    });
    void done.then(
      (r) => { if (watches.get(folderUri) === w) watches.delete(folderUri); if (r.stopped !== 'not-go') notice('stopped', `heap watch of ${r.endpoints.base} stopped`, true); },
      (e: unknown) => { if (watches.get(folderUri) === w) watches.delete(folderUri); notice('stopped', `heap watch stopped: ${(e as Error).message}`, true); },
    );
    return { base };
  });

  // ── Leaked goroutines on the lines: where they block, and the `go` statement that started them.
  let lensRefreshQueued = false;
  const refreshLenses = () => {
    if (lensRefreshQueued || !ctx.clientCapabilities().workspace?.codeLens?.refreshSupport) return;
    lensRefreshQueued = true;
    setImmediate(() => { lensRefreshQueued = false; void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => {}); });
  };
  const leakedGroups = () => [...watches.values()].flatMap((w) => w.leaked.groups);
  ctx.codeLenses.push((uri) => leakLenses(uri, leakedGroups()));
  ctx.hoverSections.push((uri, pos) => {
    const md = leakHover(uri, pos.line + 1, leakedGroups());
    return md ? { markdown: md } : undefined;
  });

  connection.onRequest(WatchStopRequest.type, ({ folderUri }) => {
    if (folderUri !== undefined) stop(folderUri);
    else for (const f of [...watches.keys()]) stop(f);
  });

  connection.onRequest(WatchSetBaseRequest.type, ({ folderUri, seq }) => {
    const w = watches.get(folderUri ?? '');
    if (!w?.ring?.all().some((s) => s.seq === seq)) throw new ResponseError(ErrorCodes.InvalidParams, `snapshot #${seq} is not kept (any more)`);
    w.baseSeq = seq;
    w.publish();
  });
}

async function showGrowth(ring: SnapshotRing, baseSeq: number, folderUri: string, show: Show, signal: AbortSignal): Promise<void> {
  const first = ring.all().find((s) => s.seq === baseSeq)!, last = ring.last()!;
  const a = ring.profiles(first.seq), b = ring.profiles(last.seq);
  if (!a || !b) return;
  await show(folderUri,
    { input: { name: `watch snapshots #${first.seq}→#${last.seq}`, bytes: b.heap }, name: `watch snapshots #${first.seq}→#${last.seq}`, takenAt: last.takenAt, size: b.heap.length },
    { input: { name: `snapshot #${first.seq}`, bytes: a.heap }, name: `snapshot #${first.seq}`, takenAt: first.takenAt, size: a.heap.length }, signal);
}

function point(s: Snapshot): WatchPoint {
  return {
    seq: s.seq, takenAt: s.takenAt, inuseBytes: s.heap.inuseBytes, inuseObjects: s.heap.inuseObjects,
    goroutines: s.goroutines?.total ?? null, heapSys: num(s.metrics?.heapSys), heapGoal: num(s.metrics?.nextGC), numGC: num(s.metrics?.numGC),
  };
}

const num = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);
const pct = (x: number) => `${Math.round(x * 100)}%`;
/** Your code's frames of a call path, root first (net/http's plumbing says nothing about a leak). */
const pathOf = (frames: { fn: string; file: string; line: number }[] | undefined) =>
  frames?.filter((f, i) => i === frames.length - 1 || !isStdlib(f.fn)).map((f) => `${f.fn} ${path.basename(f.file)}:${f.line}`);

function lineSuspect(l: GrowthRow, where: (f: string) => string | undefined): WatchSuspect {
  const t = l.bytes;
  const parts = [`${t.growth >= 0 ? '+' : ''}${formatValue(Math.round(t.growth), 'bytes')} in use`, `steady ${pct(t.steadiness)}`];
  if (t.retention !== undefined) parts.push(`kept ${pct(t.retention)} of what it allocated`);
  if (t.verdict === 'load') parts.push(`rose to ${formatValue(Math.round(t.peak), 'bytes')} and fell back: load`);
  return { uri: where(l.site.file), file: l.site.file, line: l.site.line, function: l.site.fn, verdict: t.verdict, growth: t.growth, summary: parts.join(', '), path: pathOf(l.paths[0]?.frames) };
}

function groupSuspect(g: GoroutineRow, where: (f: string) => string | undefined): WatchSuspect {
  const t = g.count;
  return {
    uri: where(g.group.file), file: g.group.file, line: g.group.line, function: g.group.fn, verdict: t.verdict, growth: t.growth, wait: g.group.wait,
    summary: `${t.last} goroutines waiting (${g.group.wait}), ${t.growth >= 0 ? '+' : ''}${t.growth} since the base snapshot, steady ${pct(t.steadiness)}`,
    path: pathOf(g.paths[0]?.frames),
  };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const at = (f: WatchFrame) => `${path.basename(f.file)}:${f.line}`;

/** A code lens where leaked goroutines block and one where they were started (the lens is a label: no command). */
export function leakLenses(uri: string, groups: WatchLeaked['groups']): CodeLens[] {
  const out: CodeLens[] = [];
  const lens = (line: number, title: string) => out.push({ range: { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 0 } }, command: { title, command: '' } });
  for (const g of groups) {
    const created = g.createdAt[0];
    if (g.at.uri === uri) lens(g.at.line, `$(warning) ${plural(g.count, 'goroutine')} leaked here (${g.wait}, nothing can wake ${g.count === 1 ? 'it' : 'them'})${created ? `, started at ${at(created)}` : ''}`);
    if (created?.uri === uri) lens(created.line, `$(warning) ${plural(g.count, 'goroutine')} started here leaked: blocked at ${at(g.at)} (${g.wait})`);
  }
  return out;
}

/** Hover on a line where leaked goroutines block or were started: the counts and the creating stack. */
export function leakHover(uri: string, line: number, groups: WatchLeaked['groups']): string | undefined {
  const parts: string[] = [];
  const link = (f: WatchFrame) => (f.uri ? `[${escapeMarkdown(at(f))}](${f.uri}#L${f.line})` : escapeMarkdown(at(f)));
  for (const g of groups) {
    const blocks = g.at.uri === uri && g.at.line === line;
    const starts = g.createdAt[0]?.uri === uri && g.createdAt[0].line === line;
    if (!blocks && !starts) continue;
    const lines = [`**${plural(g.count, 'leaked goroutine')}** (Go's goroutineleak profile): blocked in ${escapeMarkdown(g.wait)} at ${link(g.at)} in ${escapeMarkdown(g.at.function)}, unreachable from any running goroutine.`];
    if (g.createdAt.length) {
      lines.push('', 'Started by:');
      g.createdAt.slice(0, 8).forEach((f, i) => lines.push(`${i + 1}. ${escapeMarkdown(f.function)} ${link(f)}`));
    }
    parts.push(lines.join('\n'));
  }
  return parts.length ? parts.join('\n\n---\n\n') : undefined;
}
