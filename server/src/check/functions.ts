// Which function a source line belongs to, and what each function's body looks like
// (for matching a renamed function with its old self). Pure.
import { funcDecls, positionAt, source } from './goSource';

export interface FuncInfo {
  /** `F`, `(*T).M`, `T.M` (type parameters dropped). */
  name: string;
  /** 1-based line of the `func` keyword. */
  line: number;
  /** 1-based line of the doc comment's first line (or `line`). */
  docLine: number;
  /** 1-based line of the body's opening brace. */
  bodyLine: number;
  /** 1-based line of the closing brace. */
  endLine: number;
  /** Tokens of the body (comments and string contents blanked), for similarity. */
  tokens: string[];
}

/** The qualified name of a method or function: `(*T).M`, `T.M`, `F`. */
export function qualifiedName(name: string, receiver: string | undefined): string {
  if (!receiver) return name;
  // `s *Server[K, V]` or `*Server` → `(*Server)`
  const type = receiver.replace(/^[\p{L}_][\p{L}\p{N}_]*\s+(?=[*\p{L}_])/u, '').replace(/\[.*\]$/s, '').replace(/\s+/g, '');
  return type.startsWith('*') ? `(${type}).${name}` : `${type}.${name}`;
}

/** Every top-level function of a Go file, in order. */
export function functionsOf(text: string): FuncInfo[] {
  const src = source(text);
  return funcDecls(src).map((d) => ({
    name: qualifiedName(d.name, d.receiver),
    line: positionAt(src, d.start).line + 1,
    docLine: positionAt(src, d.docStart).line + 1,
    bodyLine: positionAt(src, d.bodyOpen).line + 1,
    endLine: positionAt(src, d.bodyEnd - 1).line + 1,
    tokens: tokens(src.masked.slice(d.bodyOpen, d.bodyEnd)),
  }));
}

function tokens(masked: string): string[] {
  return masked.match(/[\p{L}_][\p{L}\p{N}_]*|\d[\w.]*|[^\s\w]/gu) ?? [];
}

/** The function whose declaration (signature or body) holds `line`, by binary search. */
export function functionAt(funcs: readonly FuncInfo[], line: number): FuncInfo | undefined {
  let lo = 0;
  let hi = funcs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = funcs[mid];
    if (line < f.line) hi = mid - 1;
    else if (line > f.endLine) lo = mid + 1;
    else return f;
  }
  return undefined;
}

/**
 * How alike two bodies are: the Dice coefficient of their token multisets (1 = same
 * tokens). Renames and small edits keep it high; a different function scores low.
 */
export function similarity(a: readonly string[], b: readonly string[]): number {
  if (!a.length && !b.length) return 1;
  const counts = new Map<string, number>();
  for (const t of a) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of b) {
    const n = counts.get(t);
    if (n) { common++; counts.set(t, n - 1); }
  }
  return (2 * common) / (a.length + b.length);
}
