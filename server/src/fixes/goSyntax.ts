// Just enough Go syntax for the quick fixes: a "masked" copy of the source in
// which comments, strings and runes are blanked (so regexes and bracket
// matching never trip on them), bracket matching, the enclosing func and
// for-loops, parameter lists, and import editing that gofmt accepts as is.
// Pure: no vscode or language-server imports.
import { byteColumnToUtf16 } from '../escape/positions';
import type { Position, Range, TextEditPlain } from './types';

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

export function rangeOf(src: Source, from: number, to: number): Range {
  return { start: positionAt(src, from), end: positionAt(src, to) };
}

export function edit(src: Source, from: number, to: number, newText: string, path?: string): TextEditPlain {
  return path === undefined ? { range: rangeOf(src, from, to), newText } : { range: rangeOf(src, from, to), newText, path };
}

export function lineText(src: Source, line0: number): string {
  const start = src.lineStarts[line0] ?? src.text.length;
  const next = src.lineStarts[line0 + 1];
  return src.text.slice(start, next === undefined ? src.text.length : next - 1).replace(/\r$/, '');
}

/** Offset of a compiler position (1-based line, 1-based byte column), or -1 when outside the text. */
export function offsetOfFinding(src: Source, line1: number, column1: number | null): number {
  const start = src.lineStarts[line1 - 1];
  if (start === undefined) return -1;
  const text = lineText(src, line1 - 1);
  if (column1 === null) return start + (text.length - text.trimStart().length);
  return start + byteColumnToUtf16(text, column1);
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

/** The func declaration whose `func` keyword is at `start` (column 0), or undefined. */
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

/** Where the `//` comment block directly above `offset`'s line begins. */
function docStart(src: Source, offset: number): number {
  let line = positionAt(src, offset).line;
  while (line > 0 && /^\s*\/\//.test(lineText(src, line - 1))) line--;
  return src.lineStarts[line];
}

export function enclosingFunc(src: Source, offset: number): FuncDecl | undefined {
  // Walk back over top-level `func` keywords: the nearest one whose body holds the offset.
  for (let i = src.masked.lastIndexOf('\nfunc', offset); i >= 0; i = src.masked.lastIndexOf('\nfunc', i - 1)) {
    const f = /^func\b/.test(src.masked.slice(i + 1, i + 6)) ? funcAt(src, i + 1) : undefined;
    if (f && f.bodyOpen < offset && offset < f.bodyEnd) return f;
    if (f && f.bodyEnd <= offset) return undefined;
    if (i === 0) break;
  }
  return src.masked.startsWith('func') ? [funcAt(src, 0)].find((f) => f && f.bodyOpen < offset && offset < f.bodyEnd) : undefined;
}

export interface ForLoop {
  start: number;
  /** The header between `for` and `{`, trimmed. */
  header: string;
  bodyOpen: number;
  bodyEnd: number;
}

/** The for-loops whose bodies contain `offset`, innermost first. */
export function enclosingLoops(src: Source, fn: FuncDecl, offset: number): ForLoop[] {
  const out: ForLoop[] = [];
  const re = /\bfor\b/g;
  re.lastIndex = fn.bodyOpen;
  for (let hit = re.exec(src.masked); hit && hit.index < fn.bodyEnd; hit = re.exec(src.masked)) {
    const open = firstBraceAtDepth0(src.masked, hit.index + 3, fn.bodyEnd);
    if (open < 0) continue;
    const end = matchClose(src.masked, open);
    if (end < 0) continue;
    if (open < offset && offset < end) out.push({ start: hit.index, header: src.text.slice(hit.index + 3, open).trim(), bodyOpen: open, bodyEnd: end });
  }
  return out.reverse();
}

/** What a loop ranges over, for loops over something with a length. */
export interface LoopShape {
  /** The expression the length is taken of (`products`, `p.Tags`). */
  over: string;
  key?: string;
  value?: string;
}

export function loopShape(header: string): LoopShape | undefined {
  const r = /^(?:([\p{L}_][\p{L}\p{N}_]*)\s*(?:,\s*([\p{L}_][\p{L}\p{N}_]*))?\s*:=\s*)?range\s+([\p{L}_][\p{L}\p{N}_.]*)$/u.exec(header);
  if (r) return { over: r[3], key: r[1] === '_' ? undefined : r[1], value: r[2] === '_' ? undefined : r[2] };
  const c = /^([\p{L}_][\p{L}\p{N}_]*)\s*:=\s*0\s*;\s*\1\s*<\s*len\(([\p{L}_][\p{L}\p{N}_.]*)\)\s*;\s*\1\+\+$/u.exec(header);
  if (c) return { over: c[2], key: c[1] };
  return undefined;
}

/** Offsets of the identifier `name` in masked[from, to), not as a field (`x.name`) or a key (`name:`). */
export function identUses(src: Source, name: string, from: number, to: number): number[] {
  const out: number[] = [];
  const re = new RegExp(`(?<![\\p{L}\\p{N}_.])${escapeRe(name)}(?![\\p{L}\\p{N}_])`, 'gu');
  re.lastIndex = from;
  for (let hit = re.exec(src.masked); hit && hit.index < to; hit = re.exec(src.masked)) out.push(hit.index);
  return out;
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Indentation of the line holding `offset`. */
export function indentAt(src: Source, offset: number): string {
  const line = lineText(src, positionAt(src, offset).line);
  return /^[\t ]*/.exec(line)![0];
}

export interface ImportSpec { path: string; name?: string; lineStart: number; lineEnd: number }
export interface Imports {
  specs: ImportSpec[];
  /** The `import (` … `)` block, if any. */
  block?: { start: number; open: number; close: number };
  /** Offset just past the package clause line. */
  afterPackage: number;
  /** Single-line `import "x"` declarations. */
  singles: { start: number; end: number; spec: ImportSpec }[];
}

export function imports(src: Source): Imports {
  const m = src.masked;
  const pkg = /^package\s+\w+[^\n]*\n?/m.exec(m);
  const afterPackage = pkg ? pkg.index + pkg[0].length : 0;
  const specs: ImportSpec[] = [];
  const singles: Imports['singles'] = [];
  let block: Imports['block'];
  const re = /^import\s*(\(|([\p{L}_.][\p{L}\p{N}_]*\s+)?")/gmu;
  for (let hit = re.exec(m); hit; hit = re.exec(m)) {
    if (hit[1] === '(') {
      const open = hit.index + hit[0].length - 1;
      const close = matchClose(m, open) - 1;
      if (close < 0) break;
      block ??= { start: hit.index, open, close };
      for (let i = positionAt(src, open).line + 1; i < positionAt(src, close).line; i++) {
        const s = /^\s*(?:([\p{L}_.][\p{L}\p{N}_]*)\s+)?"([^"]+)"/u.exec(lineText(src, i));
        if (s) specs.push({ path: s[2], name: s[1], lineStart: src.lineStarts[i], lineEnd: src.lineStarts[i + 1] ?? src.text.length });
      }
      re.lastIndex = close;
    } else {
      const line = positionAt(src, hit.index).line;
      const s = /^import\s+(?:([\p{L}_.][\p{L}\p{N}_]*)\s+)?"([^"]+)"/u.exec(lineText(src, line));
      if (!s) continue;
      const spec = { path: s[2], name: s[1], lineStart: src.lineStarts[line], lineEnd: src.lineStarts[line + 1] ?? src.text.length };
      specs.push(spec);
      singles.push({ start: spec.lineStart, end: spec.lineEnd, spec });
    }
  }
  return { specs, block, afterPackage, singles };
}

/** The edit that imports `path` (standard library), or none when it already is. gofmt-sorted. */
export function addImport(src: Source, path: string): TextEditPlain[] {
  const im = imports(src);
  if (im.specs.some((s) => s.path === path && !s.name)) return [];
  if (im.block) {
    // Insert into the first group (gofmt sorts within a group), before the first larger path.
    const inBlock = im.specs.filter((s) => s.lineStart > im.block!.open && s.lineStart < im.block!.close);
    let at = inBlock.length ? inBlock[0].lineStart : positionLineStart(src, im.block.close);
    for (const s of inBlock) {
      if (/^\s*$/.test(src.text.slice(at, s.lineStart))) at = s.lineStart;
      const between = src.text.slice(inBlock[0].lineStart, s.lineStart);
      if (/\n\s*\n/.test(between)) break; // a second group: stop at the end of the first
      if (s.path > path) { at = s.lineStart; break; }
      at = s.lineEnd;
    }
    return [edit(src, at, at, `\t"${path}"\n`)];
  }
  if (im.singles.length) {
    // Another single-line declaration after the last one: gofmt-clean and never reorders.
    const last = im.singles[im.singles.length - 1];
    return [edit(src, last.end, last.end, `import "${path}"\n`)];
  }
  return [edit(src, im.afterPackage, im.afterPackage, `\nimport "${path}"\n`)];
}

function positionLineStart(src: Source, offset: number): number {
  return src.lineStarts[positionAt(src, offset).line];
}

/** The edit that removes the import of `path` (when it has no name), or none. */
export function removeImport(src: Source, path: string): TextEditPlain[] {
  const im = imports(src);
  const spec = im.specs.find((s) => s.path === path && !s.name);
  if (!spec) return [];
  const single = im.singles.find((s) => s.spec === spec);
  if (single) return [edit(src, single.start, single.end, '')];
  const inBlock = im.specs.filter((s) => im.block && s.lineStart > im.block.open && s.lineStart < im.block.close);
  if (inBlock.length === 1 && im.block) {
    const end = src.lineStarts[positionAt(src, im.block.close).line + 1] ?? src.text.length;
    // Also drop the blank line that separated it from what follows.
    const after = /^\n/.test(src.text.slice(end)) ? end + 1 : end;
    return [edit(src, im.block.start, after, '')];
  }
  return [edit(src, spec.lineStart, spec.lineEnd, '')];
}

/** Applies non-overlapping edits of one document (offsets from the original text). */
export function applyEdits(text: string, edits: readonly TextEditPlain[]): string {
  const src = source(text);
  const off = (p: Position) => (src.lineStarts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start) || off(b.range.end) - off(a.range.end));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

/** Does the code (outside comments and strings) use package `name` (as in `name.X`)? */
export function usesPackage(text: string, name: string): boolean {
  return new RegExp(`(?<![\\p{L}\\p{N}_.])${escapeRe(name)}\\s*\\.`, 'u').test(mask(text).replace(/^import[\s\S]*?\n\)|^import[^\n]*/gm, ''));
}

