// Which function a source line belongs to, and what each function's body looks like
// (for matching a renamed function with its old self). Pure: the functions come from
// Go's parser (outline.ts).

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
  /** Tokens of the body (no comments; a string or rune literal is its quote alone), for similarity. */
  tokens: string[];
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
