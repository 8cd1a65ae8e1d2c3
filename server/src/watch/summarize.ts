// One snapshot's profiles reduced to what a watch compares over time: in-use bytes
// and objects per allocation site (the innermost frame of your code), and
// goroutines grouped by where they wait. Small enough to keep K of them.
import type { Profile } from '../profile/model';
import { sampleTypeIndex } from '../profile/query';
import { siteIndex, siteKey, stackFrames, type FrameRef } from './frames';

export interface Site extends FrameRef {
  key: string;
}

export interface CallPath {
  value: number;
  /** Root first; the last frame is the site. */
  frames: FrameRef[];
}

export interface HeapSummary {
  inuseBytes: number;
  inuseObjects: number;
  /** Per site key: [in-use bytes, in-use objects, bytes allocated since the program started]. */
  sites: Map<string, [number, number, number]>;
  info: Map<string, Site>;
  /** The heaviest call paths per site, by in-use bytes (dropped from older snapshots). */
  paths?: Map<string, CallPath[]>;
}

export interface GoroutineGroup extends Site {
  /** What they wait on, from the runtime frames under the site: "chan send", "select"… */
  wait: string;
}

export interface GoroutineSummary {
  total: number;
  groups: Map<string, number>;
  info: Map<string, GoroutineGroup>;
  paths?: Map<string, CallPath[]>;
}

const PATHS_PER_SITE = 3;
const MAX_PATH_FRAMES = 32;

export function summarizeHeap(p: Profile): HeapSummary {
  const tb = sampleTypeIndex(p, 'inuse_space');
  const to = sampleTypeIndex(p, 'inuse_objects');
  const ta = p.sampleTypes.findIndex((s) => s.type === 'alloc_space');
  const T = p.sampleTypes.length;
  // Work per distinct stack, not per sample.
  const perStack = new Float64Array(p.stacks.count * 3);
  const { stack, values, count } = p.samples;
  for (let i = 0; i < count; i++) {
    perStack[stack[i] * 3] += values[i * T + tb];
    perStack[stack[i] * 3 + 1] += values[i * T + to];
    if (ta >= 0) perStack[stack[i] * 3 + 2] += values[i * T + ta];
  }
  const out: HeapSummary = { inuseBytes: 0, inuseObjects: 0, sites: new Map(), info: new Map(), paths: new Map() };
  for (let s = 0; s < p.stacks.count; s++) {
    const bytes = perStack[s * 3], objects = perStack[s * 3 + 1], allocated = perStack[s * 3 + 2];
    if (bytes === 0 && objects === 0 && allocated === 0) continue;
    const frames = stackFrames(p, s);
    if (!frames.length || isObserver(frames)) continue;
    const at = siteIndex(frames);
    const key = siteKey(frames[at]);
    const v = out.sites.get(key);
    if (v) { v[0] += bytes; v[1] += objects; v[2] += allocated; } else { out.sites.set(key, [bytes, objects, allocated]); out.info.set(key, { key, ...frames[at] }); }
    out.inuseBytes += bytes;
    out.inuseObjects += objects;
    addPath(out.paths!, key, bytes, frames, at);
  }
  return out;
}

export function summarizeGoroutines(p: Profile): GoroutineSummary {
  const T = p.sampleTypes.length;
  const perStack = new Float64Array(p.stacks.count);
  const { stack, values, count } = p.samples;
  for (let i = 0; i < count; i++) perStack[stack[i]] += values[i * T];
  const out: GoroutineSummary = { total: 0, groups: new Map(), info: new Map(), paths: new Map() };
  for (let s = 0; s < p.stacks.count; s++) {
    const n = perStack[s];
    if (n === 0) continue;
    const frames = stackFrames(p, s);
    if (!frames.length || isObserver(frames)) continue;
    const at = siteIndex(frames);
    const wait = waitKind(frames.slice(0, Math.max(at, 1)));
    const key = `${siteKey(frames[at])}\0${wait}`;
    out.groups.set(key, (out.groups.get(key) ?? 0) + n);
    if (!out.info.has(key)) out.info.set(key, { key, ...frames[at], wait });
    out.total += n;
    addPath(out.paths!, key, n, frames, at);
  }
  return out;
}

/** The profile endpoints' own work (gzip of the profile being written): the watch watching itself. */
function isObserver(frames: FrameRef[]): boolean {
  return frames.some((f) => f.fn.startsWith('runtime/pprof.') || f.fn.startsWith('net/http/pprof.'));
}

/** What a goroutine waits on, read from the runtime frames at the top of its stack. */
export function waitKind(leafFrames: FrameRef[]): string {
  const names = leafFrames.map((f) => f.fn);
  const has = (re: RegExp) => names.some((n) => re.test(n));
  if (has(/^runtime\.chansend/)) return 'chan send';
  if (has(/^runtime\.chanrecv/)) return 'chan receive';
  if (has(/^runtime\.selectgo$/)) return 'select';
  if (has(/^runtime\.block$/)) return 'select {} (forever)';
  if (has(/^(sync\.|internal\/sync\.|sync\.runtime_)|semacquire|notifyListWait/)) return 'lock or sync wait';
  if (has(/^internal\/poll\.|netpoll/)) return 'I\/O wait';
  if (has(/^time\.Sleep$/)) return 'sleep';
  if (has(/^runtime\.gopark$/)) return 'parked';
  return 'running';
}

function addPath(paths: Map<string, CallPath[]>, key: string, value: number, leafFirst: FrameRef[], at: number): void {
  let list = paths.get(key);
  if (!list) { list = []; paths.set(key, list); }
  if (list.length === PATHS_PER_SITE && list[list.length - 1].value >= value) return;
  const frames = leafFirst.slice(at, at + MAX_PATH_FRAMES).reverse();
  const same = list.find((c) => sameFrames(c.frames, frames));
  if (same) same.value += value; else list.push({ value, frames });
  list.sort((a, b) => b.value - a.value);
  if (list.length > PATHS_PER_SITE) list.pop();
}

function sameFrames(a: FrameRef[], b: FrameRef[]): boolean {
  return a.length === b.length && a.every((f, i) => f.fn === b[i].fn && f.line === b[i].line && f.file === b[i].file);
}
