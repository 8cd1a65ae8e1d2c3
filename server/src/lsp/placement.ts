// Where a compiler finding sits in an LSP document: the compiler counts 1-based
// lines and 1-based BYTE columns; LSP counts 0-based lines and UTF-16 columns.
import type { Range } from 'vscode-languageserver';
import { byteColumnToUtf16 } from '../escape/positions';
import { maskLine } from '../escape/signal';
import { readSmallTextFile } from '../limits/files';

/** The text of one line of a file (1-based), from the editor when it is open, else from disk. */
export type LineSource = (file: string, line1: number) => string | undefined;

/**
 * A line source for one publish pass: open documents first (what the compiler
 * saw for overlays, and what the user sees), disk otherwise, each file read once.
 * Files over `maxBytes` are not read; their findings get whole-line ranges.
 */
export function lineSource(openText: (file: string) => string | undefined, maxBytes = 16 * 1024 * 1024): LineSource {
  const cache = new Map<string, string[] | undefined>();
  return (file, line1) => {
    let lines = cache.get(file);
    if (!cache.has(file)) {
      let text = openText(file);
      if (text === undefined) {
        text = readSmallTextFile(file, maxBytes);
      }
      lines = text?.split(/\r?\n/);
      cache.set(file, lines);
    }
    return lines?.[line1 - 1];
  };
}

const closers: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

/** The end (UTF-16 offset in `text`) of the bracket group opening at `open`, or -1. */
function matchBracket(text: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c in closers) stack.push(closers[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (!stack.length) return i + 1;
    } else if (c === '"' || c === '`') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return -1;
      i = end;
    }
  }
  return -1;
}

/**
 * How many UTF-16 units of `rest` (the line from the finding's column on) the
 * subject covers. The compiler abbreviates composite literals and calls
 * (`&T{...}`, `fmt.Sprintf(...)`), so a prefix match is extended over the
 * bracket group; failing that, the identifier at the column; failing that, 1.
 */
export function subjectLength(rest: string, subject: string | undefined): number {
  if (subject) {
    const cut = subject.indexOf('...');
    const prefix = cut < 0 ? subject : subject.slice(0, cut);
    if (prefix && rest.startsWith(prefix)) {
      if (cut < 0) return prefix.length;
      const open = prefix.length - 1;
      if (rest[open] in closers) {
        const end = matchBracket(rest, open);
        if (end > 0) return end;
      }
      return prefix.length;
    }
  }
  const ident = /^[\p{L}\p{N}_]+/u.exec(rest);
  return ident ? ident[0].length : Math.min(1, rest.length);
}

/** The LSP range of a finding at `line1:column1` (1-based, byte column or null). */
export function placeRange(lineText: string | undefined, line1: number, column1: number | null, subject?: string): Range {
  const line = Math.max(0, line1 - 1);
  if (lineText === undefined) return { start: { line, character: 0 }, end: { line, character: 0 } };
  if (column1 === null) {
    const indent = lineText.length - lineText.trimStart().length;
    return { start: { line, character: indent }, end: { line, character: lineText.length } };
  }
  const start = Math.min(byteColumnToUtf16(lineText, column1), lineText.length);
  const end = start + subjectLength(lineText.slice(start), subject);
  return { start: { line, character: start }, end: { line, character: end } };
}

/** The source text a range covers when it is on one line (what the developer wrote there). */
export function rangeText(read: (line1: number) => string | undefined, r: Range): string | undefined {
  if (r.start.line !== r.end.line || r.end.character <= r.start.character) return undefined;
  return read(r.start.line + 1)?.slice(r.start.character, r.end.character);
}

/** 0-based lines (relative to the finding's) of masked source, read on demand. */
type MaskedLines = (line: number) => string | undefined;

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const IDENT_CHAR = /[\p{L}\p{N}_]/u;

/** 0-based position (line index into `masked`, UTF-16 offset) just past the group opening at `at`. */
function closeOf(get: MaskedLines, line: number, at: number): { line: number; ch: number } | undefined {
  const stack: string[] = [];
  for (let l = line, t = get(l); t !== undefined; t = get(++l)) {
    for (let i = l === line ? at : 0; i < t.length; i++) {
      const c = t[i];
      if (c in OPENERS) stack.push(OPENERS[c]);
      else if (c === ')' || c === ']' || c === '}') {
        if (c !== stack.pop()) return undefined;
        if (!stack.length) return { line: l, ch: i + 1 };
      }
    }
  }
  return undefined;
}

