// Which heap allocations are new since the base: matched by package, function and
// allocated expression, never by line, so moved code matches itself. A function that
// only exists on one side is paired with its renamed self by body similarity. Pure.
import { similarity, type FuncInfo } from './functions';
import type { HeapSite } from './model';
import { normalizeExpr } from './assertions';

/** Functions of one tree, by package directory (module-relative, `/`-separated). */
export type FuncsByDir = Map<string, FuncInfo[]>;

/** Bodies at least this alike are the same function under a new name. */
export const RENAME_SIMILARITY = 0.6;

export interface NewSite {
  site: HeapSite;
  /** The base function this one was matched to when its name changed. */
  renamedFrom?: string;
}

export const dirOf = (rel: string): string => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.');

export function siteKey(dir: string, func: string, s: HeapSite): string {
  return `${dir}\0${func}\0${s.finding.kind}\0${normalizeExpr(s.expr)}`;
}

/** Head function name → base function name, for functions renamed between the two. */
export function matchRenames(head: FuncsByDir, base: FuncsByDir): Map<string, string> {
  const renames = new Map<string, string>();
  for (const [dir, hf] of head) {
    const bf = base.get(dir);
    if (!bf) continue;
    const baseNames = new Set(bf.map((f) => f.name));
    const headNames = new Set(hf.map((f) => f.name));
    const onlyHead = hf.filter((f) => !baseNames.has(f.name));
    const onlyBase = bf.filter((f) => !headNames.has(f.name));
    if (!onlyHead.length || !onlyBase.length) continue;
    const pairs: { h: FuncInfo; b: FuncInfo; s: number }[] = [];
    for (const h of onlyHead) {
      for (const b of onlyBase) {
        // Cheap bound first: Dice can't exceed 2·min/(sum) of the lengths.
        const bound = (2 * Math.min(h.tokens.length, b.tokens.length)) / (h.tokens.length + b.tokens.length || 1);
        if (bound < RENAME_SIMILARITY) continue;
        const s = similarity(h.tokens, b.tokens);
        if (s >= RENAME_SIMILARITY) pairs.push({ h, b, s });
      }
    }
    pairs.sort((x, y) => y.s - x.s);
    const usedB = new Set<FuncInfo>();
    for (const { h, b } of pairs) {
      if (renames.has(`${dir}\0${h.name}`) || usedB.has(b)) continue;
      renames.set(`${dir}\0${h.name}`, b.name);
      usedB.add(b);
    }
  }
  return renames;
}

/** Heap sites at head with no counterpart at the base (counted per key, so a second copy is new). */
export function newSites(head: readonly HeapSite[], base: readonly HeapSite[], headFuncs: FuncsByDir, baseFuncs: FuncsByDir): NewSite[] {
  const renames = matchRenames(headFuncs, baseFuncs);
  const counts = new Map<string, number>();
  for (const s of base) {
    const k = siteKey(dirOf(s.rel), s.func, s);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out: NewSite[] = [];
  // In position order, so that when a function gains a second copy of an allocation the later one is reported.
  const sorted = [...head].sort((a, b) => a.rel.localeCompare(b.rel) || a.finding.line - b.finding.line || (a.finding.column ?? 0) - (b.finding.column ?? 0));
  for (const s of sorted) {
    const dir = dirOf(s.rel);
    const renamedFrom = renames.get(`${dir}\0${s.func}`);
    const k = siteKey(dir, renamedFrom ?? s.func, s);
    const n = counts.get(k) ?? 0;
    if (n > 0) { counts.set(k, n - 1); continue; }
    out.push(renamedFrom ? { site: s, renamedFrom } : { site: s });
  }
  return out;
}