/** `go 1.21` >= `1.20`? Unknown versions count as old. */
export function goAtLeast(version: string | undefined, minor: number): boolean {
  const m = /^1\.(\d+)/.exec(version ?? '');
  return !!m && +m[1] >= minor;
}

/** The type of a simple expression (`x`, `x.f`, `x.f.g`) from the func's params and locals and the package's struct types. */
export function typeOf(expr: string, fn: FuncDecl, src: Source, pkgTexts: readonly string[]): string | undefined {
  const parts = expr.split('.');
  let t = localType(parts[0], fn, src);
  for (const field of parts.slice(1)) {
    if (!t) return undefined;
    t = fieldType(t.replace(/^\*/, ''), field, pkgTexts);
  }
  return t;
}

function localType(name: string, fn: FuncDecl, src: Source): string | undefined {
  const p = fn.params.find((q) => q.name === name);
  if (p) return p.type.replace(/^\.\.\./, '[]');
  const body = src.masked.slice(fn.bodyOpen, fn.bodyEnd);
  const v = new RegExp(`(?:^|\\n)\\s*var\\s+${escapeRe(name)}\\s+([^=\\n]+?)\\s*(?:=|\\n)`).exec(body);
  if (v) return v[1].trim();
  const mk = new RegExp(`(?:^|\\n)\\s*${escapeRe(name)}\\s*:=\\s*make\\(([^,)]+)`).exec(body);
  if (mk) return mk[1].trim();
  const lit = new RegExp(`(?:^|\\n)\\s*${escapeRe(name)}\\s*:=\\s*(\\[\\][\\w.*]+|[A-Z]\\w*)\\{`).exec(body);
  if (lit) return lit[1];
  return undefined;
}

