// Just enough Go syntax for \`heaplens check\` to name the function around a finding and
// read directives: a "masked" copy of the source (comments, strings and runes blanked,
// same length) and the file's top-level func declarations. Pure, no vscode imports.
// (Kept from the quick fixes' old regex helpers; the fixes now use go/types in gohelper/.)
import type { Position } from '../fixes/types';

/**
 * The text with the contents of comments, strings and rune literals replaced by
 * spaces (newlines kept), same length, so offsets carry over. Delimiters stay.
 */
export function mask(text: string): string {
  const cached = maskCache.get(text);
  if (cached !== undefined) return cached;
  const masked = maskUncached(text);
  // Every generator masks the same document and package files: keep the last few.
  if (maskCache.size >= 32) maskCache.delete(maskCache.keys().next().value as string);
  maskCache.set(text, masked);
  return masked;
}

/** Index just past the bracket that closes the one at `open` (in masked text), or -1. */
export function matchClose(masked: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < masked.length; i++) {
    const c = masked[i];
    if (c in closers) stack.push(closers[c]);
    else if (c === '}' || c === ')' || c === ']') {
      if (c !== stack.pop()) return -1;
      if (!stack.length) return i + 1;
    }
  }
  return -1;
}

/** Index of the first `{` at bracket depth 0 at or after `from` (before `limit`), or -1. */
export function firstBraceAtDepth0(masked: string, from: number, limit = masked.length): number {
  let depth = 0;
  for (let i = from; i < limit; i++) {
    const c = masked[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '{' && depth === 0) return i;
    else if (c === '{') { const e = matchClose(masked, i); if (e < 0) return -1; i = e - 1; }
  }
  return -1;
}

export interface Source {
  text: string;
  masked: string;
  lineStarts: number[];
}

export function source(text: string): Source {
  if (lastSource?.text === text) return lastSource;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  lastSource = { text, masked: mask(text), lineStarts };
  return lastSource;
}

let lastSource: Source | undefined;

export function positionAt(src: Source, offset: number): Position {
  let lo = 0;
  let hi = src.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (src.lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - src.lineStarts[lo] };
}

export interface FuncDecl {
  /** Offset of `func`. */
  start: number;
  /** Offset where the doc comment above begins (or `start`). */
  docStart: number;
  name: string;
  nameStart: number;
  receiver?: string;
  params: Param[];
  /** The result list as written, trimmed (`*Summary`, `(int, error)`, ``). */
  results: string;
  resultsStart: number;
  resultsEnd: number;
  bodyOpen: number;
  /** Index just past the closing brace. */
  bodyEnd: number;
}

export interface Param { name: string; type: string }

/** Splits at commas at bracket depth 0. */
export function splitTopLevel(s: string, sep = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === sep && depth === 0) { parts.push(s.slice(last, i)); last = i + 1; }
  }
  parts.push(s.slice(last));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** `a, b int, c string` -> [{a,int},{b,int},{c,string}]; unnamed lists give names ''. */
export function parseParams(list: string): Param[] {
  const parts = splitTopLevel(list);
  const out: Param[] = [];
  let pending: string[] = [];
  const named = parts.some((p) => /^[\p{L}_][\p{L}\p{N}_]*\s+\S/u.test(p));
  for (const p of parts) {
    if (!named) { out.push({ name: '', type: p }); continue; }
    const m = /^([\p{L}_][\p{L}\p{N}_]*)\s+(.+)$/su.exec(p);
    if (m) {
      for (const n of pending) out.push({ name: n, type: m[2].trim() });
      pending = [];
      out.push({ name: m[1], type: m[2].trim() });
    } else pending.push(p);
  }
  return out;
}

/** Every top-level func declaration of a file. */
export function funcDecls(src: Source): FuncDecl[] {
  let decls = declCache.get(src);
  if (!decls) {
    decls = funcDeclsUncached(src);
    declCache.set(src, decls);
  }
  return decls;
}

const declCache = new WeakMap<Source, FuncDecl[]>();

const maskCache = new Map<string, string>();

function maskUncached(text: string): string {
  // Built from slices (not a char array): this runs on whole files on every code action.
  const parts: string[] = [];
  let kept = 0;
  const blank = (from: number, to: number) => {
    if (to <= from) return;
    parts.push(text.slice(kept, from), text.slice(from, to).replace(/[^\n]/g, ' '));
    kept = to;
  };
  const special = /[/`"']/g;
  for (let hit = special.exec(text); hit; hit = special.exec(text)) {
    const i = hit.index;
    const c = text[i];
    let next = i + 1;
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      next = end < 0 ? text.length : end;
      blank(i, next);
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      next = end < 0 ? text.length : end + 2;
      blank(i, next);
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      const stop = end < 0 ? text.length : end;
      blank(i + 1, stop);
      next = stop + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const stop = Math.min(j, text.length);
      blank(i + 1, stop);
      next = stop + 1;
    }
    special.lastIndex = next;
  }
  parts.push(text.slice(kept));
  return parts.join('');
}

const closers: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

function funcDeclsUncached(src: Source): FuncDecl[] {
  const out: FuncDecl[] = [];
  const re = /^func\b/gm;
  for (let hit = re.exec(src.masked); hit; hit = re.exec(src.masked)) {
    const decl = funcAt(src, hit.index);
    if (!decl) continue;
    out.push(decl);
    re.lastIndex = decl.bodyEnd;
  }
  return out;
}


function funcAt(src: Source, start: number): FuncDecl | undefined {
  const m = src.masked;
  let i = start + 4;
  const skipWs = () => { while (i < m.length && /\s/.test(m[i])) i++; };
  skipWs();
  let receiver: string | undefined;
  if (m[i] === '(') {
    const e = matchClose(m, i);
    if (e < 0) return undefined;
    receiver = src.text.slice(i + 1, e - 1).trim();
    i = e;
    skipWs();
  }
  const nm = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(m.slice(i, i + 200));
  if (!nm) return undefined;
  const nameStart = i;
  i += nm[0].length;
  if (m[i] === '[') { const e = matchClose(m, i); if (e < 0) return undefined; i = e; }
  if (m[i] !== '(') return undefined;
  const pe = matchClose(m, i);
  if (pe < 0) return undefined;
  const params = parseParams(src.text.slice(i + 1, pe - 1));
  const bodyOpen = firstBraceAtDepth0(m, pe);
  if (bodyOpen < 0) return undefined;
  // A declaration without a body (assembly) ends at the newline before any `{`.
  if (m.slice(pe, bodyOpen).includes('\n')) return undefined;
  const bodyEnd = matchClose(m, bodyOpen);
  if (bodyEnd < 0) return undefined;
  const between = src.text.slice(pe, bodyOpen);
  const results = between.trim();
  const resultsStart = pe + (between.length - between.trimStart().length);
  return {
    start, docStart: docStart(src, start), name: nm[0], nameStart, receiver, params,
    results, resultsStart, resultsEnd: resultsStart + results.length, bodyOpen, bodyEnd,
  };
}
function docStart(src: Source, offset: number): number {
  let line = positionAt(src, offset).line;
  while (line > 0 && /^\s*\/\//.test(lineText(src, line - 1))) line--;
  return src.lineStarts[line];
}
function lineText(src: Source, line0: number): string {
  const start = src.lineStarts[line0] ?? src.text.length;
  const next = src.lineStarts[line0 + 1];
  return src.text.slice(start, next === undefined ? src.text.length : next - 1).replace(/\r$/, '');
}
