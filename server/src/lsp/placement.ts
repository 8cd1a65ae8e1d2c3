// Where a compiler finding sits in an LSP document: the compiler counts 1-based
// lines and 1-based BYTE columns; LSP counts 0-based lines and UTF-16 columns.
import type { Range } from 'vscode-languageserver';
import { byteColumnToUtf16 } from '../escape/positions';
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
