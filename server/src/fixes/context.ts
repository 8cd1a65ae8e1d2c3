// The parts every fix generator starts from: the document parsed once, where
// the finding is in it, and the func around it.
import { enclosingFunc, offsetOfFinding, source, type FuncDecl, type Source } from './goSyntax';
import type { FixInput } from './types';

export interface FixContext {
  input: FixInput;
  src: Source;
  /** UTF-16 offset of the finding's position in the document. */
  at: number;
  fn: FuncDecl;
  /** Texts of every file of the package, this document first. */
  pkgTexts: string[];
}

export function fixContext(input: FixInput): FixContext | undefined {
  const src = source(input.text);
  let at = offsetOfFinding(src, input.finding.line, input.finding.column);
  if (at < 0) return undefined;
  // The compiler places calls at their `(`: start at the callee instead.
  if (src.masked[at] === '(') {
    const callee = /[\p{L}_][\p{L}\p{N}_.]*$/u.exec(src.masked.slice(Math.max(0, at - 100), at));
    if (callee) at -= callee[0].length;
  }
  const fn = enclosingFunc(src, at) ?? undefined;
  if (!fn) return undefined;
  return { input, src, at, fn, pkgTexts: [input.text, ...[...input.packageFiles].filter(([p]) => p !== input.path).map(([, t]) => t)] };
}

/** `s` is a Go identifier. */
export const isIdent = (s: string): boolean => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(s);

/** The offset where the root identifier of `expr` (`p` of `p.Tags`) is declared in the func, or -1 for params. */
export function declaredAt(c: FixContext, expr: string): number | undefined {
  const root = expr.split('.')[0];
  if (c.fn.params.some((p) => p.name === root)) return -1;
  if (c.fn.receiver && new RegExp(`^${root}\\s`).test(c.fn.receiver)) return -1;
  const body = c.src.masked.slice(c.fn.bodyOpen, c.fn.bodyEnd);
  const m = new RegExp(`(?:\\bvar\\s+${root}\\b|(?<![\\w.])${root}\\s*(?:,\\s*\\w+\\s*)?:=)`).exec(body);
  return m ? c.fn.bodyOpen + m.index : undefined;
}

/** Brace depth change over masked[from, to): negative when the span leaves a block. */
export function leavesBlock(c: FixContext, from: number, to: number): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const ch = c.src.masked[i];
    if (ch === '{') depth++;
    else if (ch === '}' && --depth < 0) return true;
  }
  return false;
}

/** Is masked[from, to) inside a deeper block than `from` (at `to`)? */
export function depthBetween(c: FixContext, from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const ch = c.src.masked[i];
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
  }
  return depth;
}