/** Start of the operand that ends just before `end` on one masked line: `pkg.T`, `[]byte`, `F[int]`, `(*T)`. */
function operandStart(t: string, end: number): number {
  let i = end;
  for (;;) {
    const c = t[i - 1];
    if (c === '"' || c === '`' || c === '\'') {
      // A string or rune literal (blanked inside): back to its opening quote.
      const open = t.lastIndexOf(c, i - 2);
      return open < 0 ? i : open;
    }
    if (i > 0 && IDENT_CHAR.test(c)) {
      while (i > 0 && IDENT_CHAR.test(t[i - 1])) i--;
    } else if (c === ']' || c === ')' || c === '}') {
      const open = c === ']' ? '[' : c === ')' ? '(' : '{';
      let depth = 0;
      let j = i - 1;
      for (; j >= 0; j--) {
        if (t[j] === c) depth++;
        else if (t[j] === open && --depth === 0) break;
      }
      if (j < 0) return i;
      i = j;
    } else if (c === '.' && i > 1) {
      i--;
      continue;
    } else if (c === '*' && t[i - 2] === '(') {
      i--;
      continue;
    } else {
      return i;
    }
    if (t[i - 1] !== '.' && t[i - 1] !== ']' && t[i - 1] !== ')' && !IDENT_CHAR.test(t[i - 1] ?? ' ')) return i;
    if (t[i - 1] === ')' && t[i] !== '(') return i;
  }
}

/** End of an operand starting at `at`: identifiers, selectors, calls, indexes, literals. */
function operandEnd(get: MaskedLines, line: number, at: number): { line: number; ch: number } {
  const t = get(line) ?? '';
  let i = at;
  if (t[i] === '"' || t[i] === '`' || t[i] === '\'') {
    const close = t.indexOf(t[i], i + 1);
    return { line, ch: close < 0 ? t.length : close + 1 };
  }
  if (t.startsWith('func', i) && !IDENT_CHAR.test(t[i + 4] ?? ' ')) return closureEnd(get, line, i);
  while (i < t.length) {
    if (IDENT_CHAR.test(t[i]) || t[i] === '.' || t[i] === '*' || t[i] === '&') { i++; continue; }
    if (t[i] in OPENERS) {
      const end = closeOf(get, line, i);
      if (!end) return { line, ch: t.length };
      if (end.line !== line) return end;
      i = end.ch;
      continue;
    }
    break;
  }
  return { line, ch: i };
}

/** A function literal from its `func` keyword to the brace closing its body. */
function closureEnd(get: MaskedLines, line: number, at: number): { line: number; ch: number } {
  let l = line;
  let i = at + 4;
  // Skip the signature (parentheses may nest: func(f func(int)) (x, y int) {) up to the body's brace.
  const whole = { line, ch: (get(line) ?? '').length };
  for (let n = 0, t = get(l); n < 50 && t !== undefined; n++, t = get(l)) {
    while (i < t.length) {
      if (t[i] === '(' || t[i] === '[') {
        const e = closeOf(get, l, i);
        if (!e) return whole;
        l = e.line; i = e.ch;
        continue;
      }
      if (t[i] === '{') return closeOf(get, l, i) ?? whole;
      i++;
    }
    l++; i = 0;
  }
  return whole;
}

/**
 * The range of the whole expression a finding is about, not the one character the
 * compiler points at: it points at the `(` of a call or conversion, the `{` of a
 * composite literal, the `&` of `&T{…}`, the `func` of a closure, the operator of
 * `a + b`. An expression that spans lines is underlined to the end of its first line.
 * `read` gives 1-based lines (undefined past the end); the column is 1-based bytes.
 */
