// Go's goroutineleak profile (Go 1.26 built with GOEXPERIMENT=goroutineleakprofile;
// /debug/pprof/goroutineleak): a GC that finds goroutines blocked on something no
// running goroutine can reach any more. We read its debug=2 text, the one form that
// says who created each goroutine ("created by … in goroutine N" and, with
// GODEBUG=tracebackancestors=N, the creator's stack), and keep the leaked ones
// grouped by where they block and where they were started. Pure: text in, groups out.
import { siteIndex, siteKey, type FrameRef } from './frames';

export interface LeakedGroup {
  /** Goroutines in the group. */
  count: number;
  /** What they wait on, as the runtime says it: "chan send", "select", "sync.Mutex.Lock"… */
  wait: string;
  /** Where they block: the innermost frame of your code (see frames.ts). */
  site: FrameRef;
  /** The `go` statement that started them, then the creator's callers when the service kept them; empty when unknown. */
  createdAt: FrameRef[];
  /** One goroutine's stack, leaf first. */
  frames: FrameRef[];
}

export interface LeakedGoroutines {
  total: number;
  /** Largest groups first, at most `maxGroups`. */
  groups: LeakedGroup[];
}

const HEADER = /^goroutine (\d+)(?: [^[]*)? \[([^\]]*)\]:$/;
/** `pkg.(*T).method(0xc000010000, {0x1, 0x2})`: the name before the argument list. */
const FUNC = /^(\S.*?)(?:\([^()]*\))?$/;
const FILE = /^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$/;
const CREATED = /^created by (\S+?)(?: in goroutine \d+)?$/;
const MAX_FRAMES = 64;

/** Leaked goroutines from `goroutineleak?debug=2` text; other goroutines in the dump are skipped. */
export function parseLeakedGoroutines(text: string, maxGroups = 50): LeakedGoroutines {
  const groups = new Map<string, LeakedGroup>();
  let total = 0;
  // Goroutines are separated by blank lines.
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    const h = HEADER.exec(lines[0]?.trim() ?? '');
    if (!h || !/\(leaked\)/.test(h[2])) continue;
    const wait = h[2].split(',')[0].replace(/\s*\((leaked|scan|durable)\)/g, '').trim();
    const frames: FrameRef[] = [];
    const createdAt: FrameRef[] = [];
    let into = frames;
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i];
      if (/^\[originating from goroutine \d+\]:$/.test(l)) { into = createdAt.length ? createdAt : into; continue; }
      const c = CREATED.exec(l);
      const file = FILE.exec(lines[i + 1] ?? '');
      if (c && file) { createdAt.push({ fn: c[1], file: file[1], line: Number(file[2]) }); into = createdAt; i++; continue; }
      const f = FUNC.exec(l);
      if (f && file && !l.startsWith('\t')) {
        const fr = { fn: f[1], file: file[1], line: Number(file[2]) };
        // An ancestor's stack starts in the function "created by" already named (at a less precise line).
        const prev = into[into.length - 1];
        if (into.length < MAX_FRAMES && !(into === createdAt && prev?.fn === fr.fn)) into.push(fr);
        i++;
      }
    }
    if (!frames.length) continue;
    total++;
    const site = frames[siteIndex(frames)];
    const key = `${siteKey(site)}\0${wait}\0${createdAt[0] ? siteKey(createdAt[0]) : ''}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { count: 1, wait, site, createdAt, frames });
  }
  return { total, groups: [...groups.values()].sort((a, b) => b.count - a.count).slice(0, maxGroups) };
}
