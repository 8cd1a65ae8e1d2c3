// Names for Go's debug=1 text profiles (pprof.Lookup(name).WriteTo(w, 1)). The
// sample lines carry return addresses only; runtime/pprof's printStackRecord
// writes the frames under each one as `#\t0xPC\tfunc+0xOFF\tfile:line`, with
// PC = address − 1 (what pprof's parser makes of the address). Two rules of
// that writer matter here: leading runtime frames of a stack are not printed
// (unless every frame is a runtime frame), and runtime.goexit never is (nor is
// it in the protobuf form).
// Inlined calls are separate (pseudo-)addresses inside one function (same
// entry = PC − OFF); they become one location with several lines, as in the
// protobuf form of the same profile.
import type { LFunction, LLocation, LProfile } from './types';
import { remapFunctionIDs, remapLocationIDs } from './mappings';

interface TextFrame { pc: bigint; name: string; entry: bigint | null; file: string; line: number }

/** A runtime frame the text does not name, kept so values stay where pprof puts them. */
export const HIDDEN_RUNTIME = 'runtime frames (not named in debug=1 text)';

/**
 * Gives the samples of a Go debug=1 profile the frames written under them.
 * `dropHiddenLeaf`: heap profiles drop unnamed leading runtime frames, as
 * pprof's drop_frames (runtime\..*) would once symbolized.
 */
export function nameGoTextFrames(text: string, p: LProfile, dropHiddenLeaf: boolean): { named: number; unnamed: number; hidden: number } {
  const perSample = framesPerSample(text);
  const fns = new Map<string, LFunction>();
  const fnOf = (name: string, file: string): LFunction => {
    const k = `${name}\0${file}`;
    let f = fns.get(k);
    if (!f) { f = { id: 0, name, systemName: name, filename: file, startLine: 0 }; fns.set(k, f); }
    return f;
  };
  const newLocs = new Map<string, LLocation>();
  const locFor = (key: string, make: () => LLocation): LLocation => {
    let l = newLocs.get(key);
    if (!l) { l = make(); newLocs.set(key, l); }
    return l;
  };
  let named = 0, unnamed = 0, hidden = 0;
  p.samples.forEach((s, k) => {
    const frames = perSample[k] ?? [];
    // Frames grouped by PC (a handful per stack: a linear scan beats a Map).
    const pcs: bigint[] = [];
    const groups: TextFrame[][] = [];
    for (const f of frames) {
      const k = pcs.length > 0 && pcs[pcs.length - 1] === f.pc ? pcs.length - 1 : pcs.indexOf(f.pc);
      if (k >= 0) groups[k].push(f); else { pcs.push(f.pc); groups.push([f]); }
    }
    const byPc = { get: (pc: bigint): TextFrame[] | undefined => { const k = pcs.indexOf(pc); return k >= 0 ? groups[k] : undefined; } };
    // One entry per address: its frames (innermost first), or null when the text hides it.
    // A frame the runtime cannot name is printed with its raw PC, not PC − 1.
    const nameless = (l: LLocation): TextFrame[] | null => {
      const g = byPc.get((l.address + 1n) & 0xffffffffffffffffn);
      return g && g.every((f) => f.name === '') ? g : null;
    };
    const per = s.locs.map((l) => byPc.get(l.address) ?? nameless(l));
    const firstNamed = per.findIndex((f) => f !== null);
    const out: LLocation[] = [];
    for (let i = 0; i < s.locs.length; i++) {
      const loc = s.locs[i];
      const fr = per[i];
      if (fr === null) {
        // Nothing named at all: the stack was runtime.goexit alone, empty in protobuf form.
        if (i < firstNamed && !dropHiddenLeaf) {
          const h = locFor('hidden', () => ({ id: 0, address: 0n, mapping: loc.mapping, lines: [{ fn: fnOf(HIDDEN_RUNTIME, ''), line: 0 }] }));
          if (out[out.length - 1] !== h) { out.push(h); hidden++; }
        }
        // After the first named frame: runtime.goexit, which runtime/pprof leaves out of protobuf profiles too.
        unnamed++;
        continue;
      }
      // Merge the following addresses that are calls inlined into the same function.
      let j = i;
      const group = [...fr];
      while (j + 1 < s.locs.length && per[j + 1] !== null && inlinedInto(per[j]!, per[j + 1]!)) { j++; group.push(...per[j]!); }
      const addrs = s.locs.slice(i, j + 1).map((l) => l.address.toString(16)).join(',');
      const outer = s.locs[j];
      out.push(locFor(addrs, () => ({
        id: 0, address: outer.address, mapping: outer.mapping,
        lines: group.filter((f) => f.name !== '').map((f) => ({ fn: fnOf(f.name, f.file), line: f.line })),
      })));
      named += j - i + 1;
      i = j;
    }
    s.locs = out;
  });
  remapLocationIDs(p);
  remapFunctionIDs(p);
  return { named, unnamed, hidden };
}

/**
 * `inner` was inlined into `outer`: both frames are in one physical function (same
 * entry) yet name different functions. (A function calling itself keeps its name.)
 */
function inlinedInto(inner: TextFrame[], outer: TextFrame[]): boolean {
  const a = inner[inner.length - 1], b = outer[0];
  return a.entry !== null && a.entry === b.entry && a.name !== b.name;
}

/** The `#` frame lines under each sample line, by sample index. One pass, no copy of the text. */
function framesPerSample(text: string): TextFrame[][] {
  const out: TextFrame[][] = [];
  let cur: TextFrame[] | null = null;
  let pos = 0;
  if (text.startsWith('heap profile:')) pos = text.indexOf('\n') + 1 || text.length;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const c = text.charCodeAt(pos);
    if (c === 35 /* # */) {
      if (text.startsWith('# runtime.MemStats', pos)) break;
      if (cur && text.charCodeAt(pos + 1) === 9 /* \t */) {
        let line = text.slice(pos, end);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        const f = /^#\t+0x/.test(line) ? parseFrame(line) : null;
        if (f) cur.push(f);
      }
    } else {
      const at = text.indexOf('@', pos);
      if (at >= 0 && at < end) { cur = []; out.push(cur); }
    }
    pos = end + 1;
  }
  return out;
}

/** A `#` frame line; null when it is not one (it is then a comment, as pprof reads it). */
function parseFrame(line: string): TextFrame | null {
  const cells = line.split(/\t+/);
  if (!/^0x[0-9a-f]{1,16}$/.test(cells[1] ?? '')) return null;
  const pc = BigInt(cells[1]);
  if (cells.length < 4) return { pc, name: '', entry: null, file: '', line: 0 };
  const fnOff = cells[2];
  const plus = fnOff.lastIndexOf('+0x');
  const name = plus >= 0 ? fnOff.slice(0, plus) : fnOff;
  const entry = plus >= 0 && /^[0-9a-f]{1,16}$/.test(fnOff.slice(plus + 3)) ? pc - BigInt(fnOff.slice(plus + 1)) : null;
  const where = cells.slice(3).join('\t');
  const colon = where.lastIndexOf(':');
  const ln = colon >= 0 ? Number(where.slice(colon + 1)) : 0;
  return { pc, name, entry, file: colon >= 0 ? where.slice(0, colon) : where, line: Number.isFinite(ln) ? ln : 0 };
}