export function expressionRange(read: (line1: number) => string | undefined, line1: number, column1: number | null, subject?: string): Range {
  const first = read(line1);
  if (first === undefined || column1 === null) return placeRange(first, line1, column1, subject);
  // Following lines are read on demand, for groups that close further down (at most 200 lines).
  // An odd number of backquotes before the column: the line begins inside a raw string
  // that opened lines above, and its first backquote closes it.
  const at0 = byteColumnToUtf16(first, column1);
  const ticks = first.slice(0, at0).split('`').length - 1;
  const firstMasked = ticks % 2 === 1
    ? ' '.repeat(first.indexOf('`') + 1) + maskLine(first.slice(first.indexOf('`') + 1))
    : maskLine(first);
  const masked: string[] = [firstMasked];
  const more: MaskedLines = (l) => {
    if (l >= 200) return undefined;
    while (masked.length <= l) {
      const next = read(line1 + masked.length);
      if (next === undefined) return undefined;
      masked.push(maskLine(next));
    }
    return masked[l];
  };
  const t = masked[0];
  const at = Math.min(byteColumnToUtf16(first, column1), t.length);
  const c = t[at];
  let start = at;
  let end: { line: number; ch: number } | undefined;
  if (c === '(' || c === '[') {
    start = operandStart(t, at);
    end = closeOf(more, 0, at);
    // `[]T{...}` reported at its bracket, or a generic `F[T](...)`: take what follows too.
    if (end && end.line === 0 && c === '[') end = operandEnd(more, 0, at);
  } else if (c === '{') {
    start = operandStart(t, at);
    if (t[start - 1] === '&') start--;
    end = closeOf(more, 0, at);
  } else if (c === '&') {
    end = operandEnd(more, 0, at + 1);
  } else if (c === '.' && IDENT_CHAR.test(t[at + 1] ?? ' ')) {
    // A selector (`r.URL.RawQuery`, a method value `x.ServeHTTP`) is reported at its dot.
    start = operandStart(t, at);
    let e = at + 1;
    while (e < t.length && IDENT_CHAR.test(t[e])) e++;
    end = { line: 0, ch: e };
  } else if (c === '+' && subject?.includes(' + ')) {
    // The compiler points at the last `+` of `a + b + c`: walk back over every left operand.
    let s = at;
    for (let k = subject.split(' + ').length - 1; k > 0; k--) {
      let e = s - 1;
      while (e > 0 && t[e] === ' ') e--;
      start = operandStart(t, e + 1);
      s = start - 1;
      while (s > 0 && t[s] === ' ') s--;
      if (t[s] !== '+') break;
    }
    let e = at + 1;
    while (e < t.length && t[e] === ' ') e++;
    end = operandEnd(more, 0, e);
  } else if (c !== undefined && (IDENT_CHAR.test(c) || c === '"' || c === '`' || c === '\'')) {
    const word = /^[\p{L}\p{N}_]+/u.exec(t.slice(at))?.[0] ?? '';
    if (word === 'func' || c === '"' || c === '`' || c === '\'') end = operandEnd(more, 0, at);
    else if (t[at - 1] === '(' && subject && /\)$/.test(subject) && subject.includes(`(${word}`) && subject !== word) {
      // A conversion reported at its operand (`string(v)` at `v`): the whole conversion.
      start = operandStart(t, at - 1);
      end = closeOf(more, 0, at - 1);
    } else return placeRange(first, line1, column1, subject);
  }
  if (!end || start >= (end.line === 0 ? end.ch : Infinity)) return placeRange(first, line1, column1, subject);
  const line = line1 - 1;
  if (end.line !== 0) {
    // Multi-line: the first line, without trailing blanks.
    return { start: { line, character: start }, end: { line, character: first.trimEnd().length } };
  }
  return { start: { line, character: start }, end: { line, character: end.ch } };
}

/** An exact expression extent from the Go helper (1-based lines, byte columns, end exclusive). */
export interface ExactExtent { line?: number; col?: number; endLine?: number; endCol?: number }

/**
 * The LSP range of an expression go/parser delimited, for a finding on line `line1`:
 * on one line, exactly; over several lines, the part on the finding's line, up to
 * its last non-blank character when the expression goes on (a closure's whole body
 * would bury the code it underlines; a string built over a raw literal starts lines
 * above). Undefined when the extent is missing or does not fit the text (the file
 * changed since): then use expressionRange.
 */
export function exactRange(read: (line1: number) => string | undefined, e: ExactExtent, line1 = e.line): Range | undefined {
  if (!e.line || !e.col || !e.endLine || !e.endCol || !line1 || e.endLine < e.line || line1 < e.line || line1 > e.endLine) return undefined;
  const text = read(line1);
  if (text === undefined) return undefined;
  const bytes = Buffer.byteLength(text);
  const line = line1 - 1;
  let start: number;
  if (line1 === e.line) {
    if (bytes < e.col - 1) return undefined;
    start = byteColumnToUtf16(text, e.col);
  } else {
    start = text.length - text.trimStart().length;
  }
  let end: number;
  if (line1 === e.endLine) {
    if (bytes < e.endCol - 1) return undefined;
    end = byteColumnToUtf16(text, e.endCol);
  } else {
    end = text.trimEnd().length;
  }
  return end > start ? { start: { line, character: start }, end: { line, character: end } } : undefined;
}
