// Passes pprof applies to every profile it reads before reporting, done once on
// the decoded model so aggregation needs no special cases:
//  1. drop_frames / keep_frames (pprof's Profile.Prune, from RemoveUninteresting);
//  2. frames without a function name get one function per binary, named as pprof
//     does at function granularity: `[basename of the mapping file]`, or
//     `<unknown>` without one (graph.NodeInfo.NameComponents). Addresses are
//     dropped, so all of a binary's unnamed frames merge into one row, as in
//     `go tool pprof -top` on an unsymbolized profile.
import type { Profile } from './model';

export interface NormalizeResult {
  /** Locations that had no function name. */
  unsymbolized: number;
  /** Samples whose stack drop_frames shortened. */
  pruned: number;
}

export function normalizeProfile(p: Profile): NormalizeResult {
  const pruned = p.dropFrames ? prune(p, p.dropFrames, p.keepFrames) : 0;
  simplifyNames(p);
  return { unsymbolized: nameUnsymbolized(p), pruned };
}

/**
 * pprof's symbolizer on names it cannot demangle (google/pprof internal/symbolizer
 * demangleSingleFunction, default mode): a name equal to its system name that looks
 * like demangled C++ (has <, >, [ or ], or ::, but no ".<" and no "]).") loses its
 * (…) and <…> groups. Go's generic instances are such names:
 * `substList[go.shape.interface { String() string }]` is shown, and merged, as
 * `substList[go.shape.interface { String string }]`.
 */
function simplifyNames(p: Profile): void {
  const { functions: F, strings } = p;
  const added = new Map<string, number>();
  for (let f = 0; f < F.count; f++) {
    const name = strings[F.name[f]];
    if (!name || name !== strings[F.systemName[f]] || !looksLikeDemangledCPlusPlus(name)) continue;
    const simple = removeMatching(removeMatching(name, '(', ')'), '<', '>');
    if (simple === name) continue;
    let i = added.get(simple);
    if (i === undefined) { i = strings.length; strings.push(simple); added.set(simple, i); }
    F.name[f] = i;
  }
}

function looksLikeDemangledCPlusPlus(name: string): boolean {
  if (name.includes('.<') || name.includes(']).')) return false;
  return /[<>[\]]/.test(name) || name.includes('::');
}

/** pprof's removeMatching: drops every outermost start…end group; a stray end leaves the name as it is. */
function removeMatching(name: string, start: string, end: string): string {
  let nesting = 0, first = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === start) {
      if (++nesting === 1) first = i;
    } else if (c === end) {
      nesting--;
      if (nesting < 0) return name;
      if (nesting === 0) { name = name.slice(0, first) + name.slice(i + 1); i = first - 1; }
    }
  }
  return name;
}

/** Go's filepath.Base. */
function base(path: string): string {
  const t = path.replace(/\/+$/, '');
  if (t === '') return path === '' ? '.' : '/';
  return t.slice(t.lastIndexOf('/') + 1);
}

function nameUnsymbolized(p: Profile): number {
  const { locations: L, functions: F, strings } = p;
  let missing = 0;
  const lineNeeds = (e: number): boolean => L.lineFunction[e] < 0 || strings[F.name[L.lineFunction[e]]] === '';
  for (let i = 0; i < L.count; i++) {
    const a = L.lineStart[i], b = L.lineStart[i + 1];
    if (a === b) { missing++; continue; }
    for (let e = a; e < b; e++) if (lineNeeds(e)) { missing++; break; }
  }
  if (missing === 0) return 0;

  // Synthesised functions, one per name, appended to the function table.
  const synth = new Map<string, number>();
  const names: number[] = [];
  const fnFor = (loc: number): number => {
    const m = L.mapping[loc];
    const file = m >= 0 ? p.mappings[m].filename : '';
    const name = file ? `[${base(file)}]` : '<unknown>';
    let f = synth.get(name);
    if (f === undefined) {
      f = F.count + names.length;
      synth.set(name, f);
      names.push(strings.length);
      strings.push(name);
    }
    return f;
  };
  const lineStart = new Int32Array(L.count + 1);
  const lineFunction: number[] = [];
  const lineNumber: number[] = [];
  for (let i = 0; i < L.count; i++) {
    lineStart[i] = lineFunction.length;
    const a = L.lineStart[i], b = L.lineStart[i + 1];
    if (a === b) { lineFunction.push(fnFor(i)); lineNumber.push(0); continue; }
    for (let e = a; e < b; e++) {
      if (lineNeeds(e)) { lineFunction.push(fnFor(i)); lineNumber.push(0); } else { lineFunction.push(L.lineFunction[e]); lineNumber.push(L.lineNumber[e]); }
    }
  }
  lineStart[L.count] = lineFunction.length;
  L.lineStart = lineStart;
  L.lineFunction = Int32Array.from(lineFunction);
  L.lineNumber = Float64Array.from(lineNumber);

  const n = F.count + names.length;
  const grow = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T, fill: (i: number) => number): T => {
    const out = make(n);
    out.set(old);
    for (let k = 0; k < names.length; k++) out[F.count + k] = fill(k);
    return out;
  };
  let maxId = 0;
  for (let i = 0; i < F.count; i++) if (F.id[i] > maxId) maxId = F.id[i];
  F.id = grow(F.id, (k) => new Float64Array(k), (k) => maxId + 1 + k);
  F.name = grow(F.name, (k) => new Int32Array(k), (k) => names[k]);
  F.systemName = grow(F.systemName, (k) => new Int32Array(k), (k) => names[k]);
  F.filename = grow(F.filename, (k) => new Int32Array(k), () => 0);
  F.startLine = grow(F.startLine, (k) => new Float64Array(k), () => 0);
  F.count = n;
  return missing;
}