/**
 * The last match of a declaration pattern (group 1 = the line's indent) in `body`, which
 * starts at `offset` in the file: the declaration nearest before the loop that uses it.
 */
export function lastDeclaration(decl: RegExp, body: string, offset: number): { match: RegExpExecArray; start: number; end: number } | undefined {
  let found: RegExpExecArray | null = null;
  for (let m = decl.exec(body); m; m = decl.exec(body)) found = m;
  if (!found) return undefined;
  const start = offset + found.index + found[1].length;
  return { match: found, start, end: start + found[0].slice(found[1].length).trimEnd().length };
}

/** The field list of `type Name struct { … }` in the package's files: the text and its masked twin. */
export function structBody(typeName: string, pkgTexts: readonly string[]): { text: string; masked: string } | undefined {
  for (const text of pkgTexts) {
    const m = mask(text);
    const decl = new RegExp(`^type\\s+${escapeRe(typeName)}\\s+struct\\s*\\{`, 'm').exec(m);
    if (!decl) continue;
    const open = decl.index + decl[0].length - 1;
    const close = matchClose(m, open);
    if (close < 0) return undefined;
    return { text: text.slice(open + 1, close - 1), masked: m.slice(open + 1, close - 1) };
  }
  return undefined;
}

function fieldType(typeName: string, field: string, pkgTexts: readonly string[]): string | undefined {
  if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(typeName)) return undefined;
  for (const line of structBody(typeName, pkgTexts)?.text.split('\n') ?? []) {
    const f = /^\s*([\p{L}_][\p{L}\p{N}_]*(?:\s*,\s*[\p{L}_][\p{L}\p{N}_]*)*)\s+([^\s/`]+)/u.exec(line);
    if (f && f[1].split(/\s*,\s*/).includes(field)) return f[2];
  }
  return undefined;
}

/** The element type of a slice/array/map type (the value type for maps). */
export function elemType(t: string): { key: string; value: string } | undefined {
  const s = /^(?:\[\]|\[\d+\])(.+)$/.exec(t);
  if (s) return { key: 'int', value: s[1] };
  if (t.startsWith('map[')) {
    const close = matchClose(t, 3);
    if (close < 0) return undefined;
    return { key: t.slice(4, close - 1), value: t.slice(close) };
  }
  if (t === 'string') return { key: 'int', value: 'rune' };
  return undefined;
}

/** Does `t` have a length (`len` compiles on it)? */
export function hasLength(t: string | undefined): boolean {
  return !!t && (/^(\[\]|\[\d+\]|map\[)/.test(t) || t === 'string');
}

/** The statement (line-wise) holding `offset`: [start of line, end of line). */
export function lineBounds(src: Source, offset: number): [number, number] {
  const line = positionAt(src, offset).line;
  const start = src.lineStarts[line];
  const next = src.lineStarts[line + 1];
  return [start, next === undefined ? src.text.length : next - 1];
}