/** pprof's simplifyFunc: drop an argument list, keeping reserved names with '('. */
function simplifyFunc(f: string): string {
  const name = f.startsWith('.') ? f.slice(1) : f;
  const rx = /\(anonymous namespace\)|operator\(\)|\(/g;
  for (let m; (m = rx.exec(name));) {
    if (m[0] !== '(anonymous namespace)' && m[0] !== 'operator()') return name.slice(0, m.index);
  }
  return name;
}

/** pprof's Profile.Prune: returns how many samples it shortened. */
function prune(p: Profile, dropFrames: string, keepFrames: string): number {
  let drop: RegExp, keep: RegExp | null = null;
  try {
    drop = new RegExp(`^(${dropFrames})$`);
    if (keepFrames) keep = new RegExp(`^(${keepFrames})$`);
  } catch {
    return 0; // pprof reports a bad regexp and goes on unpruned
  }
  const { locations: L, functions: F, strings } = p;
  const cache = new Map<string, boolean>();
  const pruneFromHere = (s: string): boolean => {
    let r = cache.get(s);
    if (r === undefined) {
      const fn = simplifyFunc(s);
      r = drop.test(fn) && !(keep && keep.test(fn));
      cache.set(s, r);
    }
    return r;
  };
  const pruneLoc = new Uint8Array(L.count);
  const pruneBeneath = new Uint8Array(L.count);
  let changedLines = false;
  const newStart = new Int32Array(L.count + 1);
  const lf: number[] = [], ln: number[] = [];
  for (let loc = 0; loc < L.count; loc++) {
    const a = L.lineStart[loc], b = L.lineStart[loc + 1];
    let i = b - 1;
    for (; i >= a; i--) {
      const f = L.lineFunction[i];
      if (f >= 0 && strings[F.name[f]] !== '' && pruneFromHere(strings[F.name[f]])) break;
    }
    let from = a;
    if (i >= a) {
      pruneBeneath[loc] = 1;
      if (i === b - 1) pruneLoc[loc] = 1;
      else { from = i + 1; changedLines = true; }
    }
    newStart[loc] = lf.length;
    for (let e = from; e < b; e++) { lf.push(L.lineFunction[e]); ln.push(L.lineNumber[e]); }
  }
  newStart[L.count] = lf.length;
  if (changedLines) {
    L.lineStart = newStart;
    L.lineFunction = Int32Array.from(lf);
    L.lineNumber = Float64Array.from(ln);
  }
  const S = p.stacks;
  const start = [0];
  const locs: number[] = [];
  let pruned = 0;
  const stackPruned = new Uint8Array(S.count);
  for (let s = 0; s < S.count; s++) {
    const a = S.start[s], b = S.start[s + 1];
    let cut = a; // keep locations [cut, b)
    let foundUser = false;
    for (let i = b - 1; i >= a; i--) {
      const id = S.location[i];
      if (!pruneLoc[id] && !pruneBeneath[id]) { foundUser = true; continue; }
      if (!foundUser) continue;
      cut = pruneLoc[id] ? i + 1 : i;
      break;
    }
    if (cut !== a) stackPruned[s] = 1;
    for (let i = cut; i < b; i++) locs.push(S.location[i]);
    start.push(locs.length);
  }
  p.stacks = { count: S.count, start: Int32Array.from(start), location: Int32Array.from(locs) };
  for (let i = 0; i < p.samples.count; i++) if (stackPruned[p.samples.stack[i]]) pruned++;
  return pruned;
}
